import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../src/core/logBuffer';
import { LineIndex, inferLevel, lineLevel, normalizeLevel } from '../../src/components/LogViewer/lineIndex';

const fill = (buffer: LogBuffer, from: number, to: number) => {
  for (let i = from; i < to; i++) buffer.push(i % 10 === 0 ? `match ${i}` : `other ${i}`, 0);
};

describe('LineIndex', () => {
  it('tests each new line once as the buffer grows, never rescanning', () => {
    const buffer = new LogBuffer(1_000);
    let tested = 0;
    const index = new LineIndex((text) => {
      tested++;
      return text.startsWith('match');
    });
    fill(buffer, 0, 100);
    index.sync(buffer, buffer.total);
    expect(tested).toBe(100);
    expect(index.size).toBe(10);
    for (let frame = 0; frame < 50; frame++) {
      fill(buffer, buffer.total, buffer.total + 4);
      index.sync(buffer, buffer.total);
      index.sync(buffer, buffer.total); // a second render in the same frame does nothing
    }
    expect(tested).toBe(300);
    expect(index.size).toBe(30);
    expect(index.lineAt(index.firstOrdinal)).toBe(0);
    expect(index.lineAt(index.endOrdinal - 1)).toBe(290);
  });

  it('drops entries the ring dropped, keeping ordinals stable', () => {
    const buffer = new LogBuffer(100);
    const index = new LineIndex((text) => text.startsWith('match'));
    fill(buffer, 0, 100);
    index.sync(buffer, 100);
    const ordinalOf50 = index.ordinalOf(50);
    fill(buffer, 100, 160); // lines 0..59 fall out
    index.sync(buffer, 160);
    expect(index.lineAt(index.firstOrdinal)).toBe(60);
    expect(index.size).toBe(10);
    expect(index.ordinalOf(60)).toBe(ordinalOf50 + 1);
    expect(index.has(50)).toBe(false);
    expect(index.has(70)).toBe(true);
  });

  it('compacts after many drops without changing ordinals', () => {
    const buffer = new LogBuffer(200);
    const index = new LineIndex(() => true);
    // Synced every 50 lines: every line gets an entry, so ordinal = line here.
    for (let end = 50; end <= 5_000; end += 50) {
      fill(buffer, end - 50, end);
      index.sync(buffer, end);
      expect(index.lineAt(index.firstOrdinal)).toBe(index.firstOrdinal);
      expect(index.lineAt(index.endOrdinal - 1)).toBe(end - 1);
    }
    expect(index.size).toBe(200);
    expect(index.firstOrdinal).toBe(4_800);
    expect(index.ordinalOf(4_900)).toBe(4_900);
  });

  it('moves to next and previous entries with wrap-around', () => {
    const buffer = new LogBuffer(1_000);
    const index = new LineIndex((text) => text.startsWith('match'));
    fill(buffer, 0, 50);
    index.sync(buffer, 50);
    expect(index.next(0)).toBe(10);
    expect(index.next(15)).toBe(20);
    expect(index.next(40)).toBe(0);
    expect(index.previous(10)).toBe(0);
    expect(index.previous(0)).toBe(40);
    expect(index.previous(25)).toBe(20);
  });

  it('stops at its time budget and resumes where it stopped', () => {
    const buffer = new LogBuffer(20_000);
    fill(buffer, 0, 20_000);
    let tested = 0;
    const index = new LineIndex((text) => {
      tested++;
      const until = performance.now() + 0.01;
      while (performance.now() < until); // a slow predicate: 20 000 lines take 200 ms
      return text.startsWith('match');
    });
    expect(index.sync(buffer, buffer.total, 5)).toBe(false);
    expect(index.complete).toBe(false);
    expect(tested).toBeLessThan(20_000);
    const first = tested;
    index.sync(buffer, buffer.total, 5);
    expect(tested).toBeGreaterThan(first);
    while (!index.sync(buffer, buffer.total, 50));
    expect(tested).toBe(20_000);
    expect(index.size).toBe(2_000);
  });

  it('starts over for a different buffer (another stream)', () => {
    const a = new LogBuffer(10);
    const b = new LogBuffer(10);
    fill(a, 0, 10);
    b.push('match b', 0);
    const index = new LineIndex((text) => text.startsWith('match'));
    index.sync(a, 10);
    expect(index.size).toBe(1);
    index.sync(b, 1);
    expect(index.size).toBe(1);
    expect(index.lineAt(index.firstOrdinal)).toBe(0);
  });
});

describe('levels', () => {
  it('normalizes the usual spellings', () => {
    expect(normalizeLevel('WARNING')).toBe('warn');
    expect(normalizeLevel('Fatal')).toBe('error');
    expect(normalizeLevel('trace')).toBe('debug');
    expect(normalizeLevel('command')).toBe('command');
    expect(normalizeLevel('')).toBeUndefined();
  });

  it('infers a level from upper-case tokens or level= near the start, not from prose', () => {
    expect(inferLevel('2025-06-01 12:00:00 [WARN] http slow')).toBe('warn');
    expect(inferLevel('ERROR: boom')).toBe('error');
    expect(inferLevel('ts=1 level=debug msg=x')).toBe('debug');
    expect(inferLevel('{"level":"error","msg":"x"}')).toBeUndefined();
    expect(inferLevel('no error found in 3 files')).toBeUndefined();
  });

  it("prefers the event's own level, else reads the text without its colours", () => {
    const buffer = new LogBuffer(10);
    buffer.push('\x1b[1mINFO\x1b[0m but the server says error', 0, 'error');
    buffer.push('\x1b[1mINFO\x1b[0m started', 0);
    expect(lineLevel(buffer, 0, buffer.text(0)!)).toBe('error');
    expect(lineLevel(buffer, 1, buffer.text(1)!)).toBe('info');
  });
});
