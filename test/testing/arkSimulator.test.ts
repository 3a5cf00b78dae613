import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createConnection, type WebSocketConstructor } from '../../src/core/connection';
import type { ErrorEvent, LogEvent, OperationEvent, OpstreamEvent, ResourceEvent } from '../../src/core/events';
import { ark } from '../../src/protocols/ark';
import { ARK_SCENARIOS, arkSimulator } from '../../src/testing/arkSimulator';
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/testing/devServer';
import { assertValidEvents } from '../support/validateEvent';
import { waitFor } from '../support/wsServer';

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const START = Date.UTC(2024, 0, 15, 10, 30);
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function serve(options: Partial<DevServerOptions> = {}): Promise<DevServer> {
  const server = await startDevServer({
    routes: [{ path: '/ark', simulator: arkSimulator }],
    port: 0,
    speed: 0,
    seed: 7,
    startAt: START,
    ...options,
  });
  cleanups.push(() => server.close());
  return server;
}

function connect(url: string) {
  const events: OpstreamEvent[] = [];
  const connection = createConnection({
    url,
    protocol: ark(),
    WebSocket: NodeWebSocket,
    environment: null,
    reconnect: false,
  });
  connection.onEvents((batch) => events.push(...batch));
  cleanups.push(() => connection.destroy());
  connection.connect();
  return { connection, events };
}

/** The doc's event name a decoded event came from (undefined for raw frames and decode errors). */
function docName(e: OpstreamEvent): string | undefined {
  switch (e.kind) {
    case 'operation':
      if (e.phase === 'start') return 'job:created';
      if (e.phase === 'progress') return 'job:progress';
      if (e.phase === 'error') return 'job:failed';
      return e.status === 'cancelled' ? 'job:cancelled' : 'job:completed';
    case 'resource':
      return `${e.resource}:${e.change}`;
    case 'log':
      return 'instance:log';
    case 'error':
      return e.code === 'malformed_frame' || e.code === 'protocol_error' ? undefined : 'system:error';
    default:
      return undefined;
  }
}

const DOC_EVENTS = [
  'job:created', 'job:progress', 'job:completed', 'job:failed', 'job:cancelled',
  'instance:created', 'instance:updated', 'instance:status_changed', 'instance:deleted', 'instance:log',
  'agent:registered', 'agent:heartbeat', 'agent:offline', 'system:error',
];

const ops = (events: readonly OpstreamEvent[]) => events.filter((e): e is OperationEvent => e.kind === 'operation');
const logs = (events: readonly OpstreamEvent[]) => events.filter((e): e is LogEvent => e.kind === 'log');
const resources = (events: readonly OpstreamEvent[], resource: string) =>
  events.filter((e): e is ResourceEvent => e.kind === 'resource' && e.resource === resource);
const decodeErrors = (events: readonly OpstreamEvent[]) =>
  events.filter((e): e is ErrorEvent => e.kind === 'error' && (e.code === 'malformed_frame' || e.code === 'protocol_error'));

// agent:offline carries only `lastSeenAt` (not when it went offline), so it decodes with the
// arrival time. Elsewhere simulated time is the payload time; for it, the previous event's.
const isOffline = (e: OpstreamEvent) => e.kind === 'resource' && e.resource === 'agent' && e.change === 'offline';
const simTimes = (events: readonly OpstreamEvent[]): number[] => {
  let last = START;
  return events.map((e) => (isOffline(e) ? last : (last = e.at)));
};
const reachedSim = (events: readonly OpstreamEvent[], ms: number) =>
  events.some((e) => !isOffline(e) && e.at >= START + ms);

const byJob = (events: readonly OpstreamEvent[]) => {
  const jobs = new Map<string, OperationEvent[]>();
  for (const e of ops(events)) jobs.set(e.operationId, [...(jobs.get(e.operationId) ?? []), e]);
  return jobs;
};

/** Every job: a start, progress that never goes back, exactly one terminal event, last. */
function expectWellFormedJob(id: string, events: readonly OperationEvent[]) {
  expect(events[0]?.phase, id).toBe('start');
  expect(events[0]?.status, id).toBe('pending');
  const percents = events.filter((e) => e.phase === 'progress').map((e) => e.progress ?? -1);
  expect(percents.length, id).toBeGreaterThanOrEqual(2);
  expect(percents.every((p) => p >= 0 && p <= 100), id).toBe(true);
  expect(percents, id).toEqual([...percents].sort((a, b) => a - b));
  const terminal = events.filter((e) => e.phase === 'complete' || e.phase === 'error');
  expect(terminal, id).toHaveLength(1);
  expect(events.at(-1), id).toBe(terminal[0]);
}

describe('arkSimulator', () => {
  it('declares its scenarios with fleet as the default', () => {
    expect(arkSimulator.protocol).toBe('ark');
    expect([...arkSimulator.scenarios]).toEqual([...ARK_SCENARIOS]);
    expect(arkSimulator.defaultScenario).toBe('fleet');
  });

  it('fleet: every event of the doc within two simulated minutes, all decodable and consistent', async () => {
    const server = await serve();
    const { events } = connect(server.urls['/ark']!);
    await waitFor(() => reachedSim(events, 125_000), 4_000, 'two simulated minutes');
    assertValidEvents(events);
    expect(decodeErrors(events)).toEqual([]);
    expect(events.filter((e) => e.kind === 'raw')).toEqual([]);

    const times = simTimes(events);
    const early = events.filter((_, i) => times[i]! <= START + 120_000);
    expect(new Set(early.map(docName))).toEqual(new Set(DOC_EVENTS));

    // Two agents; 3-5 seeded instances plus the one created (and later deleted) on screen.
    expect(new Set(resources(events, 'agent').map((e) => e.id)).size).toBe(2);
    const created = resources(events, 'instance').filter((e) => e.change === 'created');
    expect(created).toHaveLength(1);
    expect(created[0]!.data).toMatchObject({ name: expect.any(String), gameType: 'ASA' });
    const seeded = new Set(logs(events).map((e) => e.stream.replace(/^instance:/, '')));
    seeded.delete(created[0]!.id);
    expect(seeded.size).toBeGreaterThanOrEqual(3);
    expect(seeded.size).toBeLessThanOrEqual(5);
    expect(resources(events, 'instance').find((e) => e.change === 'deleted')?.id).toBe(created[0]!.id);

    // Jobs: well formed, with the three outcomes and realistic text.
    const jobs = byJob(events);
    for (const [id, job] of jobs) if (job.at(-1)!.phase !== 'progress') expectWellFormedJob(id, job);
    const terminals = ops(events).filter((e) => e.phase === 'complete' || e.phase === 'error');
    expect(new Set(terminals.map((e) => e.status))).toEqual(new Set(['succeeded', 'failed', 'cancelled']));
    expect(terminals.find((e) => e.status === 'failed')?.error?.message).toBe('SteamCMD exited with code 8');
    expect(ops(events).some((e) => /Downloading server files\.\.\. [\d.]+ GB \/ 9\.62 GB/.test(e.message ?? ''))).toBe(true);
    const backup = terminals.find((e) => e.status === 'succeeded' && (e.result as { archivePath?: string }).archivePath);
    expect((backup?.result as { archivePath: string }).archivePath).toMatch(/^D:\\Ark ASA ASM\\backups\\.+\.zip$/);

    // Instance status follows the server lifecycle.
    const next: Record<string, string[]> = {
      STOPPED: ['STARTING'],
      STARTING: ['RUNNING', 'ERROR'],
      RUNNING: ['STOPPING'],
      STOPPING: ['STOPPED'],
      ERROR: ['STARTING'],
    };
    const lastStatus = new Map<string, string>();
    const changes = resources(events, 'instance').filter((e) => e.change === 'status_changed');
    expect(changes.map((e) => e.status).slice(0, 2)).toEqual(['STARTING', 'RUNNING']);
    for (const e of changes) {
      const before = lastStatus.get(e.id);
      if (before !== undefined) expect(next[before], `${e.id} ${before} -> ${e.status}`).toContain(e.status);
      lastStatus.set(e.id, e.status!);
    }

    // Server logs a person would recognize, with levels.
    const lines = logs(events);
    expect(lines.some((e) => e.line === 'Server has completed startup and is now advertising for join.')).toBe(true);
    expect(lines.some((e) => / joined this ARK!$/.test(e.line))).toBe(true);
    expect(lines.some((e) => /^Commandline: {2}\w+_WP\?listen\?SessionName=/.test(e.line))).toBe(true);
    expect(new Set(lines.map((e) => e.level))).toEqual(new Set(['INFO', 'WARN', 'DEBUG']));

    // An outage: heartbeats stop, offline 30 s after the last one, then a new registration.
    const agents = resources(events, 'agent');
    const offline = agents.find((e) => e.change === 'offline')!;
    const lastSeen = Date.parse((offline.data as { lastSeenAt: string }).lastSeenAt);
    const at = events.indexOf(offline);
    expect(events[at - 1]!.at).toBeLessThanOrEqual(lastSeen + 30_000);
    expect(events[at + 1]!.at).toBeGreaterThanOrEqual(lastSeen + 30_000);
    const back = agents.find((e) => e.change === 'registered')!;
    expect(back.id).toBe(offline.id);
    expect(events.indexOf(back)).toBeGreaterThan(at);
    const silent = agents.filter((e) => e.id === offline.id && e.change === 'heartbeat' && e.at > lastSeen && e.at < back.at);
    expect(silent).toEqual([]);
  });

  it('jobs: exactly three jobs (completed, failed, cancelled), then silence on an open socket', async () => {
    const server = await serve();
    const { connection, events } = connect(`${server.urls['/ark']!}?scenario=jobs`);
    const terminal = () => ops(events).filter((e) => e.phase === 'complete' || e.phase === 'error');
    await waitFor(() => terminal().length === 3, 3_000, 'three finished jobs');
    const count = events.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(events.length).toBe(count);
    expect(connection.getSnapshot().state).toBe('open');
    expect(server.clients()).toBe(1);

    assertValidEvents(events);
    expect(events.every((e) => e.kind === 'operation')).toBe(true);
    const jobs = byJob(events);
    expect(jobs.size).toBe(3);
    for (const [id, job] of jobs) expectWellFormedJob(id, job);
    expect(terminal().map((e) => e.status).sort()).toEqual(['cancelled', 'failed', 'succeeded']);
    const done = terminal().find((e) => e.status === 'succeeded')!;
    expect(done.result).toEqual({ buildId: expect.stringMatching(/^\d{8}$/), installPath: expect.stringContaining('server_builds\\ASA\\') });
    expect(jobs.get(done.operationId)!.filter((e) => e.phase === 'progress').at(-1)?.progress).toBe(100);
    expect(terminal().find((e) => e.status === 'failed')?.error?.message).toMatch(/k_EResultTimeout/);
  });

  it('burst: thousands of log lines quickly, and ?lines= sets the count', async () => {
    const server = await serve();
    const big = connect(`${server.urls['/ark']!}?scenario=burst`);
    const small = connect(`${server.urls['/ark']!}?scenario=burst&lines=250`);
    await waitFor(() => big.events.length >= 3_000 && small.events.length >= 250, 4_000, 'burst');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(big.events).toHaveLength(3_000);
    expect(small.events).toHaveLength(250);
    assertValidEvents(big.events);
    expect(logs(big.events)).toHaveLength(3_000);
    expect(new Set(logs(big.events).map((e) => e.stream)).size).toBe(2);
    expect(logs(big.events).every((e) => e.line.length > 0 && e.level !== undefined)).toBe(true);
    const times = big.events.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('malformed: bad frames surface as malformed_frame errors or raw events, never silently', async () => {
    const server = await serve();
    const { events } = connect(`${server.urls['/ark']!}?scenario=malformed`);
    await waitFor(() => events.some((e) => docName(e) === 'system:error'), 3_000, 'the last frame');
    assertValidEvents(events);
    expect(decodeErrors(events).filter((e) => e.code === 'malformed_frame')).toHaveLength(5);
    expect(events.filter((e) => e.kind === 'raw')).toHaveLength(8);
    expect(ops(events).map((e) => e.progress ?? e.phase)).toEqual(['start', 0, 35, 70, 100, 'complete']);
  });

  it('is deterministic per seed', async () => {
    const take = async (seed: number) => {
      const server = await serve({ seed });
      const { events } = connect(server.urls['/ark']!);
      await waitFor(() => reachedSim(events, 90_000), 4_000, '90 simulated seconds');
      // Without the arrival time of agent:offline (see simTimes).
      const times = simTimes(events);
      return events.filter((_, i) => times[i]! < START + 90_000).map((e) => (isOffline(e) ? { ...e, at: 0 } : e));
    };
    const a = await take(7);
    const b = await take(7);
    const c = await take(8);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});
