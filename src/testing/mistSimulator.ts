/**
 * Mist simulator: the server side of Mist's three WebSocket endpoints (container logs, deployment logs
 * and status, system metrics), chosen by the URL path as `mist()` builds it. Wire format as in
 * `protocols/mist.md`: `{type, timestamp, data}` envelopes with RFC 3339 second timestamps, metrics as
 * a bare object without `type`. No Node imports: runs in MSW (browser) and in the dev server.
 */
import { MIST_ID_PARAMS, MIST_PATHS, type MistEndpoint } from '../protocols/mist';
import type { ProtocolSimulator, SimSession } from './simulator';

export const MIST_SCENARIOS = [
  'live',
  'end',
  'long-lines',
  'burst',
  'error',
  'deploy',
  'deploy-failed',
  'metrics',
] as const;
export type MistScenario = (typeof MIST_SCENARIOS)[number];

/** Scenarios each endpoint plays; the first is its default (any other scenario falls back to it). */
export const MIST_ENDPOINT_SCENARIOS: Readonly<Record<MistEndpoint, readonly MistScenario[]>> = {
  'container-logs': ['live', 'end', 'long-lines', 'burst', 'error'],
  deployment: ['deploy', 'deploy-failed', 'error'],
  metrics: ['metrics'],
};

/** Lines sent on connection before live lines (the documented tail). */
export const MIST_TAIL_LINES = 100;
/** Live lines the `end` scenario sends after the tail before `end`. */
export const MIST_END_LINES = 20;
/** Lines of the first burst in the `burst` scenario, sent without a pause. */
export const MIST_BURST_LINES = 5_000;
/** Length (characters, ASCII) the `long-lines` scenario's biggest line reaches: about 1 MB, under 1 MiB. */
export const MIST_HUGE_LINE_CHARS = 1_000_000;

/** The endpoint a path serves: it ends with one of `MIST_PATHS` (also when mounted under a prefix). */
export function mistEndpointOf(pathname: string): MistEndpoint | undefined {
  const path = pathname.replace(/\/+$/, '');
  for (const endpoint of Object.keys(MIST_PATHS) as MistEndpoint[]) {
    if (path.endsWith(MIST_PATHS[endpoint])) return endpoint;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Wire helpers
// ---------------------------------------------------------------------------------------------

// Go's time.RFC3339 in UTC, as in the document: no fraction.
const isoSeconds = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
// The app's own log prefix, as in the document's example line.
const stamp = (ms: number): string => {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
};

const envelope = (type: string, at: number, data: unknown) => ({ type, timestamp: isoSeconds(at), data });

const hex = (s: SimSession, length: number): string => {
  let out = '';
  while (out.length < length) out += s.int(0, 15).toString(16);
  return out;
};

const closeNormally = async (s: SimSession, reason: string, delayMs = 1_000): Promise<void> => {
  // The server flushes, lingers a moment, then closes cleanly.
  if (await s.wait(delayMs)) s.close(1000, reason);
};

// ---------------------------------------------------------------------------------------------
// Container logs: a Node API's stdout, ANSI-coloured
// ---------------------------------------------------------------------------------------------

const ESC = '\x1b';
const RESET = `${ESC}[0m`;
const BOLD = `${ESC}[1m`;
const DIM = `${ESC}[90m`;
const ORANGE_256 = `${ESC}[38;5;208m`;
const EMBER_RGB = `${ESC}[38;2;255;100;0m`;
const LEVEL_COLOURS = { DEBUG: DIM, INFO: `${ESC}[32m`, WARN: `${ESC}[33m`, ERROR: `${ESC}[31m` } as const;
type Level = keyof typeof LEVEL_COLOURS;

/** OSC 8 hyperlink, ST-terminated. */
const link = (url: string, text: string): string => `${ESC}]8;;${url}${ESC}\\${text}${ESC}]8;;${ESC}\\`;
const tag = (name: string): string => `${BOLD}${name}${RESET}`;
const head = (at: number, level: Level, source: string): string =>
  `${stamp(at)} ${LEVEL_COLOURS[level]}[${level}]${RESET} ${tag(source)}`;
// Slow timings stand out in 256-colour orange, as a pretty logger would print them.
const duration = (ms: number): string => (ms >= 300 ? `${ORANGE_256}${ms}ms${RESET}` : `${ms}ms`);

const ROUTES = [
  ['GET', '/api/v1/apps'],
  ['GET', '/api/v1/apps/:id'],
  ['GET', '/api/v1/apps/:id/deployments'],
  ['POST', '/api/v1/apps/:id/deployments'],
  ['GET', '/api/v1/projects/:id/env'],
  ['PATCH', '/api/v1/users/me'],
  ['POST', '/api/v1/auth/refresh'],
  ['GET', '/api/v1/metrics/summary'],
  ['DELETE', '/api/v1/sessions/:id'],
  ['GET', '/health'],
] as const;
const QUEUES = ['email.send', 'webhooks.deliver', 'thumbnails.render', 'billing.sync', 'search.reindex'] as const;
const TABLES = ['deployments', 'apps', 'users', 'audit_events', 'env_vars'] as const;

interface AppLog {
  /** One log entry: one line, or a few (a stack trace). */
  entry(at: number): string[];
  /** A single-line entry (never a stack trace or a dump), for exact line counts. */
  single(at: number): string[];
  stackTrace(at: number): string[];
  jsonDump(at: number, targetChars: number): string;
  hostile(at: number): string;
  links(at: number): string;
  colours(at: number): string;
  burstLine(at: number, n: number): string;
}

function appLog(s: SimSession): AppLog {
  const id = () => s.int(1, 480);
  const ip = () => `10.0.${s.int(1, 6)}.${s.int(2, 254)}`;
  const userId = () => `u_${hex(s, 8)}`;

  const http = (at: number): string => {
    const [method, pattern] = s.pick(ROUTES);
    const path = pattern.replace(':id', String(id()));
    const roll = s.random();
    const status = roll < 0.04 ? 404 : roll < 0.07 ? 401 : roll < 0.1 ? 304 : method === 'POST' ? 201 : 200;
    const ms = path === '/health' ? s.int(1, 4) : s.random() < 0.12 ? s.int(300, 1_900) : s.int(3, 140);
    const level: Level = status >= 400 ? 'WARN' : 'INFO';
    return `${head(at, level, 'http')} ${method} ${path} ${status} ${duration(ms)} - ${ip()}`;
  };

  const templates: ((at: number) => string)[] = [
    http,
    http,
    http,
    http,
    http,
    (at) => `${head(at, 'INFO', 'db')} ${TABLES[s.int(0, TABLES.length - 1)]}.findMany rows=${s.int(0, 50)} ${duration(s.int(1, 420))}`,
    (at) => `${head(at, 'INFO', 'worker')} job ${s.pick(QUEUES)}#${s.int(1_000, 99_999)} completed in ${duration(s.int(8, 2_400))}`,
    (at) => `${head(at, 'INFO', 'auth')} user ${userId()} signed in from ${ip()} (mfa=${s.random() < 0.6 ? 'totp' : 'none'})`,
    (at) => `${head(at, 'INFO', 'cache')} redis hit ratio ${(0.82 + s.random() * 0.17).toFixed(3)} keys=${s.int(12_000, 19_000)}`,
    (at) => `${head(at, 'DEBUG', 'ws')} client connected id=${hex(s, 6)} total=${s.int(3, 40)}`,
    (at) => `${head(at, 'DEBUG', 'pg')} pool total=10 idle=${s.int(2, 9)} waiting=${s.int(0, 2)}`,
    (at) =>
      `${head(at, 'INFO', 'metrics')} ${EMBER_RGB}flushed ${s.int(90, 180)} series${RESET} to statsd in ${duration(s.int(2, 40))}`,
    (at) => {
      const trace = hex(s, 16);
      return `${head(at, 'INFO', 'trace')} slow request sampled: ${link(`https://example.com/traces/${trace}`, trace)}`;
    },
    (at) =>
      `${head(at, 'WARN', 'db')} slow query ${ORANGE_256}${s.int(500, 3_200)}ms${RESET}: SELECT * FROM ${s.pick(TABLES)} WHERE app_id = $1 ORDER BY created_at DESC LIMIT 50`,
    (at) => `${head(at, 'WARN', 'ratelimit')} ${ip()} exceeded 100 req/min on POST /api/v1/auth/login`,
    (at) =>
      `${head(at, 'WARN', 'node')} heap usage high: heapUsed=${s.int(380, 470)}MB heapTotal=512MB rss=${s.int(540, 640)}MB`,
  ];

  const stackTrace = (at: number): string[] => {
    const frames: [string, string[]][] = [
      [
        `${head(at, 'ERROR', 'http')} GET /api/v1/projects/${id()}/env 500 ${duration(s.int(20, 90))}`,
        [
          `${LEVEL_COLOURS.ERROR}Error: connect ECONNREFUSED 10.0.2.15:5432${RESET}`,
          `${DIM}    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)${RESET}`,
          `${DIM}    at Client._connectionCallback (/app/node_modules/pg/lib/client.js:128:24)${RESET}`,
          '    at EnvRepository.list (/app/dist/repositories/env.js:27:30)',
          '    at EnvService.forProject (/app/dist/services/env.js:14:22)',
          '    at async /app/dist/routes/projects.js:88:19',
        ],
      ],
      [
        `${head(at, 'ERROR', 'worker')} job webhooks.deliver#${s.int(1_000, 99_999)} failed after 3 attempts`,
        [
          `${LEVEL_COLOURS.ERROR}TypeError: Cannot read properties of undefined (reading 'url')${RESET}`,
          '    at deliver (/app/dist/jobs/webhooks.js:31:42)',
          `${DIM}    at Worker.callProcessJob (/app/node_modules/bullmq/dist/cjs/classes/worker.js:404:28)${RESET}`,
          `${DIM}    at Worker.processJob (/app/node_modules/bullmq/dist/cjs/classes/worker.js:563:22)${RESET}`,
          `${DIM}    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)${RESET}`,
        ],
      ],
    ];
    const [first, rest] = s.pick(frames);
    return [first, ...rest];
  };

  const jsonDump = (at: number, targetChars: number): string => {
    const prefix = `${head(at, 'DEBUG', 'webhook')} payload dump: `;
    const items: string[] = [];
    let size = prefix.length + 64;
    let seq = 0;
    while (size < targetChars) {
      const item = JSON.stringify({
        id: `evt_${hex(s, 12)}`,
        seq: seq++,
        type: s.pick(['deployment.succeeded', 'deployment.started', 'app.scaled', 'domain.verified']),
        app_id: id(),
        region: s.pick(['eu-west-1', 'us-east-1', 'ap-south-1']),
        latency_ms: s.int(4, 900),
        retries: s.int(0, 3),
        tags: ['prod', s.pick(['web', 'api', 'worker']), `team-${s.pick(['core', 'growth', 'infra'])}`],
      });
      items.push(item);
      size += item.length + 1;
    }
    return `${prefix}{"event":"batch.flushed","count":${items.length},"items":[${items.join(',')}]}`;
  };

  return {
    entry(at) {
      const roll = s.random();
      if (roll < 0.015) return stackTrace(at);
      if (roll < 0.022) return [jsonDump(at, s.int(10_000, 50_000))];
      return [s.pick(templates)(at)];
    },
    single: (at) => [s.pick(templates)(at)],
    stackTrace,
    jsonDump,
    // Echoed user input: the viewer must show it as text, never as markup.
    hostile: (at) =>
      `${head(at, 'WARN', 'http')} PATCH /api/v1/users/me 422 rejected display_name "<img src=x onerror=alert(1)>" for user ${userId()}`,
    links: (at) =>
      `${head(at, 'INFO', 'deploy')} release ${link('https://example.com/releases/v1.8.2', 'v1.8.2')} is live, docs at ${link('https://example.com/docs/api', 'https://example.com/docs/api')}`,
    colours: (at) =>
      `${head(at, 'INFO', 'flags')} ${EMBER_RGB}${BOLD}new-checkout${RESET} rollout ${ORANGE_256}${s.int(10, 60)}%${RESET} (${LEVEL_COLOURS.INFO}on${RESET} for beta, ${LEVEL_COLOURS.ERROR}off${RESET} for eu)`,
    burstLine(at, n) {
      const queue = s.pick(QUEUES);
      return s.random() < 0.05
        ? `${head(at, 'WARN', 'worker')} job ${queue}#${n} retry ${s.int(1, 4)}/5: ${ORANGE_256}ETIMEDOUT${RESET}`
        : `${head(at, 'INFO', 'worker')} job ${queue}#${n} completed in ${duration(s.int(1, 90))}`;
    },
  };
}

// Fixed places in the tail, so every session shows each kind at least once.
const TAIL_SPECIALS: Readonly<Record<number, (log: AppLog, at: number) => string[]>> = {
  6: (log, at) => [log.links(at)],
  21: (log, at) => [log.colours(at)],
  37: (log, at) => [log.hostile(at)],
  52: (log, at) => log.stackTrace(at),
  71: (log, at) => [log.jsonDump(at, 24_000)],
  88: (log, at) => [log.links(at)],
};

interface Sender {
  (line: string, at: number): void;
}

async function containerLogs(s: SimSession): Promise<void> {
  const appId = s.url.searchParams.get(MIST_ID_PARAMS['container-logs'] ?? 'appId');
  if (appId === null || appId.trim() === '') {
    s.send(envelope('error', s.now(), { message: 'appId is required' }));
    s.close(1008, 'appId is required');
    return;
  }
  const container = `mist-app-${appId.trim()}`;
  const scenario = MIST_ENDPOINT_SCENARIOS['container-logs'].includes(s.scenario as MistScenario)
    ? (s.scenario as MistScenario)
    : 'live';

  if (scenario === 'error') {
    // The document: the container must be running, else an error message.
    s.send(envelope('status', s.now(), { container, state: 'exited', status: `Exited (137) ${s.int(2, 50)} minutes ago` }));
    s.send(envelope('error', s.now(), { message: `Container ${container} is not running` }));
    await closeNormally(s, 'container not running', 100);
    return;
  }

  // Docker's wording: "About an hour", then hours up to two days, then days.
  const hours = s.int(1, 120);
  const uptime = hours === 1 ? 'About an hour' : hours < 48 ? `${hours} hours` : `${Math.floor(hours / 24)} days`;
  s.send(envelope('status', s.now(), { container, state: 'running', status: `Up ${uptime}` }));

  const log = appLog(s);
  const send: Sender = (line, at) => s.send(envelope('log', at, { line }));

  // The tail: the last 100 lines, stamped with when they were written, all at once.
  const end = s.now();
  const span = s.int(90, 600) * 1_000;
  const tail: [string, number][] = [];
  while (tail.length < MIST_TAIL_LINES) {
    const at = Math.min(end, end - span + Math.round((tail.length / MIST_TAIL_LINES) * span + s.random() * 800));
    const special = TAIL_SPECIALS[tail.length];
    for (const line of special ? special(log, at) : log.entry(at)) tail.push([line, at]);
  }
  for (const [line, at] of tail.slice(0, MIST_TAIL_LINES)) send(line, at);

  if (scenario === 'end') {
    let sent = 0;
    while (sent < MIST_END_LINES) {
      if (!(await s.wait(s.int(100, 800)))) return;
      for (const line of log.entry(s.now()).slice(0, MIST_END_LINES - sent)) {
        send(line, s.now());
        sent++;
      }
    }
    s.send(envelope('end', s.now(), { message: 'Log stream ended' }));
    await closeNormally(s, 'log stream ended', 100);
    return;
  }

  let count = 0;
  let tick = 0;
  let nextBurstAt = scenario === 'burst' ? 0 : Infinity;
  let burstSize = MIST_BURST_LINES;
  let jobId = s.int(40_000, 60_000);
  for (;; tick++) {
    if (!(await s.wait(tick === 0 && scenario === 'burst' ? 1_000 : s.int(100, 800)))) return;
    const at = s.now();
    if (count >= nextBurstAt) {
      // A backlog drains: thousands of lines in one go, no pause between them (same second).
      send(`${head(at, 'WARN', 'queue')} backlog of ${burstSize} jobs after redis failover, draining`, at);
      for (let i = 1; i < burstSize; i++) send(log.burstLine(at, jobId++), at);
      count += burstSize;
      nextBurstAt = count + s.int(40, 80);
      burstSize = s.int(2_000, 5_000);
      continue;
    }
    let lines: string[];
    if (scenario === 'long-lines' && tick % 40 === 6) {
      // Exactly MIST_HUGE_LINE_CHARS: the document's 1 MB limit, minus a little for the frame around it.
      lines = [padTo(log.jsonDump(at, MIST_HUGE_LINE_CHARS - 400), MIST_HUGE_LINE_CHARS)];
    } else if (scenario === 'long-lines' && tick % 10 === 3) {
      lines = [log.jsonDump(at, s.int(60_000, 300_000))];
    } else lines = log.entry(at);
    for (const line of lines) send(line, at);
    count += lines.length;
  }
}

// The dump closes with `]}`; padding goes before it as JSON whitespace, so the document stays valid.
const padTo = (line: string, chars: number): string =>
  line.length >= chars ? line : `${line.slice(0, -2)}${' '.repeat(chars - line.length)}]}`;

// ---------------------------------------------------------------------------------------------
// Deployment: stages, progress and build log of a Node app's Docker deploy
// ---------------------------------------------------------------------------------------------

const COMMITS = [
  'fix(api): paginate deployment history',
  'feat(auth): refresh tokens rotate on use',
  'chore(deps): bump pg from 8.11.3 to 8.12.0',
  'perf(db): index audit_events by app_id',
] as const;

async function deployment(s: SimSession): Promise<void> {
  const rawId = s.url.searchParams.get(MIST_ID_PARAMS.deployment ?? 'deploymentId')?.trim();
  if (rawId === undefined || rawId === '') {
    s.send(envelope('error', s.now(), { message: 'deploymentId is required' }));
    s.close(1008, 'deploymentId is required');
    return;
  }
  const deploymentId: number | string = /^\d+$/.test(rawId) ? Number(rawId) : rawId;
  const scenario = MIST_ENDPOINT_SCENARIOS.deployment.includes(s.scenario as MistScenario)
    ? (s.scenario as MistScenario)
    : 'deploy';
  if (scenario === 'error') {
    s.send(envelope('error', s.now(), { message: `Deployment ${rawId} not found` }));
    await closeNormally(s, 'deployment not found', 100);
    return;
  }
  const fails = scenario === 'deploy-failed';
  const appId = s.url.searchParams.get('appId') ?? String(s.int(1, 9));
  const container = `mist-app-${appId}`;
  const image = `${container}:deploy-${rawId}`;
  const oldId = hex(s, 12);
  let progress = 0;
  let open = true;

  const status = (state: string, stage: string, value: number, message: string, error = ''): void => {
    progress = value;
    s.send(
      envelope('status', s.now(), {
        deployment_id: deploymentId,
        status: state,
        stage,
        progress: value,
        message,
        error_message: error,
      }),
    );
  };
  const pause = async (min: number, max: number): Promise<boolean> => (open = open && (await s.wait(s.int(min, max))));
  const logs = async (lines: readonly string[], min = 40, max = 260): Promise<boolean> => {
    for (const line of lines) {
      if (!(await pause(min, max))) return false;
      s.send(envelope('log', s.now(), { line }));
    }
    return true;
  };

  status('pending', '', 0, 'Deployment queued');
  if (!(await pause(400, 1_500))) return;

  // Cloning
  const commit = hex(s, 7);
  const objects = s.int(1_400, 2_600);
  status('building', 'cloning_repo', 10, 'Cloning repository...');
  if (
    !(await logs([
      'Cloning https://github.com/acme/storefront-api.git (branch main)',
      `Cloning into '/var/lib/mist/builds/${rawId}'...`,
      `remote: Enumerating objects: ${objects}, done.`,
      `remote: Counting objects: 100% (${objects}/${objects}), done.`,
      `remote: Compressing objects: 100% (${Math.round(objects * 0.48)}/${Math.round(objects * 0.48)}), done.`,
      `Receiving objects: 100% (${objects}/${objects}), ${(1 + s.random() * 3).toFixed(2)} MiB | ${(6 + s.random() * 6).toFixed(2)} MiB/s, done.`,
      `Resolving deltas: 100% (${Math.round(objects * 0.55)}/${Math.round(objects * 0.55)}), done.`,
      `HEAD is now at ${commit} ${s.pick(COMMITS)}`,
    ]))
  )
    return;
  status('building', 'cloning_repo', 20, 'Repository cloned');
  if (!(await pause(200, 600))) return;

  // Building: classic builder output, one status per Dockerfile step
  status('building', 'building_image', 25, 'Building Docker image...');
  const layer = () => ` ---> ${hex(s, 12)}`;
  const steps: [string, () => string[]][] = [
    ['FROM node:20-alpine', () => [' ---> 5f8e1c2a9b3d']],
    ['WORKDIR /app', () => [' ---> Using cache', layer()]],
    ['COPY package*.json ./', () => [layer()]],
    [
      'RUN npm ci',
      () => {
        const run = hex(s, 12);
        return [
          ` ---> Running in ${run}`,
          'npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory. Do not use it.',
          'npm warn deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported',
          '',
          `added ${s.int(380, 520)} packages, and audited ${s.int(521, 540)} packages in ${s.int(9, 31)}s`,
          '',
          `${s.int(50, 90)} packages are looking for funding`,
          '  run `npm fund` for details',
          '',
          'found 0 vulnerabilities',
          `Removing intermediate container ${run}`,
          layer(),
        ];
      },
    ],
    ['COPY . .', () => [layer()]],
    [
      'RUN npm run build && npm prune --omit=dev',
      () => {
        const run = hex(s, 12);
        const lines = [` ---> Running in ${run}`, '', '> storefront-api@1.8.2 build', '> tsc -p tsconfig.build.json', ''];
        if (fails) {
          return [
            ...lines,
            "src/routes/users.ts(42,17): error TS2339: Property 'email' does not exist on type 'PublicUser'.",
            "src/services/billing.ts(118,9): error TS2322: Type 'string | undefined' is not assignable to type 'string'.",
            '',
            'Found 2 errors in 2 files.',
            '',
            'Errors  Files',
            '     1  src/routes/users.ts:42',
            '     1  src/services/billing.ts:118',
            "The command '/bin/sh -c npm run build && npm prune --omit=dev' returned a non-zero code: 1",
          ];
        }
        return [...lines, '', `removed ${s.int(180, 260)} packages, and audited ${s.int(260, 300)} packages in 3s`, `Removing intermediate container ${run}`, layer()];
      },
    ],
    ['ENV NODE_ENV=production PORT=3000', () => [` ---> Running in ${hex(s, 12)}`, layer()]],
    ['EXPOSE 3000', () => [` ---> Running in ${hex(s, 12)}`, layer()]],
    [
      'HEALTHCHECK --interval=10s --timeout=3s CMD wget -qO- http://localhost:3000/health || exit 1',
      () => [` ---> Running in ${hex(s, 12)}`, layer()],
    ],
    ['CMD ["node", "dist/server.js"]', () => [` ---> Running in ${hex(s, 12)}`, layer()]],
  ];
  for (const [index, [instruction, output]] of steps.entries()) {
    const n = index + 1;
    const slow = instruction.startsWith('RUN');
    if (!(await logs([`Step ${n}/${steps.length} : ${instruction}`]))) return;
    if (!(await logs(output(), slow ? 120 : 30, slow ? 700 : 160))) return;
    if (fails && instruction.startsWith('RUN npm run build')) {
      if (!(await pause(100, 300))) return;
      const error = 'Docker build failed: exit code 1';
      s.send(envelope('error', s.now(), { message: error }));
      status('failed', 'building_image', progress, 'Deployment failed', error);
      await closeNormally(s, 'deployment failed');
      return;
    }
    status('building', 'building_image', 25 + Math.round((n / steps.length) * 40), `Building Docker image (step ${n}/${steps.length})...`);
  }
  if (!(await logs([`Successfully built ${hex(s, 12)}`, `Successfully tagged ${image}`]))) return;

  // Push
  status('building', 'building_image', 70, 'Pushing image to registry...');
  const layers = Array.from({ length: 5 }, () => hex(s, 12));
  if (
    !(await logs([
      `The push refers to repository [registry.mist.internal/apps/${container}]`,
      ...layers.map((l) => `${l}: Preparing`),
      ...layers.map((l, i) => (i > 2 ? `${l}: Layer already exists` : `${l}: Pushed`)),
      `deploy-${rawId}: digest: sha256:${hex(s, 64)} size: ${s.int(1_500, 2_400)}`,
    ], 60, 400))
  )
    return;
  status('building', 'building_image', 75, 'Image built and pushed');
  if (!(await pause(200, 500))) return;

  // Deploying
  status('deploying', 'stopping_old', 78, 'Stopping previous container...');
  if (
    !(await logs([
      `Stopping container ${container} (${oldId})`,
      `Container ${container} stopped (exit code 0, SIGTERM handled in ${s.int(200, 1_800)}ms)`,
      `Removed container ${oldId}`,
    ], 200, 900))
  )
    return;
  status('deploying', 'starting_new', 82, 'Starting new container...');
  const newId = hex(s, 12);
  if (
    !(await logs([
      `Creating container ${container} from image ${image}`,
      `Connecting ${container} to network mist_default`,
      `Container started: ${newId}`,
      'Waiting for health check: GET http://localhost:3000/health',
    ], 150, 600))
  )
    return;
  status('deploying', 'starting_new', 86, 'Waiting for health check...');
  const attempts = s.int(1, 3);
  for (let i = 1; i <= attempts; i++) {
    const ok = i === attempts;
    const line = ok
      ? `Health check ${i}/10: 200 OK in ${s.int(3, 40)}ms`
      : `Health check ${i}/10: connect ECONNREFUSED 127.0.0.1:3000 (retrying in 2s)`;
    if (!(await logs([line], ok ? 400 : 1_500, ok ? 900 : 2_200))) return;
  }
  status('deploying', 'starting_new', 90, 'Container healthy');
  if (!(await logs([`Routing traffic to ${container} (${newId})`, `Deployment ${rawId} is live`], 100, 400))) return;
  if (!(await pause(150, 400))) return;
  status('success', 'completed', 100, 'Deployment completed successfully');
  await closeNormally(s, 'deployment complete');
}

// ---------------------------------------------------------------------------------------------
// Metrics: 1 Hz bare objects, values on clamped random walks
// ---------------------------------------------------------------------------------------------

const GiB = 1024 ** 3;
const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
const round1 = (value: number): number => Math.round(value * 10) / 10;

async function metrics(s: SimSession): Promise<void> {
  const cores = s.pick([2, 4, 8]);
  const memTotal = cores * 4 * GiB;
  const diskTotal = 536_870_912_000;
  let cpuBase = 12 + s.random() * 25;
  let cpu = cpuBase;
  let mem = memTotal * (0.3 + s.random() * 0.25);
  let disk = diskTotal * (0.08 + s.random() * 0.3);
  let rx = 150_000 + s.random() * 300_000;
  let tx = rx * (0.3 + s.random() * 0.3);
  const containersTotal = s.int(6, 12);
  let running = containersTotal - s.int(0, 3);
  let images = containersTotal + s.int(2, 8);

  for (;;) {
    // Mean-reverting walks: smooth drift with noise, the odd spike, clamped to what a host can report.
    cpuBase = clamp(cpuBase + (s.random() - 0.5) * 1.5, 8, 60);
    cpu = clamp(cpu + (cpuBase - cpu) * 0.25 + (s.random() - 0.5) * 8 + (s.random() < 0.03 ? 35 : 0), 0.5, 99.5);
    mem = clamp(mem + (s.random() - 0.48) * 0.006 * memTotal, 0.15 * memTotal, 0.95 * memTotal);
    disk = clamp(disk + s.random() * 2_000_000 - (s.random() < 0.01 ? 3 * GiB : 0), 0.05 * diskTotal, 0.98 * diskTotal);
    rx = clamp(rx * (1 + (s.random() - 0.5) * 0.2), 5_000, 50_000_000);
    tx = clamp(tx * (1 + (s.random() - 0.5) * 0.2), 2_000, 50_000_000);
    if (s.random() < 0.02) running = clamp(running + (s.random() < 0.5 ? -1 : 1), containersTotal - 3, containersTotal);
    if (s.random() < 0.005) images++;

    s.send({
      timestamp: isoSeconds(s.now()),
      cpu: { usage: round1(cpu), cores },
      memory: { used: Math.round(mem), total: memTotal, percent: round1((mem / memTotal) * 100) },
      disk: { used: Math.round(disk), total: diskTotal, percent: round1((disk / diskTotal) * 100) },
      // Not in the document's example; real hosts add fields, and the decoder flattens what comes.
      network: { rx_bytes_per_sec: Math.round(rx), tx_bytes_per_sec: Math.round(tx) },
      docker: { containers_running: running, containers_total: containersTotal, images },
    });
    if (!(await s.wait(1_000))) return;
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Plays Mist's endpoint for the session's path: `…/ws/container/logs?appId=` (scenarios `live`, `end`,
 * `long-lines`, `burst`, `error`), `…/ws/deployment/logs?deploymentId=` (`deploy`, `deploy-failed`,
 * `error`) or `…/ws/metrics`. Push-only: client frames are ignored, like the real server.
 */
export const mistSimulator: ProtocolSimulator = {
  protocol: 'mist',
  scenarios: MIST_SCENARIOS,
  defaultScenario: 'live',
  async start(session) {
    const endpoint = mistEndpointOf(session.url.pathname);
    if (endpoint === 'container-logs') return containerLogs(session);
    if (endpoint === 'deployment') return deployment(session);
    if (endpoint === 'metrics') return metrics(session);
    session.send(envelope('error', session.now(), { message: `Not found: ${session.url.pathname}` }));
    session.close(1008, 'unknown endpoint');
  },
};
