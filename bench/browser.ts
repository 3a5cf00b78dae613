/**
 * Browser benchmarks (headless Debian Chromium), run by `npm run bench` via bench/run.ts.
 *
 * Log pages, fed by a local `ws` server that sends N Mist container-logs frames, one line per frame, as fast as the
 * socket drains, once the page says it is ready:
 *  (a) bare: WebSocket + JSON.parse + push into an array, nothing rendered (the ceiling);
 *  (b) opstream: <LogViewer> (follow) fed by useContainerLogs + mist() - WebSocket -> connection -> adapter -> store;
 *  (b0) the same without the view (store only): tells the pipeline's cost from the view's;
 *  (c) @melloware/react-logviewer: <LazyLog websocket follow> with its own socket;
 *  (d) the protocol documents' pattern: useState + setLogs(prev => [...prev, line]) into <pre>{logs.join('\n')}</pre>.
 * Measured in the page: lines/s from the first frame until the last line is stored (a) or in the DOM (b-d; a
 * MutationObserver sees it, and the next frame checks it is on screen), long tasks (PerformanceObserver 'longtask'),
 * JS heap after a forced GC.
 *
 * MetricsDashboard: 20 series x 3 600 points in a 1 h window, one sample per series ingested at 10 Hz for 10 s;
 * the time of each store flush to the end of its frame's work, and to the next animation frame.
 *
 * The pages (bench/pages) are built with Vite (production, one multi-page build into a temp dir) and served by
 * node:http on 127.0.0.1. Each page run gets a fresh headless Chromium with no DevTools client (see openPage);
 * pages report back over HTTP. Profiling uses Playwright. `npx tsx bench/browser.ts` runs this part alone. Environment:
 *  CHROMIUM_PATH          default /usr/bin/chromium
 *  BENCH_BROWSER_CAP_S    per page run, default 50 (keeps the whole part under ~6 min)
 *  BENCH_BROWSER_SIZES    default "20000,100000"
 *  BENCH_BROWSER_REPEATS  runs of (a), (b), (b0) per size, median kept; default 7, and more for short streams
 *                         (15 at 20 000 lines), whose rates swing more
 *  BENCH_BROWSER_PAGES    e.g. "opstream,metrics": only these (and the ceiling)
 *  BENCH_BROWSER_PLAYWRIGHT=1  run the pages through Playwright, as profiling does (to see what its DevTools
 *                         client costs: every WebSocket frame is sent to it)
 *  BENCH_BROWSER_TRACE    a directory: unminified pages, and a CPU profile of each (a)/(b) run and of the dashboard
 *                         (with BENCH_BROWSER_TRACE_TIMELINE=1 a Chrome trace instead), through Playwright: the
 *                         figures are then slower
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium, type Browser, type Page } from 'playwright';
import { build } from 'vite';
import { WebSocketServer, type WebSocket } from 'ws';

const pagesDir = fileURLToPath(new URL('./pages/', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const CAP_MS = Number(process.env.BENCH_BROWSER_CAP_S ?? '50') * 1_000;
const SIZES = (process.env.BENCH_BROWSER_SIZES ?? '20000,100000').split(',').map(Number);
const REPEATS_SET = process.env.BENCH_BROWSER_REPEATS;
/** Runs per size: a 20 000-line stream lasts under a second, and its rate swings more from run to run. */
const repeatsFor = (n: number): number =>
  REPEATS_SET === undefined ? Math.max(7, Math.round(300_000 / n)) : Math.max(1, Number(REPEATS_SET));
/** A directory: record a Chrome trace of each opstream LogViewer run there (slows the run; for profiling). */
const TRACE_DIR = process.env.BENCH_BROWSER_TRACE;
/** Pages through Playwright (a DevTools client attached) rather than a bare Chromium: for profiling, or to compare. */
const VIA_PLAYWRIGHT = TRACE_DIR !== undefined || process.env.BENCH_BROWSER_PLAYWRIGHT === '1';
/** Which pages to run (for working on one of them): default all. */
const ONLY = process.env.BENCH_BROWSER_PAGES?.split(',');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // gc() in the page, and unrounded performance.memory.
  '--js-flags=--expose-gc',
  '--enable-precise-memory-info',
];

const log = (message: string) => console.log(`  [browser] ${message}`);
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const TIMED_OUT: unique symbol = Symbol('timed out');
/** `promise`, or TIMED_OUT after `ms` (the timer is cleared either way, so it never holds the process). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((done) => (timer = setTimeout(() => done(TIMED_OUT), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// Pages: one multi-page Vite build, served by node:http
// ---------------------------------------------------------------------------------------------

type LogPageName = 'bare' | 'opstream' | 'pipeline' | 'lazylog' | 'naive';
const PAGES = ['bare', 'opstream', 'pipeline', 'lazylog', 'naive', 'metrics'] as const;

async function buildPages(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: pagesDir,
    base: '/',
    mode: 'production',
    logLevel: 'warn',
    publicDir: false,
    plugins: [react()],
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir,
      emptyOutDir: true,
      sourcemap: false,
      reportCompressedSize: false,
      // Readable function names in traces and profiles.
      minify: TRACE_DIR === undefined,
      chunkSizeWarningLimit: 4_000,
      rolldownOptions: { input: Object.fromEntries(PAGES.map((p) => [p, join(pagesDir, `${p}.html`)])) },
    },
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

// ---------------------------------------------------------------------------------------------
// Reports from the pages: POST /__bench/<run>/<event> with a JSON body (see bench/pages/harness.ts)
// ---------------------------------------------------------------------------------------------

const reports = new Map<string, { promise: Promise<unknown>; resolve: (data: unknown) => void }>();
function reportSlot(run: number, name: string) {
  const key = `${run}/${name}`;
  let entry = reports.get(key);
  if (entry === undefined) {
    let resolve!: (data: unknown) => void;
    const promise = new Promise<unknown>((r) => (resolve = r));
    entry = { promise, resolve };
    reports.set(key, entry);
  }
  return entry;
}
/** The first report `name` of page run `run`. */
const reportOf = (run: number, name: string): Promise<unknown> => reportSlot(run, name).promise;

function onReport(run: number, name: string, body: string): void {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    data = undefined;
  }
  if (name === 'error') log(`run ${run}: page error: ${String(data)}`);
  else reportSlot(run, name).resolve(data);
}

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const posted = req.method === 'POST' ? /^\/__bench\/(\d+)\/(\w+)$/.exec(req.url ?? '') : null;
    if (posted !== null) {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        onReport(Number(posted[1]), posted[2]!, body);
        res.writeHead(204).end();
      });
      return;
    }
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = resolve(dir, `.${path}`);
    if (!file.startsWith(dir + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done({ server, url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}` });
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// The log server: Mist container-logs frames, one line per frame, sent as fast as the socket drains
// ---------------------------------------------------------------------------------------------

const SERVICES = ['api', 'worker', 'scheduler', 'auth', 'gateway', 'billing'];
const LEVELS: readonly (readonly [string, string])[] = [
  ['INFO', '32'],
  ['INFO', '32'],
  ['INFO', '32'],
  ['DEBUG', '90'],
  ['WARN', '33'],
  ['ERROR', '31'],
];
const MESSAGES = [
  'GET /api/v1/projects/{id}/deployments 200',
  'POST /api/v1/builds 201 created build for commit',
  'cache miss for key session:{id}, loading from postgres',
  'worker picked job {id} from queue default (attempt 1/5)',
  'connection pool stats: active=12 idle=4 waiting=0 max=32',
  'slow query detected: SELECT * FROM events WHERE project_id = $1 ORDER BY created_at DESC LIMIT 100',
  'retrying upstream request to payments-service after ECONNRESET',
  'health check passed: db=ok redis=ok queue=ok disk=71%',
  'user {id} authenticated via oauth provider github',
  'flushed 512 metrics points to tsdb in 14ms',
];

/** The text only the last line contains: `seq <n zero-padded>` then END. */
const markerFor = (n: number) => `seq ${String(n).padStart(6, '0')} END`;

/** N realistic log lines (100-200 characters, a third with ANSI colour), the last one plain with the marker. */
export function makeLines(n: number): string[] {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const base = Date.UTC(2025, 0, 15, 10, 30, 0);
  const hex = () => (Math.floor(random() * 0x10000) * 0x10000 + Math.floor(random() * 0x10000)).toString(16).padStart(8, '0');
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    const time = new Date(base + i * 3).toISOString();
    const seq = `seq ${String(i).padStart(6, '0')}`;
    if (i === n) {
      lines.push(`${time} INFO [api] ${seq} END of benchmark stream, every line delivered`);
      break;
    }
    const [level, colour] = LEVELS[Math.floor(random() * LEVELS.length)]!;
    const service = SERVICES[Math.floor(random() * SERVICES.length)]!;
    const message = MESSAGES[Math.floor(random() * MESSAGES.length)]!.replace('{id}', hex());
    const coloured = random() < 0.33;
    const head = coloured
      ? `${time} \x1b[${colour}m${level.padEnd(5)}\x1b[0m \x1b[36m[${service}]\x1b[0m`
      : `${time} ${level.padEnd(5)} [${service}]`;
    let line = `${head} ${seq} ${message}`;
    const target = 100 + Math.floor(random() * 100);
    while (line.length < target) line += ` req=${hex()}`;
    lines.push(line);
  }
  return lines;
}

const toFrames = (lines: readonly string[]): string[] =>
  lines.map((line, i) =>
    JSON.stringify({ type: 'log', timestamp: new Date(Date.UTC(2025, 0, 15, 10, 30, 0) + i * 3).toISOString(), data: { line } }),
  );

interface LogServer {
  url: string;
  /** The socket of page run `run` (the page connects to `${url}/run<run>/...`). */
  connection(run: number): Promise<WebSocket>;
  close(): Promise<void>;
}

function startLogServer(): Promise<LogServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  const sockets = new Map<number, WebSocket>();
  const waiting = new Map<number, (ws: WebSocket) => void>();
  wss.on('connection', (ws, req) => {
    ws.on('error', () => {});
    const run = Number(/^\/run(\d+)\//.exec(req.url ?? '')?.[1] ?? Number.NaN);
    if (sockets.has(run)) log(`run ${run}: the page opened another socket (ignored)`);
    if (!Number.isFinite(run) || sockets.has(run)) return;
    sockets.set(run, ws);
    waiting.get(run)?.(ws);
    waiting.delete(run);
  });
  return new Promise((done) =>
    wss.on('listening', () => {
      const address = wss.address();
      done({
        url: `ws://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`,
        connection: (run) => {
          const ws = sockets.get(run);
          return ws ? Promise.resolve(ws) : new Promise((take) => waiting.set(run, take));
        },
        close: () =>
          new Promise((closed) => {
            for (const client of wss.clients) client.terminate();
            wss.close(() => closed());
          }),
      });
    }),
  );
}

/** Sends every frame, waiting whenever more than HIGH_WATER bytes are buffered; `stop()` ends it early. */
function pump(ws: WebSocket, frames: readonly string[]): { sent: () => number; stop: () => void; finished: Promise<void> } {
  const HIGH_WATER = 1 << 20;
  let i = 0;
  let stopped = false;
  const finished = (async () => {
    while (i < frames.length && !stopped && ws.readyState === ws.OPEN) {
      if (ws.bufferedAmount > HIGH_WATER) {
        // The callback of a send runs once that frame (and everything before it) is written out.
        await new Promise<void>((drained) => ws.send(frames[i++]!, () => drained()));
        continue;
      }
      ws.send(frames[i++]!);
      // Let timers (the page-run cap) run now and then.
      if ((i & 1023) === 0) await new Promise((next) => setImmediate(next));
    }
  })();
  return { sent: () => i, stop: () => void (stopped = true), finished };
}

// ---------------------------------------------------------------------------------------------
// One page run
// ---------------------------------------------------------------------------------------------

interface LongTask {
  start: number;
  duration: number;
}

interface PageState {
  firstFrameAt?: number;
  doneAt?: number;
  visible?: boolean;
  longTasks: LongTask[];
  extra?: unknown;
}

interface LogRun {
  page: LogPageName;
  lines: number;
  finished: boolean;
  /** Lines stored / shown when the run ended (all of them when finished). */
  shown: number;
  seconds: number;
  rate: number;
  longest: number;
  over50: number;
  heapMB: number;
  heapBeforeMB: number;
  visible: boolean | undefined;
  /** CPU time of all Chromium processes (renderer, GPU/compositor, network, browser) from the first frame to the end, per 1 000 lines. */
  cpuPer1k: number;
}

/**
 * CPU seconds used so far by every process descended from this one (Playwright's Chromium), from
 * /proc: on a shared machine the wall-clock rate moves with the load, the CPU a page needs much less.
 */
function chromiumCpuSeconds(): number {
  const tick = 100; // USER_HZ on Linux
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return Number.NaN;
  }
  for (const dir of entries) {
    try {
      const stat = readFileSync(`/proc/${dir}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(dir), Number(fields[1]));
      cpu.set(Number(dir), (Number(fields[11]) + Number(fields[12])) / tick);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  for (const [pid, seconds] of cpu) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        total += seconds;
        break;
      }
    }
  }
  return total;
}

/** A Playwright page (profiling, or BENCH_BROWSER_PLAYWRIGHT=1): 1280 x 800, page errors logged. */
async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  return page;
}

async function closePage(page: Page): Promise<void> {
  await within(page.context().close(), 10_000);
}

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** What Playwright passes to a headless Chromium that bears on speed (throttling off, no background work). */
const HEADLESS_ARGS = [
  '--headless',
  '--hide-scrollbars',
  '--mute-audio',
  '--window-size=1280,800',
  '--disable-field-trial-config',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--disable-ipc-flooding-protection',
  '--disable-hang-monitor',
  '--disable-extensions',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-breakpad',
  '--no-default-browser-check',
  '--metrics-recording-only',
  '--password-store=basic',
  '--force-color-profile=srgb',
];

/**
 * A page in its own headless Chromium with no DevTools client. Playwright drives Chromium over the DevTools
 * protocol with the Network domain on, and so is sent every WebSocket frame the page gets: per line, work in the
 * renderer, the browser process and this process that has nothing to do with the page, and that would dilute
 * every page's own cost. The page reports over HTTP instead (bench/pages/harness.ts).
 */
async function openPage(url: string): Promise<{ close: () => Promise<void> }> {
  const profileDir = mkdtempSync(join(tmpdir(), 'opstream-bench-chromium-'));
  // Its own process group, so that closing it ends every Chromium process, not only the browser's.
  const child = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, ...HEADLESS_ARGS, `--user-data-dir=${profileDir}`, url], {
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<void>((done) => {
    child.once('exit', () => done());
    child.once('error', (error) => {
      log(`chromium: ${error.message}`);
      done();
    });
  });
  return {
    close: async () => {
      const group = (signal: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, signal);
        } catch {
          // Already gone.
        }
      };
      group('SIGTERM');
      if ((await within(exited, 10_000)) === TIMED_OUT) group('SIGKILL');
      await sleep(200);
      group('SIGKILL');
      rmSync(profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}

/**
 * Profiling (BENCH_BROWSER_TRACE=dir): a CPU profile of the run (`<name>.cpuprofile`, open it in DevTools), or with
 * BENCH_BROWSER_TRACE_TIMELINE=1 a Chrome trace (`<name>.json`: tasks, layout, paint, GC). Returns the stop function.
 */
async function startProfile(page: Page, name: string): Promise<(() => Promise<void>) | undefined> {
  if (TRACE_DIR === undefined) return undefined;
  if (process.env.BENCH_BROWSER_TRACE_TIMELINE === '1') {
    const browser = page.context().browser()!;
    await browser.startTracing(page, {
      path: join(TRACE_DIR, `${name}.json`),
      categories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'disabled-by-default-devtools.timeline.frame',
        'v8',
        'v8.execute',
        'blink.user_timing',
      ],
    });
    return async () => void (await browser.stopTracing());
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(join(TRACE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
  };
}

let runs = 0;

async function runLogPage(
  playwright: () => Promise<Browser>,
  server: LogServer,
  httpUrl: string,
  name: LogPageName,
  frames: readonly string[],
): Promise<LogRun> {
  const n = frames.length;
  const run = ++runs;
  const connection = server.connection(run);
  const query = new URLSearchParams({
    ws: `${server.url}/run${run}`,
    n: String(n),
    marker: markerFor(n),
    run: String(run),
    cap: String(CAP_MS),
  });
  const url = `${httpUrl}/${name}.html?${query}`;
  // Profiling needs a DevTools client; the figures are then slower (see openPage).
  const page = VIA_PLAYWRIGHT ? await newPage(await playwright()) : undefined;
  const opened = page === undefined ? await openPage(url) : undefined;
  try {
    if (page !== undefined) await page.goto(url);
    const ready = await within(Promise.all([reportOf(run, 'ready'), connection]), 30_000);
    if (ready === TIMED_OUT) throw new Error(`${name}: the page did not connect within 30 s`);
    const [heapBefore, ws] = ready;

    const profile =
      page !== undefined && (name === 'opstream' || name === 'bare') ? await startProfile(page, `${name}-${n}-run${run}`) : undefined;
    const cpuBefore = chromiumCpuSeconds();
    const feed = pump(ws, frames);
    // The page reports 0.5 s after its last line (long tasks that end after it still count), or at its cap.
    const result = await within(reportOf(run, 'result'), CAP_MS + 30_000);
    feed.stop();
    const cpuSeconds = chromiumCpuSeconds() - cpuBefore;
    await profile?.();
    const heap = await within(reportOf(run, 'heap'), 20_000);
    if (result === TIMED_OUT) {
      log(`${name}: no result from the page (did it crash?)`);
      return {
        page: name,
        lines: n,
        finished: false,
        shown: Number.NaN,
        seconds: CAP_MS / 1_000,
        rate: Number.NaN,
        longest: Number.NaN,
        over50: Number.NaN,
        heapMB: Number.NaN,
        heapBeforeMB: heapBefore as number,
        visible: undefined,
        cpuPer1k: Number.NaN,
      };
    }
    const state = result as PageState & { finished: boolean; shown: number };
    const heapMB = heap === TIMED_OUT ? Number.NaN : (heap as number);
    const heapBeforeMB = heapBefore as number;
    const from = state.firstFrameAt ?? 0;
    const finished = state.finished && state.doneAt !== undefined;
    const seconds = finished ? (state.doneAt! - from) / 1_000 : CAP_MS / 1_000;
    const tasks = state.longTasks.filter((t) => t.start + t.duration >= from);
    return {
      page: name,
      lines: n,
      finished,
      shown: state.shown,
      seconds,
      rate: state.shown / seconds,
      longest: tasks.reduce((max, t) => Math.max(max, t.duration), 0),
      over50: tasks.filter((t) => t.duration > 50).length,
      heapMB,
      heapBeforeMB,
      visible: name === 'bare' || name === 'pipeline' ? undefined : state.visible,
      cpuPer1k: (cpuSeconds * 1_000_000) / Math.max(1, state.shown),
    };
  } finally {
    if (page !== undefined) await closePage(page);
    await opened?.close();
  }
}

interface MetricsRun {
  updates: number;
  workMedian: number;
  workP95: number;
  frameMedian: number;
  frameP95: number;
  longest: number;
  over50: number;
  heapMB: number;
}

const quantile = (values: number[], q: number): number => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

async function runMetricsPage(playwright: () => Promise<Browser>, httpUrl: string): Promise<MetricsRun> {
  const run = ++runs;
  const url = `${httpUrl}/metrics.html?${new URLSearchParams({ seconds: '10', run: String(run) })}`;
  const page = VIA_PLAYWRIGHT ? await newPage(await playwright()) : undefined;
  const opened = page === undefined ? await openPage(url) : undefined;
  try {
    const profile = page === undefined ? undefined : await startProfile(page, 'metrics');
    if (page !== undefined) await page.goto(url);
    const result = await within(reportOf(run, 'result'), 60_000);
    if (result === TIMED_OUT) throw new Error('metrics: no result within 60 s');
    await profile?.();
    const heap = await within(reportOf(run, 'heap'), 20_000);
    const state = result as PageState;
    const timings = (state.extra as { timings: { work: number; nextFrame: number }[] }).timings;
    const tasks = state.longTasks.filter((t) => t.start + t.duration >= (state.firstFrameAt ?? 0));
    return {
      updates: timings.length,
      workMedian: quantile(timings.map((t) => t.work), 0.5),
      workP95: quantile(timings.map((t) => t.work), 0.95),
      frameMedian: quantile(timings.map((t) => t.nextFrame), 0.5),
      frameP95: quantile(timings.map((t) => t.nextFrame), 0.95),
      longest: tasks.reduce((max, t) => Math.max(max, t.duration), 0),
      over50: tasks.filter((t) => t.duration > 50).length,
      heapMB: heap === TIMED_OUT ? Number.NaN : (heap as number),
    };
  } finally {
    if (page !== undefined) await closePage(page);
    await opened?.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const num = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
const ms = (n: number): string => (Number.isFinite(n) ? (n === 0 ? '< 50 ms' : `${num(n)} ms`) : 'n/a');
const mark = (ok: boolean): string => (ok ? '✅' : '❌');

const LABELS: Record<LogPageName, string> = {
  bare: '(a) bare page: parse + push (ceiling)',
  opstream: '(b) opstream LogViewer',
  pipeline: '(b0) opstream without the view: socket → store (diagnostic)',
  lazylog: '(c) @melloware/react-logviewer',
  naive: '(d) `setLogs(prev => [...prev, line])` + `<pre>`',
};

/** The run with the median rate (runs that did not finish rank lowest). */
function median(runs: LogRun[]): LogRun {
  const sorted = [...runs].sort((a, b) => (a.finished ? a.rate : -1) - (b.finished ? b.rate : -1));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function logTable(n: number, rows: LogRun[], allRuns: Map<LogPageName, LogRun[]>): string {
  const ceiling = rows.find((r) => r.page === 'bare')!;
  const out = [
    `**${num(n)} lines** (one per WebSocket frame)`,
    '',
    '| page | lines/s | ratio to ceiling | Chromium CPU per 1 000 lines | longest task | tasks > 50 ms | heap after GC | heap ratio | last line on screen | budget |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const runs = allRuns.get(r.page) ?? [r];
    const rateText = r.finished
      ? `${num(r.rate)}${runs.length > 1 ? ` (median of ${runs.length}: ${runs.map((x) => num(x.rate)).join(', ')})` : ''}`
      : `did not finish in ${num(CAP_MS / 1_000)} s (${num(r.shown)} lines shown, ${num(r.rate)}/s)`;
    const rateRatio = r.rate / ceiling.rate;
    const cpuMedian = quantile(runs.map((x) => x.cpuPer1k), 0.5);
    const cpuText = `${num(cpuMedian, 0)} ms${r.page === 'bare' ? '' : ` (${num(cpuMedian / quantile((allRuns.get('bare') ?? [ceiling]).map((x) => x.cpuPer1k), 0.5), 2)}×)`}`;
    const heapRatio = r.heapMB / ceiling.heapMB;
    let budget = '';
    if (r.page === 'opstream') {
      budget = [
        `lines/s ≥ 0.9× ${mark(r.finished && rateRatio >= 0.9)}`,
        `no task > 50 ms ${mark(r.over50 === 0)}`,
        `heap ≤ 2× ${mark(heapRatio <= 2)}`,
      ].join(' · ');
    }
    out.push(
      `| ${LABELS[r.page]} | ${rateText} | ${r.page === 'bare' ? '1' : num(rateRatio, 2)} | ${cpuText} | ${ms(r.longest)} | ${num(r.over50)} | ` +
        `${num(r.heapMB, 1)} MB (+${num(r.heapMB - r.heapBeforeMB, 1)}) | ${r.page === 'bare' ? '1' : num(heapRatio, 2)} | ` +
        `${r.visible === undefined ? '—' : r.visible ? 'yes' : 'no'} | ${budget} |`,
    );
  }
  return out.join('\n');
}

function metricsSection(metrics: MetricsRun): string {
  return `### MetricsDashboard: 20 series × 3 600 points (1 h window), a sample of every series at 10 Hz

| updates measured | flush → frame's work done (median / p95) | flush → next frame (median / p95) | longest task | tasks > 50 ms | heap after GC |
|---|---|---|---|---|---|
| ${metrics.updates} | ${num(metrics.workMedian, 1)} / ${num(metrics.workP95, 1)} ms | ${num(metrics.frameMedian, 1)} / ${num(metrics.frameP95, 1)} ms | ${ms(metrics.longest)} | ${num(metrics.over50)} | ${num(metrics.heapMB, 1)} MB |

The store is pre-filled with 3 600 points per series (one per second), then the page ingests one sample of all 20 series
every 100 ms for 10 s (first 10 updates skipped as warm-up). The store's animation-frame scheduler is wrapped: each
flush is timed from its start to a task queued at the flush (it runs after the frame's React render, uPlot redraws,
style, layout and paint: the main-thread cost of an update), and to the next animation frame (~16.7 ms when no frame is
dropped).
`;
}

export async function runBrowserBenchmarks(): Promise<string> {
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  // Profiling keeps the (unminified) pages next to the profiles, so line numbers can be looked up.
  const outDir = TRACE_DIR === undefined ? mkdtempSync(join(tmpdir(), 'opstream-bench-')) : join(TRACE_DIR, 'pages');
  let browser: Browser | undefined;
  let http: Server | undefined;
  let server: LogServer | undefined;
  try {
    log('building pages with Vite…');
    await buildPages(outDir);
    const served = await serve(outDir);
    http = served.server;
    server = await startLogServer();
    // Playwright only when profiling or asked for (see openPage).
    const playwright = async () =>
      (browser ??= await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS }));
    const chromiumVersion = /[\d.]+/.exec(execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }))?.[0] ?? 'unknown';

    const sections: string[] = [];
    for (const n of SIZES) {
      const frames = toFrames(makeLines(n));
      const rows: LogRun[] = [];
      const allRuns = new Map<LogPageName, LogRun[]>();
      const wanted = (name: LogPageName) => name === 'bare' || ONLY === undefined || ONLY.includes(name);
      const once = async (name: LogPageName) => {
        const run = await runLogPage(playwright, server!, served.url, name, frames);
        log(
          `${name} ${n}: ${run.finished ? `${num(run.rate)} lines/s` : `unfinished (${num(run.shown)} lines)`}, ` +
            `CPU ${num(run.cpuPer1k)} ms/1k lines, ` +
            `longest ${ms(run.longest)}, heap ${num(run.heapMB, 1)} MB (${num((Date.now() - started) / 1_000)} s so far)`,
        );
        allRuns.set(name, [...(allRuns.get(name) ?? []), run]);
      };
      // The ceiling and the LogViewer alternate, so a change in the machine's load hits both alike.
      for (let k = 0; k < repeatsFor(n); k++) {
        await once('bare');
        if (wanted('opstream')) await once('opstream');
        if (wanted('pipeline')) await once('pipeline');
      }
      for (const name of ['lazylog', 'naive'] as const) if (wanted(name)) await once(name);
      for (const name of ['bare', 'opstream', 'pipeline', 'lazylog', 'naive'] as const) {
        const runs = allRuns.get(name);
        if (runs !== undefined) rows.push(median(runs));
      }
      sections.push(logTable(n, rows, allRuns));
    }

    log('MetricsDashboard…');
    const metrics =
      ONLY === undefined || ONLY.includes('metrics') ? await runMetricsPage(playwright, served.url) : undefined;
    log(`done in ${num((Date.now() - started) / 1_000)} s`);

    return `
## Chromium: LogViewer and MetricsDashboard

- Chromium ${chromiumVersion} (headless, Debian build, \`--disable-gpu\`), a fresh browser per page run and no DevTools
  client attached: a client with the Network domain on (as Playwright's) is sent every WebSocket frame, work per line that
  is not the page's. The pages report to the page server over HTTP. On ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'},
  ${Math.round(totalmem() / 2 ** 30)} GiB; the page server and the log server run in the Node process that starts the browser,
  on 127.0.0.1, so they share the CPUs with it.
- Browser part: ${num((Date.now() - started) / 1_000)} s. 1-minute load average ${num(loadBefore, 1)} before it, ${num(loadavg()[0]!, 1)} after; above
  ${cpus().length}, other processes were competing for the CPUs, which makes rates and long tasks noisier (the ratios less so).
- Pages built with Vite ${pkgVersion('vite')} (production); react ${pkgVersion('react')}, @melloware/react-logviewer ${pkgVersion('@melloware/react-logviewer')}.

### Live log, lines arriving one per WebSocket frame

${sections.join('\n\n')}

How it is measured (\`bench/browser.ts\`, pages in \`bench/pages/\`): a local \`ws\` server sends N Mist container-logs
frames (\`{"type":"log","timestamp":…,"data":{"line":…}}\`, 100–200 character lines, a third with ANSI colour), one line per
frame, as fast as the socket drains (it waits whenever more than 1 MiB is buffered), starting once the page's socket is open.
*lines/s* is N ÷ the time from the first frame's arrival to the moment the last line is stored ((a): all N parsed and
pushed) or in the DOM ((b)–(d): a MutationObserver sees its text; the next frame checks that it is inside the viewport and
its scroll box, *last line on screen*). *longest task* and *tasks > 50 ms* come from PerformanceObserver \`longtask\`
entries from the first frame to 0.5 s after the last line ("< 50 ms" when there were none: the API reports only tasks over
50 ms). *heap* is \`performance.memory.usedJSHeapSize\` after \`gc()\` once the run is over (in brackets: growth since the
page was ready); the ratio compares it with the bare page's. *Chromium CPU per 1 000 lines* is the CPU time of all of
Chromium's processes (renderer, GPU/compositor, network, browser; from \`/proc\`) from the first frame to 0.5 s after the
last line, per 1 000 lines shown (median of the runs; in brackets, against the bare page): it moves less with the
machine's load than the rates do. (a), (b) and (b0) are run ${SIZES.map((n) => `${repeatsFor(n)}× at ${num(n)} lines`).join(', ')}, in turn (a short stream's rate swings more), and the
median kept; (b0) is (b) without the LogViewer (the store publishes every line; nothing is drawn): what is lost between
(b0) and (b) is the view's cost; a page that does not finish within ${num(CAP_MS / 1_000)} s is stopped and reported with the lines it showed.
Budgets (DESIGN.md): LogViewer ≥ 0.9× the bare page's lines/s, no main-thread task over 50 ms, heap ≤ 2× the bare page's.

${metrics === undefined ? '' : metricsSection(metrics)}`;
  } finally {
    await browser?.close().catch(() => {});
    await server?.close();
    http?.close();
    if (TRACE_DIR === undefined) rmSync(outDir, { recursive: true, force: true });
  }
}

function pkgVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

// `tsx bench/browser.ts` runs the browser part alone.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runBrowserBenchmarks().then(
    (section) => console.log(section),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
