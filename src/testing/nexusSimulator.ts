/**
 * Nexus API simulator: the server side of nexus.md (its `websocket-server.ts` is the wire's truth).
 * JWT in `?token=`; `connected` on open; `subscribe`/`unsubscribe`/`publish`/`ping` answered with the
 * document's frames and texts; server-originated channel data goes out as `broadcast` frames.
 *
 * Channels the simulated backend feeds: `telemetry` (a fleet of agents, one frame per agent about
 * every second), `deployments` (occasional rollouts, stage by stage) and `alerts` (rare: metric
 * incidents and failed deployments). Any other channel is a plain pub/sub room.
 */
import { fingerprint, fnv1a, isRecord, type UnknownRecord } from '../protocols/fields';
import { seededRandom, type ProtocolSimulator, type SimSession } from './simulator';

export const NEXUS_SCENARIOS = ['telemetry', 'chat'] as const;
export type NexusScenario = (typeof NEXUS_SCENARIOS)[number];

/** Channels the simulated backend publishes on by itself. */
export const NEXUS_CHANNELS = ['telemetry', 'deployments', 'alerts'] as const;

/** The simulated fleet's agent ids (the document's example agent first). */
export const NEXUS_AGENTS = ['agent_euystacio_001', 'agent_orion_002', 'agent_vega_003'] as const;

/**
 * Upgrade check of the document's server, for `DevServerRoute.authorize`: 401 without a token,
 * 403 for one that does not verify (the simulator treats only the token `invalid` as such).
 */
export function nexusAuthorize(url: URL): number | undefined {
  const token = url.searchParams.get('token');
  if (token === null || token === '') return 401; // the doc's `if (!token)`: empty counts as missing
  if (token === 'invalid') return 403;
  return undefined;
}

const USER_ID_RE = /^[\w.@-]{1,64}$/;

const jwtClaims = (token: string): UnknownRecord | undefined => {
  const part = token.split('.')[1];
  if (part === undefined || token.split('.').length !== 3) return undefined;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)));
    return isRecord(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The `userId` the server reports for a token: a JWT's `userId`/`user_id`/`sub` claim (the real server
 * verifies it; the simulator only reads it), else `usr_` plus a hash of the token.
 */
export function nexusUserId(token: string): string {
  const claims = jwtClaims(token);
  for (const key of ['userId', 'user_id', 'sub']) {
    const value = claims?.[key];
    if (typeof value === 'string' && USER_ID_RE.test(value)) return value;
  }
  return `usr_${fingerprint(token).slice(0, 6)}`;
}

// ---------------------------------------------------------------------------------------------
// Small helpers over a seeded stream
// ---------------------------------------------------------------------------------------------

type Rng = () => number;

const between = (r: Rng, min: number, max: number): number => min + r() * (max - min);
const intIn = (r: Rng, min: number, max: number): number => min + Math.floor(r() * (max - min + 1));
const pickOf = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const hex = (r: Rng, n: number): string => {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(r() * 16).toString(16);
  return out;
};
// Box-Muller: metric noise looks Gaussian, not uniform.
const gauss = (r: Rng): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const clamp = (v: number, min: number, max: number): number => Math.min(max, Math.max(min, v));
const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

// ---------------------------------------------------------------------------------------------
// Subscriptions (the document's `channel:JSON(filters)` keys)
// ---------------------------------------------------------------------------------------------

interface Subscription {
  channel: string;
  filters: unknown;
}

const filterValueMatches = (wanted: unknown, actual: unknown): boolean => {
  if (Array.isArray(wanted)) return wanted.some((w) => filterValueMatches(w, actual));
  if (typeof wanted === 'string' || typeof wanted === 'number' || typeof wanted === 'boolean') {
    return wanted === actual;
  }
  return true; // nested objects: not a filter the simulator understands, so it does not exclude
};

/**
 * Quirk of the document's server: it delivers only to `${channel}:{}` keys, so a subscription WITH
 * filters is acknowledged and then receives nothing. That would make the doc's own example
 * (`subscribe('telemetry', { agent_id })`) useless here, so filters are applied instead: a field the
 * data carries must equal the filter's value (or be one of an array's); unknown fields are ignored.
 */
const filtersMatch = (filters: unknown, data: unknown): boolean => {
  if (!isRecord(filters) || !isRecord(data)) return true;
  for (const [key, wanted] of Object.entries(filters)) {
    if (Object.hasOwn(data, key) && !filterValueMatches(wanted, data[key])) return false;
  }
  return true;
};

// ---------------------------------------------------------------------------------------------
// Telemetry: a small fleet with mean-reverting noise and rare incidents
// ---------------------------------------------------------------------------------------------

interface Baseline {
  cpu: number;
  mem: number;
  rps: number;
  p95: number;
  err: number;
}

type IncidentKind = 'cpu' | 'latency' | 'errors' | 'memory';

interface AlertRule {
  metric: 'cpu_usage' | 'memory_usage' | 'latency_p95_ms' | 'error_rate';
  threshold: number;
  severity: 'warning' | 'critical';
  title: string;
  /** How the summary names the metric. */
  label: string;
  unit: string;
  /** Consecutive breaching ticks, or calm ticks while firing. */
  streak: number;
  firing: { id: string; since: number; peak: number } | undefined;
}

interface Agent {
  id: string;
  host: string;
  region: string;
  service: string;
  r: Rng;
  base: Baseline;
  load: number;
  mem: number;
  incident: { kind: IncidentKind; elapsed: number; left: number } | undefined;
  rules: AlertRule[];
}

const FLEET: readonly { id: string; service: string; region: string; base: [Baseline, Baseline] }[] = [
  {
    id: 'agent_euystacio_001',
    service: 'api-gateway',
    region: 'eu-west-1',
    base: [{ cpu: 28, mem: 46, rps: 650, p95: 85, err: 0.1 }, { cpu: 42, mem: 56, rps: 1100, p95: 140, err: 0.4 }],
  },
  {
    id: 'agent_orion_002',
    service: 'orders-service',
    region: 'eu-west-1',
    base: [{ cpu: 18, mem: 52, rps: 180, p95: 120, err: 0.05 }, { cpu: 32, mem: 62, rps: 320, p95: 210, err: 0.3 }],
  },
  {
    id: 'agent_vega_003',
    service: 'inference-worker',
    region: 'us-east-1',
    base: [{ cpu: 40, mem: 58, rps: 25, p95: 240, err: 0.02 }, { cpu: 52, mem: 68, rps: 60, p95: 380, err: 0.2 }],
  },
];

// Agents added on demand by `agent_id` filters; bounded so a client cannot grow the fleet forever.
const MAX_EXTRA_AGENTS = 16;
const VIRTUAL_SERVICES = ['edge-proxy', 'task-runner', 'telemetry-collector', 'search-api'] as const;
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2'] as const;

// About one incident per agent every seven or eight minutes: with three agents, an alert every couple of minutes.
const INCIDENT_CHANCE = 1 / 450;
const FIRE_AFTER = 3;
const RESOLVE_AFTER = 5;

const makeAgent = (
  r: Rng,
  id: string,
  service: string,
  region: string,
  [lo, hi]: readonly [Baseline, Baseline],
): Agent => {
  const base: Baseline = {
    cpu: between(r, lo.cpu, hi.cpu),
    mem: between(r, lo.mem, hi.mem),
    rps: between(r, lo.rps, hi.rps),
    p95: between(r, lo.p95, hi.p95),
    err: between(r, lo.err, hi.err),
  };
  const rule = (
    metric: AlertRule['metric'],
    threshold: number,
    severity: AlertRule['severity'],
    title: string,
    label: string,
    unit: string,
  ): AlertRule => ({ metric, threshold, severity, title, label, unit, streak: 0, firing: undefined });
  // Latency alerts are relative to the service's normal p95 (an inference worker is slower).
  const latencyThreshold = Math.max(500, Math.round((base.p95 * 3.5) / 50) * 50);
  return {
    id,
    host: `ip-10-0-${intIn(r, 1, 9)}-${intIn(r, 10, 250)}`,
    region,
    service,
    r,
    base,
    load: 1,
    mem: base.mem,
    incident: undefined,
    rules: [
      rule('cpu_usage', 85, 'warning', `CPU saturation on ${service}`, 'CPU', '%'),
      rule('memory_usage', 90, 'warning', `Memory pressure on ${service}`, 'Memory', '%'),
      rule('latency_p95_ms', latencyThreshold, 'critical', `High p95 latency on ${service}`, 'p95 latency', ' ms'),
      rule('error_rate', 2, 'critical', `Elevated 5xx rate on ${service}`, '5xx rate', '%'),
    ],
  };
};

/** Advances one agent by one second and returns its telemetry sample. */
const stepAgent = (a: Agent): UnknownRecord => {
  const { r, base } = a;
  if (a.incident === undefined && r() < INCIDENT_CHANCE) {
    a.incident = { kind: pickOf(r, ['cpu', 'latency', 'errors', 'memory'] as const), elapsed: 0, left: intIn(r, 20, 60) };
  }
  const inc = a.incident;
  // Incidents ramp up and down over a few seconds instead of jumping.
  const intensity = inc === undefined ? 0 : Math.min(1, (inc.elapsed + 1) / 5, inc.left / 5);
  const on = (kind: IncidentKind): number => (inc?.kind === kind ? intensity : 0);

  const target = 1 + 0.5 * on('cpu');
  a.load = clamp(a.load + (target - a.load) * 0.08 + 0.025 * gauss(r), 0.6, 1.9);
  const rps = base.rps * a.load * (1 + 0.03 * gauss(r));
  const cpu = clamp(base.cpu * a.load + 1.8 * gauss(r) + 40 * on('cpu'), 1, 99.5);
  a.mem += 0.015 + 0.12 * gauss(r) + 0.9 * on('memory');
  if (inc?.kind !== 'memory' && a.mem > base.mem + 10) a.mem -= between(r, 6, 9); // a GC / compaction
  a.mem = clamp(a.mem, 5, 97.5);
  const saturation = 1 + Math.max(0, cpu - 65) / 20;
  const p95 = Math.max(5, base.p95 * saturation * saturation * (1 + 0.06 * gauss(r)) * (1 + 4 * on('latency')));
  const err = Math.max(0, base.err * (1 + 0.25 * gauss(r)) + 4 * on('errors') + 0.8 * on('latency'));

  if (inc !== undefined) {
    inc.elapsed++;
    inc.left--;
    if (inc.left <= 0) {
      // A leak ends with the pod restarting: memory falls back below its baseline.
      if (inc.kind === 'memory') a.mem = base.mem - between(r, 3, 6);
      a.incident = undefined;
    }
  }
  return {
    agent_id: a.id,
    host: a.host,
    region: a.region,
    service: a.service,
    cpu_usage: round(cpu, 1),
    memory_usage: round(a.mem, 1),
    requests_per_sec: round(rps, 1),
    latency_p95_ms: Math.round(p95),
    error_rate: round(err, 2),
  };
};

// ---------------------------------------------------------------------------------------------
// Deployments
// ---------------------------------------------------------------------------------------------

interface ServiceState {
  name: string;
  version: [number, number, number];
  replicas: number;
  stack: 'node' | 'python' | 'go';
}

const AUTHORS = ['maria.k', 'devon.r', 'aiko.t', 'samir.h', 'lena.w'] as const;
const COMMITS = [
  'fix: retry idempotent payment calls',
  'feat: add refund reason to order events',
  'perf: cache tenant config for 30s',
  'chore: bump grpc to 1.66.2',
  'fix: close idle DB connections after 5m',
  'feat: stream partial inference results',
  'refactor: split rate limiter per route',
  'fix: handle empty cart in checkout',
] as const;
const FAILURES = [
  'CrashLoopBackOff: Error: connect ECONNREFUSED 10.0.4.12:5432',
  'Readiness probe failed: HTTP probe failed with statuscode: 503',
  'OOMKilled: container exceeded memory limit 512Mi',
  'CrashLoopBackOff: panic: missing env var PAYMENTS_API_URL',
] as const;
const MIGRATIONS = [
  '0042_add_refund_reason',
  '0043_index_orders_created_at',
  '0017_tenant_rate_limits',
  '0108_drop_legacy_sessions',
] as const;

const REGISTRY = 'registry.nexus.internal';

const newServices = (): ServiceState[] => [
  { name: 'api-gateway', version: [2, 14, 1], replicas: 4, stack: 'node' },
  { name: 'orders-service', version: [1, 8, 2], replicas: 3, stack: 'python' },
  { name: 'inference-worker', version: [0, 23, 5], replicas: 2, stack: 'python' },
  { name: 'billing-api', version: [3, 2, 0], replicas: 3, stack: 'go' },
  { name: 'web-frontend', version: [5, 41, 0], replicas: 2, stack: 'node' },
];

const versionText = ([a, b, c]: readonly number[]): string => `v${a}.${b}.${c}`;

interface DeployStep {
  delay: number;
  data: UnknownRecord;
  /** An alert that goes with this step (a failed rollout pages someone). */
  alert?: UnknownRecord;
}

/** Plans one rollout: each step's delay (ms after the previous) and its broadcast data. */
const planDeployment = (r: Rng, services: ServiceState[]): DeployStep[] => {
  const service = pickOf(r, services);
  const environment = r() < 0.6 ? 'staging' : 'production';
  const previous = versionText(service.version);
  const [major, minor, patch] = service.version;
  const next: [number, number, number] = r() < 0.2 ? [major, minor + 1, 0] : [major, minor, patch + 1];
  const version = versionText(next);
  const id = `dep_${hex(r, 8)}`;
  const sha = hex(r, 7);
  const author = pickOf(r, AUTHORS);
  const image = `${REGISTRY}/${service.name}:${version}`;
  const desired = environment === 'production' ? service.replicas : Math.max(1, service.replicas - 1);
  const failAt = r() < 0.12 ? intIn(r, 1, desired) : 0;
  const common = {
    deployment_id: id,
    service: service.name,
    environment,
    version,
    previous_version: previous,
  };
  const steps: DeployStep[] = [];
  let elapsed = 0;
  const step = (delay: number, fields: UnknownRecord): DeployStep => {
    elapsed += delay;
    const s: DeployStep = { delay, data: { ...common, ...fields } };
    steps.push(s);
    return s;
  };
  const buildTool = {
    node: 'RUN npm ci --omit=dev',
    python: 'RUN pip install --no-cache-dir -r requirements.txt',
    go: 'RUN go build -trimpath -o /out/server ./cmd/server',
  }[service.stack];
  const layers = intIn(r, 9, 14);

  step(0, {
    status: 'queued',
    stage: 'queued',
    progress: 0,
    commit: sha,
    author,
    message: `Deployment queued by ${author}: ${pickOf(r, COMMITS)} (${sha})`,
  });
  step(intIn(r, 300, 800), {
    status: 'in_progress',
    stage: 'build',
    progress: 5,
    message: `Building ${image} from ${sha}`,
  });
  step(intIn(r, 1500, 3500), {
    status: 'in_progress',
    stage: 'build',
    progress: 15,
    message: `Step ${layers - 4}/${layers} : ${buildTool}`,
  });
  const buildSeconds = round(between(r, 18, 75), 1);
  step(intIn(r, 1500, 4000), {
    status: 'in_progress',
    stage: 'build',
    progress: 25,
    message: `Image built in ${buildSeconds}s (${layers} layers, ${intIn(r, 3, layers - 2)} cached)`,
  });
  step(intIn(r, 800, 2000), {
    status: 'in_progress',
    stage: 'push',
    progress: 35,
    message: `Pushed ${image} (digest sha256:${hex(r, 12)}…, ${intIn(r, 60, 480)} MB)`,
  });
  if (service.stack !== 'node' && r() < 0.5) {
    const first = intIn(r, 0, MIGRATIONS.length - 2);
    step(intIn(r, 600, 1500), {
      status: 'in_progress',
      stage: 'migrate',
      progress: 38,
      message: `Applied 2 migrations: ${MIGRATIONS[first]}, ${MIGRATIONS[first + 1]}`,
    });
  }
  const pods = Array.from({ length: desired }, () => `${service.name}-${hex(r, 6)}-${hex(r, 5)}`);
  for (let ready = 1; ready <= desired; ready++) {
    const pod = pods[ready - 1]!;
    if (ready === failAt) {
      const reason = pickOf(r, FAILURES);
      const failed = step(intIn(r, 2500, 6000), {
        status: 'failed',
        stage: 'rollout',
        progress: Math.round(40 + (50 * (ready - 1)) / desired),
        replicas: { ready: ready - 1, desired },
        message: `Pod ${pod} ${reason}`,
        error: reason.split(':')[0],
      });
      failed.alert = {
        alert_id: `alt_${hex(r, 6)}`,
        status: 'firing',
        severity: 'critical',
        title: `Deployment of ${service.name} ${version} failed`,
        service: service.name,
        environment,
        deployment_id: id,
        summary: `Pod ${pod} ${reason}; rolling back to ${previous}`,
      };
      const rolledBack = step(intIn(r, 2000, 4000), {
        status: 'rolled_back',
        stage: 'rollback',
        progress: 100,
        replicas: { ready: desired, desired },
        message: `Rolled back ${service.name} to ${previous} (${desired}/${desired} pods ready)`,
      });
      rolledBack.alert = { ...failed.alert, status: 'resolved', summary: `${service.name} rolled back to ${previous}` };
      return steps;
    }
    step(intIn(r, 2000, 4500), {
      status: 'in_progress',
      stage: 'rollout',
      progress: Math.round(40 + (50 * ready) / desired),
      replicas: { ready, desired },
      message: `Rolling update: ${ready}/${desired} pods ready (${pod} Running)`,
    });
  }
  step(intIn(r, 1000, 2500), {
    status: 'in_progress',
    stage: 'verify',
    progress: 95,
    message: `Health checks passed: GET /healthz 200 in ${intIn(r, 4, 30)}ms on ${desired}/${desired} pods`,
  });
  const url = `https://${service.name}.${environment === 'production' ? '' : 'staging.'}nexus.example.com`;
  const last = step(intIn(r, 300, 900), { status: 'succeeded', stage: 'complete', progress: 100, url });
  service.version = next;
  // The total is only known once every step is planned.
  last.data.message = `Deployed ${service.name} ${version} to ${environment} in ${Math.round(elapsed / 1000)}s`;
  return steps;
};

// ---------------------------------------------------------------------------------------------
// Chat: a second user on the same channels
// ---------------------------------------------------------------------------------------------

const PEOPLE = [
  { userId: 'usr_maria_k', name: 'Maria K.' },
  { userId: 'usr_devon_r', name: 'Devon R.' },
  { userId: 'usr_aiko_t', name: 'Aiko T.' },
] as const;

const CHAT_LINES: Readonly<Record<string, readonly string[]>> = {
  telemetry: [
    'Starting a k6 load test on staging: 400 VUs for 10 minutes',
    'Scaled inference-worker to 4 replicas, keep an eye on CPU',
    'Cache warm-up on api-gateway, p95 may bump for a minute',
    'Load test done: p95 held under 200 ms at 1.2k req/s',
    'Memory on orders-service creeps up again, looks like the known leak',
  ],
  deployments: [
    'Holding production deploys until the payments migration finishes',
    'orders-service looks good on staging, promoting after lunch',
    'Who is deploying billing-api? The canary is still at 10%',
    'Rollback done, investigating the DB connection errors',
    'Deploy freeze lifted, go ahead',
  ],
  alerts: [
    'Ack, looking at the p95 spike on orders-service',
    'Silenced the memory alert on inference-worker for 30m, known leak',
    'Paging the billing-api on-call',
    'Resolved: it was a noisy neighbour on the node',
    'Error rate is back under 0.5%, closing the incident',
  ],
  other: [
    'Morning! Standup in 10',
    'Can someone review PR #482 (retry budget for the payment client)?',
    'Incident review notes are in the shared doc',
    'Thanks, that fixed it',
    'Is staging slow for anyone else?',
  ],
};

const REPLIES = [
  '👍',
  'On it',
  'Thanks, looking now',
  'Seen, will check after this deploy',
  'Ack',
  'Makes sense, go ahead',
] as const;

// ---------------------------------------------------------------------------------------------
// The simulator
// ---------------------------------------------------------------------------------------------

interface Timed {
  at: number;
  seq: number;
  run: () => void;
}

async function play(session: SimSession): Promise<void> {
  const refusal = nexusAuthorize(session.url);
  if (refusal !== undefined) {
    // Under MSW the upgrade cannot be refused: close at once with a policy violation instead.
    // 4001/4003 mirror HTTP 401/403 (MSW cannot refuse an upgrade); the adapter treats both as auth_failed.
    session.close(refusal === 401 ? 4001 : 4003, refusal === 401 ? 'Unauthorized: missing token' : 'Forbidden: invalid token');
    return;
  }
  const userId = nexusUserId(session.url.searchParams.get('token') ?? '');
  const chat = session.scenario === 'chat';

  // One seeded stream per subsystem, so when the client subscribes or publishes cannot change
  // what the fleet, the deployer or the chat partner do next.
  const seed = (): number => Math.floor(session.random() * 4_294_967_296);
  const fleetSeed = seed();
  const tickRng = seededRandom(seed());
  const deployRng = seededRandom(seed());
  const chatRng = seededRandom(seed());
  const replyRng = seededRandom(seed());
  const virtualSeed = seed();

  const agents = FLEET.map((f, i) => {
    const r = seededRandom((fleetSeed + i * 0x9e3779b9) >>> 0);
    return makeAgent(r, f.id, f.service, f.region, f.base);
  });
  const services = newServices();
  const partner = pickOf(chatRng, PEOPLE.filter((p) => p.userId !== userId));

  const subscriptions = new Map<string, Subscription>();
  const wants = (channel: string, data: unknown): boolean => {
    for (const sub of subscriptions.values()) {
      if (sub.channel === channel && filtersMatch(sub.filters, data)) return true;
    }
    return false;
  };
  const broadcast = (channel: string, data: UnknownRecord) => {
    if (wants(channel, data)) session.send({ type: 'broadcast', channel, data, timestamp: session.iso() });
  };
  const deliver = (channel: string, from: string, data: unknown): boolean => {
    if (!wants(channel, data)) return false;
    session.send({ type: 'message', channel, from, data, timestamp: session.iso() });
    return true;
  };

  // A filter on an agent the fleet lacks gets that agent (the doc's `agent_euystacio_001` example
  // works, and so does any id a playground user types), with its own seeded stream.
  const ensureAgent = (filters: unknown) => {
    if (!isRecord(filters) || typeof filters.agent_id !== 'string') return;
    const id = filters.agent_id.slice(0, 64);
    if (agents.some((a) => a.id === id) || agents.length >= FLEET.length + MAX_EXTRA_AGENTS) return;
    const r = seededRandom((virtualSeed ^ fnv1a(id)) >>> 0);
    agents.push(makeAgent(r, id, pickOf(r, VIRTUAL_SERVICES), pickOf(r, REGIONS), FLEET[0]!.base));
  };

  // --- the event queue: one clock for every subsystem ---------------------------------------
  const queue: Timed[] = [];
  let seq = 0;
  const schedule = (delay: number, run: () => void) => {
    queue.push({ at: session.now() + delay, seq: seq++, run });
    queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  };

  const alertFrame = (a: Agent, rule: AlertRule, value: number, status: 'firing' | 'resolved'): UnknownRecord => {
    const firing = rule.firing!;
    const lasted = Math.round((session.now() - firing.since) / 1000);
    return {
      alert_id: firing.id,
      status,
      severity: rule.severity,
      title: rule.title,
      agent_id: a.id,
      service: a.service,
      host: a.host,
      metric: rule.metric,
      value,
      threshold: rule.threshold,
      started_at: new Date(firing.since).toISOString(),
      summary:
        status === 'firing'
          ? `${rule.label} ${value}${rule.unit} above ${rule.threshold}${rule.unit} on ${a.host}`
          : `${rule.label} back to ${value}${rule.unit} after ${lasted}s (peak ${firing.peak}${rule.unit})`,
    };
  };

  const evaluate = (a: Agent, sample: UnknownRecord) => {
    for (const rule of a.rules) {
      const value = sample[rule.metric] as number;
      if (rule.firing === undefined) {
        rule.streak = value > rule.threshold ? rule.streak + 1 : 0;
        if (rule.streak >= FIRE_AFTER) {
          rule.firing = { id: `alt_${hex(a.r, 6)}`, since: session.now(), peak: value };
          rule.streak = 0;
          broadcast('alerts', alertFrame(a, rule, value, 'firing'));
        }
      } else {
        rule.firing.peak = Math.max(rule.firing.peak, value);
        // Hysteresis: resolve only once well under the threshold for a while, so alerts don't flap.
        rule.streak = value < rule.threshold * 0.9 ? rule.streak + 1 : 0;
        if (rule.streak >= RESOLVE_AFTER) {
          broadcast('alerts', alertFrame(a, rule, value, 'resolved'));
          rule.firing = undefined;
          rule.streak = 0;
        }
      }
    }
  };

  const tick = () => {
    for (const a of agents) {
      const sample = stepAgent(a);
      broadcast('telemetry', sample);
      evaluate(a, sample);
    }
    // The doc's server broadcasts on a setInterval: about a second, give or take the event loop.
    schedule(1000 + intIn(tickRng, -12, 20), tick);
  };

  const startDeployment = () => {
    const steps = planDeployment(deployRng, services);
    let delay = 0;
    let alertSince = '';
    for (const s of steps) {
      delay += s.delay;
      schedule(delay, () => {
        broadcast('deployments', s.data);
        if (s.alert === undefined) return;
        if (s.alert.status === 'firing') alertSince = session.iso();
        broadcast('alerts', { ...s.alert, started_at: alertSince });
      });
    }
    schedule(delay + intIn(deployRng, 30_000, 120_000), startDeployment);
  };

  const chatLine = (channel: string): UnknownRecord => {
    const lines = CHAT_LINES[channel] ?? CHAT_LINES.other!;
    return { text: pickOf(chatRng, lines), user: partner.name };
  };
  const chatter = () => {
    const channels = [...new Set([...subscriptions.values()].map((s) => s.channel))];
    if (channels.length > 0) {
      const channel = pickOf(chatRng, channels);
      deliver(channel, partner.userId, chatLine(channel));
    }
    schedule(intIn(chatRng, 3000, 8000), chatter);
  };

  // --- client frames --------------------------------------------------------------------------
  let startWorld: () => void = () => {};
  const worldStarted = new Promise<void>((resolve) => {
    startWorld = resolve;
  });
  session.onClose(() => startWorld());

  session.onMessage((message, raw) => {
    // The doc's server: JSON.parse or destructuring throwing (null) both end in this error.
    if (message === null || (typeof message === 'string' && message === raw)) {
      session.send({ type: 'error', message: 'Invalid JSON format' });
      return;
    }
    const m: UnknownRecord = typeof message === 'object' ? (message as UnknownRecord) : {};
    const { action, channel, filters, payload } = m;
    switch (action) {
      case 'subscribe': {
        subscriptions.set(`${String(channel)}:${JSON.stringify(filters || {})}`, { channel: String(channel), filters });
        if (channel === 'telemetry') ensureAgent(filters);
        session.send({ type: 'subscribed', channel, filters });
        startWorld();
        return;
      }
      case 'unsubscribe':
        for (const key of [...subscriptions.keys()]) {
          if (key.startsWith(`${String(channel)}:`)) subscriptions.delete(key);
        }
        session.send({ type: 'unsubscribed', channel });
        return;
      case 'publish': {
        // Delivered to every subscriber of the channel, the sender included (as the doc's server does).
        const delivered = deliver(String(channel), userId, payload);
        if (chat && delivered) {
          const text = pickOf(replyRng, REPLIES);
          const reply = { text, user: partner.name };
          schedule(intIn(replyRng, 1200, 3000), () => deliver(String(channel), partner.userId, reply));
        }
        return;
      }
      case 'ping':
        session.send({ type: 'pong', timestamp: session.now() });
        return;
      default:
        session.send({ type: 'error', message: `Unknown action: ${String(action)}` });
    }
  });

  session.send({ type: 'connected', message: 'Welcome to Nexus WebSocket', userId });

  // The backend's clock starts with the first subscription: before it nothing could be delivered,
  // and starting here keeps a seeded session identical however late the client subscribes.
  await worldStarted;
  if (session.closed) return;
  schedule(1000, tick);
  schedule(intIn(deployRng, 6000, 15_000), startDeployment);
  if (chat) schedule(intIn(chatRng, 2000, 4000), chatter);

  while (!session.closed) {
    const next = queue[0];
    if (next === undefined) return;
    if (!(await session.wait(Math.max(0, next.at - session.now())))) return;
    while (queue.length > 0 && queue[0]!.at <= session.now()) queue.shift()!.run();
  }
}

/**
 * The Nexus API server. Scenarios: `telemetry` (default: the fleet's 1 Hz telemetry, occasional
 * deployments, rare alerts) and `chat` (the same, plus a second user talking on the subscribed
 * channels and answering the client's publishes). Tokens: none → 401, `invalid` → 403.
 */
export const nexusSimulator: ProtocolSimulator = {
  protocol: 'nexus',
  scenarios: NEXUS_SCENARIOS,
  defaultScenario: 'telemetry',
  start: play,
};
