import { describe, expect, it } from 'vitest';
import { parseAnsi, safeHref, stripAnsi, type AnsiSegment } from '../../src/components/LogViewer/ansi';

const ESC = '\x1b';
// The contrast-floor class has its own test below; the others compare the rest of the look.
const withoutFloor = (className: string | undefined) =>
  className?.replace(/(^| )opstream-ansi-c(?= |$)/, '').trim() || undefined;
const seg = (s: AnsiSegment) => ({ text: s.text, className: withoutFloor(s.className), style: s.style, href: s.href });
const parts = (line: string) => parseAnsi(line).segments.map(seg);

describe('parseAnsi', () => {
  it('returns plain text untouched (fast path)', () => {
    const line = 'GET /api/v1/apps 200 12ms';
    expect(parseAnsi(line)).toEqual({
      segments: [{ text: line, className: undefined, style: undefined, href: undefined }],
      text: line,
    });
    expect(parseAnsi('').segments).toEqual([]);
  });

  it('maps the 16 colours and bright colours to palette classes, foreground and background', () => {
    expect(parts(`${ESC}[31mred${ESC}[0m plain ${ESC}[92mbright${ESC}[39m`)).toEqual([
      { text: 'red', className: 'opstream-ansi-fg1', style: undefined, href: undefined },
      { text: ' plain ', className: undefined, style: undefined, href: undefined },
      { text: 'bright', className: 'opstream-ansi-fg10', style: undefined, href: undefined },
    ]);
    expect(parts(`${ESC}[44;97mx`)[0]!.className).toBe('opstream-ansi-fg15 opstream-ansi-bg4');
    expect(parts(`${ESC}[103mx`)[0]!.className).toBe('opstream-ansi-bg11');
  });

  it('marks server foregrounds on the log background for the contrast floor, not pairs with a background', () => {
    const classes = (line: string) => parseAnsi(line).segments[0]!.className?.split(' ') ?? [];
    expect(classes(`${ESC}[31mx`)).toContain('opstream-ansi-c');
    expect(classes(`${ESC}[38;5;208mx`)).toContain('opstream-ansi-c');
    expect(classes(`${ESC}[38;2;1;2;3mx`)).toContain('opstream-ansi-c');
    expect(classes(`${ESC}[31;44mx`)).not.toContain('opstream-ansi-c');
    expect(classes(`${ESC}[38;5;208;48;5;16mx`)).not.toContain('opstream-ansi-c');
    expect(classes(`${ESC}[31;7mx`)).not.toContain('opstream-ansi-c');
    expect(classes(`${ESC}[1mx`)).not.toContain('opstream-ansi-c');
  });

  it('handles 256 colours: 0-15 as classes, the cube and greys as rgb()', () => {
    expect(parts(`${ESC}[38;5;9mx`)[0]!.className).toBe('opstream-ansi-fg9');
    expect(parts(`${ESC}[38;5;208mx`)[0]!.style).toEqual({ color: 'rgb(255,135,0)' });
    expect(parts(`${ESC}[48;5;16mx`)[0]!.style).toEqual({ backgroundColor: 'rgb(0,0,0)' });
    expect(parts(`${ESC}[38;5;232mx`)[0]!.style).toEqual({ color: 'rgb(8,8,8)' });
    expect(parts(`${ESC}[38;5;255mx`)[0]!.style).toEqual({ color: 'rgb(238,238,238)' });
    // Colon form (ITU T.416)
    expect(parts(`${ESC}[38:5:196mx`)[0]!.style).toEqual({ color: 'rgb(255,0,0)' });
  });

  it('handles truecolor in both forms and keeps later parameters', () => {
    expect(parts(`${ESC}[38;2;255;100;0mhot`)[0]).toEqual({
      text: 'hot',
      className: undefined,
      style: { color: 'rgb(255,100,0)' },
      href: undefined,
    });
    expect(parts(`${ESC}[48;2;1;2;3;1mx`)[0]).toMatchObject({
      className: 'opstream-ansi-bold',
      style: { backgroundColor: 'rgb(1,2,3)' },
    });
    expect(parts(`${ESC}[38:2::10:20:30mx`)[0]!.style).toEqual({ color: 'rgb(10,20,30)' });
    expect(parts(`${ESC}[38:2:10:20:30mx`)[0]!.style).toEqual({ color: 'rgb(10,20,30)' });
  });

  it('tracks bold, dim, italic, underline, strike, inverse and their resets', () => {
    const line = `${ESC}[1;3;4mA${ESC}[22mB${ESC}[23;24mC${ESC}[2;9mD${ESC}[0mE`;
    expect(parts(line).map((s) => [s.text, s.className])).toEqual([
      ['A', 'opstream-ansi-bold opstream-ansi-italic opstream-ansi-underline'],
      ['B', 'opstream-ansi-italic opstream-ansi-underline'],
      ['C', undefined],
      ['D', 'opstream-ansi-dim opstream-ansi-strike'],
      ['E', undefined],
    ]);
  });

  it('swaps colours for inverse, using the log colours for defaults', () => {
    expect(parts(`${ESC}[7mx`)[0]!.className).toBe('opstream-ansi-inverse');
    expect(parts(`${ESC}[31;7mx`)[0]!.className).toBe('opstream-ansi-inverse opstream-ansi-bg1');
    expect(parts(`${ESC}[38;5;208;7mx`)[0]!.style).toEqual({ backgroundColor: 'rgb(255,135,0)' });
    expect(parts(`${ESC}[31;7;27mx`)[0]!.className).toBe('opstream-ansi-fg1');
  });

  it('treats ESC[m and empty parameters as a reset, and ignores unknown codes', () => {
    expect(parts(`${ESC}[31ma${ESC}[mb`).map((s) => s.className)).toEqual(['opstream-ansi-fg1', undefined]);
    expect(parts(`${ESC}[31ma${ESC}[;mb`).map((s) => s.className)).toEqual(['opstream-ansi-fg1', undefined]);
    expect(parts(`${ESC}[31;53;73mx`)[0]!.className).toBe('opstream-ansi-fg1');
  });

  it('turns OSC 8 http(s) hyperlinks into links, with BEL or ST terminators', () => {
    const st = `${ESC}]8;;https://example.com/a?b=1${ESC}\\docs${ESC}]8;;${ESC}\\ after`;
    expect(parts(st)).toEqual([
      { text: 'docs', className: undefined, style: undefined, href: 'https://example.com/a?b=1' },
      { text: ' after', className: undefined, style: undefined, href: undefined },
    ]);
    const bel = `see ${ESC}]8;id=x;http://example.com\x07here\x1b]8;;\x07.`;
    expect(parts(bel).map((s) => [s.text, s.href])).toEqual([
      ['see ', undefined],
      ['here', 'http://example.com/'],
      ['.', undefined],
    ]);
  });

  it('renders javascript:, data: and relative OSC 8 targets as plain text', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<b>x</b>', '/relative', 'file:///etc/passwd']) {
      const line = `${ESC}]8;;${url}${ESC}\\click${ESC}]8;;${ESC}\\`;
      expect(parts(line)).toEqual([{ text: 'click', className: undefined, style: undefined, href: undefined }]);
    }
  });

  it('strips cursor moves, private modes, titles, DCS and charset escapes', () => {
    const line = `${ESC}]0;my title\x07${ESC}[2K${ESC}[1G${ESC}[?25lProgress${ESC}(B${ESC}7 done${ESC}P1$r${ESC}\\!${ESC}[?25h`;
    expect(parseAnsi(line).text).toBe('Progress done!');
    expect(parseAnsi(line).segments).toHaveLength(1);
  });

  it('handles C1 control forms and drops other control characters', () => {
    expect(parseAnsi('\x9b31mred\x9b0m\x00\x07 ok').segments.map(seg)).toEqual([
      { text: 'red', className: 'opstream-ansi-fg1', style: undefined, href: undefined },
      { text: ' ok', className: undefined, style: undefined, href: undefined },
    ]);
    expect(parseAnsi('a\bb\x7fc\td').text).toBe('abc\td');
  });

  it('keeps what follows the last carriage return (progress bars); a trailing CR is a line end', () => {
    expect(parseAnsi('10%\r50%\r100% done').text).toBe('100% done');
    expect(parseAnsi('windows line\r').text).toBe('windows line');
    expect(withoutFloor(parseAnsi(`${ESC}[32m10%\r100%`).segments[0]!.className)).toBe('opstream-ansi-fg2');
  });

  it('does not show the rest of a cut-off sequence as text', () => {
    // A line truncated in the middle of a sequence (maxLineChars) must not leak parameters.
    expect(parseAnsi(`ok ${ESC}[38;5;2`).text).toBe('ok ');
    expect(parseAnsi(`ok ${ESC}]8;;https://exa`).text).toBe('ok ');
    expect(parseAnsi(`ok ${ESC}`).text).toBe('ok ');
  });

  it('keeps markup-like text as text', () => {
    const hostile = `${ESC}[33m<img src=x onerror=alert(1)>${ESC}[0m<script>`;
    expect(parseAnsi(hostile).text).toBe('<img src=x onerror=alert(1)><script>');
  });

  it('merges runs whose look does not change', () => {
    expect(parts(`${ESC}[31ma${ESC}[31mb${ESC}[1;22mc`)).toEqual([
      { text: 'abc', className: 'opstream-ansi-fg1', style: undefined, href: undefined },
    ]);
  });

  it('parses a 1 MB line into two runs (its speed is for the benchmark, not a test)', () => {
    const line = `${ESC}[32m${'x'.repeat(500_000)}${ESC}[0m${'y'.repeat(500_000)}`;
    const parsed = parseAnsi(line);
    expect(parsed.text).toHaveLength(1_000_000);
    expect(parsed.segments).toHaveLength(2);
  });
});

describe('stripAnsi and safeHref', () => {
  it('strips to the visible text', () => {
    expect(stripAnsi(`${ESC}[1m[INFO]${ESC}[0m ${ESC}]8;;https://x.dev${ESC}\\x${ESC}]8;;${ESC}\\`)).toBe('[INFO] x');
    expect(stripAnsi('plain')).toBe('plain');
  });

  it('accepts only absolute http(s) URLs', () => {
    expect(safeHref('https://example.com/x')).toBe('https://example.com/x');
    expect(safeHref(' http://example.com ')).toBe('http://example.com/');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('vbscript:x')).toBeUndefined();
    expect(safeHref('//example.com')).toBeUndefined();
    expect(safeHref(`https://example.com/${'a'.repeat(3000)}`)).toBeUndefined();
  });
});
