// Story helpers for LogViewer: a live Mist container-logs socket (MSW simulator), and stores fed
// directly (ANSI showcase, long lines, 100 000 lines, ended and failed streams).
import { useEffect, useState } from 'react';
import { LogViewer, type LogViewerProps } from '../src/components/LogViewer';
import '../src/components/LogViewer/LogViewer.css';
import type { LogEvent } from '../src/core/events';
import { createOpstreamStore, type OpstreamStore } from '../src/core/store';
import { mist, mistContainerLogStream } from '../src/protocols/mist';
import { OpstreamProvider } from '../src/react/OpstreamProvider';
import { useContainerLogs } from '../src/react/useContainerLogs';

export const MIST_BASE_URL = 'ws://mist.local';
/** What `mist({ endpoint: 'container-logs' })` connects to from MIST_BASE_URL. */
export const MIST_CONTAINER_LOGS_URL = `${MIST_BASE_URL}/ws/container/logs`;
export const MIST_APP_ID = 42;
export const MIST_STREAM = mistContainerLogStream(MIST_APP_ID);
export const DEMO_STREAM = 'demo';

// One adapter for the story's lifetime: a new one per render would be a new connection.
const mistLogs = mist({ endpoint: 'container-logs', appId: MIST_APP_ID });

function MistConnection({ url }: { url: string }) {
  // Holds the socket while mounted; `end` marks the stream ended, a failed link marks it failed.
  useContainerLogs({ stream: MIST_STREAM, socket: { url, protocol: mistLogs } });
  return null;
}

type ViewerProps = Omit<LogViewerProps, 'stream'> & { stream?: string };

const frame = (height: number | string) => ({ height, display: 'flex', flexDirection: 'column' as const });

/** The viewer over a live Mist container-logs socket. */
export function LiveMistLogs({ url = MIST_BASE_URL, ...props }: ViewerProps & { url?: string }) {
  return (
    <OpstreamProvider>
      <MistConnection url={url} />
      <div style={frame(480)}>
        <LogViewer {...props} stream={MIST_STREAM} />
      </div>
    </OpstreamProvider>
  );
}

/** The viewer over a store the story fills (`seed`) and keeps feeding (`tick`, every `everyMs`). */
export function StoreLogs({
  seed,
  tick,
  everyMs = 250,
  stream = DEMO_STREAM,
  ...props
}: ViewerProps & { seed?: (store: OpstreamStore) => void; tick?: (store: OpstreamStore, n: number) => void; everyMs?: number }) {
  const [store] = useState(() => {
    const created = createOpstreamStore();
    seed?.(created);
    return created;
  });
  useEffect(() => {
    if (tick === undefined) return undefined;
    let n = 0;
    const timer = setInterval(() => tick(store, n++), everyMs);
    return () => clearInterval(timer);
  }, [store, tick, everyMs]);
  return (
    <OpstreamProvider store={store}>
      <div style={frame(480)}>
        <LogViewer {...props} stream={stream} />
      </div>
    </OpstreamProvider>
  );
}

// ---- Local generators -------------------------------------------------------------------------

const ESC = '\x1b';
const RESET = `${ESC}[0m`;
const link = (url: string, text: string) => `${ESC}]8;;${url}${ESC}\\${text}${ESC}]8;;${ESC}\\`;

const log = (line: string, extra: Partial<LogEvent> = {}, stream = DEMO_STREAM): LogEvent => ({
  kind: 'log',
  stream,
  line,
  at: Date.now(),
  ...extra,
});

const pad = (n: number) => String(n).padStart(2, '0');
const stamp = (i: number) => `2025-06-01 12:${pad(Math.floor(i / 60) % 60)}:${pad(i % 60)}`;
const LEVELS = [`${ESC}[32m[INFO]${RESET}`, `${ESC}[32m[INFO]${RESET}`, `${ESC}[32m[INFO]${RESET}`, `${ESC}[33m[WARN]${RESET}`, `${ESC}[90m[DEBUG]${RESET}`];
const ROUTES = ['GET /api/v1/apps', 'POST /api/v1/deployments', 'GET /health', 'PATCH /api/v1/users/me', 'GET /api/v1/metrics'];

/** A plausible app log line, deterministic in `i`. */
export function appLine(i: number): string {
  if (i % 97 === 13) return `${stamp(i)} ${ESC}[31m[ERROR]${RESET} ${ESC}[1mhttp${RESET} GET /api/v1/projects/${i % 480}/env 500 - connect ECONNREFUSED 10.0.2.15:5432`;
  const ms = (i * 37) % 900;
  const took = ms >= 300 ? `${ESC}[38;5;208m${ms}ms${RESET}` : `${ms}ms`;
  return `${stamp(i)} ${LEVELS[i % LEVELS.length]} ${ESC}[1mhttp${RESET} ${ROUTES[i % ROUTES.length]} ${i % 23 === 0 ? 404 : 200} ${took} - 10.0.${i % 6}.${(i * 7) % 250}`;
}

/** Every kind of escape sequence the viewer understands, and some it must strip or refuse. */
export function ansiShowcase(): LogEvent[] {
  const names = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
  const lines: string[] = [
    `${ESC}[1mANSI showcase${RESET} — every line below is React text, never HTML`,
    `16 colours:    ${names.map((n, i) => `${ESC}[${30 + i}m${n}${RESET}`).join(' ')}`,
    `bright:        ${names.map((n, i) => `${ESC}[${90 + i}m${n}${RESET}`).join(' ')}`,
    `backgrounds:   ${names.map((_, i) => `${ESC}[${40 + i}m ${i} ${RESET}`).join('')} ${names.map((_, i) => `${ESC}[${100 + i}m ${i + 8} ${RESET}`).join('')}`,
    `256 colours:   ${Array.from({ length: 36 }, (_, i) => `${ESC}[48;5;${16 + i * 6}m  ${RESET}`).join('')}`,
    `grey ramp:     ${Array.from({ length: 24 }, (_, i) => `${ESC}[48;5;${232 + i}m ${RESET}`).join('')}`,
    `truecolor:     ${Array.from({ length: 48 }, (_, i) => `${ESC}[48;2;${Math.round(255 - i * 5)};${Math.round(i * 5)};${128}m ${RESET}`).join('')}`,
    `truecolor fg:  ${ESC}[38;2;255;100;0mflushed 142 series${RESET} ${ESC}[38;5;208mslow 1234ms${RESET}`,
    `attributes:    ${ESC}[1mbold${RESET} ${ESC}[2mdim${RESET} ${ESC}[3mitalic${RESET} ${ESC}[4munderline${RESET} ${ESC}[9mstrike${RESET} ${ESC}[7minverse${RESET} ${ESC}[7;32m PASS ${RESET} ${ESC}[7;31m FAIL ${RESET}`,
    `links:         release ${link('https://example.com/releases/v1.8.2', 'v1.8.2')} is live, docs at ${link('https://example.com/docs', 'https://example.com/docs')}`,
    `unsafe link:   ${link('javascript:alert(document.cookie)', 'click me (plain text: javascript: is refused)')}`,
    `stripped:      ${ESC}]0;window title${'\x07'}${ESC}[2K${ESC}[1GProgress ${ESC}[?25l100%${ESC}[?25h (cursor moves and titles removed)`,
    `10%\r50%\rcarriage ret:  progress 100% (what a CR overwrote is gone)`,
    'hostile text:  rejected display_name "<img src=x onerror=alert(1)>" <script>alert(2)</script>',
  ];
  return [
    ...lines.map((line) => log(line)),
    log('a line written to stderr', { source: 'stderr' }),
    log('an explicit error level from the server', { level: 'error' }),
    log(`${ESC}[33m[WARN]${RESET} a level read from the text`),
  ];
}

/** `count` app lines, as one batch (a tail or a backlog). */
export const appLines = (from: number, count: number, stream = DEMO_STREAM): LogEvent[] =>
  Array.from({ length: count }, (_, k) => log(appLine(from + k), {}, stream));

/** A JSON dump of about `chars` characters on one line. */
export function hugeLine(chars: number): string {
  const item = '{"id":"evt_3f9a2c","type":"deployment.succeeded","region":"eu-west-1","latency_ms":412,"tags":["prod","api"]}';
  const prefix = `${stamp(0)} ${ESC}[90m[DEBUG]${RESET} webhook payload dump: {"items":[`;
  const body = Array.from({ length: Math.ceil(chars / (item.length + 1)) }, () => item).join(',');
  return `${prefix}${body.slice(0, Math.max(0, chars - prefix.length - 2))}]}`;
}
