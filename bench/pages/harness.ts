/**
 * Page-side instrumentation shared by every benchmark page (imported first, before any socket is made).
 *
 * - Wraps the global WebSocket so the first frame's arrival time is recorded (one `once` listener per socket).
 * - Records long tasks (PerformanceObserver 'longtask': main-thread tasks over 50 ms).
 * - `watchFor(marker)`: a MutationObserver that notes when text containing `marker` enters the DOM, then checks
 *   in the next frame that it is on screen (inside the viewport and its scroll container).
 * - Reports to the Node harness by POSTing to the page server (`/__bench/<run>/<event>`), not through the DevTools
 *   protocol: the log pages run in a Chromium that has no DevTools client, which would otherwise be sent every
 *   WebSocket frame. 'ready' carries the heap before the stream; 'done' is followed, 0.5 s later, by 'result'
 *   (the page's figures) and then 'heap' (after a forced GC). A run that has not finished `cap` ms after its first
 *   frame reports what it showed.
 */

export interface LongTask {
  start: number;
  duration: number;
}

export interface BenchPageState {
  /** performance.now() when the first WebSocket frame arrived. */
  firstFrameAt?: number;
  /** performance.now() when the last line was stored (bare page) or entered the DOM (rendering pages). */
  doneAt?: number;
  /** performance.now() of the frame after doneAt. */
  frameAfterDoneAt?: number;
  /** Whether the last line was inside the viewport in that frame (rendering pages). */
  visible?: boolean;
  longTasks: LongTask[];
  /** Free-form figures a page reports (MetricsDashboard update times). */
  extra?: unknown;
}

declare global {
  interface Window {
    __bench: BenchPageState;
    /** Lines the bare page keeps. */
    __lines?: string[];
    gc?: () => void;
  }
}

export const bench: BenchPageState = { longTasks: [] };
window.__bench = bench;

export const params = new URLSearchParams(location.search);
/** The log server's base URL (ws://127.0.0.1:port). */
export const wsUrl = params.get('ws') ?? '';
/** Lines the server will send. */
export const total = Number(params.get('n') ?? '0');
/** Text that only the last line contains. */
export const marker = params.get('marker') ?? '';
/** The page run, which the Node side routes this page's reports by. */
const run = params.get('run') ?? '0';
/** How long after the first frame an unfinished run reports what it has. */
const capMs = Number(params.get('cap') ?? '50000');

function post(name: string, data?: unknown): void {
  void fetch(`/__bench/${run}/${name}`, { method: 'POST', body: JSON.stringify(data ?? null), keepalive: true }).catch(
    () => {},
  );
}

/** MB of JS heap after a forced GC (Chromium runs with --expose-gc and precise memory info). */
function heapMB(): number {
  window.gc?.();
  window.gc?.();
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return (memory?.usedJSHeapSize ?? Number.NaN) / 2 ** 20;
}

/** Lines stored (bare page) or the highest line number drawn (follow mode shows the tail). */
function shownLines(): number {
  if (window.__lines !== undefined) return window.__lines.length;
  let shown = 0;
  for (const match of (document.body.textContent ?? '').matchAll(/seq (\d{6})/g)) shown = Math.max(shown, Number(match[1]));
  return shown;
}

let ended = false;
function end(finished: boolean): void {
  if (ended) return;
  ended = true;
  // Long tasks that end after the last line still count.
  setTimeout(() => {
    post('result', { ...bench, finished, shown: finished ? total : shownLines() });
    setTimeout(() => post('heap', heapMB()), 0);
  }, 500);
}

export function report(name: 'ready' | 'done', data?: unknown): void {
  if (name === 'ready') {
    // Settle, then note the heap before the stream starts.
    setTimeout(() => post('ready', heapMB()), 300);
    return;
  }
  post(name, data);
  end(true);
}

addEventListener('error', (event) => post('error', String(event.message)));
addEventListener('unhandledrejection', (event) => post('error', String(event.reason)));

// ---- long tasks ------------------------------------------------------------------------------

try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch {
  // No longtask support: the table says "n/a".
}

// ---- first frame -----------------------------------------------------------------------------

const NativeWebSocket = window.WebSocket;
class InstrumentedWebSocket extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    this.addEventListener(
      'message',
      () => {
        if (bench.firstFrameAt !== undefined) return;
        bench.firstFrameAt = performance.now();
        setTimeout(() => end(false), capMs);
      },
      { once: true },
    );
  }
}
window.WebSocket = InstrumentedWebSocket;

// ---- last line in the DOM --------------------------------------------------------------------

/** Only the tail of a text node is searched: the last line is at the end of a joined <pre>. */
const TAIL = 4096;

function contains(node: Node, text: string): boolean {
  if (node.nodeType === Node.TEXT_NODE) {
    const data = (node as Text).data;
    return (data.length > TAIL ? data.slice(-TAIL) : data).includes(text);
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return false;
  const content = node.textContent ?? '';
  return (content.length > TAIL ? content.slice(-TAIL) : content).includes(text);
}

/** The closest ancestor that scrolls (its box clips what is shown). */
function scroller(element: Element | null): Element | null {
  for (let el = element?.parentElement ?? null; el !== null; el = el.parentElement) {
    const { overflowY } = getComputedStyle(el);
    if (overflowY === 'auto' || overflowY === 'scroll') return el;
  }
  return null;
}

/** Whether `marker` is drawn inside the viewport and inside its scroll container. */
export function markerVisible(text: string): boolean {
  let node: Node | null = null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) if (contains(n, text)) node = n;
  if (node === null) return false;
  const data = (node as Text).data;
  const at = data.lastIndexOf(text);
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + text.length);
  const r = range.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return false;
  const inside = (box: DOMRect | { top: number; bottom: number; left: number; right: number }) =>
    r.bottom > box.top && r.top < box.bottom && r.right > box.left && r.left < box.right;
  if (!inside({ top: 0, left: 0, bottom: innerHeight, right: innerWidth })) return false;
  const clip = scroller(node.parentElement);
  return clip === null || inside(clip.getBoundingClientRect());
}

/** Calls `done` once text containing `text` is in the DOM (and records the times). */
export function watchFor(text: string, root: Node = document.body): void {
  const found = () => {
    observer.disconnect();
    bench.doneAt = performance.now();
    requestAnimationFrame(() => {
      bench.frameAfterDoneAt = performance.now();
      bench.visible = markerVisible(text);
      report('done');
    });
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'characterData') {
        if (contains(record.target, text)) return found();
        continue;
      }
      for (const node of record.addedNodes) if (contains(node, text)) return found();
    }
  });
  observer.observe(root, { childList: true, subtree: true, characterData: true });
}
