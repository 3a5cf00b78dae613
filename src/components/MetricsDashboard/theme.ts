// Canvas cannot use var(): the chart reads the theme's colours once, and again when the theme changes.

/** Colours and font for a canvas, read from the `--opstream-*` variables in effect on an element. */
export interface ChartTheme {
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
  readonly font: string;
  /** Series colours (`--opstream-chart-1` …); unstyled, the text colour (series then differ by dash). */
  readonly palette: readonly string[];
  /** Equal keys, equal colours: a theme switch that changes nothing redraws nothing. */
  readonly key: string;
}

export const PALETTE_SIZE = 8;

/** Reads the theme from `--opstream-*` custom properties, falling back to the element's text colour. */
export function readChartTheme(element: Element): ChartTheme {
  const style = getComputedStyle(element);
  const read = (name: string): string => style.getPropertyValue(name).trim();
  const text = style.color;
  const fg = read('--opstream-fg') || text;
  const muted = read('--opstream-fg-muted') || fg;
  const grid = read('--opstream-border') || muted;
  const family = read('--opstream-font') || style.fontFamily;
  const palette: string[] = [];
  for (let i = 1; i <= PALETTE_SIZE; i++) {
    const colour = read(`--opstream-chart-${i}`);
    if (colour !== '') palette.push(colour);
  }
  if (palette.length === 0) palette.push(fg);
  const font = `12px ${family}`;
  return { fg, muted, grid, font, palette, key: [fg, muted, grid, font, ...palette].join('|') };
}

/** Dash pattern for series `i`: solid while colours last, then dashes, so lines differ beyond colour. */
export function dashFor(i: number, paletteSize: number): number[] | undefined {
  const round = Math.floor(i / Math.max(1, paletteSize));
  if (round === 0) return undefined;
  return round === 1 ? [6, 3] : round === 2 ? [2, 3] : [8, 3, 2, 3];
}

/**
 * Calls `onChange` when the page's theme may have changed: a `data-theme` attribute anywhere, the
 * root's or body's class, or the OS colour scheme. Returns the stop function.
 */
export function observeTheme(onChange: () => void): () => void {
  if (typeof document === 'undefined') return () => {};
  const stops: (() => void)[] = [];
  if (typeof MutationObserver === 'function') {
    const themes = new MutationObserver(onChange);
    themes.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'], subtree: true });
    const classes = new MutationObserver(onChange);
    classes.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
    if (document.body !== null) classes.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    stops.push(() => themes.disconnect(), () => classes.disconnect());
  }
  if (typeof matchMedia === 'function') {
    const media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', onChange);
    stops.push(() => media.removeEventListener('change', onChange));
  }
  return () => {
    for (const stop of stops) stop();
  };
}
