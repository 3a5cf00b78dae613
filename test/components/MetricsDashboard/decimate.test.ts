// decimateLine: at most two vertices per pixel column, extremes kept in the order they came, NaN bridged.
import { describe, expect, it } from 'vitest';
import { decimateLine, type AxisMap } from '../../../src/components/MetricsDashboard/decimate';

/** `n` samples one second apart from t = 0, mapped to `columns` pixels; y is 100 px tall for 0..100. */
const run = (ys: readonly number[], columns: number) => {
  const xs = ys.map((_, i) => i * 1_000);
  const x: AxisMap = { base: 0, origin: 0, scale: columns / (xs[xs.length - 1]! || 1) };
  const y: AxisMap = { base: 100, origin: 0, scale: -1 };
  const out = new Float64Array(ys.length * 2);
  const n = decimateLine(xs, ys, 0, ys.length - 1, x, y, out);
  return Array.from({ length: n }, (_, k) => [out[k * 2]!, out[k * 2 + 1]!] as const);
};

describe('decimateLine', () => {
  it('draws 3 600 samples on 300 columns with at most two vertices per column, keeping a one-sample spike', () => {
    const ys = Array.from({ length: 3_600 }, (_, i) => (i === 1_801 ? 95 : 40 + (i % 7)));
    const vertices = run(ys, 300);
    expect(vertices.length).toBeLessThanOrEqual(2 * 301);
    const perColumn = new Map<number, number>();
    for (const [x] of vertices) perColumn.set(x, (perColumn.get(x) ?? 0) + 1);
    expect(Math.max(...perColumn.values())).toBe(2);
    // The spike's pixel (100 - 95) and the floor of the band (100 - 40) are both there.
    expect(vertices.some(([, y]) => y === 5)).toBe(true);
    expect(Math.max(...vertices.map(([, y]) => y))).toBe(60);
    // Columns left to right, one after another.
    const xs = vertices.map(([x]) => x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('keeps the order of the extremes within a column: a fall is drawn as a fall', () => {
    // Four samples in the first column, falling from 90 to 10, then four of 50 in the second.
    const ys = [90, 70, 30, 10, 50, 50, 50, 50];
    const vertices = run(ys, 1);
    expect(vertices).toEqual([
      [0, 10],
      [0, 90],
      [1, 50],
    ]);
  });

  it('passes sparse data through, one vertex per sample, rounded to pixels', () => {
    expect(run([10, 20.4, 30.6], 100)).toEqual([
      [0, 90],
      [50, 80],
      [100, 69],
    ]);
  });

  it('skips NaN samples and bridges them, as the line did before', () => {
    expect(run([10, Number.NaN, 30], 100)).toEqual([
      [0, 90],
      [100, 70],
    ]);
    expect(run([Number.NaN, Number.NaN], 10)).toEqual([]);
  });
});
