import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createConnection, type ConnectionOptions, type WebSocketConstructor } from '../../src/core/connection';
import type {
  ErrorEvent,
  LogEvent,
  MetricsEvent,
  OperationEvent,
  OpstreamEvent,
  ResourceEvent,
} from '../../src/core/events';
import { mist, MIST_PATHS, type MistOptions } from '../../src/protocols/mist';
import { startDevServer, type DevServer } from '../../src/testing/devServer';
import {
  MIST_BURST_LINES,
  MIST_END_LINES,
  MIST_HUGE_LINE_CHARS,
  MIST_TAIL_LINES,
  mistEndpointOf,
  mistSimulator,
} from '../../src/testing/mistSimulator';
import { runSimulator } from '../../src/testing/simulator';
import { waitFor } from '../support/wsServer';
import { assertValidEvents } from '../support/validateEvent';

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const START = Date.UTC(2025, 0, 15, 10, 30);
// ESC, spliced into patterns (a literal control character in a regex trips the linter).
const E = '\\x1b';
const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const routes = [
  ...Object.values(MIST_PATHS).map((path) => ({ path, simulator: mistSimulator })),
  ...Object.values(MIST_PATHS).map((path) => ({ path: `/mist${path}`, simulator: mistSimulator })),
  { path: '/ws/unknown', simulator: mistSimulator },
];

async function server(seed = 7): Promise<DevServer> {
  const s = await startDevServer({ routes, port: 0, speed: 0, seed, startAt: START });
  cleanups.push(() => s.close());
  return s;
}

function connect(url: string, options: MistOptions, extra: Partial<ConnectionOptions<never>> = {}) {
  const events: OpstreamEvent[] = [];
  const connection = createConnection({
    url,
    protocol: mist(options),
    WebSocket: NodeWebSocket,
    environment: null,
    reconnect: { minDelayMs: 20, maxDelayMs: 100 },
    ...extra,
  });
  connection.onEvents((batch) => events.push(...batch));
  cleanups.push(() => connection.destroy());
  connection.connect();
  return {
    connection,
    events,
    state: () => connection.getSnapshot().state,
    logs: () => events.filter((e): e is LogEvent => e.kind === 'log'),
    ops: () => events.filter((e): e is OperationEvent => e.kind === 'operation'),
    metrics: () => events.filter((e): e is MetricsEvent => e.kind === 'metrics'),
    errors: () => events.filter((e): e is ErrorEvent => e.kind === 'error'),
  };
}

/** Plays the simulator without a network and returns the raw frames it sent. */
async function play(path: string, until: (frames: unknown[]) => boolean, seed = 7) {
  const frames: unknown[] = [];
  const closes: (number | undefined)[] = [];
  const connection = runSimulator(
    mistSimulator,
    { send: (data) => frames.push(JSON.parse(String(data))), close: (code) => void closes.push(code) },
    `ws://127.0.0.1${path}`,
    { speed: 0, seed, startAt: START },
  );
  await waitFor(() => closes.length > 0 || until(frames), 4_000, `frames of ${path}`);
  connection.closed();
  return { frames: frames as { type?: string; timestamp: string; data: Record<string, unknown> }[], closes };
}

const decodeErrors = (errors: readonly ErrorEvent[]) =>
  errors.filter((e) => e.code === 'malformed_frame' || e.code === 'protocol_error' || e.code === 'frame_too_large');

describe('mistSimulator: endpoints by path', () => {
  it('maps default and prefixed paths to endpoints', () => {
    expect(mistEndpointOf('/ws/container/logs')).toBe('container-logs');
    expect(mistEndpointOf('/mist/ws/deployment/logs/')).toBe('deployment');
    expect(mistEndpointOf('/api/ws/metrics')).toBe('metrics');
    expect(mistEndpointOf('/ws/metricsx')).toBeUndefined();
  });

  it('answers an unknown path with an error and a policy close', async () => {
    const { frames, closes } = await play('/ws/unknown', () => false);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ type: 'error', data: { message: expect.stringContaining('/ws/unknown') } });
    expect(closes).toEqual([1008]);
  });

  it('refuses container logs without appId', async () => {
    const { frames, closes } = await play('/ws/container/logs', () => false);
    expect(frames[0]).toMatchObject({ type: 'error', data: { message: 'appId is required' } });
    expect(closes).toEqual([1008]);
  });
});

describe('mistSimulator: container logs', () => {
  it('end: wire format is status, 100-line tail, 20 lines, end, normal close', async () => {
    const { frames, closes } = await play('/ws/container/logs?appId=1&scenario=end', () => false);
    expect(closes).toEqual([1000]);
    expect(frames[0]).toEqual({
      type: 'status',
      timestamp: '2025-01-15T10:30:00Z',
      data: { container: 'mist-app-1', state: 'running', status: expect.stringMatching(/^Up /) },
    });
    const logs = frames.slice(1, -1);
    expect(logs).toHaveLength(MIST_TAIL_LINES + MIST_END_LINES);
    for (const frame of logs) {
      expect(frame.type).toBe('log');
      expect(Object.keys(frame.data)).toEqual(['line']);
      expect(typeof frame.data.line).toBe('string');
    }
    expect(frames.at(-1)).toMatchObject({ type: 'end', data: { message: 'Log stream ended' } });
    for (const frame of frames) expect(frame.timestamp).toMatch(RFC3339_SECONDS);
    // The tail is history (before the connection), live lines come after it.
    const times = logs.map((f) => Date.parse(f.timestamp));
    expect(times.slice(0, MIST_TAIL_LINES).every((t) => t <= START)).toBe(true);
    expect(times.slice(MIST_TAIL_LINES).every((t) => t >= START)).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('live: decodes to a container status and ANSI-coloured app logs with every kind of content', async () => {
    const s = await server();
    const c = connect(s.origin, { endpoint: 'container-logs', appId: 3 });
    await waitFor(() => c.logs().length >= 400, 4_000, '400 lines');
    c.connection.close();
    assertValidEvents(c.events);
    expect(decodeErrors(c.errors())).toEqual([]);
    const first = c.events[0] as ResourceEvent;
    expect(first).toMatchObject({ kind: 'resource', resource: 'container', id: 'mist-app-3', status: 'running' });
    const logs = c.logs();
    expect(new Set(logs.map((l) => l.stream))).toEqual(new Set(['container:3']));
    const lines = logs.map((l) => l.line);
    const some = (test: (line: string) => boolean) => lines.some(test);
    expect(some((l) => l.includes('\x1b[32m[INFO]\x1b[0m'))).toBe(true);
    expect(some((l) => l.includes('\x1b[33m[WARN]\x1b[0m'))).toBe(true);
    expect(some((l) => l.includes('\x1b[31m[ERROR]\x1b[0m'))).toBe(true);
    expect(some((l) => l.includes('\x1b[1m'))).toBe(true);
    expect(some((l) => l.includes('\x1b[38;5;208m'))).toBe(true);
    expect(some((l) => l.includes('\x1b[38;2;255;100;0m'))).toBe(true);
    const osc8 = new RegExp(`${E}\\]8;;https://example\\.com/[^${E}]*${E}\\\\[^${E}]+${E}\\]8;;${E}\\\\`);
    expect(some((l) => osc8.test(l))).toBe(true);
    expect(lines.filter((l) => l.includes('<img src=x onerror=alert(1)>'))).toHaveLength(1);
    const stackFrame = new RegExp(`^(${E}\\[\\d+m)? {4}at `);
    expect(some((l) => stackFrame.test(l))).toBe(true);
    const long = lines.filter((l) => l.length >= 10_000);
    expect(long.length).toBeGreaterThan(0);
    for (const l of long) expect(l.length).toBeLessThanOrEqual(51_000);
    // Lines the app wrote, not frames: every non-stack line carries its own timestamp prefix.
    expect(lines[0]).toMatch(new RegExp(`^2025-01-15 \\d\\d:\\d\\d:\\d\\d ${E}\\[`));
  });

  it('burst: thousands of lines in one go, with no time passing between them', async () => {
    const s = await server();
    const c = connect(`${s.origin}?scenario=burst`, { endpoint: 'container-logs', appId: 1 });
    await waitFor(() => c.logs().length >= MIST_TAIL_LINES + MIST_BURST_LINES + 20, 4_000, 'the burst');
    c.connection.close();
    expect(decodeErrors(c.errors())).toEqual([]);
    assertValidEvents(c.events);
    let run = 1;
    let longest = 1;
    const logs = c.logs();
    for (let i = 1; i < logs.length; i++) {
      run = logs[i]!.at === logs[i - 1]!.at ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeGreaterThanOrEqual(MIST_BURST_LINES);
    expect(logs[MIST_TAIL_LINES]!.line).toContain(`backlog of ${MIST_BURST_LINES} jobs`);
  });

  it('long-lines: a line of exactly ~1 MB with ANSI and a valid JSON body, plus 60-300 kB lines', async () => {
    const { frames } = await play('/ws/container/logs?appId=1&scenario=long-lines', (f) =>
      f.some((x) => ((x as { data?: { line?: string } }).data?.line?.length ?? 0) >= MIST_HUGE_LINE_CHARS),
    );
    const lines = frames.filter((f) => f.type === 'log').map((f) => f.data.line as string);
    const huge = lines.find((l) => l.length >= MIST_HUGE_LINE_CHARS)!;
    expect(huge.length).toBe(MIST_HUGE_LINE_CHARS);
    expect(huge.length).toBeLessThan(1024 * 1024);
    expect(huge).toContain('\x1b[90m[DEBUG]\x1b[0m');
    const body = JSON.parse(huge.slice(huge.indexOf('payload dump: ') + 14)) as { count: number; items: unknown[] };
    expect(body.items).toHaveLength(body.count);
    expect(lines.some((l) => l.length >= 60_000 && l.length < 310_000)).toBe(true);
  });

  it('error: the container is not running; error frame, then the server closes', async () => {
    const s = await server();
    const c = connect(s.origin + '?scenario=error', { endpoint: 'container-logs', appId: 9 }, { reconnect: false });
    await waitFor(() => c.state() === 'failed', 2_000, 'the close');
    assertValidEvents(c.events);
    expect(c.events[0]).toMatchObject({ kind: 'resource', id: 'mist-app-9', status: 'exited' });
    expect(c.errors()).toEqual([
      expect.objectContaining({ kind: 'error', code: 'container_not_running', message: 'Container mist-app-9 is not running' }),
    ]);
    expect(c.logs()).toHaveLength(0);
    expect(c.connection.getSnapshot().reason.code).toBe(1000);
  });

  it('an unrelated scenario falls back to the endpoint default (live)', async () => {
    const { frames } = await play('/ws/container/logs?appId=1&scenario=deploy-failed', (f) => f.length > 150);
    expect(frames[0]!.type).toBe('status');
    expect(frames.slice(1).every((f) => f.type === 'log')).toBe(true);
  });
});

describe('mistSimulator: deployment', () => {
  const STAGES = ['cloning_repo', 'building_image', 'stopping_old', 'starting_new', 'completed'];

  it('deploy: the documented stages in order, rising progress, build log, success', async () => {
    const s = await server();
    const c = connect(s.origin, { endpoint: 'deployment', deploymentId: 15 });
    await waitFor(() => c.state() === 'closed', 4_000, 'the end of the deployment');
    assertValidEvents(c.events);
    expect(c.errors()).toEqual([]);
    const ops = c.ops();
    expect(new Set(ops.map((o) => o.operationId))).toEqual(new Set(['15']));
    expect(ops[0]).toMatchObject({ phase: 'progress', status: 'pending', progress: 0 });
    expect(ops.filter((o) => o.phase === 'step').map((o) => o.step?.id)).toEqual(STAGES.slice(0, -1));
    const progress = ops.flatMap((o) => (o.progress === undefined ? [] : [o.progress]));
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    const last = ops.at(-1)!;
    expect(last).toMatchObject({ phase: 'complete', status: 'succeeded', progress: 100, step: { id: 'completed' } });
    const statuses = ops.flatMap((o) => (o.status === undefined ? [] : [o.status]));
    expect([...new Set(statuses)]).toEqual(['pending', 'running', 'succeeded']);
    const log = ops.filter((o) => o.phase === 'log').map((o) => o.message!);
    expect(log.length).toBeGreaterThanOrEqual(50);
    const stepLines = log.filter((l) => /^Step \d+\/10 : /.test(l));
    expect(stepLines).toHaveLength(10);
    expect(stepLines[0]).toBe('Step 1/10 : FROM node:20-alpine');
    for (const needle of ["Cloning into '/var/lib/mist/builds/15'", 'added ', 'Successfully built', 'Successfully tagged mist-app-', 'The push refers to repository', 'Health check', '200 OK']) {
      expect(log.some((l) => l.includes(needle))).toBe(true);
    }
    expect(c.connection.getSnapshot().reason.message).toContain('deployment succeeded');
  });

  it('deploy-failed: the build fails at npm run build with the TypeScript errors, then status failed', async () => {
    const s = await server();
    const c = connect(`${s.origin}?scenario=deploy-failed`, { endpoint: 'deployment', deploymentId: 16 });
    await waitFor(() => c.state() === 'closed', 4_000, 'the end of the deployment');
    assertValidEvents(c.events);
    const ops = c.ops();
    const error = ops.find((o) => o.phase === 'error');
    expect(error?.error).toEqual({ code: 'deployment_error', message: 'Docker build failed: exit code 1' });
    const last = ops.at(-1)!;
    expect(last).toMatchObject({
      phase: 'complete',
      status: 'failed',
      step: { id: 'building_image' },
      error: { code: 'deployment_failed', message: 'Docker build failed: exit code 1' },
    });
    expect(last.progress).toBeLessThan(75);
    expect(ops.some((o) => o.step?.id === 'stopping_old')).toBe(false);
    const log = ops.filter((o) => o.phase === 'log').map((o) => o.message!);
    expect(log.some((l) => l.includes('error TS2339'))).toBe(true);
    expect(log.at(-1)).toContain('returned a non-zero code: 1');
  });

  it('error: an unknown deployment gets an error frame and a close', async () => {
    const { frames, closes } = await play('/ws/deployment/logs?deploymentId=404&scenario=error', () => false);
    expect(frames).toEqual([
      { type: 'error', timestamp: '2025-01-15T10:30:00Z', data: { message: 'Deployment 404 not found' } },
    ]);
    expect(closes).toEqual([1000]);
  });

  it('sends the documented status fields, deployment_id as a number', async () => {
    const { frames } = await play('/ws/deployment/logs?deploymentId=15', () => false);
    const statuses = frames.filter((f) => f.type === 'status');
    for (const f of statuses) {
      expect(Object.keys(f.data)).toEqual(['deployment_id', 'status', 'stage', 'progress', 'message', 'error_message']);
      expect(f.data.deployment_id).toBe(15);
    }
    expect(statuses.at(-1)!.data).toMatchObject({ status: 'success', stage: 'completed', progress: 100 });
    const building = statuses.filter((f) => f.data.status === 'building').map((f) => f.data.progress as number);
    const deploying = statuses.filter((f) => f.data.status === 'deploying').map((f) => f.data.progress as number);
    expect(Math.max(...building)).toBeLessThanOrEqual(75);
    expect(Math.min(...deploying)).toBeGreaterThanOrEqual(75);
    expect(Math.max(...deploying)).toBeLessThanOrEqual(90);
  });

  it('is deterministic: same seed, same events; another seed differs', async () => {
    const run = async (seed: number) => {
      const s = await server(seed);
      const c = connect(s.origin, { endpoint: 'deployment', deploymentId: 15 });
      await waitFor(() => c.state() === 'closed', 4_000, 'the end of the deployment');
      return c.events;
    };
    const a = await run(7);
    const b = await run(7);
    const other = await run(8);
    expect(b).toEqual(a);
    expect(other).not.toEqual(a);
  });
});

describe('mistSimulator: metrics', () => {
  const KEYS = [
    'cpu.usage',
    'cpu.cores',
    'memory.used',
    'memory.total',
    'memory.percent',
    'disk.used',
    'disk.total',
    'disk.percent',
    'network.rx_bytes_per_sec',
    'network.tx_bytes_per_sec',
    'docker.containers_running',
    'docker.containers_total',
    'docker.images',
  ].sort();

  it('bare objects at 1 Hz that decode to metrics with a stable set of keys', async () => {
    const s = await server();
    const c = connect(`${s.origin}/mist`, { endpoint: 'metrics' });
    await waitFor(() => c.metrics().length >= 5, 2_000, 'five samples');
    c.connection.close();
    assertValidEvents(c.events);
    expect(c.errors()).toEqual([]);
    const samples = c.metrics().slice(0, 5);
    for (const [i, m] of samples.entries()) {
      expect(m.source).toBe('system');
      expect(Object.keys(m.values).sort()).toEqual(KEYS);
      expect(m.at).toBe(START + i * 1_000);
      const v = m.values;
      expect(v['cpu.usage']).toBeGreaterThan(0);
      expect(v['cpu.usage']).toBeLessThan(100);
      expect(v['memory.percent']).toBeCloseTo((v['memory.used']! / v['memory.total']!) * 100, 0);
      expect(v['docker.containers_running']).toBeLessThanOrEqual(v['docker.containers_total']!);
    }
  });

  it('drifts smoothly with noise over two minutes, clamped to sane ranges', async () => {
    const { frames } = await play('/ws/metrics', (f) => f.length >= 120);
    const samples = frames.slice(0, 120) as unknown as {
      type?: string;
      cpu: { usage: number };
      memory: { used: number; total: number; percent: number };
      disk: { percent: number };
    }[];
    expect(samples.every((f) => f.type === undefined)).toBe(true);
    const cpu = samples.map((f) => f.cpu.usage);
    const mem = samples.map((f) => f.memory.percent);
    expect(new Set(cpu).size).toBeGreaterThan(60);
    expect(cpu.every((x) => x >= 0.5 && x <= 99.5)).toBe(true);
    for (let i = 1; i < mem.length; i++) expect(Math.abs(mem[i]! - mem[i - 1]!)).toBeLessThan(1);
    for (const f of samples) expect(f.disk.percent).toBeGreaterThan(4);
  });
});
