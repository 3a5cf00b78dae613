import type { LogBuffer } from '../../core/logBuffer';
import { stripAnsi } from './ansi';

/** Decides whether absolute line `line` (with raw `text`) belongs to an index. */
export type LinePredicate = (text: string, line: number, buffer: LogBuffer) => boolean;

const now = (): number => (typeof performance === 'undefined' ? Date.now() : performance.now());

/**
 * The absolute line numbers of a buffer that pass a predicate (search matches, a level filter),
 * extended incrementally as lines arrive and trimmed as the ring drops old ones: a new line is
 * tested once, never rescanned per frame. Entries have stable ordinals (`firstOrdinal` ..
 * `endOrdinal`), so a filtered view can be virtualized like the buffer itself.
 */
export class LineIndex {
  private lines: number[] = [];
  /** First live entry of `lines` (older ones fell out of the ring). */
  private start = 0;
  /** Ordinal of `lines[0]`. */
  private base = 0;
  /** Next absolute line to test. */
  private scanned = 0;
  private buffer: LogBuffer | undefined;
  /** False while a scan ran out of its time budget (call `sync` again next frame). */
  complete = true;

  constructor(private readonly predicate: LinePredicate) {}

  /** Tests lines up to `end` (exclusive) within `budgetMs`; returns whether it caught up. */
  sync(buffer: LogBuffer, end: number, budgetMs = 8): boolean {
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.lines = [];
      this.start = 0;
      this.base = 0;
      this.scanned = buffer.first;
    }
    const first = buffer.first;
    while (this.start < this.lines.length && this.lines[this.start]! < first) this.start++;
    if (this.start > 1024 && this.start * 2 > this.lines.length) {
      // Compact now and then; ordinals stay stable through `base`.
      this.lines = this.lines.slice(this.start);
      this.base += this.start;
      this.start = 0;
    }
    const deadline = now() + budgetMs;
    let i = Math.max(this.scanned, first);
    let work = 0;
    for (; i < end; i++) {
      const text = buffer.text(i);
      if (text === undefined) continue;
      if (this.predicate(text, i, buffer)) this.lines.push(i);
      work += 1 + (text.length >> 12);
      if (work >= 256) {
        work = 0;
        if (now() > deadline) {
          i++;
          break;
        }
      }
    }
    this.scanned = Math.max(this.scanned, i);
    this.complete = this.scanned >= end;
    return this.complete;
  }

  /** Entries held. */
  get size(): number {
    return this.lines.length - this.start;
  }

  get firstOrdinal(): number {
    return this.base + this.start;
  }

  get endOrdinal(): number {
    return this.base + this.lines.length;
  }

  /** Absolute line number of entry `ordinal`, or undefined outside the index. */
  lineAt(ordinal: number): number | undefined {
    const k = ordinal - this.base;
    return k < this.start || k >= this.lines.length ? undefined : this.lines[k];
  }

  /** Ordinal of the first entry at or after `line` (`endOrdinal` when none). */
  ordinalOf(line: number): number {
    let lo = this.start;
    let hi = this.lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lines[mid]! < line) lo = mid + 1;
      else hi = mid;
    }
    return this.base + lo;
  }

  has(line: number): boolean {
    return this.lineAt(this.ordinalOf(line)) === line;
  }

  /** The next entry after `line`, wrapping to the first. */
  next(line: number): number | undefined {
    if (this.size === 0) return undefined;
    let ordinal = this.ordinalOf(line + 1);
    if (ordinal >= this.endOrdinal) ordinal = this.firstOrdinal;
    return this.lineAt(ordinal);
  }

  /** The previous entry before `line`, wrapping to the last. */
  previous(line: number): number | undefined {
    if (this.size === 0) return undefined;
    let ordinal = this.ordinalOf(line) - 1;
    if (ordinal < this.firstOrdinal) ordinal = this.endOrdinal - 1;
    return this.lineAt(ordinal);
  }
}

// ---------------------------------------------------------------------------------------------
// Levels
// ---------------------------------------------------------------------------------------------

const LEVEL_ALIASES: Readonly<Record<string, string>> = {
  fatal: 'error',
  critical: 'error',
  crit: 'error',
  panic: 'error',
  emerg: 'error',
  alert: 'error',
  err: 'error',
  error: 'error',
  warning: 'warn',
  warn: 'warn',
  notice: 'info',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
  verbose: 'debug',
};

/** error | warn | info | debug for the usual spellings; other levels (e.g. `command`) lower-cased. */
export function normalizeLevel(level: string | undefined): string | undefined {
  if (level === undefined || level === '') return undefined;
  const lower = level.toLowerCase();
  return LEVEL_ALIASES[lower] ?? lower;
}

// Upper-case tokens ("[WARN]", "ERROR:") or level=... near the start; a lower-case "error" in a message is not a level.
const LEVEL_TOKEN = /\b(FATAL|CRITICAL|CRIT|PANIC|ERROR|ERR|WARNING|WARN|NOTICE|INFO|DEBUG|TRACE)\b|\blevel[=:]\s*"?([a-zA-Z]+)/;

/** The level a line shows in its first characters, if any (for servers that send no level field). */
export function inferLevel(plainText: string): string | undefined {
  const match = LEVEL_TOKEN.exec(plainText.length > 240 ? plainText.slice(0, 240) : plainText);
  if (match === null) return undefined;
  return normalizeLevel(match[1] ?? match[2]);
}

/** A line's level: the event's own, else what its text says. */
export function lineLevel(buffer: LogBuffer, line: number, text: string): string | undefined {
  return normalizeLevel(buffer.level(line)) ?? inferLevel(stripAnsi(text.length > 400 ? text.slice(0, 400) : text));
}
