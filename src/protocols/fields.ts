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

/** asString, but an empty string is undefined too. */
export const asText = (value: unknown): string | undefined => {
  const s = asString(value);
  return s === '' ? undefined : s;
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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `Date.parse` for the one shape servers almost always send, `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)`,
 * with every field in range (no Feb 30, no 24:00): NaN for anything else, which then goes to Date.parse.
 * Same result as Date.parse (fractions truncated to ms), at a fraction of its cost.
 */
export const parseIsoFast = (s: string): number => {
  const len = s.length;
  if (len < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return Number.NaN;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return Number.NaN;
  // Unrolled digit reads; `(d >>> 0) > 9` rejects anything outside '0'..'9' (negatives wrap around).
  const y1 = s.charCodeAt(0) - 48;
  const y2 = s.charCodeAt(1) - 48;
  const y3 = s.charCodeAt(2) - 48;
  const y4 = s.charCodeAt(3) - 48;
  const mo1 = s.charCodeAt(5) - 48;
  const mo2 = s.charCodeAt(6) - 48;
  const d1 = s.charCodeAt(8) - 48;
  const d2 = s.charCodeAt(9) - 48;
  const h1 = s.charCodeAt(11) - 48;
  const h2 = s.charCodeAt(12) - 48;
  const mi1 = s.charCodeAt(14) - 48;
  const mi2 = s.charCodeAt(15) - 48;
  const s1 = s.charCodeAt(17) - 48;
  const s2 = s.charCodeAt(18) - 48;
  if (
    y1 >>> 0 > 9 || y2 >>> 0 > 9 || y3 >>> 0 > 9 || y4 >>> 0 > 9 || mo1 >>> 0 > 9 || mo2 >>> 0 > 9 ||
    d1 >>> 0 > 9 || d2 >>> 0 > 9 || h1 >>> 0 > 9 || h2 >>> 0 > 9 || mi1 >>> 0 > 9 || mi2 >>> 0 > 9 ||
    s1 >>> 0 > 9 || s2 >>> 0 > 9
  ) {
    return Number.NaN;
  }
  const year = y1 * 1000 + y2 * 100 + y3 * 10 + y4;
  const month = mo1 * 10 + mo2;
  const day = d1 * 10 + d2;
  const hour = h1 * 10 + h2;
  const minute = mi1 * 10 + mi2;
  const second = s1 * 10 + s2;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return Number.NaN;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < len && i - start < 10) {
      const d = s.charCodeAt(i) - 48;
      if (d >>> 0 > 9) break;
      if (i - start < 3) ms = ms * 10 + d;
      i++;
    }
    const count = i - start;
    if (count === 0 || count > 9) return Number.NaN;
    if (count === 1) ms *= 100;
    else if (count === 2) ms *= 10;
  }
  let offset = 0;
  const zone = s.charCodeAt(i);
  if (zone === 90 && i + 1 === len) offset = 0;
  else if ((zone === 43 || zone === 45) && i + 6 === len && s.charCodeAt(i + 3) === 58) {
    const oh1 = s.charCodeAt(i + 1) - 48;
    const oh2 = s.charCodeAt(i + 2) - 48;
    const om1 = s.charCodeAt(i + 4) - 48;
    const om2 = s.charCodeAt(i + 5) - 48;
    if (oh1 >>> 0 > 9 || oh2 >>> 0 > 9 || om1 >>> 0 > 9 || om2 >>> 0 > 9) return Number.NaN;
    const oh = oh1 * 10 + oh2;
    const om = om1 * 10 + om2;
    if (oh > 23 || om > 59) return Number.NaN;
    offset = (zone === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
  } else return Number.NaN;
  // Days since the epoch of a proleptic Gregorian date (H. Hinnant's days_from_civil).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146_097 + doe - 719_468;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms - offset;
};

/** The general reader behind parseTime: numeric strings as epoch seconds/ms, anything else via Date.parse. */
const parseTimeText = (value: string): number => {
  // Number() reads numeric strings (and whitespace) and is NaN for dates: only then parse a date.
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (Number.isNaN(n)) return Date.parse(value);
  // Plain decimals only: Number() would also read "0x1f", "1e3" and "0b1".
  if (Number.isFinite(n) && !/[^\d.\s+-]/.test(value)) {
    return Math.abs(n) < SECONDS_LIMIT ? Math.round(n * 1000) : Math.round(n);
  }
  return Number.NaN;
};

/**
 * Epoch ms from an ISO string (with or without fractions and offset), epoch seconds or epoch ms,
 * as a number or numeric string. Returns `fallback` (the arrival time) when unreadable.
 */
export const parseTime = (value: unknown, fallback: number): number => {
  if (typeof value === 'string') {
    if (value === lastTimeText) return Number.isNaN(lastTimeValue) ? fallback : lastTimeValue;
    // Canonical ISO strings (nearly every frame) skip Number() and Date.parse (~0.5-1 µs each).
    let n = parseIsoFast(value);
    if (Number.isNaN(n)) n = parseTimeText(value);
    lastTimeText = value;
    lastTimeValue = n;
    return Number.isNaN(n) ? fallback : n;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.abs(value) < SECONDS_LIMIT ? Math.round(value * 1000) : Math.round(value);
};

export interface Quantity {
  /** The number in base units (bytes, bytes/s, cores, percent). */
  value: number;
  /** The base unit understood: 'B', 'B/s', '/s', '%', or '' for a plain number. */
  unit: string;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isUnitChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 37;

/** A quantity from its parts: the number, the letters after it, and whether `/s` followed. */
const toQuantity = (n: number, suffix: string, perSecond: boolean): Quantity | undefined => {
  if (!Number.isFinite(n)) return undefined;
  if (suffix === '%') return perSecond ? undefined : { value: n, unit: '%' };
  if (suffix === 'm' && !perSecond) return { value: n / 1000, unit: '' };
  const bytes = byteScale(suffix.toLowerCase());
  if (bytes !== undefined) return { value: n * bytes, unit: perSecond ? 'B/s' : 'B' };
  const si = siScale(suffix);
  if (si !== undefined) return { value: n * si, unit: perSecond ? '/s' : '' };
  return undefined;
};

// Multipliers for byte units (SI and binary) and bare SI suffixes, as switches: the suffix is a fresh
// string, which an object lookup would have to intern (hash it, search the string table), and a switch
// has no inherited names ("5constructor" is no unit).
const byteScale = (unit: string): number | undefined => {
  switch (unit) {
    case 'b':
      return 1;
    case 'kb':
      return 1e3;
    case 'mb':
      return 1e6;
    case 'gb':
      return 1e9;
    case 'tb':
      return 1e12;
    case 'ki':
    case 'kib':
      return 1024;
    case 'mi':
    case 'mib':
      return 1024 ** 2;
    case 'gi':
    case 'gib':
      return 1024 ** 3;
    case 'ti':
    case 'tib':
      return 1024 ** 4;
    default:
      return undefined;
  }
};

const siScale = (suffix: string): number | undefined => {
  switch (suffix) {
    case '':
      return 1;
    case 'k':
      return 1e3;
    case 'M':
      return 1e6;
    case 'G':
      return 1e9;
    case 'T':
      return 1e12;
    default:
      return undefined;
  }
};

const QUANTITY = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-zA-Z%]*)(\/s)?\s*$/;

/**
 * Reads quantities servers send as strings: "3.2" (cores), "1.2MB/s", "512Mi", "75%", "250m" (millicores).
 * Returns undefined for anything that is not a number with a known unit.
 */
export const parseQuantity = (value: unknown): Quantity | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? { value, unit: '' } : undefined;
  if (typeof value !== 'string') return undefined;
  // Fast path for the usual compact form ("45", "-1.5e3", "1.2MB/s"): a hand scan of the same grammar
  // as QUANTITY without whitespace. Anything else (spaces, odd characters) goes to the regex.
  const len = value.length;
  let i = value.charCodeAt(0) === 45 ? 1 : 0;
  const digitsFrom = i;
  while (i < len && isDigit(value.charCodeAt(i))) i++;
  if (i > digitsFrom) {
    if (value.charCodeAt(i) === 46 && isDigit(value.charCodeAt(i + 1))) {
      i += 2;
      while (i < len && isDigit(value.charCodeAt(i))) i++;
    }
    if (value.charCodeAt(i) === 101) {
      const sign = value.charCodeAt(i + 1) === 43 || value.charCodeAt(i + 1) === 45 ? 1 : 0;
      if (isDigit(value.charCodeAt(i + 1 + sign))) {
        i += 2 + sign;
        while (i < len && isDigit(value.charCodeAt(i))) i++;
      }
    }
    const numberEnd = i;
    while (i < len && isUnitChar(value.charCodeAt(i))) i++;
    const suffixEnd = i;
    const perSecond = i + 2 === len && value.charCodeAt(i) === 47 && value.charCodeAt(i + 1) === 115;
    if (perSecond || i === len) {
      const n = Number(numberEnd === len ? value : value.slice(0, numberEnd));
      return toQuantity(n, suffixEnd === numberEnd ? '' : value.slice(numberEnd, suffixEnd), perSecond);
    }
  }
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  return toQuantity(Number(match[1]), match[2] ?? '', match[3] !== undefined);
};

// Metric names repeat in every sample: each `${prefix}.${key}` is built once and the same string handed
// out again. Per prefix, the names are kept in the order the keys came last time, so a sample shaped like the
// previous one costs one comparison per key; samples of another shape under the same prefix (two frame types
// that both carry `cpu`) find theirs by key. Bounded: at most MAX_PREFIXES prefixes (then cleared) and
// MAX_CHILDREN keys per prefix.
export interface ChildNames {
  keys: string[];
  names: string[];
  byKey: Map<string, string>;
}
const MAX_PREFIXES = 1024;
const MAX_CHILDREN = 64;
const childNameCache = new Map<string, ChildNames>();

/** The cached child names under `prefix`. */
export const childNamesOf = (prefix: string): ChildNames => {
  let cache = childNameCache.get(prefix);
  if (cache === undefined) {
    if (childNameCache.size >= MAX_PREFIXES) childNameCache.clear();
    cache = { keys: [], names: [], byKey: new Map() };
    childNameCache.set(prefix, cache);
  }
  return cache;
};

// The string V8 keeps as the property name for `text`: storing under it skips the string-table lookup that a
// freshly built name costs on every store.
const asPropertyName = (text: string): string => Object.keys({ [text]: 0 })[0]!;

// childNamesOf by the position where an object's values start in `out`: samples shaped like the previous one find
// their group there with one comparison instead of a Map lookup.
const groupPrefixes: string[] = [];
const groupNames: ChildNames[] = [];

const childNamesAt = (position: number, prefix: string): ChildNames => {
  if (groupPrefixes[position] === prefix) return groupNames[position]!;
  const cache = childNamesOf(prefix);
  if (position < MAX_CHILDREN) {
    groupPrefixes[position] = prefix;
    groupNames[position] = cache;
  }
  return cache;
};

/** `${prefix}.${key}`, where `key` is the `index`-th key of an object under `prefix` (`cache` from childNamesOf). */
export const childName = (cache: ChildNames, prefix: string, index: number, key: string): string => {
  if (cache.keys[index] === key) return cache.names[index]!;
  let name = cache.byKey.get(key);
  if (name === undefined) {
    name = asPropertyName(`${prefix}.${key}`);
    if (cache.byKey.size < MAX_CHILDREN) cache.byKey.set(key, name);
  }
  if (index < MAX_CHILDREN) {
    cache.keys[index] = key;
    cache.names[index] = name;
  }
  return name;
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
  flattenInto(value, prefix, out, depth, 0);
  return out;
};

/**
 * flattenNumbers for decoders that fill one `out` over several calls: `count` is how many values `out` got so
 * far. Returns the new count: above 0, `out` has a value. A value under
 * `__proto__` is not counted (assigning a number to it adds nothing).
 */
export const flattenInto = (
  value: unknown,
  prefix: string,
  out: Record<string, number>,
  depth: number,
  count: number,
): number => {
  if (depth > 8) return count;
  if (typeof value === 'number' || typeof value === 'string') {
    const n = typeof value === 'number' ? asNumber(value) : parseQuantity(value)?.value;
    if (n === undefined || prefix === '') return count;
    out[prefix] = n;
    return prefix === '__proto__' ? count : count + 1;
  }
  if (typeof value !== 'object' || value === null) return count;
  const cache = prefix === '' ? undefined : childNamesAt(count, prefix);
  // for-in reads each value straight from the object: no key and value arrays per object.
  const plain = inheritsNothing(value);
  let i = 0;
  for (const key in value) {
    // for-in also lists inherited enumerable keys: skip them, unless there can be none.
    if (!plain && !Object.hasOwn(value, key)) continue;
    const name = cache === undefined ? key : childName(cache, prefix, i++, key);
    const leaf = (value as UnknownRecord)[key];
    // Numeric leaves (most of a sample) are stored here rather than in a call each: same rules as above.
    if (typeof leaf === 'number' && depth < 8) {
      if (Number.isFinite(leaf) && name !== '') {
        out[name] = leaf;
        if (name !== '__proto__') count++;
      }
    } else count = flattenInto(leaf, name, out, depth + 1, count);
  }
  return count;
};

/**
 * True when `for (key in value)` lists exactly Object.keys(value), in the same order: a plain object whose
 * only prototype, Object.prototype, has nothing enumerable. Checked per call: a script may add to
 * Object.prototype at any time.
 */
export const inheritsNothing = (value: object): boolean => {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const _ in Object.prototype) return false;
  return true;
};

/** FNV-1a hex digest: a registry key that tells tokens apart without carrying them. */
export const fingerprint = (text: string): string => fnv1a(text).toString(16).padStart(8, '0');

/** The 32-bit FNV-1a hash of `text` (also what the simulators derive ids from). */
export const fnv1a = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};
