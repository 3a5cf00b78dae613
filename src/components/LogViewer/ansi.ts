/**
 * A small ANSI parser for log lines: SGR colours (16, 256, truecolor) and attributes, OSC 8
 * hyperlinks (http/https only), everything else stripped. Pure and React-free: it returns plain
 * segments that the row renders as text, never HTML.
 */

/** Inline colours for 256-colour and truecolor values (the 16 palette colours use classes). */
export interface AnsiStyle {
  readonly color?: string;
  readonly backgroundColor?: string;
}

export interface AnsiSegment {
  readonly text: string;
  /** `opstream-ansi-*` classes (palette colours and attributes), or undefined for plain text. */
  readonly className: string | undefined;
  readonly style: AnsiStyle | undefined;
  /** A safe http(s) URL from an OSC 8 hyperlink. */
  readonly href: string | undefined;
}

export interface ParsedLine {
  readonly segments: readonly AnsiSegment[];
  /** The visible text (all segments joined): what search and copy see. */
  readonly text: string;
}

// C0 controls except TAB and LF, DEL and C1: the only characters that need the slow path.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_G = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

const ESC = 0x1b;
const BEL = 0x07;
const C1_ST = 0x9c;

const BOLD = 1;
const DIM = 2;
const ITALIC = 4;
const UNDERLINE = 8;
const INVERSE = 16;
const HIDDEN = 32;
const STRIKE = 64;

const FLAG_CLASSES: readonly [number, string][] = [
  [BOLD, 'opstream-ansi-bold'],
  [DIM, 'opstream-ansi-dim'],
  [ITALIC, 'opstream-ansi-italic'],
  [UNDERLINE, 'opstream-ansi-underline'],
  [STRIKE, 'opstream-ansi-strike'],
  [HIDDEN, 'opstream-ansi-hidden'],
];

/** Longest OSC 8 URL kept; longer ones render as plain text. */
const MAX_URL = 2048;

/** A colour: 0..15 is a palette index (themeable class), a string is a CSS colour. */
type Colour = number | string | undefined;

interface SgrState {
  fg: Colour;
  bg: Colour;
  flags: number;
}

const CUBE = [0, 95, 135, 175, 215, 255];
const PALETTE_256: string[] = [];
for (let n = 16; n < 256; n++) {
  if (n < 232) {
    const i = n - 16;
    PALETTE_256[n] = `rgb(${CUBE[Math.floor(i / 36)]},${CUBE[Math.floor(i / 6) % 6]},${CUBE[i % 6]})`;
  } else {
    const level = 8 + (n - 232) * 10;
    PALETTE_256[n] = `rgb(${level},${level},${level})`;
  }
}

/** A 256-colour index as a colour: 0..15 stay palette indices, the rest become rgb(). */
const colour256 = (n: number): Colour => (n < 16 ? n : PALETTE_256[n]);

const byte = (s: string | undefined): number | undefined => {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, 255) : undefined;
};

/** The URL if it is an absolute http(s) URL, else undefined (javascript:, data:, relative...). */
export function safeHref(raw: string): string | undefined {
  const candidate = raw.trim();
  if (candidate === '' || candidate.length > MAX_URL) return undefined;
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

// Extended colour after 38/48/58 in `;` form: returns the colour and how many params it used.
const extendedColour = (params: readonly string[], at: number): [Colour, number] => {
  const mode = params[at + 1];
  if (mode === '5') {
    const n = byte(params[at + 2]);
    return [n === undefined ? undefined : colour256(n), 2];
  }
  if (mode === '2') {
    const r = byte(params[at + 2]);
    const g = byte(params[at + 3]);
    const b = byte(params[at + 4]);
    return [r === undefined || g === undefined || b === undefined ? undefined : `rgb(${r},${g},${b})`, 4];
  }
  return [undefined, 1];
};

// Extended colour in ITU T.416 `:` form: 38:5:n, 38:2:r:g:b or 38:2:<space>:r:g:b.
const colonColour = (sub: readonly string[]): Colour => {
  if (sub[1] === '5') {
    const n = byte(sub[2]);
    return n === undefined ? undefined : colour256(n);
  }
  if (sub[1] === '2') {
    const rgb = sub.length >= 6 ? sub.slice(3, 6) : sub.slice(2, 5);
    const [r, g, b] = rgb.map(byte);
    return r === undefined || g === undefined || b === undefined ? undefined : `rgb(${r},${g},${b})`;
  }
  return undefined;
};

function applySgr(state: SgrState, paramText: string): void {
  const params = paramText === '' ? [''] : paramText.split(';');
  for (let i = 0; i < params.length; i++) {
    const param = params[i]!;
    if (param.includes(':')) {
      const sub = param.split(':');
      const head = sub[0];
      if (head === '38') state.fg = colonColour(sub);
      else if (head === '48') state.bg = colonColour(sub);
      else if (head === '4') state.flags = sub[1] === '0' ? state.flags & ~UNDERLINE : state.flags | UNDERLINE;
      continue;
    }
    const code = param === '' ? 0 : Number(param);
    if (!Number.isInteger(code)) continue;
    if (code === 0) {
      state.fg = undefined;
      state.bg = undefined;
      state.flags = 0;
    } else if (code === 1) state.flags |= BOLD;
    else if (code === 2) state.flags |= DIM;
    else if (code === 3) state.flags |= ITALIC;
    else if (code === 4 || code === 21) state.flags |= UNDERLINE;
    else if (code === 7) state.flags |= INVERSE;
    else if (code === 8) state.flags |= HIDDEN;
    else if (code === 9) state.flags |= STRIKE;
    else if (code === 22) state.flags &= ~(BOLD | DIM);
    else if (code === 23) state.flags &= ~ITALIC;
    else if (code === 24) state.flags &= ~UNDERLINE;
    else if (code === 27) state.flags &= ~INVERSE;
    else if (code === 28) state.flags &= ~HIDDEN;
    else if (code === 29) state.flags &= ~STRIKE;
    else if (code >= 30 && code <= 37) state.fg = code - 30;
    else if (code === 39) state.fg = undefined;
    else if (code >= 40 && code <= 47) state.bg = code - 40;
    else if (code === 49) state.bg = undefined;
    else if (code >= 90 && code <= 97) state.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) state.bg = code - 100 + 8;
    else if (code === 38 || code === 48 || code === 58) {
      const [colour, used] = extendedColour(params, i);
      if (code === 38) state.fg = colour;
      else if (code === 48) state.bg = colour;
      i += used; // 58 (underline colour) is consumed and ignored
    }
  }
}

/** Marks text coloured by the server on the theme's background: CSS keeps it readable there. */
export const ANSI_CONTRAST_CLASS = 'opstream-ansi-c';

// Styles are few per line: share one object per distinct look.
const styleCache = new Map<string, Look>();

function lookOf(state: SgrState): Look {
  const { flags } = state;
  if (flags === 0 && state.fg === undefined && state.bg === undefined) return PLAIN_LOOK;
  const key = `${flags}|${state.fg ?? ''}|${state.bg ?? ''}`;
  let look = styleCache.get(key);
  if (look !== undefined) return look;
  const inverse = (flags & INVERSE) !== 0;
  const fg = inverse ? state.bg : state.fg;
  const bg = inverse ? state.fg : state.bg;
  const classes: string[] = [];
  // Inverse with a default colour uses the log's own colours, swapped.
  if (inverse) classes.push('opstream-ansi-inverse');
  if (typeof fg === 'number') classes.push(`opstream-ansi-fg${fg}`);
  if (typeof bg === 'number') classes.push(`opstream-ansi-bg${bg}`);
  // Text on the log's own background gets a contrast floor (CSS); a pair the server chose is left alone.
  if (fg !== undefined && bg === undefined && !inverse) classes.push(ANSI_CONTRAST_CLASS);
  for (const [flag, name] of FLAG_CLASSES) if ((flags & flag) !== 0) classes.push(name);
  let style: { color?: string; backgroundColor?: string } | undefined;
  if (typeof fg === 'string') style = { color: fg };
  if (typeof bg === 'string') style = { ...style, backgroundColor: bg };
  look = { className: classes.length === 0 ? undefined : classes.join(' '), style };
  if (styleCache.size > 512) styleCache.clear();
  styleCache.set(key, look);
  return look;
}

interface Look {
  readonly className: string | undefined;
  readonly style: AnsiStyle | undefined;
}

const PLAIN_LOOK: Look = { className: undefined, style: undefined };

const plainLine = (text: string): ParsedLine => ({
  segments: text === '' ? [] : [{ text, className: undefined, style: undefined, href: undefined }],
  text,
});

/** Index just past a string sequence's terminator (BEL, ESC \ or C1 ST) from `from`, or -1. */
function stringEnd(input: string, from: number): [contentEnd: number, next: number] | undefined {
  for (let j = from; j < input.length; j++) {
    const c = input.charCodeAt(j);
    if (c === BEL || c === C1_ST) return [j, j + 1];
    if (c === ESC && input.charCodeAt(j + 1) === 0x5c) return [j, j + 2];
  }
  return undefined;
}

/** Parses one line into styled segments. Lines without control characters take a fast path. */
export function parseAnsi(input: string): ParsedLine {
  if (!CONTROL.test(input)) return plainLine(input);

  const state: SgrState = { fg: undefined, bg: undefined, flags: 0 };
  let href: string | undefined;
  let segments: AnsiSegment[] = [];
  let look = PLAIN_LOOK;
  let run = '';

  const flush = () => {
    if (run === '') return;
    const last = segments[segments.length - 1];
    // Adjacent runs with the same look merge (sequences that change nothing visible).
    if (last !== undefined && last.className === look.className && last.style === look.style && last.href === href) {
      segments[segments.length - 1] = { ...last, text: last.text + run };
    } else {
      segments.push({ text: run, className: look.className, style: look.style, href });
    }
    run = '';
  };

  CONTROL_G.lastIndex = 0;
  let i = 0;
  const n = input.length;
  while (i < n) {
    CONTROL_G.lastIndex = i;
    const found = CONTROL_G.exec(input);
    const at = found === null ? n : found.index;
    if (at > i) run += input.slice(i, at);
    if (found === null) break;
    const c = input.charCodeAt(at);
    i = at + 1;

    let kind: 'csi' | 'osc' | 'string' | undefined;
    if (c === ESC) {
      const next = input.charCodeAt(at + 1);
      if (next === 0x5b /* [ */) kind = 'csi';
      else if (next === 0x5d /* ] */) kind = 'osc';
      else if (next === 0x50 /* P */ || next === 0x58 /* X */ || next === 0x5e /* ^ */ || next === 0x5f /* _ */)
        kind = 'string';
      else {
        // Two- or three-character escapes (ESC 7, ESC ( B, ESC =...): intermediates, then a final byte.
        let j = at + 1;
        while (j < n && input.charCodeAt(j) >= 0x20 && input.charCodeAt(j) <= 0x2f) j++;
        if (j < n && input.charCodeAt(j) >= 0x30 && input.charCodeAt(j) <= 0x7e) j++;
        i = j;
        continue;
      }
      i = at + 2;
    } else if (c === 0x9b) kind = 'csi';
    else if (c === 0x9d) kind = 'osc';
    else if (c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f) kind = 'string';
    else if (c === 0x0d) {
      // Carriage return: what follows overwrites the line (progress bars); a trailing CR is a CRLF.
      let j = i;
      while (input.charCodeAt(j) === 0x0d) j++;
      if (j < n) {
        run = '';
        segments = [];
      }
      continue;
    } else continue; // any other control character is dropped

    if (kind === 'csi') {
      // Parameters 0x30-0x3f, intermediates 0x20-0x2f, final 0x40-0x7e.
      let j = i;
      while (j < n && input.charCodeAt(j) >= 0x30 && input.charCodeAt(j) <= 0x3f) j++;
      const params = input.slice(i, j);
      while (j < n && input.charCodeAt(j) >= 0x20 && input.charCodeAt(j) <= 0x2f) j++;
      const final = j < n ? input.charCodeAt(j) : -1;
      if (final >= 0x40 && final <= 0x7e) {
        // Private sequences (ESC [ ? 25 h, ESC [ > 4 m) are not SGR.
        if (final === 0x6d /* m */ && j === i + params.length && !/^[<=>?]/.test(params)) {
          flush();
          applySgr(state, params);
          look = lookOf(state);
        }
        i = j + 1;
      } else {
        // Malformed or cut off (a truncated line): drop what was read.
        i = final === -1 ? n : j;
      }
      continue;
    }

    // OSC and other string sequences run to their terminator; one cut off hides the rest of the line.
    const end = stringEnd(input, i);
    if (end === undefined) {
      i = n;
      break;
    }
    if (kind === 'osc') {
      const body = input.slice(i, end[0]);
      if (body.startsWith('8;')) {
        const uriAt = body.indexOf(';', 2);
        const uri = uriAt === -1 ? '' : body.slice(uriAt + 1);
        flush();
        href = uri === '' ? undefined : safeHref(uri);
      }
    }
    i = end[1];
  }
  flush();

  let text = '';
  for (const segment of segments) text += segment.text;
  return { segments, text };
}

/** The visible text of a line (escape sequences removed), as search and copy see it. */
export function stripAnsi(input: string): string {
  return CONTROL.test(input) ? parseAnsi(input).text : input;
}

/** True when the line has escape sequences or other control characters. */
export const hasControls = (input: string): boolean => CONTROL.test(input);
