/** A bounded FIFO of objects: push is O(1); the oldest entry falls out at capacity. */
export class Ring<T> {
  readonly capacity: number;
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    this.items[(this.head + this.count) % this.capacity] = item;
    if (this.count < this.capacity) this.count++;
    else this.head = (this.head + 1) % this.capacity;
  }

  /** Entry `i` from the oldest (0). */
  at(i: number): T | undefined {
    return i < 0 || i >= this.count ? undefined : this.items[(this.head + i) % this.capacity];
  }

  /** The newest entry. */
  last(): T | undefined {
    return this.at(this.count - 1);
  }

  /** A copy, newest first (for feeds; bounded by capacity). */
  newestFirst(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.head + this.count - 1 - i) % this.capacity]!;
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
