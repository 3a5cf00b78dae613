/** Lenient readers for untrusted frames: never throw, never trust a field's type. */

export type UnknownRecord = Record<string, unknown>;

export const isRecord = (value: unknown): value is UnknownRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const asRecord = (value: unknown): UnknownRecord | undefined =>
  isRecord(value) ? value : undefined;

/** A string, or a finite number as a string; anything else is undefined. */
export const asString = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
};

/** A finite number, or a numeric string ("3.2"); anything else is undefined. */
export const asNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
};

export const asBoolean = (value: unknown): boolean | undefined =>
  typeof value === 'boolean' ? value : undefined;

// Epoch values below this are seconds, above it milliseconds (1e11 s is the year 5138).
const SECONDS_LIMIT = 1e11;

// Streams repeat timestamps (same second, same batch): one remembered parse saves most Date.parse calls.
let lastTimeText = '';
let lastTimeValue = Number.NaN;

/**
 * Epoch ms from an ISO string (with or without fractions and offset), epoch seconds or epoch ms,
 * as a number or numeric string. Returns `fallback` (the arrival time) when unreadable.
 */
export const parseTime = (value: unknown, fallback: number): number => {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') {
    if (value === lastTimeText) return Number.isNaN(lastTimeValue) ? fallback : lastTimeValue;
    // Number() reads numeric strings (and whitespace) and is NaN for dates: only then parse a date.
    n = value.trim() === '' ? Number.NaN : Number(value);
    if (Number.isNaN(n)) n = Date.parse(value);
    // Plain decimals only: Number() would also read "0x1f", "1e3" and "0b1".
    else if (Number.isFinite(n) && !/[^\d.\s+-]/.test(value)) {
      n = Math.abs(n) < SECONDS_LIMIT ? Math.round(n * 1000) : Math.round(n);
    } else n = Number.NaN;
    lastTimeText = value;
    lastTimeValue = n;
    return Number.isNaN(n) ? fallback : n;
  } else return fallback;
  if (!Number.isFinite(n)) return fallback;
  return Math.abs(n) < SECONDS_LIMIT ? Math.round(n * 1000) : Math.round(n);
};

// Multipliers for byte units (SI and binary) and bare SI suffixes.
const BYTE_SCALE: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  ki: 1024,
  kib: 1024,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
};
const SI_SCALE: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

export interface Quantity {
  /** The number in base units (bytes, bytes/s, cores, percent). */
  value: number;
  /** The base unit understood: 'B', 'B/s', '/s', '%', or '' for a plain number. */
  unit: string;
}

/**
 * Reads quantities servers send as strings: "3.2" (cores), "1.2MB/s", "512Mi", "75%", "250m" (millicores).
 * Returns undefined for anything that is not a number with a known unit.
 */
export const parseQuantity = (value: unknown): Quantity | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? { value, unit: '' } : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-zA-Z%]*)(\/s)?\s*$/.exec(value);
  if (!match) return undefined;
  const n = Number(match[1]);
  const suffix = match[2] ?? '';
  const rate = match[3] === undefined ? '' : '/s';
  if (!Number.isFinite(n)) return undefined;
  if (suffix === '%') return rate === '' ? { value: n, unit: '%' } : undefined;
  if (suffix === 'm' && rate === '') return { value: n / 1000, unit: '' };
  const bytes = BYTE_SCALE[suffix.toLowerCase()];
  if (bytes !== undefined) return { value: n * bytes, unit: `B${rate}` };
  const si = SI_SCALE[suffix];
  if (si !== undefined) return { value: n * si, unit: rate };
  return undefined;
};

/**
 * Every finite numeric leaf of `value` (numbers and numeric strings), under dotted names:
 * `{cpu: {usage: 12}}` -> `{"cpu.usage": 12}`. Arrays use their index. Depth-limited.
 */
export const flattenNumbers = (
  value: unknown,
  prefix = '',
  out: Record<string, number> = {},
  depth = 0,
): Record<string, number> => {
  if (depth > 8) return out;
  if (typeof value === 'number' || typeof value === 'string') {
    const n = typeof value === 'number' ? asNumber(value) : parseQuantity(value)?.value;
    if (n !== undefined && prefix !== '') out[prefix] = n;
    return out;
  }
  if (typeof value !== 'object' || value === null) return out;
  for (const [k, v] of Object.entries(value)) {
    flattenNumbers(v, prefix === '' ? k : `${prefix}.${k}`, out, depth + 1);
  }
  return out;
};
