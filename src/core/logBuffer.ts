/** Where a line came from; kept as a small code per line, not a string. */
export type LogSource = 'stdout' | 'stderr';

export interface LogLine {
  /** Absolute line number (0-based), stable after older lines are dropped. */
  readonly index: number;
  readonly text: string;
  /** Epoch ms. */
  readonly at: number;
  readonly level: string | undefined;
  readonly source: LogSource | undefined;
}

const SOURCE_CODES: readonly (LogSource | undefined)[] = [undefined, 'stdout', 'stderr'];

/** Slots allocated at first; doubled as lines arrive, up to the capacity. */
const INITIAL_ROOM = 1_024;

/**
 * A ring buffer of log lines with absolute line numbers. Appends are O(1) amortized and never copy
 * the lines held; once `capacity` is reached the oldest line is dropped and counted. Storage grows
 * with the lines (a short log does not pay for a 100 000-line ring up front).
 */
export class LogBuffer {
  readonly capacity: number;
  private texts: (string | undefined)[];
  private times: Float64Array;
  private meta: Uint8Array;
  // Levels are few: store an index into this table instead of a string per line.
  private readonly levels: string[] = [''];
  private readonly levelCodes = new Map<string, number>();
  private head = 0;
  private count = 0;
  private written = 0;

  constructor(capacity = 100_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    const room = Math.min(capacity, INITIAL_ROOM);
    this.texts = new Array<string | undefined>(room);
    this.times = new Float64Array(room);
    this.meta = new Uint8Array(room * 2);
  }

  /** Lines held now. */
  get size(): number {
    return this.count;
  }

  /** Lines ever appended (the next line's absolute number). */
  get total(): number {
    return this.written;
  }

  /** Absolute number of the oldest line still held. */
  get first(): number {
    return this.written - this.count;
  }

  /** Lines dropped to stay within capacity (cleared lines are not counted). */
  get dropped(): number {
    return this.written - this.clearedAt - this.count;
  }

  /** Absolute number at which the last `clear` happened. */
  clearedAt = 0;

  push(text: string, at: number, level?: string, source?: LogSource): number {
    // Until the ring is full nothing has wrapped (head is 0), so growing is a plain copy.
    if (this.count === this.times.length && this.count < this.capacity) this.grow();
    const slot = (this.head + this.count) % this.capacity;
    this.texts[slot] = text;
    this.times[slot] = at;
    this.meta[slot * 2] = level === undefined ? 0 : this.levelCode(level);
    this.meta[slot * 2 + 1] = source === 'stdout' ? 1 : source === 'stderr' ? 2 : 0;
    if (this.count < this.capacity) this.count++;
    else this.head = (this.head + 1) % this.capacity;
    return this.written++;
  }

  /** Text of absolute line `index`, or undefined when dropped or not yet written. */
  text(index: number): string | undefined {
    const slot = this.slot(index);
    return slot === undefined ? undefined : this.texts[slot];
  }

  /** The whole line record (allocates: use `text` in hot loops). */
  get(index: number): LogLine | undefined {
    const slot = this.slot(index);
    if (slot === undefined) return undefined;
    const level = this.meta[slot * 2]!;
    return {
      index,
      text: this.texts[slot]!,
      at: this.times[slot]!,
      level: level === 0 ? undefined : this.levels[level],
      source: SOURCE_CODES[this.meta[slot * 2 + 1]!],
    };
  }

  level(index: number): string | undefined {
    const slot = this.slot(index);
    if (slot === undefined) return undefined;
    const code = this.meta[slot * 2]!;
    return code === 0 ? undefined : this.levels[code];
  }

  source(index: number): LogSource | undefined {
    const slot = this.slot(index);
    return slot === undefined ? undefined : SOURCE_CODES[this.meta[slot * 2 + 1]!];
  }

  time(index: number): number | undefined {
    const slot = this.slot(index);
    return slot === undefined ? undefined : this.times[slot];
  }

  /** Calls `fn` for each held line from `from` (absolute, default oldest) to `to` (exclusive). */
  forEach(fn: (text: string, index: number) => void, from = this.first, to = this.written): void {
    const start = Math.max(from, this.first);
    const end = Math.min(to, this.written);
    for (let i = start; i < end; i++) fn(this.texts[(this.head + i - this.first) % this.capacity]!, i);
  }

  /** Every held line joined with newlines (for copy and download of the whole buffer). */
  join(separator = '\n'): string {
    const parts: string[] = [];
    this.forEach((text) => parts.push(text));
    return parts.join(separator);
  }

  /** Empties the buffer; numbering goes on from where it was, so permalinks stay right. */
  clear(): void {
    this.texts.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.clearedAt = this.written;
  }

  private grow(): void {
    const room = Math.min(this.capacity, this.times.length * 2);
    // Exact sizes (no growth slack): a full ring holds `capacity` slots and no more.
    const texts = new Array<string | undefined>(room);
    for (let i = 0; i < this.count; i++) texts[i] = this.texts[i];
    this.texts = texts;
    const times = new Float64Array(room);
    times.set(this.times);
    const meta = new Uint8Array(room * 2);
    meta.set(this.meta);
    this.times = times;
    this.meta = meta;
  }

  private slot(index: number): number | undefined {
    if (!Number.isInteger(index) || index < this.first || index >= this.written) return undefined;
    return (this.head + index - this.first) % this.capacity;
  }

  private levelCode(level: string): number {
    let code = this.levelCodes.get(level);
    if (code === undefined) {
      // 255 distinct levels is far beyond any real server; past that, lines keep no level.
      if (this.levels.length > 255) return 0;
      code = this.levels.length;
      this.levels.push(level);
      this.levelCodes.set(level, code);
    }
    return code;
  }
}
