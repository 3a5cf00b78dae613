/**
 * `npx tsx scripts/screenshots.ts`: screenshots of the operations console stories (each live on
 * its in-browser simulator) in light and dark, into docs/screenshots/console-<protocol>-<theme>.png.
 *
 * Serves the static Storybook in storybook-static/ (runs `npm run build-storybook` when it is
 * missing or predates these stories) on 127.0.0.1 and drives Debian's Chromium with Playwright
 * at 1440x900.
 * Options: --storybook <url>  use a running Storybook instead (e.g. http://127.0.0.1:6006)
 *          --only <name>      one console (backendim, hexabase, nexus, ark, mist)
 */
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const staticDir = path.join(root, 'storybook-static');
const outDir = path.join(root, 'docs', 'screenshots');

interface Shot {
  /** File name part: console-<name>-<theme>.png */
  name: string;
  storyId: string;
  /** Story args for the shot (Storybook's `args=` URL syntax, without the theme). */
  args: Record<string, string | number>;
  /** Ready when this selector matches. */
  ready: string;
  /** Then let the stream run this long (ms of real time). */
  settleMs: number;
  /** And wait for this selector too (a finished run), when given. */
  until?: string;
}

const OPEN = '[role="group"][aria-label="Connection"][data-state="open"]';

const SHOTS: readonly Shot[] = [
  // The story's play function clicks "Run tests"; the shot waits for the deploy that follows green tests.
  // Real time: Backend.im stamps only its step frames, so at other speeds totals would mix two clocks.
  {
    name: 'backendim',
    storyId: 'operations-console-backend-im--console',
    args: { speed: 1 },
    ready: OPEN,
    settleMs: 2_000,
    until: '.console-deploy__link',
  },
  { name: 'hexabase', storyId: 'operations-console-hexabase--console', args: { speed: 20 }, ready: OPEN, settleMs: 12_000 },
  { name: 'nexus', storyId: 'operations-console-nexus--console', args: { speed: 20 }, ready: OPEN, settleMs: 14_000 },
  { name: 'ark', storyId: 'operations-console-ark--console', args: { speed: 10 }, ready: OPEN, settleMs: 12_000 },
  {
    name: 'mist',
    storyId: 'operations-console-mist--console',
    args: { speed: 5 },
    ready: '[role="group"][aria-label="Metrics socket"][data-state="open"]',
    settleMs: 12_000,
  },
];

const THEMES = ['light', 'dark'] as const;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** A tiny static file server for storybook-static/, on loopback only. */
async function serveStatic(dir: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      const file = path.join(dir, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
      // Nothing outside the build directory.
      if (!file.startsWith(dir + path.sep)) {
        res.writeHead(403).end();
        return;
      }
      try {
        const info = await stat(file);
        if (!info.isFile()) throw new Error('not a file');
        res.writeHead(200, {
          'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          'content-length': info.size,
          // The MSW worker must control the whole origin.
          ...(pathname === '/mockServiceWorker.js' ? { 'service-worker-allowed': '/' } : {}),
        });
        createReadStream(file).pipe(res);
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, server };
}

/** Whether storybook-static/ holds every story we shoot (a build from before the consoles does not). */
const hasStories = async (ids: readonly string[]): Promise<boolean> => {
  try {
    const index = JSON.parse(await readFile(path.join(staticDir, 'index.json'), 'utf8')) as { entries?: Record<string, unknown> };
    return ids.every((id) => index.entries?.[id] !== undefined);
  } catch {
    return false;
  }
};

const storyUrl = (origin: string, shot: Shot, theme: string): string => {
  const args = Object.entries({ ...shot.args, theme })
    .map(([k, v]) => `${k}:${v}`)
    .join(';');
  return `${origin}/iframe.html?id=${shot.storyId}&viewMode=story&args=${encodeURIComponent(args)}`;
};

async function capture(page: Page, origin: string, shot: Shot, theme: string): Promise<string> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(storyUrl(origin, shot, theme), { waitUntil: 'load' });
  await page.waitForSelector(`.console[data-theme="${theme}"]`, { timeout: 30_000 });
  await page.waitForSelector(shot.ready, { timeout: 20_000 });
  await page.waitForTimeout(shot.settleMs);
  if (shot.until !== undefined) await page.waitForSelector(shot.until, { timeout: 180_000 });
  // Park the pointer away from hover styles and let the last frame paint.
  await page.mouse.move(0, 0);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const file = path.join(outDir, `console-${shot.name}-${theme}.png`);
  await page.screenshot({ path: file });
  page.removeAllListeners('pageerror');
  if (errors.length > 0) console.warn(`  page errors in ${shot.name} (${theme}):\n    ${errors.join('\n    ')}`);
  return file;
}

/** Newest modification time (ms) of any file under `dir`. */
async function newest(dir: string): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
  }
  return latest;
}

/** Whether a source the stories are built from changed after the static build (stale screenshots otherwise). */
async function staleBuild(): Promise<boolean> {
  const built = await stat(path.join(staticDir, 'index.html')).then((info) => info.mtimeMs, () => 0);
  const sources = await Promise.all(['src', 'stories', '.storybook'].map((dir) => newest(path.join(root, dir))));
  return Math.max(...sources) > built;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { storybook: { type: 'string' }, only: { type: 'string' } } });
  const shots = values.only === undefined ? SHOTS : SHOTS.filter((s) => s.name === values.only);
  if (shots.length === 0) throw new Error(`no console named ${values.only ?? ''}`);

  let origin = values.storybook?.replace(/\/+$/, '');
  let server: Server | undefined;
  if (origin === undefined) {
    if (!(await hasStories(shots.map((shot) => shot.storyId))) || (await staleBuild())) {
      console.log('storybook-static/ missing, without the console stories or older than the sources: npm run build-storybook');
      const built = spawnSync('npm', ['run', 'build-storybook'], { cwd: root, stdio: 'inherit' });
      if (built.status !== 0) throw new Error('build-storybook failed');
    }
    ({ origin, server } = await serveStatic(staticDir));
  }

  await mkdir(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    for (const shot of shots) {
      for (const theme of THEMES) {
        // A fresh context per shot: its own service worker, storage and clock.
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: theme });
        try {
          const file = await capture(await context.newPage(), origin, shot, theme);
          console.log(`wrote ${path.relative(root, file)}`);
        } finally {
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
    server?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
