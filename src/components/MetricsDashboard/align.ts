import type { MetricSeries } from '../../core/metricSeries';

/**
 * Typed arrays reused between frames: the shared time axis, one value array per series, and
 * scratch for series that must be aligned. They grow (rarely) to the rings' capacity.
 */
export class WindowBuffers {
  x: Float64Array;
  readonly y: Float64Array[] = [];
  private t: Float64Array;
  private v: Float64Array;

  constructor(
    private seriesCount: number,
    private capacity = 0,
  ) {
    this.x = new Float64Array(capacity);
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
    for (let i = 0; i < seriesCount; i++) this.y.push(new Float64Array(capacity));
  }

  private ensure(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.capacity = capacity;
    this.x = new Float64Array(capacity);
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
    for (let i = 0; i < this.seriesCount; i++) this.y[i] = new Float64Array(capacity);
  }

  /**
   * Copies every series' points with time >= `since` (MetricSeries.copyInto), aligned on the
   * times of the series with the most points there; a series without a point at one of those
   * times gets NaN (a gap). Returns the number of points written.
   */
  fill(series: readonly (MetricSeries | undefined)[], since: number): number {
    let capacity = 0;
    let ref = -1;
    let refCount = 0;
    let aligned = true;
    let first = Number.NaN;
    let last = Number.NaN;
    let firstCount = -1;
    for (let i = 0; i < series.length; i++) {
      const s = series[i];
      if (s === undefined) {
        aligned = false;
        continue;
      }
      if (s.capacity > capacity) capacity = s.capacity;
      const start = windowStart(s, since);
      const n = s.size - start;
      if (n > refCount) {
        refCount = n;
        ref = i;
      }
      // Series fed by the same events share their times: then a plain copy per series is aligned.
      const t0 = n > 0 ? s.timeAt(start) : Number.NaN;
      const t1 = n > 0 ? s.timeAt(s.size - 1) : Number.NaN;
      if (firstCount === -1) {
        firstCount = n;
        first = t0;
        last = t1;
      } else if (n !== firstCount || t0 !== first || t1 !== last) aligned = false;
    }
    this.ensure(capacity);
    if (ref === -1 || refCount === 0) return 0;
    const refSeries = series[ref]!;
    const n = refSeries.copyInto(this.x, this.y[ref]!, since);
    for (let i = 0; i < series.length; i++) {
      if (i === ref) continue;
      const s = series[i];
      const y = this.y[i]!;
      if (s === undefined) {
        y.fill(Number.NaN, 0, n);
        continue;
      }
      if (aligned) {
        s.copyInto(this.t, y, since);
        continue;
      }
      const m = s.copyInto(this.t, this.v, since);
      let j = 0;
      for (let k = 0; k < n; k++) {
        const at = this.x[k]!;
        while (j < m && this.t[j]! < at) j++;
        y[k] = j < m && this.t[j] === at ? this.v[j]! : Number.NaN;
      }
    }
    return n;
  }
}

/** Index of the first point with time >= `since` (times are pushed in order). */
export function windowStart(series: MetricSeries, since: number): number {
  let lo = 0;
  let hi = series.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (series.timeAt(mid) < since) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Newest finite value, min and max of `values[0..n)`; NaN gaps are skipped. */
export function summarize(values: Float64Array, n: number, out: { latest: number; min: number; max: number }): void {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let latest = Number.NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) continue; // NaN
    if (v < min) min = v;
    if (v > max) max = v;
    latest = v;
  }
  out.latest = latest;
  out.min = min === Number.POSITIVE_INFINITY ? Number.NaN : min;
  out.max = max === Number.NEGATIVE_INFINITY ? Number.NaN : max;
}
