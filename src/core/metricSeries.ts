/**
 * One metric over time in two typed-array rings (time, value): no per-tick allocation, no copies
 * until a chart asks for a window.
 */
export class MetricSeries {
  readonly capacity: number;
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private head = 0;
  private count = 0;

  constructor(capacity = 3_600) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The newest value, or undefined before the first point. */
  get latest(): number | undefined {
    return this.count === 0 ? undefined : this.values[(this.head + this.count - 1) % this.capacity];
  }

  /** Time of the newest point (epoch ms), or undefined. */
  get latestAt(): number | undefined {
    return this.count === 0 ? undefined : this.times[(this.head + this.count - 1) % this.capacity];
  }

  push(at: number, value: number): void {
    const slot = (this.head + this.count) % this.capacity;
    this.times[slot] = at;
    this.values[slot] = value;
    if (this.count < this.capacity) this.count++;
    else this.head = (this.head + 1) % this.capacity;
  }

  /** Point `i` from the oldest (0) to the newest (size - 1). */
  timeAt(i: number): number {
    return this.times[(this.head + i) % this.capacity]!;
  }

  valueAt(i: number): number {
    return this.values[(this.head + i) % this.capacity]!;
  }

  /**
   * Copies the points with time >= `since` into `times`/`values` (reused by the caller between
   * frames) and returns how many were written.
   */
  copyInto(times: Float64Array, values: Float64Array, since = Number.NEGATIVE_INFINITY): number {
    let start = 0;
    // Times are pushed in arrival order: binary search the window's start.
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) < since) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
    const n = Math.min(this.count - start, times.length, values.length);
    for (let i = 0; i < n; i++) {
      const slot = (this.head + start + i) % this.capacity;
      times[i] = this.times[slot]!;
      values[i] = this.values[slot]!;
    }
    return n;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
