import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../src/core/logBuffer';
import { MetricSeries } from '../../src/core/metricSeries';
import { Ring } from '../../src/core/ring';

describe('LogBuffer', () => {
  it('keeps absolute line numbers right after old lines are dropped', () => {
    const buffer = new LogBuffer(3);
    for (let i = 0; i < 5; i++) buffer.push(`line ${i}`, 1000 + i, i % 2 ? 'warn' : 'info', i % 2 ? 'stderr' : 'stdout');
    expect(buffer.size).toBe(3);
    expect(buffer.total).toBe(5);
    expect(buffer.first).toBe(2);
    expect(buffer.dropped).toBe(2);
    expect(buffer.text(1)).toBeUndefined();
    expect(buffer.text(2)).toBe('line 2');
    expect(buffer.get(3)).toEqual({ index: 3, text: 'line 3', at: 1003, level: 'warn', source: 'stderr' });
    expect(buffer.text(5)).toBeUndefined();
    expect(buffer.join()).toBe('line 2\nline 3\nline 4');
  });

  it('push returns the absolute number and forEach walks a range', () => {
    const buffer = new LogBuffer(10);
    expect(buffer.push('a', 0)).toBe(0);
    expect(buffer.push('b', 0)).toBe(1);
    buffer.push('c', 0);
    const seen: string[] = [];
    buffer.forEach((text, i) => seen.push(`${i}:${text}`), 1, 3);
    expect(seen).toEqual(['1:b', '2:c']);
    expect(buffer.level(0)).toBeUndefined();
    expect(buffer.source(0)).toBeUndefined();
  });

  it('clear empties it but numbering continues, and cleared lines are not counted as dropped', () => {
    const buffer = new LogBuffer(4);
    for (let i = 0; i < 6; i++) buffer.push(String(i), 0);
    expect(buffer.dropped).toBe(2);
    buffer.clear();
    expect(buffer.size).toBe(0);
    expect(buffer.dropped).toBe(0);
    expect(buffer.push('next', 0)).toBe(6);
    expect(buffer.text(6)).toBe('next');
    expect(buffer.text(5)).toBeUndefined();
  });

  it('grows its storage with the lines, keeping every field, then wraps at capacity', () => {
    const buffer = new LogBuffer(5_000);
    const level = (i: number) => (i % 3 === 0 ? 'error' : undefined);
    const source = (i: number) => (i % 2 === 0 ? 'stderr' : 'stdout');
    for (let i = 0; i < 7_000; i++) buffer.push(`l${i}`, 10_000 + i, level(i), source(i));
    expect(buffer.size).toBe(5_000);
    expect(buffer.first).toBe(2_000);
    expect(buffer.dropped).toBe(2_000);
    for (const i of [2_000, 2_047, 2_048, 4_095, 4_096, 5_000, 6_999]) {
      expect(buffer.get(i)).toEqual({ index: i, text: `l${i}`, at: 10_000 + i, level: level(i), source: source(i) });
    }
    const seen: number[] = [];
    buffer.forEach((_text, i) => seen.push(i));
    expect(seen).toHaveLength(5_000);
    expect(seen[0]).toBe(2_000);
    expect(seen.at(-1)).toBe(6_999);
  });

  it('refuses a nonsense capacity', () => {
    expect(() => new LogBuffer(0)).toThrow(RangeError);
  });
});

describe('MetricSeries', () => {
  it('keeps the newest points in typed arrays and copies a time window', () => {
    const series = new MetricSeries(4);
    for (let i = 0; i < 6; i++) series.push(i * 1000, i * 10);
    expect(series.size).toBe(4);
    expect(series.latest).toBe(50);
    expect(series.latestAt).toBe(5000);
    const times = new Float64Array(8);
    const values = new Float64Array(8);
    expect(series.copyInto(times, values)).toBe(4);
    expect([...values.subarray(0, 4)]).toEqual([20, 30, 40, 50]);
    expect(series.copyInto(times, values, 3500)).toBe(2);
    expect([...times.subarray(0, 2)]).toEqual([4000, 5000]);
  });
});

describe('Ring', () => {
  it('drops the oldest at capacity and lists newest first', () => {
    const ring = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.newestFirst()).toEqual([5, 4, 3]);
    expect(ring.at(0)).toBe(3);
    expect(ring.last()).toBe(5);
  });
});
