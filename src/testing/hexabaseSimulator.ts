import { seededRandom, type ProtocolSimulator, type SimSession } from './simulator';
import { fnv1a } from '../protocols/fields';

/**
 * Server side of the Hexabase KaaS WebSocket API (shared/protocols/hexabase.md): `auth` first,
 * `subscribe`/`unsubscribe` by server id (at most 100 per connection), `get_workspace_status`
 * replies, `stream_logs` tails and live lines, `stop_stream`, and a JSON `ping` every 30 s.
 * Pushes go only to subscribed resources, in the topic form the adapter builds:
 * `{resource: "workspace", workspace_id: "ws-123", events?: [...]}`.
 *
 * Query parameters: `?scenario=`, `?ping_ms=` (server ping interval, real time; default 30 000),
 * `?mute=1` (command replies withheld, so requests time out), `?drop_after=N` (the server
 * closes with 1011 after its Nth frame).
 */

export const HEXABASE_SCENARIOS = ['live', 'provisioning', 'provisioning-failed', 'quiet'] as const;
export type HexabaseScenario = (typeof HEXABASE_SCENARIOS)[number];

/** What the simulator saw on one connection (test-only state; auth tokens are redacted). */
export interface HexabaseConnectionRecord {
  /** 1 for the simulator's first connection, then 2, 3... */
  readonly serial: number;
  readonly url: string;
  readonly scenario: string;
  /** Client frames in arrival order, parsed (auth tokens replaced by "[redacted]"). */
  readonly received: unknown[];
  /** Subscription ids issued, in order. */
  readonly issued: string[];
  /** Subscription ids the client unsubscribed (known ids only). */
  readonly unsubscribed: string[];
  authenticated: boolean;
  pings: number;
  pongs: number;
  closed: boolean;
}

export interface HexabaseRecorder {
  readonly connections: HexabaseConnectionRecord[];
}

export const createHexabaseRecorder = (): HexabaseRecorder => ({ connections: [] });

export interface HexabaseSimulatorOptions {
  /** Receives one record per connection, for tests that check what the server saw. */
  recorder?: HexabaseRecorder;
}

// ---- Constants ------------------------------------------------------------------------------

const MAX_SUBSCRIPTIONS = 100;
const MAX_MESSAGE_BYTES = 1_000_000;
const PING_MS = 30_000;
const IDLE_TIMEOUT_MS = 300_000;
// One scheduler loop for everything: several loops would each advance the shared simulated clock.
const TICK_MS = 250;
const TICKS_PER_S = 1000 / TICK_MS;
const MAX_TAIL = 5_000;
const REDACTED = '[redacted]';

type Resource = 'workspace' | 'organization' | 'project';
const RESOURCES: readonly Resource[] = ['workspace', 'organization', 'project'];

type Data = Record<string, unknown>;

interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  hex(length: number): string;
  /** Roughly normal noise in [-1, 1]. */
  noise(): number;
}

const makeRng = (seed: number): Rng => {
  const next = seededRandom(seed);
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    hex: (length) => {
      let s = '';
      for (let i = 0; i < length; i++) s += Math.floor(next() * 16).toString(16);
      return s;
    },
    noise: () => (next() + next() + next()) / 1.5 - 1,
  };
  return rng;
};

const isRecord = (value: unknown): value is Data =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const round1 = (n: number): number => Math.round(n * 10) / 10;
const clamp = (n: number, min: number, max: number): number => Math.min(max, Math.max(min, n));

const positiveInt = (value: string | null): number | undefined => {
  if (value === null) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** The document's timestamps are RFC 3339 to the second ("2024-01-20T10:00:00Z"). */
const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// Resource ids the simulated API does not know, or refuses.
const isMissing = (id: string): boolean => /missing|unknown|deleted|nonexistent/.test(id);
const isForbidden = (id: string): boolean => id.includes('forbidden');

// ---- Workspace model ------------------------------------------------------------------------

interface WorkspaceState {
  id: string;
  status: string;
  health: string;
  nodesReady: number;
  nodesTotal: number;
  podsRunning: number;
  podsPending: number;
  podsFailed: number;
  cpuLimit: number;
  cpuBase: number;
  cpu: number;
  cpu5m: number;
  cpu1h: number;
  memLimit: number;
  memBase: number;
  mem: number;
  mem5m: number;
  mem1h: number;
}

const newWorkspace = (id: string, rng: Rng, provisioning: boolean): WorkspaceState => {
  const cpuLimit = rng.pick([8, 10, 16]);
  const memLimit = rng.pick([32_768, 65_536]);
  const cpuBase = cpuLimit * (0.25 + rng.next() * 0.15);
  const memBase = memLimit * (0.4 + rng.next() * 0.12);
  return {
    id,
    status: provisioning ? 'pending' : 'active',
    health: provisioning ? 'unknown' : 'healthy',
    nodesReady: provisioning ? 0 : 3,
    nodesTotal: 3,
    podsRunning: provisioning ? 0 : rng.int(38, 52),
    podsPending: provisioning ? 0 : rng.int(0, 3),
    podsFailed: 0,
    cpuLimit,
    cpuBase,
    cpu: cpuBase,
    cpu5m: cpuBase * (0.97 + rng.next() * 0.06),
    cpu1h: cpuBase * (0.92 + rng.next() * 0.1),
    memLimit,
    memBase,
    mem: memBase,
    mem5m: memBase * (0.98 + rng.next() * 0.04),
    mem1h: memBase * (0.95 + rng.next() * 0.06),
  };
};

/** "1.2MB/s" as the document writes network rates. */
const rate = (bytesPerSecond: number): string =>
  bytesPerSecond >= 1e6 ? `${(bytesPerSecond / 1e6).toFixed(1)}MB/s` : `${Math.round(bytesPerSecond / 1e3)}KB/s`;

// ---- Provisioning script --------------------------------------------------------------------

interface ProvisioningStep {
  stage: string;
  progress: number;
  message: (ws: string) => string;
  /** Seconds this step takes, [min, max]. */
  seconds: readonly [number, number];
}

const PROVISIONING: readonly ProvisioningStep[] = [
  { stage: 'validating_request', progress: 2, message: () => 'Validating workspace configuration...', seconds: [1, 2] },
  { stage: 'validating_request', progress: 5, message: () => 'Checking organization quota (3 of 10 workspaces used)', seconds: [1, 2] },
  { stage: 'resource_allocation', progress: 10, message: () => 'Allocating resources: 3 x hxb-standard-4 (4 vCPU, 16 GiB)...', seconds: [2, 4] },
  { stage: 'resource_allocation', progress: 15, message: () => 'Reserved 12 vCPU and 48 GiB in ap-northeast-1a', seconds: [2, 3] },
  { stage: 'creating_namespace', progress: 20, message: (ws) => `Creating host namespace hxb-${ws}...`, seconds: [1, 3] },
  { stage: 'creating_namespace', progress: 25, message: () => 'Applying resource quotas and limit ranges', seconds: [1, 2] },
  { stage: 'creating_vcluster', progress: 30, message: () => 'Creating vCluster instance...', seconds: [3, 5] },
  { stage: 'creating_vcluster', progress: 38, message: () => 'Waiting for vCluster control plane (Kubernetes v1.29.4)...', seconds: [4, 6] },
  { stage: 'creating_vcluster', progress: 45, message: (ws) => `Starting etcd for ${ws} (1/1 ready)`, seconds: [3, 5] },
  { stage: 'creating_vcluster', progress: 52, message: () => 'vCluster API server is ready', seconds: [2, 3] },
  { stage: 'configuring_networking', progress: 58, message: () => 'Applying default network policies (deny-all ingress, allow dns)', seconds: [2, 3] },
  { stage: 'configuring_networking', progress: 64, message: () => 'Provisioning ingress load balancer 203.0.113.24', seconds: [3, 5] },
  { stage: 'installing_addons', progress: 70, message: () => 'Installing cert-manager v1.14.4...', seconds: [2, 4] },
  { stage: 'installing_addons', progress: 76, message: () => 'Installing ingress-nginx 1.10.0...', seconds: [2, 4] },
  { stage: 'installing_addons', progress: 82, message: () => 'Installing metrics-server 0.7.1...', seconds: [2, 3] },
  { stage: 'configuring_rbac', progress: 88, message: () => 'Syncing organization members to RBAC roles (5 users)', seconds: [1, 3] },
  { stage: 'configuring_rbac', progress: 92, message: () => 'Configuring OIDC issuer https://auth.hexabase.ai', seconds: [1, 2] },
  { stage: 'health_check', progress: 96, message: () => 'Running health checks (api, dns, ingress, storage)...', seconds: [2, 4] },
  { stage: 'health_check', progress: 100, message: () => 'All health checks passed', seconds: [1, 2] },
];

// In `provisioning-failed` the vCluster never comes up, after this step.
const FAIL_AFTER_PROGRESS = 45;
const FAIL_STAGE = 'creating_vcluster';
const FAIL_ERROR = 'vCluster control plane did not become ready: pod etcd-0 in CrashLoopBackOff (mvcc: database space exceeded)';

// ---- Log lines ------------------------------------------------------------------------------

const ROUTES = [
  (ws: string) => `GET /api/v1/workspaces/${ws}/projects`,
  (ws: string) => `GET /api/v1/workspaces/${ws}`,
  () => 'GET /api/v1/organizations/org-123/workspaces',
  (ws: string) => `GET /api/v1/workspaces/${ws}/nodes`,
  () => 'GET /api/v1/projects/proj-123/members',
  (ws: string) => `POST /api/v1/workspaces/${ws}/projects`,
  () => 'PATCH /api/v1/projects/proj-123/quota',
  () => 'GET /healthz',
];

/** An access-log line: most requests are fast reads, writes answer 201/204. */
const request = (rng: Rng, ws: string, req: string): string => {
  const route = rng.pick(ROUTES)(ws);
  const status = route.startsWith('POST') ? 201 : 200;
  const ms = route.endsWith('/healthz') ? rng.int(2, 9) / 10 : rng.int(30, 900) / 10 + (rng.next() < 0.1 ? rng.int(100, 400) : 0);
  return `${route} ${status} ${ms.toFixed(1)}ms request_id=${req}`;
};

const logLine = (rng: Rng, ws: string): { level: 'info' | 'warn' | 'error'; message: string } => {
  const roll = rng.next();
  const req = rng.hex(8);
  if (roll < 0.07) {
    const message = rng.pick([
      () => `GET /api/v1/workspaces/${ws}/metrics 503 ${rng.int(5000, 5030)}ms: prometheus query timed out after 5s request_id=${req}`,
      () => `POST /api/v1/workspaces/${ws}/nodes 500 ${rng.int(1900, 2400)}ms: etcdserver: request timed out request_id=${req}`,
      () => 'Failed to publish event to NATS: nats: timeout (subject hexabase.events.workspace)',
      () => 'panic recovered in handler /api/v1/projects/proj-123/members: runtime error: invalid memory address or nil pointer dereference',
      () => `Failed to renew lease for vcluster ${ws}: context deadline exceeded`,
    ])();
    return { level: 'error', message };
  }
  if (roll < 0.2) {
    const message = rng.pick([
      () => `Slow query (${rng.int(850, 2400)}ms): SELECT id, name, status FROM workspaces WHERE organization_id = $1`,
      () => `Rate limit at ${rng.int(80, 95)}% for client 10.42.${rng.int(0, 7)}.${rng.int(2, 250)} (${rng.int(800, 950)}/1000 req/min)`,
      () => `Retrying request to billing-service (attempt ${rng.int(2, 3)}/3): connection reset by peer`,
      () => 'Deprecated API version v1beta1 used by client kubectl/v1.27.3',
      () => `Token for user-${rng.int(100, 999)} expires in ${rng.int(30, 120)}s; client should refresh`,
    ])();
    return { level: 'warn', message };
  }
  const message = rng.pick([
    () => request(rng, ws, req),
    () => request(rng, ws, req),
    () => request(rng, ws, req),
    () => `Reconciled vcluster ${ws} in ${rng.int(12, 240)}ms (0 changes)`,
    () => `Cache hit ratio ${(90 + rng.next() * 9).toFixed(1)}% over last 60s (redis://hexabase-redis-master:6379)`,
    () => `Published workspace.resource_updated for ${ws} to ${rng.int(2, 6)} subscribers`,
    () => `DB pool stats: open=${rng.int(8, 20)} in_use=${rng.int(1, 8)} idle=${rng.int(4, 12)} wait_count=0`,
    () => `Health check passed (db: ${rng.int(1, 6)}ms, redis: ${rng.int(0, 2)}ms, k8s: ${rng.int(8, 40)}ms)`,
  ])();
  return { level: 'info', message };
};

// ---- Simulator ------------------------------------------------------------------------------

interface Subscription {
  id: string;
  resource: Resource;
  target: string;
  events: readonly string[] | undefined;
}

/** One scheduled piece of the session (a resource's story, a log stream); false when finished. */
type Task = (tick: number) => boolean;

const ORG_MEMBERS = [
  { user_id: 'user-456', email: 'aiko.tanaka@example.com' },
  { user_id: 'user-512', email: 'marcus.lee@example.com' },
  { user_id: 'user-589', email: 'sofia.garcia@example.com' },
  { user_id: 'user-634', email: 'kenji.watanabe@example.com' },
] as const;
const PLANS = ['standard', 'pro', 'enterprise'] as const;
const PROJECTS = [
  { namespace: 'frontend', name: 'Frontend' },
  { namespace: 'backend', name: 'Backend API' },
  { namespace: 'payments', name: 'Payments' },
  { namespace: 'data-pipeline', name: 'Data Pipeline' },
  { namespace: 'ml-inference', name: 'ML Inference' },
] as const;

/** A simulator with its own connection counter (subscription ids differ per connection) and optional recorder. */
export function createHexabaseSimulator(options: HexabaseSimulatorOptions = {}): ProtocolSimulator {
  const recorder = options.recorder;
  let serials = 0;

  const start = async (session: SimSession): Promise<void> => {
    const serial = ++serials;
    const scenario = session.scenario as HexabaseScenario;
    const query = session.url.searchParams;
    const dropAfter = positiveInt(query.get('drop_after'));
    const pingMs = positiveInt(query.get('ping_ms')) ?? PING_MS;
    const mute = query.has('mute') && query.get('mute') !== '0' && query.get('mute') !== 'false';
    const pushes = scenario !== 'quiet';
    const provisioning = scenario === 'provisioning' || scenario === 'provisioning-failed';

    const record: HexabaseConnectionRecord = {
      serial,
      url: `${session.url.origin}${session.url.pathname}`,
      scenario,
      received: [],
      issued: [],
      unsubscribed: [],
      authenticated: false,
      pings: 0,
      pongs: 0,
      closed: false,
    };
    recorder?.connections.push(record);

    // Each story gets its own generator, so its events do not depend on when the client subscribed
    // relative to other stories (the session's order of subscriptions and ticks is not deterministic
    // at speed 0).
    const baseSeed = Math.floor(session.random() * 4_294_967_296);
    const rngFor = (key: string): Rng => makeRng((fnv1a(key) ^ baseSeed) >>> 0);
    // The serial makes ids differ after a reconnect, as a real server's would.
    const idRng = rngFor(`subscription-ids#${serial}`);
    const uuid = (): string =>
      `${idRng.hex(8)}-${idRng.hex(4)}-4${idRng.hex(3)}-${idRng.pick(['8', '9', 'a', 'b'])}${idRng.hex(3)}-${idRng.hex(12)}`;

    let authed = false;
    let userId = '';
    let tick = 0;
    let framesSent = 0;
    let unansweredPings = 0;
    const subscriptions = new Map<string, Subscription>();
    const workspaces = new Map<string, WorkspaceState>();
    const stories = new Set<string>();
    const tasks = new Set<Task>();
    const streams = new Map<string, { stopped: boolean }>();
    const streamKeys = new Map<string, number>();

    const stamp = (): string => rfc3339(session.now());

    const send = (frame: Data): void => {
      if (session.closed) return;
      session.send(frame);
      framesSent++;
      if (dropAfter !== undefined && framesSent >= dropAfter) session.close(1011, 'simulated server failure');
    };

    const sendError = (code: string, message: string, id: string | undefined, details?: Data): void => {
      const frame: Data = { type: 'error' };
      if (id !== undefined) frame.id = id;
      frame.timestamp = stamp();
      frame.error = details === undefined ? { code, message } : { code, message, details };
      send(frame);
    };

    /** Whether any subscription of this connection covers `type` for `resource` `target`. */
    const wants = (resource: Resource, target: string, type: string): boolean => {
      const dot = type.indexOf('.');
      const family = type.slice(0, dot);
      const change = type.slice(dot + 1);
      for (const sub of subscriptions.values()) {
        if (sub.resource !== resource || sub.target !== target) continue;
        if (sub.events === undefined || sub.events.length === 0) return true;
        if (sub.events.some((e) => e === '*' || e === type || e === change || e === `${family}.*`)) return true;
      }
      return false;
    };

    const push = (resource: Resource, target: string, type: string, data: Data): void => {
      if (wants(resource, target, type)) send({ type, timestamp: stamp(), data });
    };

    const workspace = (id: string): WorkspaceState => {
      let ws = workspaces.get(id);
      if (ws === undefined) {
        ws = newWorkspace(id, rngFor(`workspace-init:${id}`), provisioning);
        workspaces.set(id, ws);
      }
      return ws;
    };

    // ---- Stories ----

    const setStatus = (ws: WorkspaceState, status: string, message: string): void => {
      const previous = ws.status;
      ws.status = status;
      push('workspace', ws.id, 'workspace.status_changed', {
        workspace_id: ws.id,
        previous_status: previous,
        new_status: status,
        message,
      });
    };

    const setHealth = (ws: WorkspaceState, component: string, status: string, reason: string): void => {
      const previous = ws.health;
      ws.health = status;
      push('workspace', ws.id, 'monitoring.health_changed', {
        workspace_id: ws.id,
        component,
        previous_status: previous,
        new_status: status,
        reason,
      });
    };

    /** A running workspace, on a 60 s cycle: metrics every 5 s, a scale-up, a memory spike with its alert and recovery. */
    const liveWorkspace = (id: string, startTick: number): Task => {
      const rng = rngFor(`workspace-story:${id}`);
      const ws = workspace(id);
      const apiPod = `api-server-${rng.hex(6)}`;
      const cycleTicks = 60 * TICKS_PER_S;
      let ingress = 0.6e6 + rng.next() * 1.2e6;
      let egress = ingress * (0.5 + rng.next() * 0.3);

      const sample = (phase: number): void => {
        // Memory climbs to ~86% from 18 s to 26 s (the alert fires at 30 s) and falls back at 45 s.
        const spike = 0.86 * ws.memLimit;
        let memTarget = ws.memBase;
        if (phase >= 18 * TICKS_PER_S && phase < 26 * TICKS_PER_S) {
          const f = (phase - 18 * TICKS_PER_S) / (8 * TICKS_PER_S);
          memTarget = ws.memBase + (spike - ws.memBase) * f;
        } else if (phase >= 26 * TICKS_PER_S && phase < 45 * TICKS_PER_S) memTarget = spike;
        ws.mem = clamp(memTarget + rng.noise() * 0.012 * ws.memLimit, 0, ws.memLimit);
        ws.cpu = clamp(ws.cpuBase + rng.noise() * 0.08 * ws.cpuLimit, 0.05, ws.cpuLimit);
        // Exponential averages over 5 min and 1 h of 5 s samples.
        ws.cpu5m += (ws.cpu - ws.cpu5m) * (5 / 300);
        ws.cpu1h += (ws.cpu - ws.cpu1h) * (5 / 3600);
        ws.mem5m += (ws.mem - ws.mem5m) * (5 / 300);
        ws.mem1h += (ws.mem - ws.mem1h) * (5 / 3600);
        ingress = clamp(ingress * (1 + rng.noise() * 0.15), 0.2e6, 6e6);
        egress = clamp(egress * (1 + rng.noise() * 0.15), 0.1e6, 4e6);
      };

      return (now) => {
        const r = now - startTick;
        const phase = r % cycleTicks;
        const cycle = Math.floor(r / cycleTicks);
        if (r % (5 * TICKS_PER_S) === TICKS_PER_S) {
          sample(phase);
          push('workspace', id, 'monitoring.metrics_update', {
            workspace_id: id,
            metrics: {
              cpu: { instant: round1(ws.cpu), average_5m: round1(ws.cpu5m), average_1h: round1(ws.cpu1h) },
              memory: { instant: Math.round(ws.mem), average_5m: Math.round(ws.mem5m), average_1h: Math.round(ws.mem1h) },
              network: { ingress_rate: rate(ingress), egress_rate: rate(egress) },
            },
          });
        }
        if (r % (10 * TICKS_PER_S) === 10) {
          push('workspace', id, 'workspace.resource_updated', {
            workspace_id: id,
            resources: {
              cpu: {
                used: ws.cpu.toFixed(1),
                limit: String(ws.cpuLimit),
                unit: 'cores',
                percentage: round1((ws.cpu / ws.cpuLimit) * 100),
              },
              memory: {
                used: String(Math.round(ws.mem)),
                limit: String(ws.memLimit),
                unit: 'Mi',
                percentage: round1((ws.mem / ws.memLimit) * 100),
              },
            },
          });
        }
        const up = cycle % 2 === 0;
        switch (phase) {
          case 6 * TICKS_PER_S:
            setStatus(
              ws,
              'updating',
              up
                ? `Scaling node pool workers from ${ws.nodesTotal} to ${ws.nodesTotal + 1} nodes`
                : `Scaling node pool workers from ${ws.nodesTotal} to ${ws.nodesTotal - 1} nodes (low utilization)`,
            );
            break;
          case 18 * TICKS_PER_S:
            ws.nodesTotal += up ? 1 : -1;
            ws.nodesReady = ws.nodesTotal;
            ws.podsRunning += up ? rng.int(3, 6) : -rng.int(2, 4);
            setStatus(ws, 'active', `Node pool workers scaled to ${ws.nodesTotal} nodes`);
            break;
          case 30 * TICKS_PER_S: {
            const value = Math.max(80.5, round1((ws.mem / ws.memLimit) * 100));
            push('workspace', id, 'workspace.alert_triggered', {
              workspace_id: id,
              alert: {
                id: `alert-${rng.hex(6)}`,
                type: 'high_memory_usage',
                severity: 'warning',
                title: 'High Memory Usage',
                description: 'Memory usage has exceeded 80%',
                resource: `pod/${apiPod}`,
                threshold: 80,
                value,
              },
            });
            break;
          }
          case 31 * TICKS_PER_S:
            ws.podsPending += 2;
            setHealth(
              ws,
              'api_server',
              'degraded',
              `API server p99 latency ${(1.5 + rng.next()).toFixed(1)}s under memory pressure on node hxb-worker-${rng.int(1, 3)}`,
            );
            break;
          case 45 * TICKS_PER_S:
            ws.podsPending = Math.max(0, ws.podsPending - 2);
            setHealth(
              ws,
              'api_server',
              'healthy',
              `Memory back to ${Math.round((ws.memBase / ws.memLimit) * 100)}% after batch-report-${rng.hex(5)} was rescheduled; health checks passing`,
            );
            break;
          case 40 * TICKS_PER_S:
            if (cycle % 2 === 0) {
              const project = rng.pick(PROJECTS);
              push('workspace', id, 'project.created', {
                project: {
                  id: `proj-${rng.int(200, 999)}`,
                  name: project.name,
                  namespace: project.namespace,
                  workspace_id: id,
                  created_by: userId,
                },
              });
            }
            break;
          case 52 * TICKS_PER_S: {
            const crash = cycle % 2 === 0;
            const pod = `worker-queue-${rng.hex(5)}-${rng.hex(5)}`;
            const restarts = rng.int(6, 9);
            push('workspace', id, 'workspace.alert_triggered', {
              workspace_id: id,
              alert: crash
                ? {
                    id: `alert-${rng.hex(6)}`,
                    type: 'pod_crash_looping',
                    severity: 'critical',
                    title: 'Pod Crash Looping',
                    description: `Back-off restarting failed container worker: ${restarts} restarts in 10 minutes`,
                    resource: `pod/${pod}`,
                    threshold: 5,
                    value: restarts,
                  }
                : {
                    id: `alert-${rng.hex(6)}`,
                    type: 'high_cpu_usage',
                    severity: 'warning',
                    title: 'High CPU Usage',
                    description: 'CPU usage has exceeded 75% for 5 minutes',
                    resource: `deployment/${pod.split('-').slice(0, 2).join('-')}`,
                    threshold: 75,
                    value: round1(76 + rng.next() * 8),
                  },
            });
            break;
          }
        }
        return true;
      };
    };

    /** A new workspace: pending -> provisioning, progress through the stages, then completed (or failed). */
    const provisionWorkspace = (id: string, startTick: number): Task => {
      const rng = rngFor(`workspace-provisioning:${id}`);
      const ws = workspace(id);
      const fail = scenario === 'provisioning-failed';
      const taskId = `task-${rng.hex(8)}`;
      const plan: { due: number; run: () => void }[] = [];
      let due = startTick + 1;
      plan.push({
        due,
        run: () => setStatus(ws, 'provisioning', 'Workspace provisioning started (plan: dedicated, region: ap-northeast-1)'),
      });
      for (const step of PROVISIONING) {
        due += 1 + rng.int(step.seconds[0] * TICKS_PER_S, step.seconds[1] * TICKS_PER_S);
        plan.push({
          due,
          run: () => {
            if (step.stage === 'creating_vcluster' && step.progress === 52) ws.nodesReady = 3;
            push('workspace', id, 'provisioning.progress', {
              task_id: taskId,
              workspace_id: id,
              stage: step.stage,
              progress: step.progress,
              message: step.message(id),
            });
          },
        });
        if (fail && step.progress === FAIL_AFTER_PROGRESS) {
          due += 1 + rng.int(6 * TICKS_PER_S, 9 * TICKS_PER_S);
          plan.push({
            due,
            run: () => {
              push('workspace', id, 'provisioning.failed', {
                task_id: taskId,
                workspace_id: id,
                error: FAIL_ERROR,
                stage: FAIL_STAGE,
                can_retry: true,
              });
              ws.health = 'unhealthy';
              setStatus(ws, 'error', 'Workspace provisioning failed: vCluster control plane not ready');
            },
          });
          break;
        }
      }
      if (!fail) {
        due += 1;
        const finish = due;
        plan.push({
          due: finish,
          run: () => {
            push('workspace', id, 'provisioning.completed', {
              task_id: taskId,
              workspace_id: id,
              duration_seconds: Math.round((finish - startTick) / TICKS_PER_S),
              api_endpoint: `https://${id}.api.hexabase.ai`,
            });
            ws.health = 'healthy';
            ws.nodesReady = ws.nodesTotal;
            ws.podsRunning = rng.int(16, 22);
            setStatus(ws, 'active', 'Workspace provisioning completed successfully');
          },
        });
      }
      let next = 0;
      return (now) => {
        while (next < plan.length && plan[next]!.due <= now) plan[next++]!.run();
        return next < plan.length;
      };
    };

    const organizationStory = (id: string, startTick: number): Task => {
      const rng = rngFor(`organization-story:${id}`);
      const cycleTicks = 40 * TICKS_PER_S;
      const members: { user_id: string; email: string }[] = [];
      let plan = 0;
      return (now) => {
        const r = now - startTick;
        const phase = r % cycleTicks;
        const cycle = Math.floor(r / cycleTicks);
        if (phase === 8 * TICKS_PER_S) {
          const candidates = ORG_MEMBERS.filter((m) => !members.some((x) => x.user_id === m.user_id));
          const member = candidates.length > 0 ? rng.pick(candidates) : undefined;
          if (member !== undefined) {
            members.push(member);
            push('organization', id, 'organization.member_added', {
              organization_id: id,
              member: { ...member, role: rng.pick(['member', 'member', 'admin', 'viewer']), added_by: userId },
            });
          }
        } else if (phase === 22 * TICKS_PER_S) {
          if (cycle % 2 === 0 && plan < PLANS.length - 1) {
            plan++;
            push('organization', id, 'organization.billing_updated', {
              organization_id: id,
              billing: { previous_plan: PLANS[plan - 1], new_plan: PLANS[plan], effective_date: stamp() },
            });
          } else if (members.length > 1) {
            const member = members.splice(rng.int(0, members.length - 1), 1)[0]!;
            push('organization', id, 'organization.member_removed', {
              organization_id: id,
              member: { user_id: member.user_id, email: member.email, removed_by: userId },
            });
          }
        }
        return true;
      };
    };

    const projectStory = (id: string, startTick: number): Task => {
      const rng = rngFor(`project-story:${id}`);
      const { namespace, name } = rng.pick(PROJECTS);
      const workspaceId = `ws-${rng.int(100, 999)}`;
      const cycleTicks = 50 * TICKS_PER_S;
      let memLimitGi = 4;
      return (now) => {
        const r = now - startTick;
        const phase = r % cycleTicks;
        if (phase === 12 * TICKS_PER_S) {
          const resource = rng.pick(['cpu', 'memory', 'memory', 'pods'] as const);
          const quota =
            resource === 'memory'
              ? { requested: `${memLimitGi + 1}Gi`, limit: `${memLimitGi}Gi`, current_usage: `${(memLimitGi - 0.2).toFixed(1)}Gi` }
              : resource === 'cpu'
                ? { requested: '2500m', limit: '4', current_usage: '3.2' }
                : { requested: '3', limit: '50', current_usage: '49' };
          push('project', id, 'project.resource_quota_exceeded', {
            project_id: id,
            namespace,
            resource,
            ...quota,
          });
        } else if (phase === 30 * TICKS_PER_S) {
          memLimitGi *= 2;
          push('project', id, 'project.updated', {
            project: {
              id,
              name,
              namespace,
              workspace_id: workspaceId,
              updated_by: userId,
              resource_quota: { cpu: '8', memory: `${memLimitGi}Gi`, pods: 100 },
            },
          });
        }
        return true;
      };
    };

    const startStory = (resource: Resource, target: string): void => {
      const key = `${resource}:${target}`;
      if (!pushes || stories.has(key)) return;
      if (provisioning && resource !== 'workspace') return;
      stories.add(key);
      if (resource === 'workspace') tasks.add(provisioning ? provisionWorkspace(target, tick) : liveWorkspace(target, tick));
      else if (resource === 'organization') tasks.add(organizationStory(target, tick));
      else tasks.add(projectStory(target, tick));
    };

    // ---- Commands ----

    const onAuth = (msg: Data): void => {
      const token = msg.token;
      if (typeof token !== 'string' || token === '' || token === 'invalid' || token === 'expired') {
        authed = false;
        record.authenticated = false;
        send({ type: 'auth_result', success: false, error: token === 'expired' ? 'Token expired' : 'Invalid token' });
        return;
      }
      authed = true;
      record.authenticated = true;
      userId = `user-${100 + (fnv1a(token) % 900)}`;
      send({ type: 'auth_result', success: true, user_id: userId, message: 'Authenticated successfully' });
    };

    const onSubscribe = (id: string | undefined, data: Data): void => {
      const resource = data.resource;
      if (typeof resource !== 'string' || !RESOURCES.includes(resource as Resource)) {
        sendError('INVALID_MESSAGE_FORMAT', `Unknown subscription resource ${JSON.stringify(resource ?? null)}`, id);
        return;
      }
      const target = str(data[`${resource}_id`]);
      if (target === undefined) {
        sendError('INVALID_MESSAGE_FORMAT', `Subscription to ${resource} needs ${resource}_id`, id);
        return;
      }
      const requested = `${resource}:${target}`;
      const events = data.events;
      if (events !== undefined && !(Array.isArray(events) && events.every((e) => typeof e === 'string'))) {
        sendError('INVALID_MESSAGE_FORMAT', 'events must be an array of strings', id);
        return;
      }
      if (isForbidden(target)) {
        sendError('PERMISSION_DENIED', `User ${userId} lacks permission for ${requested}`, id);
        return;
      }
      if (isMissing(target)) {
        sendError('RESOURCE_NOT_FOUND', `${resource} ${target} not found`, id);
        return;
      }
      if (subscriptions.size >= MAX_SUBSCRIPTIONS) {
        sendError('SUBSCRIPTION_LIMIT_EXCEEDED', `Maximum number of subscriptions (${MAX_SUBSCRIPTIONS}) exceeded`, id, {
          current_subscriptions: subscriptions.size,
          requested_subscription: requested,
        });
        return;
      }
      const subscriptionId = uuid();
      subscriptions.set(subscriptionId, {
        id: subscriptionId,
        resource: resource as Resource,
        target,
        events: events as string[] | undefined,
      });
      record.issued.push(subscriptionId);
      const reply: Data = { type: 'subscribe_result' };
      if (id !== undefined) reply.id = id;
      reply.success = true;
      reply.subscription_id = subscriptionId;
      send(reply);
      startStory(resource as Resource, target);
    };

    const onUnsubscribe = (id: string | undefined, data: Data): void => {
      const subscriptionId = str(data.subscription_id);
      if (subscriptionId === undefined || !subscriptions.has(subscriptionId)) {
        sendError('RESOURCE_NOT_FOUND', `Subscription ${subscriptionId ?? '(none)'} not found`, id);
        return;
      }
      subscriptions.delete(subscriptionId);
      record.unsubscribed.push(subscriptionId);
      // Not in the document; the adapter reads it as a reply by id, like subscribe_result.
      const reply: Data = { type: 'unsubscribe_result' };
      if (id !== undefined) reply.id = id;
      reply.success = true;
      reply.subscription_id = subscriptionId;
      send(reply);
    };

    /** Refuses unknown or forbidden workspaces; true when the command may go on. */
    const checkWorkspace = (id: string | undefined, workspaceId: string | undefined): workspaceId is string => {
      if (workspaceId === undefined) {
        sendError('INVALID_MESSAGE_FORMAT', 'workspace_id is required', id);
        return false;
      }
      if (isForbidden(workspaceId)) {
        sendError('PERMISSION_DENIED', `User ${userId} lacks permission for workspace:${workspaceId}`, id);
        return false;
      }
      if (isMissing(workspaceId)) {
        sendError('RESOURCE_NOT_FOUND', `Workspace ${workspaceId} not found`, id);
        return false;
      }
      return true;
    };

    const onWorkspaceStatus = (id: string | undefined, data: Data): void => {
      const workspaceId = str(data.workspace_id);
      if (!checkWorkspace(id, workspaceId)) return;
      const ws = workspace(workspaceId);
      const reply: Data = { type: 'workspace_status' };
      if (id !== undefined) reply.id = id;
      reply.timestamp = stamp();
      reply.data = {
        workspace_id: ws.id,
        status: ws.status,
        health: ws.health,
        nodes: { ready: ws.nodesReady, total: ws.nodesTotal },
        pods: { running: ws.podsRunning, pending: ws.podsPending, failed: ws.podsFailed },
      };
      send(reply);
    };

    const onStreamLogs = (id: string | undefined, data: Data): void => {
      if (id === undefined) {
        sendError('INVALID_MESSAGE_FORMAT', 'stream_logs needs an id: it names the stream', id);
        return;
      }
      const workspaceId = str(data.workspace_id);
      if (!checkWorkspace(id, workspaceId)) return;
      const pod = str(data.pod);
      const namespace = str(data.namespace);
      if (pod === undefined || namespace === undefined) {
        sendError('INVALID_MESSAGE_FORMAT', 'stream_logs needs namespace and pod', id);
        return;
      }
      const container = str(data.container) ?? 'api';
      const tailLines = typeof data.tail_lines === 'number' && Number.isFinite(data.tail_lines) ? data.tail_lines : 100;
      const tail = clamp(Math.floor(tailLines), 0, MAX_TAIL);
      // kubectl's default: no follow unless asked.
      const follow = data.follow === true;
      const previous = streams.get(id);
      if (previous !== undefined) previous.stopped = true;
      const stream = { stopped: false };
      streams.set(id, stream);

      // The same pod's nth stream on a connection always shows the same lines, whatever its id.
      const streamKey = `${workspaceId}/${namespace}/${pod}/${container}`;
      const ordinal = (streamKeys.get(streamKey) ?? 0) + 1;
      streamKeys.set(streamKey, ordinal);
      const rng = rngFor(`logs:${streamKey}#${ordinal}`);

      const entry = (at: number): void => {
        const line = logLine(rng, workspaceId);
        send({
          type: 'log_entry',
          timestamp: stamp(),
          data: {
            stream_id: id,
            // Log lines keep their milliseconds, as the API server's logger writes them.
            timestamp: new Date(at).toISOString(),
            level: line.level,
            message: line.message,
            pod,
            container,
          },
        });
      };

      // History first: `tail` lines spaced 0.1-3 s apart, ending just before now.
      const gaps: number[] = [];
      for (let i = 0; i < tail; i++) gaps.push(rng.int(100, 3000));
      let at = session.now() - gaps.reduce((a, b) => a + b, 0);
      for (const gap of gaps) {
        at += gap;
        entry(at - rng.int(0, 90));
        if (session.closed) return;
      }
      if (!follow) return;
      let next = tick + rng.int(2, 8);
      tasks.add((now) => {
        if (stream.stopped) return false;
        if (now < next) return true;
        entry(session.now());
        next = now + rng.int(2, 8);
        return true;
      });
    };

    const onStopStream = (id: string | undefined, data: Data): void => {
      const streamId = str(data.stream_id);
      const stream = streamId === undefined ? undefined : streams.get(streamId);
      if (stream === undefined) {
        sendError('RESOURCE_NOT_FOUND', `Stream ${streamId ?? '(none)'} not found`, id);
        return;
      }
      // Stopping twice, or after a non-follow tail, is fine; the document sends no reply.
      stream.stopped = true;
    };

    session.onMessage((message, raw) => {
      unansweredPings = 0;
      if (raw.length > MAX_MESSAGE_BYTES) {
        record.received.push(`<${raw.length} characters>`);
        sendError('MESSAGE_TOO_LARGE', `Message exceeds the 1MB limit (${raw.length} bytes)`, undefined);
        return;
      }
      if (!isRecord(message) || typeof message.type !== 'string') {
        record.received.push(message);
        sendError('INVALID_MESSAGE_FORMAT', 'Message must be a JSON object with a string "type"', undefined);
        return;
      }
      const type = message.type;
      record.received.push(type === 'auth' && 'token' in message ? { ...message, token: REDACTED } : message);
      const id = str(message.id);
      const data = isRecord(message.data) ? message.data : {};
      if (type === 'pong') {
        record.pongs++;
        return;
      }
      if (type === 'auth') {
        onAuth(message);
        return;
      }
      if (!authed) {
        sendError('AUTH_REQUIRED', 'Authentication required before subscribing', id);
        return;
      }
      switch (type) {
        case 'subscribe':
          onSubscribe(id, data);
          return;
        case 'unsubscribe':
          onUnsubscribe(id, data);
          return;
        case 'get_workspace_status':
          if (!mute) onWorkspaceStatus(id, data);
          return;
        case 'stream_logs':
          if (!mute) onStreamLogs(id, data);
          return;
        case 'stop_stream':
          onStopStream(id, data);
          return;
        default:
          // The document defines no client ping: like any unknown type, it is refused.
          sendError('INVALID_MESSAGE_FORMAT', `Unknown message type ${JSON.stringify(type).slice(0, 80)}`, id);
      }
    });

    // Keepalive in real time, whatever the speed: the client's heartbeat is measured in real time too.
    const idlePings = Math.max(2, Math.ceil(IDLE_TIMEOUT_MS / pingMs));
    const pinger = globalThis.setInterval(() => {
      if (session.closed) return;
      if (unansweredPings >= idlePings) {
        session.close(1001, 'idle timeout');
        return;
      }
      unansweredPings++;
      record.pings++;
      send({ type: 'ping', timestamp: stamp() });
    }, pingMs);
    session.onClose(() => {
      globalThis.clearInterval(pinger);
      record.closed = true;
    });

    while (await session.wait(TICK_MS)) {
      tick++;
      for (const task of [...tasks]) {
        if (session.closed) return;
        if (!task(tick)) tasks.delete(task);
      }
    }
  };

  return {
    protocol: 'hexabase',
    scenarios: HEXABASE_SCENARIOS,
    defaultScenario: 'live',
    start,
  };
}

/** The Hexabase simulator (scenarios: live, provisioning, provisioning-failed, quiet). */
export const hexabaseSimulator: ProtocolSimulator = createHexabaseSimulator();
