import { parseAnsi, type ParsedLine } from './ansi';

interface Entry {
  readonly text: string;
  readonly limit: number;
  readonly parsed: ParsedLine;
}

/**
 * Parsed ANSI lines keyed by absolute line number: only rows that are rendered get parsed, and a
 * row scrolled back into view is not parsed again. Small and bounded (oldest entries go first).
 */
export class ParsedLineCache {
  private readonly entries = new Map<number, Entry>();

  constructor(private readonly max = 800) {}

  /** The line's first `limit` characters, parsed. */
  get(line: number, text: string, limit: number): ParsedLine {
    const hit = this.entries.get(line);
    if (hit !== undefined && hit.text === text && hit.limit === limit) return hit.parsed;
    const parsed = parseAnsi(text.length > limit ? text.slice(0, limit) : text);
    if (hit !== undefined) this.entries.delete(line);
    else if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(line, { text, limit, parsed });
    return parsed;
  }

  get size(): number {
    return this.entries.size;
  }
}
