// LogViewer in real Chromium: a real store fed with `ingest` + `flush`, real layout, real scrolling,
// real keyboard and wheel events. Every behaviour in DESIGN's LogViewer list has a test here.
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import axe from 'axe-core';
import { Profiler, createRef, useState } from 'react';
import { page, userEvent } from 'vitest/browser';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogEvent } from '../../src/core/events';
import { createOpstreamStore, type OpstreamStore } from '../../src/core/store';
import { OpstreamProvider } from '../../src/react/OpstreamProvider';
import { LogViewer, type LogViewerProps } from '../../src/components/LogViewer';
import '../../src/styles.css';
import '../../src/components/LogViewer/LogViewer.css';
import { ansiShowcase, appLines } from '../../stories/LogViewerDemo';

// Screenshots rewrite docs/screenshots: only `npm run screenshots` takes them, not every test run.
const SHOTS = import.meta.env.VITE_SCREENSHOTS === '1';

const ESC = '\x1b';
const STREAM = 'container:web';

type LineSpec = string | Omit<LogEvent, 'kind' | 'stream' | 'at'>;

let store: OpstreamStore;

const frames = (n = 2) =>
  new Promise<void>((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  });

/** Ingests lines and applies them at once (the store's frame scheduler is off in these tests). */
const push = (lines: readonly LineSpec[], stream = STREAM) =>
  act(() => {
    store.ingest(
      lines.map((spec): LogEvent => (typeof spec === 'string' ? { kind: 'log', stream, at: 0, line: spec } : { kind: 'log', stream, at: 0, ...spec })),
    );
    store.flush();
  });

const numbered = (from: number, to: number, make = (i: number) => `line ${i}`) => {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(make(i));
  return out;
};

const mount = (props: Partial<LogViewerProps> = {}, height = 400) =>
  render(
    <OpstreamProvider store={store}>
      <div style={{ height, width: 760 }} data-testid="frame">
        <LogViewer stream={STREAM} id="log" {...props} />
      </div>
    </OpstreamProvider>,
  );

const scroller = () => screen.getByRole('log');
const rows = () => Array.from(scroller().querySelectorAll<HTMLElement>('.opstream-log-row:not(.opstream-log-probe)'));
const row = (n: number) => document.getElementById(`log-L${n}`);
const atBottom = (el = scroller()) => el.scrollHeight - el.clientHeight - el.scrollTop <= 1;
const visibleRows = () => {
  const box = scroller().getBoundingClientRect();
  return rows().filter((r) => {
    const rect = r.getBoundingClientRect();
    return rect.bottom > box.top + 1 && rect.top < box.bottom - 1;
  });
};
const topVisibleLine = () => Number(visibleRows()[0]?.dataset.line);
const followButton = () => screen.getByRole('button', { name: 'Follow' });

const checkA11y = async (container: Element, exclude: string[] = []) => {
  const result = await axe.run({ include: [container], exclude: exclude.map((selector) => [selector]) } as axe.ElementContext);
  expect(result.violations).toEqual([]);
};

/** sRGB channels of any CSS colour (oklch included), as the page draws it. */
const rgbOf = (css: string): [number, number, number] => {
  const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = css;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
  return [r!, g!, b!];
};
/** WCAG contrast ratio of two sRGB colours. */
const contrast = (a: readonly number[], b: readonly number[]) => {
  const lum = (c: readonly number[]) =>
    [0.2126, 0.7152, 0.0722].reduce((sum, k, i) => {
      const v = c[i]! / 255;
      return sum + k * (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    }, 0);
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};
const LIGHT_LOG_BG = [0xf6, 0xf8, 0xfa]; // --opstream-log-bg (light)

beforeAll(async () => {
  await page.viewport(1000, 800);
});

beforeEach(() => {
  store = createOpstreamStore({ schedule: () => () => {} });
  history.replaceState(null, '', location.pathname + location.search);
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  history.replaceState(null, '', location.pathname + location.search);
  document.documentElement.removeAttribute('data-theme');
});

// ---------------------------------------------------------------------------------------------

describe('ANSI rendering', () => {
  it('renders SGR colours and attributes as styled text spans, never HTML', async () => {
    const { container } = mount();
    push([
      `${ESC}[31mred${ESC}[0m ${ESC}[92mbright-green${ESC}[0m ${ESC}[44mon-blue${ESC}[0m`,
      `${ESC}[38;5;208morange256${ESC}[0m ${ESC}[48;5;21mbg256${ESC}[0m ${ESC}[38;2;255;100;0mtruecolor${ESC}[0m`,
      `${ESC}[1mbold${ESC}[22m ${ESC}[3mitalic${ESC}[23m ${ESC}[4munderline${ESC}[24m ${ESC}[2mdim${ESC}[0m ${ESC}[7minverse${ESC}[27m`,
      'user said <img src=x onerror=alert(1)> and <script>alert(2)</script>',
    ]);
    const colour = (text: string) => rgbOf(getComputedStyle(within(scroller()).getByText(text)).color);
    const background = (text: string) => getComputedStyle(within(scroller()).getByText(text)).backgroundColor;
    // Text colours keep their hue, darkened where needed to read on the light log background.
    const [r, g, b] = colour('red'); // --opstream-ansi-1 (light), #cf222e
    expect(r).toBeGreaterThan(2 * Math.max(g, b));
    const [r2, g2, b2] = colour('bright-green'); // --opstream-ansi-10, #1a7f37
    expect(g2).toBeGreaterThan(Math.max(r2, b2));
    const [r3, g3, b3] = colour('orange256'); // 208 = rgb(255, 135, 0)
    expect(r3).toBeGreaterThan(g3);
    expect(g3).toBeGreaterThan(b3);
    expect(contrast(colour('orange256'), LIGHT_LOG_BG)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(colour('truecolor'), LIGHT_LOG_BG)).toBeGreaterThanOrEqual(4.5);
    // Backgrounds the server set are kept exactly, with their foreground.
    expect(background('on-blue')).toBe('rgb(9, 105, 218)'); // --opstream-ansi-4
    expect(background('bg256')).toBe('rgb(0, 0, 255)');
    expect(getComputedStyle(within(scroller()).getByText('bold')).fontWeight).toBe('700');
    expect(getComputedStyle(within(scroller()).getByText('italic')).fontStyle).toBe('italic');
    expect(getComputedStyle(within(scroller()).getByText('underline')).textDecorationLine).toBe('underline');
    expect(getComputedStyle(within(scroller()).getByText('dim')).opacity).toBe('0.7');
    // Inverse with default colours: the log's background becomes the text colour.
    expect(colour('inverse')).toEqual(LIGHT_LOG_BG);
    // Pairs the server picked (its own backgrounds) are its business; all other text passes axe.
    await checkA11y(container, ['.opstream-log-text [class*="opstream-ansi-bg"]', '.opstream-log-text [style*="background"]']);

    const hostile = row(4)!;
    expect(hostile.textContent).toContain('<img src=x onerror=alert(1)> and <script>alert(2)</script>');
    expect(container.querySelector('img, script')).toBeNull();
    // Themed: the same class follows the dark palette.
    document.documentElement.setAttribute('data-theme', 'dark');
    expect(colour('red')).toEqual([255, 123, 114]); // #ff7b72 reads on the dark log as it is
  });

  it('keeps every server colour readable on the log background, light and dark (contrast floor)', async () => {
    const { container } = mount({ defaultWrap: true }, 700);
    const cells = (from: number, to: number) => numbered(from, to, (i) => `${ESC}[38;5;${i}mc${i}${ESC}[0m`).join(' ');
    push([
      ...[0, 32, 64, 96, 128, 160, 192, 224].map((from) => cells(from, from + 32)),
      `${ESC}[38;2;255;255;0myellow${ESC}[0m ${ESC}[38;2;255;255;255mwhite${ESC}[0m ${ESC}[38;2;0;0;0mblack${ESC}[0m ${ESC}[38;2;0;0;139mnavy${ESC}[0m`,
      numbered(30, 38, (i) => `${ESC}[${i}mp${i}${ESC}[0m ${ESC}[${i + 60}mb${i + 60}${ESC}[0m`).join(' '),
    ]);
    await frames();
    const colourOnly: axe.RunOptions = { runOnly: { type: 'rule', values: ['color-contrast'] } };
    for (const theme of ['light', 'dark'] as const) {
      document.documentElement.setAttribute('data-theme', theme);
      await frames(1);
      const result = await axe.run(scroller(), colourOnly);
      expect(result.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')))).toEqual([]);
      expect(result.passes.flatMap((p) => p.nodes).length).toBeGreaterThan(250);
    }
    // The same colour is drawn lighter on the dark theme than on the light one.
    const navy = () => rgbOf(getComputedStyle(within(scroller()).getByText('navy')).color);
    const dark = navy();
    document.documentElement.setAttribute('data-theme', 'light');
    await frames(1);
    const light = navy();
    expect(dark[2]).toBeGreaterThan(light[2]);
    expect(dark[2]).toBeGreaterThan(Math.max(dark[0], dark[1])); // still blue
    document.documentElement.removeAttribute('data-theme');
    await checkA11y(container);
  });

  it('makes OSC 8 links only for http(s), and strips other escape sequences', async () => {
    const { container } = mount();
    push([
      `docs at ${ESC}]8;;https://example.com/docs${ESC}\\the docs${ESC}]8;;${ESC}\\ ok`,
      `bad ${ESC}]8;;javascript:alert(1)${ESC}\\click me${ESC}]8;;${ESC}\\ done`,
      `${ESC}]0;window title\x07${ESC}[2K${ESC}[1GProgress${ESC}[?25l 100%${ESC}(B`,
    ]);
    const link = within(scroller()).getByRole('link', { name: 'the docs' });
    expect(link.getAttribute('href')).toBe('https://example.com/docs');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(within(scroller()).queryByRole('link', { name: 'click me' })).toBeNull();
    expect(row(2)!.textContent).toContain('bad click me done');
    expect(row(2)!.querySelector('a[href^="javascript"]')).toBeNull();
    expect(row(3)!.querySelector('.opstream-log-text')!.textContent).toBe('Progress 100%');
    await checkA11y(container);
  });

  it('parses only the rows on screen, even with 100 000 lines', async () => {
    mount();
    push(numbered(0, 100_000, (i) => `${ESC}[32m[INFO]${ESC}[0m request ${i}`));
    await frames();
    expect(rows().length).toBeGreaterThan(5);
    expect(rows().length).toBeLessThan(150);
    expect(screen.getByText('100,000 lines')).toBeTruthy();
    // The scroll height holds every line: ~20 px each.
    expect(scroller().scrollHeight).toBeGreaterThan(100_000 * 18);
    expect(row(100_000)).not.toBeNull();
    expect(row(1)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

describe('follow', () => {
  it('follows the tail as lines arrive, drawing new lines in the same commit', async () => {
    mount();
    push(numbered(0, 300));
    await frames();
    expect(atBottom()).toBe(true);
    for (let batch = 0; batch < 5; batch++) {
      push(numbered(300 + batch * 40, 340 + batch * 40));
      // No frame in between: the new last line is already rendered and in view.
      const last = row(340 + batch * 40)!;
      expect(last).not.toBeNull();
      expect(atBottom()).toBe(true);
      expect(last.getBoundingClientRect().bottom).toBeLessThanOrEqual(scroller().getBoundingClientRect().bottom + 1);
    }
    expect(followButton().getAttribute('aria-pressed')).toBe('true');
  });

  it('pauses when the user scrolls up, counts new lines, and the jump button resumes', async () => {
    const onFollowChange = vi.fn();
    const { container } = mount({ onFollowChange });
    push(numbered(0, 500));
    await frames();
    await userEvent.wheel(scroller(), { delta: { y: -600 } });
    await waitFor(() => expect(followButton().getAttribute('aria-pressed')).toBe('false'));
    expect(onFollowChange).toHaveBeenLastCalledWith(false);
    const top = scroller().scrollTop;
    const line = topVisibleLine();
    push(numbered(500, 525));
    await frames();
    expect(scroller().scrollTop).toBe(top);
    expect(topVisibleLine()).toBe(line);
    const jump = screen.getByRole('button', { name: '25 new lines' });
    await checkA11y(container);
    await userEvent.click(jump);
    await frames();
    expect(atBottom()).toBe(true);
    expect(followButton().getAttribute('aria-pressed')).toBe('true');
    expect(onFollowChange).toHaveBeenLastCalledWith(true);
    expect(screen.queryByRole('button', { name: /new lines/ })).toBeNull();
    push(numbered(525, 560));
    expect(atBottom()).toBe(true);
  });

  it('draws new lines in the frame the store applies them (real frame scheduler, no act)', async () => {
    store = createOpstreamStore(); // flushes on requestAnimationFrame, as in an app
    mount();
    const seen: boolean[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const last = 200 + batch * 50;
      store.ingest(numbered(last - 200 + (batch === 0 ? 0 : 150), last).map((line) => ({ kind: 'log' as const, stream: STREAM, at: 0, line })));
      // The store may pace its flushes (a flood is applied 10 times a second): in the frame it applies
      // the batch, the rows are drawn. Registered after the store's frame callback, so each check runs
      // in the same frame, after React committed.
      let applied = false;
      for (let f = 0; f < 30 && !applied; f++) {
        await new Promise<void>((resolve) =>
          requestAnimationFrame(() => {
            if ((store.getState().logs[STREAM]?.total ?? 0) >= last) {
              applied = true;
              const el = row(last);
              seen.push(el !== null && atBottom() && el.getBoundingClientRect().bottom <= scroller().getBoundingClientRect().bottom + 1);
            }
            resolve();
          }),
        );
      }
    }
    expect(seen).toEqual([true, true, true, true, true]);
  });

  it('follows the tail with wrapped lines of different heights', async () => {
    mount({ defaultWrap: true });
    for (let batch = 0; batch < 6; batch++) {
      push(numbered(batch * 30, batch * 30 + 30, (i) => `line ${i} ${'wrapped words '.repeat((i * 7) % 40)}end`));
      const last = row(batch * 30 + 30)!;
      expect(last).not.toBeNull();
      expect(atBottom()).toBe(true);
      await frames(2); // chunks measured by the ResizeObserver: still at the bottom
      expect(atBottom()).toBe(true);
      expect(last.getBoundingClientRect().bottom).toBeLessThanOrEqual(scroller().getBoundingClientRect().bottom + 1);
    }
    const all = rows();
    for (let i = 1; i < all.length; i++) {
      expect(all[i]!.getBoundingClientRect().top).toBeGreaterThanOrEqual(all[i - 1]!.getBoundingClientRect().bottom - 0.5);
    }
  });

  it('pausing a wrapped log that followed keeps the lines in place', async () => {
    mount({ defaultWrap: true });
    const text = (i: number) => `line ${i} ${'wrapped words '.repeat(20 + ((i * 7) % 30))}end`;
    for (let batch = 0; batch < 4; batch++) push(numbered(batch * 40, batch * 40 + 40, text));
    await frames(2);
    const line = topVisibleLine();
    const top = row(line)!.getBoundingClientRect().top;
    await userEvent.click(followButton()); // pause: every row of the tail's chunks is drawn from now on
    await frames(3);
    expect(row(line)!.getBoundingClientRect().top).toBeCloseTo(top, 0);
    const all = rows();
    for (let i = 1; i < all.length; i++) {
      expect(all[i]!.getBoundingClientRect().top).toBeGreaterThanOrEqual(all[i - 1]!.getBoundingClientRect().bottom - 0.5);
    }
  });

  it('End resumes following; the follow toggle pauses and resumes', async () => {
    mount();
    push(numbered(0, 400));
    await frames();
    await userEvent.click(followButton());
    expect(followButton().getAttribute('aria-pressed')).toBe('false');
    push(numbered(400, 410));
    expect(atBottom()).toBe(false);
    expect(screen.getByRole('button', { name: '10 new lines' })).toBeTruthy();
    scroller().focus();
    await userEvent.keyboard('{End}');
    await frames();
    expect(atBottom()).toBe(true);
    expect(followButton().getAttribute('aria-pressed')).toBe('true');
  });

  it('keeps the reader in place while the ring drops old lines above', async () => {
    store = createOpstreamStore({ schedule: () => () => {}, logCapacity: 2_000 });
    mount();
    push(numbered(0, 2_000));
    await frames();
    await userEvent.wheel(scroller(), { delta: { y: -12_000 } });
    await waitFor(() => expect(followButton().getAttribute('aria-pressed')).toBe('false'));
    await frames();
    const line = topVisibleLine();
    for (let i = 0; i < 5; i++) {
      push(numbered(2_000 + i * 100, 2_100 + i * 100)); // 100 lines in, 100 dropped at the top
      await frames();
      expect(topVisibleLine()).toBe(line);
    }
    expect(screen.getByText(/2,000 lines · 500 dropped/)).toBeTruthy();
  });

  it('is controllable: follow={false} stays put, and the parent hears the user scroll away', async () => {
    function Controlled() {
      const [follow, setFollow] = useState(true);
      return (
        <>
          <output data-testid="follow">{String(follow)}</output>
          <LogViewer stream={STREAM} id="log" follow={follow} onFollowChange={setFollow} height={300} />
        </>
      );
    }
    render(
      <OpstreamProvider store={store}>
        <Controlled />
      </OpstreamProvider>,
    );
    push(numbered(0, 300));
    await frames();
    expect(atBottom()).toBe(true);
    await userEvent.wheel(scroller(), { delta: { y: -400 } });
    await waitFor(() => expect(screen.getByTestId('follow').textContent).toBe('false'));
    push(numbered(300, 320));
    expect(atBottom()).toBe(false);
    cleanup();
    mount({ follow: false }, 300);
    push(numbered(0, 300));
    await frames();
    expect(scroller().scrollTop).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('search', () => {
  const haystack = () =>
    numbered(0, 1_000, (i) => (i % 50 === 7 ? `${ESC}[31mERROR${ESC}[0m job ${i} failed: Timeout` : `INFO job ${i} ok`));

  it('highlights matches, moves through them with Enter / Shift+Enter and the buttons', async () => {
    const { container } = mount();
    push(haystack());
    await frames();
    const input = screen.getByRole('searchbox', { name: 'Search logs' });
    await userEvent.type(input, 'timeout');
    expect(screen.getByText('20 matches')).toBeTruthy();
    const marks = () => scroller().querySelectorAll('mark');
    await userEvent.keyboard('{Enter}');
    // Case-insensitive, across the ANSI colour boundary's plain text.
    expect(marks().length).toBeGreaterThan(0);
    expect(marks()[0]!.textContent).toBe('Timeout');
    const current = () => scroller().querySelector<HTMLElement>('[data-current-match]')!;
    const status = screen.getByText(/of 20$/);
    const first = Number(current().dataset.line);
    expect(status.textContent).toMatch(/^\d+ of 20$/);
    const index = Number(status.textContent!.split(' ')[0]);
    await userEvent.keyboard('{Enter}');
    expect(screen.getByText(`${index + 1} of 20`)).toBeTruthy();
    expect(Number(current().dataset.line)).toBe(first + 50);
    await userEvent.keyboard('{Shift>}{Enter}{/Shift}');
    expect(screen.getByText(`${index} of 20`)).toBeTruthy();
    expect(Number(current().dataset.line)).toBe(first);
    // Scrolled into view.
    const box = scroller().getBoundingClientRect();
    const rect = current().getBoundingClientRect();
    expect(rect.top).toBeGreaterThanOrEqual(box.top);
    expect(rect.bottom).toBeLessThanOrEqual(box.bottom);
    expect(current().querySelector('mark[data-current]')).not.toBeNull();
    // Buttons; the search wraps around.
    await userEvent.click(screen.getByRole('button', { name: 'Previous match' }));
    expect(screen.getByText(`${index - 1 === 0 ? 20 : index - 1} of 20`)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Next match' }));
    expect(screen.getByText(`${index} of 20`)).toBeTruthy();
    await checkA11y(container);
    // Escape clears.
    input.focus();
    await userEvent.keyboard('{Escape}');
    expect((input as HTMLInputElement).value).toBe('');
    expect(marks().length).toBe(0);
  });

  it('filters to matching lines and extends the index as lines arrive', async () => {
    mount();
    push(haystack());
    await userEvent.type(screen.getByRole('searchbox'), 'error');
    await userEvent.click(screen.getByRole('button', { name: 'Only matches' }));
    await frames();
    expect(screen.getByRole('button', { name: 'Only matches' }).getAttribute('aria-pressed')).toBe('true');
    // Following, the rows drawn are the last matches, one after another (lines 8, 58, ... 958 are the 20).
    const drawn = () => rows().map((r) => Number(r.dataset.line));
    const lastMatches = (k: number) => Array.from({ length: 20 }, (_, i) => i * 50 + 8).slice(-k);
    expect(drawn().length).toBeGreaterThan(5);
    expect(drawn()).toEqual(lastMatches(drawn().length));
    expect(rows().every((r) => r.textContent!.includes('ERROR'))).toBe(true);
    // The scroll height is that of 20 rows, not of 1 000.
    expect(scroller().scrollHeight).toBeLessThan(21 * rows()[0]!.offsetHeight);
    push([`${ESC}[31mERROR${ESC}[0m late failure`, 'INFO fine']);
    await frames();
    expect(screen.getByText('21 matches')).toBeTruthy();
    expect(drawn().at(-1)).toBe(1001);
    expect(drawn().slice(0, -1)).toEqual(lastMatches(drawn().length - 1));
    await userEvent.click(screen.getByRole('button', { name: 'Only matches' }));
    await frames();
    expect(drawn().at(-1)).toBe(1002);
    expect(rows().some((r) => r.textContent!.includes('INFO'))).toBe(true);
  });

  it('supports regular expressions and reports an invalid pattern', async () => {
    mount();
    push(haystack());
    await userEvent.click(screen.getByRole('button', { name: 'Regex' }));
    const input = screen.getByRole('searchbox');
    await userEvent.fill(input, 'job 1[05]7 ');
    expect(screen.getByText('2 matches')).toBeTruthy(); // jobs 107 and 157
    await userEvent.fill(input, 'job (');
    expect(screen.getByText('Invalid pattern')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  it('"/" focuses the search box; Escape in the log clears the search', async () => {
    mount();
    push(haystack());
    scroller().focus();
    await userEvent.keyboard('/');
    const input = screen.getByRole('searchbox');
    expect(document.activeElement).toBe(input);
    await userEvent.keyboard('job');
    expect((input as HTMLInputElement).value).toBe('job');
    scroller().focus();
    await userEvent.keyboard('{Escape}');
    expect((input as HTMLInputElement).value).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------

describe('line numbers and permalinks', () => {
  it('selects a line and sets the location hash when its number is clicked', async () => {
    mount();
    push(numbered(0, 100));
    await frames();
    const target = visibleRows()[3]!;
    const n = Number(target.dataset.line);
    await userEvent.click(target.querySelector('.opstream-log-lineno')!);
    expect(location.hash).toBe(`#log-L${n}`);
    expect(row(n)!.hasAttribute('data-selected')).toBe(true);
    expect(row(n)!.getAttribute('aria-current')).toBe('location');
    expect(followButton().getAttribute('aria-pressed')).toBe('false');
  });

  it('scrolls to and highlights the line in the hash on mount, once it has arrived', async () => {
    history.replaceState(null, '', '#log-L1234');
    mount();
    push(numbered(0, 1_000));
    await frames();
    expect(row(1234)).toBeNull();
    push(numbered(1_000, 3_000));
    await frames(3);
    const target = row(1234)!;
    expect(target.hasAttribute('data-selected')).toBe(true);
    const box = scroller().getBoundingClientRect();
    const rect = target.getBoundingClientRect();
    expect(rect.top).toBeGreaterThanOrEqual(box.top);
    expect(rect.bottom).toBeLessThanOrEqual(box.bottom);
    expect(followButton().getAttribute('aria-pressed')).toBe('false');
  });

  it('follows a permalink to another line while mounted (hashchange)', async () => {
    mount();
    push(numbered(0, 2_000));
    await frames();
    location.hash = '#log-L42';
    await waitFor(() => expect(row(42)?.hasAttribute('data-selected')).toBe(true));
    await frames();
    expect(visibleRows().map((r) => r.dataset.line)).toContain('42');
  });

  it('hides the numbers with showLineNumbers={false}', () => {
    mount({ showLineNumbers: false });
    push(numbered(0, 10));
    expect(scroller().querySelector('a.opstream-log-lineno')).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

describe('long lines and wrapping', () => {
  it('wraps long lines on toggle, measuring the taller rows', async () => {
    mount();
    push(['short', `long ${'word '.repeat(400)}end`, 'after']);
    await frames();
    const long = row(2)!;
    const rowHeight = row(1)!.getBoundingClientRect().height;
    expect(long.getBoundingClientRect().height).toBe(rowHeight);
    expect(scroller().scrollWidth).toBeGreaterThan(scroller().clientWidth);
    await userEvent.click(screen.getByRole('button', { name: 'Wrap' }));
    await frames();
    expect(row(2)!.getBoundingClientRect().height).toBeGreaterThan(rowHeight * 3);
    expect(scroller().scrollWidth).toBe(scroller().clientWidth);
    // Rows do not overlap: the next row starts below the wrapped one.
    expect(row(3)!.getBoundingClientRect().top).toBeGreaterThanOrEqual(row(2)!.getBoundingClientRect().bottom - 0.5);
  });

  it('truncates a 1 MB line with an expand button that reveals all of it', async () => {
    mount();
    const huge = `{"items":[${'x'.repeat(999_988)}]}`; // 1 000 000 characters
    push(['before', huge, 'after']);
    await frames();
    const text = () => row(2)!.querySelector('.opstream-log-text')!.textContent!;
    expect(text().length).toBe(10_000);
    const expand = within(row(2)!).getByRole('button', { name: 'Show all (1.0 MB)' });
    expect(expand.getAttribute('aria-expanded')).toBe('false');
    await userEvent.click(expand);
    await frames();
    expect(text().length).toBe(huge.length);
    // It wraps within the view instead of making the log a million characters wide.
    expect(row(2)!.getBoundingClientRect().width).toBeLessThanOrEqual(scroller().clientWidth);
    expect(row(2)!.getBoundingClientRect().height).toBeGreaterThan(1_000);
    expect(row(3)!.getBoundingClientRect().top).toBeGreaterThanOrEqual(row(2)!.getBoundingClientRect().bottom - 0.5);
    await userEvent.click(within(row(2)!).getByRole('button', { name: 'Collapse' }));
    await frames();
    expect(text().length).toBe(10_000);
  });

  it('honours maxLineChars', () => {
    mount({ maxLineChars: 20 });
    push(['0123456789012345678901234567890']);
    expect(row(1)!.querySelector('.opstream-log-text')!.textContent).toBe('01234567890123456789');
    expect(within(row(1)!).getByRole('button', { name: 'Show all (31 chars)' })).toBeTruthy();
  });
});

// ---------------------------------------------------------------------------------------------

describe('copy and download', () => {
  it('copies the whole buffer as plain text, not just the rows on screen', async () => {
    const writeText = vi.fn((_text: string) => Promise.resolve());
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({ writeText } as unknown as Clipboard);
    mount();
    push(numbered(0, 5_000, (i) => `${ESC}[32mline${ESC}[0m ${i}`));
    await userEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(screen.getByText('Copied 5,000 lines')).toBeTruthy());
    const copied = writeText.mock.calls[0]![0];
    expect(copied.split('\n')).toHaveLength(5_000);
    expect(copied.startsWith('line 0\nline 1\n')).toBe(true);
    expect(copied.endsWith('line 4999')).toBe(true);
  });

  it('reports a clipboard failure politely', async () => {
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({
      writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')),
    } as unknown as Clipboard);
    mount();
    push(['a']);
    await userEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await screen.findByText('Could not copy: the browser denied clipboard access')).toBeTruthy();
  });

  it('downloads the whole buffer as <stream>.log', async () => {
    let blob: Blob | undefined;
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blob = b as Blob;
      return 'blob:test';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    mount();
    push(numbered(0, 3_000, (i) => `${ESC}[31m${i}${ESC}[0m`));
    await userEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe('container_web.log');
    expect(clicked[0]!.href).toBe('blob:test');
    const text = await blob!.text();
    expect(text.split('\n')).toHaveLength(3_001);
    expect(text.startsWith(`${ESC}[31m0${ESC}[0m\n`)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('sources, levels and status', () => {
  it('marks stdout/stderr and levels, colouring stderr and error/warn lines from the theme', async () => {
    const { container } = mount();
    push([
      { line: 'plain out', source: 'stdout' },
      { line: 'boom on stderr', source: 'stderr' },
      { line: 'explicit level', level: 'ERROR' },
      `${ESC}[33m[WARN]${ESC}[0m inferred from the text`,
      'level=debug inferred too',
    ]);
    expect(row(1)!.dataset.source).toBe('stdout');
    expect(row(2)!.dataset.source).toBe('stderr');
    expect(getComputedStyle(row(2)!.querySelector('.opstream-log-text')!).color).toBe('rgb(207, 34, 46)');
    expect(row(3)!.dataset.level).toBe('error');
    expect(getComputedStyle(row(3)!).backgroundColor).not.toBe('rgba(0, 0, 0, 0)');
    expect(row(4)!.dataset.level).toBe('warn');
    expect(row(5)!.dataset.level).toBe('debug');
    expect(row(1)!.dataset.level).toBeUndefined();
    await checkA11y(container);
  });

  it('shows only the levels in filterLevels', () => {
    mount({ filterLevels: ['error', 'warn'] });
    push(['[INFO] a', '[ERROR] b', { line: 'c', level: 'warning' }, '[DEBUG] d', 'FATAL e']);
    expect(rows().map((r) => r.dataset.line)).toEqual(['2', '3', '5']);
  });

  it('shows the line count, dropped count and stream status', () => {
    store = createOpstreamStore({ schedule: () => () => {}, logCapacity: 1_000 });
    mount();
    push(numbered(0, 12_345));
    expect(screen.getByText('1,000 lines · 11,345 dropped')).toBeTruthy();
    expect(screen.getByText('Live').dataset.state).toBe('live');
    act(() => store.setStreamStatus(STREAM, 'paused'));
    expect(screen.getByText('Paused')).toBeTruthy();
    act(() => store.setStreamStatus(STREAM, 'ended', 'log stream ended'));
    expect(screen.getByText('Stream ended: log stream ended')).toBeTruthy();
    act(() => store.setStreamStatus(STREAM, 'error', 'connection failed'));
    expect(screen.getByText('Stream error: connection failed').dataset.state).toBe('error');
  });

  it('shows "Waiting for logs…" when empty and "Stream ended" when it ended with no lines', async () => {
    const { container } = mount();
    expect(screen.getByText('Waiting for logs…')).toBeTruthy();
    await checkA11y(container);
    act(() => store.setStreamStatus(STREAM, 'ended'));
    expect(screen.getAllByText('Stream ended').length).toBeGreaterThan(0);
    expect(screen.queryByText('Waiting for logs…')).toBeNull();
  });

  it('replaces its strings through labels', () => {
    mount({ labels: { waiting: 'En attente des journaux…', search: 'Rechercher' } });
    expect(screen.getByText('En attente des journaux…')).toBeTruthy();
    expect(screen.getByRole('searchbox', { name: 'Rechercher' })).toBeTruthy();
  });
});

// ---------------------------------------------------------------------------------------------

describe('accessibility', () => {
  it('is a named role="log" region that does not read every line, with throttled announcements', async () => {
    const { container } = mount();
    const log = screen.getByRole('log', { name: 'Log output' });
    expect(log.getAttribute('aria-live')).toBe('off');
    expect(log.tabIndex).toBe(0);
    const announcer = container.querySelector('.opstream-log-announcer')!;
    expect(announcer.getAttribute('role')).toBe('status');
    push(numbered(0, 25));
    await waitFor(() => expect(announcer.textContent).toBe('25 new lines'));
    const announcedAt = performance.now();
    // A burst right after: no new announcement for ~2 s, then one that sums it up.
    for (let i = 0; i < 10; i++) {
      push(numbered(25 + i * 10, 35 + i * 10));
      await frames(1);
    }
    expect(announcer.textContent).toBe('25 new lines');
    await waitFor(() => expect(announcer.textContent).toBe('100 new lines'), { timeout: 3_000 });
    expect(performance.now() - announcedAt).toBeGreaterThan(1_800);
    act(() => store.setStreamStatus(STREAM, 'ended'));
    await waitFor(() => expect(announcer.textContent).toBe('Stream ended'), { timeout: 3_000 });
    await checkA11y(container);
  });

  it('moves an active line with the arrow keys, pages, Home/End, and Enter makes a permalink', async () => {
    const { container } = mount();
    push(numbered(0, 500));
    await frames();
    scroller().focus();
    await userEvent.keyboard('{ArrowUp}');
    const active = () => scroller().querySelector<HTMLElement>('[data-active]')!;
    expect(Number(active().dataset.line)).toBe(500);
    expect(document.activeElement).toBe(active());
    expect(followButton().getAttribute('aria-pressed')).toBe('false');
    await userEvent.keyboard('{ArrowUp}{ArrowUp}');
    expect(Number(active().dataset.line)).toBe(498);
    await userEvent.keyboard('{ArrowDown}');
    expect(Number(active().dataset.line)).toBe(499);
    await userEvent.keyboard('{PageUp}');
    const afterPage = Number(active().dataset.line);
    expect(afterPage).toBeLessThan(499 - 5);
    await frames();
    expect(visibleRows()).toContain(active());
    await userEvent.keyboard('{Home}');
    await frames();
    expect(Number(active().dataset.line)).toBe(1);
    expect(document.activeElement).toBe(active());
    expect(visibleRows()).toContain(active());
    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(location.hash).toBe('#log-L2');
    expect(row(2)!.hasAttribute('data-selected')).toBe(true);
    await checkA11y(container);
    await userEvent.keyboard('{End}');
    await frames();
    expect(Number(active().dataset.line)).toBe(500);
    expect(atBottom()).toBe(true);
    expect(followButton().getAttribute('aria-pressed')).toBe('true');
  });

  it('keeps the focused line mounted while it is scrolled far away', async () => {
    mount();
    push(numbered(0, 5_000));
    await frames();
    scroller().focus();
    await userEvent.keyboard('{ArrowUp}');
    const focused = document.activeElement as HTMLElement;
    expect(focused.dataset.line).toBe('5000');
    scroller().scrollTop = 0;
    await frames(3);
    expect(document.activeElement).toBe(focused);
    expect(focused.isConnected).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('rendering cost', () => {
  it('commits a bounded number of times per store flush, not per line', async () => {
    let commits = 0;
    render(
      <OpstreamProvider store={store}>
        <div style={{ height: 400 }}>
          <Profiler id="log" onRender={() => commits++}>
            <LogViewer stream={STREAM} id="log" />
          </Profiler>
        </div>
      </OpstreamProvider>,
    );
    push(numbered(0, 100));
    await frames(3);
    commits = 0;
    for (let i = 0; i < 10; i++) {
      push(numbered(100 + i * 1_000, 1_100 + i * 1_000));
      await frames(1);
    }
    await frames(3);
    // One commit per flush, plus at most one for the measured chunk that grew.
    expect(commits).toBeLessThanOrEqual(20);
    expect(commits).toBeGreaterThanOrEqual(10);
  });

  it('does DOM work for the new lines only when following 100 000 lines', async () => {
    mount();
    const line = (n: number) => `${ESC}[32m[INFO]${ESC}[0m request ${n} done in ${ESC}[38;5;208m${n % 900}ms${ESC}[0m`;
    push(numbered(0, 100_000, line));
    await frames(3);
    let added = 0;
    const countRows = (node: Node) =>
      node instanceof HTMLElement ? (node.matches('.opstream-log-row') ? 1 : node.querySelectorAll('.opstream-log-row').length) : 0;
    const observer = new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) added += countRows(node);
    });
    observer.observe(scroller(), { childList: true, subtree: true });
    // Only a screenful is drawn while following: lines that scroll past within one flush never are.
    const screenful = Math.ceil(scroller().clientHeight / rows()[0]!.offsetHeight) + 1;
    for (let i = 0; i < 20; i++) {
      push(numbered(100_000 + i * 50, 100_050 + i * 50, line));
      await frames(1);
      expect(atBottom()).toBe(true);
      expect(rows().length).toBeLessThanOrEqual(screenful);
    }
    expect(added).toBeLessThanOrEqual(20 * screenful);
    expect(added).toBeGreaterThanOrEqual(20 * (screenful - 1));
    // Rows on screen are never re-created: one new row element per new line.
    added = 0;
    for (let i = 0; i < 10; i++) {
      push(numbered(101_000 + i * 3, 101_003 + i * 3, line));
      await frames(1);
    }
    observer.disconnect();
    expect(added).toBe(30);
    expect(row(101_030)).not.toBeNull();
    // Wall time is for `npm run bench`, not for a test on a shared machine.
  });

  it('forwards its ref and spreads DOM props onto the root', () => {
    const ref = createRef<HTMLDivElement>();
    render(
      <OpstreamProvider store={store}>
        <LogViewer ref={ref} stream={STREAM} className="mine" data-testid="viewer" height={200} />
      </OpstreamProvider>,
    );
    expect(ref.current).toBe(screen.getByTestId('viewer'));
    expect(ref.current!.className).toBe('opstream-logviewer mine');
  });
});

// ---------------------------------------------------------------------------------------------

describe.runIf(SHOTS)('screenshots', () => {
  it('light and dark', async () => {
    render(
      <OpstreamProvider store={store}>
        <div style={{ height: 520, width: 960, padding: 16 }} data-testid="shot">
          <LogViewer stream={STREAM} id="shot" />
        </div>
      </OpstreamProvider>,
    );
    act(() => {
      store.ingest(appLines(0, 400, STREAM));
      store.ingest(ansiShowcase().map((e) => ({ ...e, stream: STREAM })));
      store.ingest(appLines(400, 6, STREAM));
      store.flush();
    });
    await userEvent.fill(screen.getByRole('searchbox'), 'http');
    (document.activeElement as HTMLElement | null)?.blur();
    await frames(3);
    for (const theme of ['light', 'dark'] as const) {
      document.documentElement.setAttribute('data-theme', theme);
      document.body.style.background = theme === 'dark' ? '#0d1117' : '#ffffff';
      await frames(2);
      await page.screenshot({ path: `../../docs/screenshots/logviewer-${theme}.png`, element: page.getByTestId('shot') });
    }
    document.body.style.background = '';
  });
});
