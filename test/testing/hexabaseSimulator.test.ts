import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createConnection, type Connection, type WebSocketConstructor } from '../../src/core/connection';
import type { ErrorEvent, LogEvent, OpstreamEvent } from '../../src/core/events';
import { hexabase, hexabaseLogStream, type HexabaseCommand } from '../../src/protocols/hexabase';
import { startDevServer, type DevServer } from '../../src/testing/devServer';
import {
  HEXABASE_SCENARIOS,
  createHexabaseRecorder,
  createHexabaseSimulator,
  hexabaseSimulator,
} from '../../src/testing/hexabaseSimulator';
import { assertValidEvents } from '../support/validateEvent';
import { waitFor } from '../support/wsServer';

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function server(seed = 7, simulator = hexabaseSimulator): Promise<DevServer> {
  const s = await startDevServer({ routes: [{ path: '/hexabase', simulator }], port: 0, speed: 0, seed });
  cleanups.push(() => s.close());
  return s;
}

function connect(url: string, token = 'eyJhbGciOiJIUzI1NiJ9.sim-token.sig') {
  const events: OpstreamEvent[] = [];
  const connection = createConnection<HexabaseCommand>({
    url,
    protocol: hexabase({ token }),
    WebSocket: NodeWebSocket,
    environment: null,
    reconnect: { minDelayMs: 20, maxDelayMs: 100 },
  });
  connection.onEvents((batch) => events.push(...batch));
  cleanups.push(() => connection.destroy());
  connection.connect();
  const of = <K extends OpstreamEvent['kind']>(kind: K) =>
    events.filter((e): e is Extract<OpstreamEvent, { kind: K }> => e.kind === kind);
  return { connection, events, of };
}

const open = (c: Connection<HexabaseCommand>) => waitFor(() => c.getSnapshot().state === 'open', 2_000, 'open');

/** Every event valid, and none of the decode failures a simulator must never cause. */
const checkClean = (events: readonly OpstreamEvent[]) => {
  assertValidEvents(events);
  const decodeErrors = events.filter(
    (e): e is ErrorEvent => e.kind === 'error' && (e.code === 'malformed_frame' || e.code === 'protocol_error'),
  );
  expect(decodeErrors).toEqual([]);
  expect(events.filter((e) => e.kind === 'raw')).toEqual([]);
};

/** Raw `ws` client for wire-level checks. */
async function rawClient(url: string) {
  const ws = new WebSocket(url);
  const frames: Record<string, unknown>[] = [];
  let closeCode: number | undefined;
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  ws.on('close', (code) => (closeCode = code));
  cleanups.push(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    frames,
    send: (frame: unknown) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    closeCode: () => closeCode,
  };
}

describe('hexabaseSimulator', () => {
  it('declares its protocol and scenarios', () => {
    expect(hexabaseSimulator.protocol).toBe('hexabase');
    expect(hexabaseSimulator.scenarios).toEqual(HEXABASE_SCENARIOS);
    expect(hexabaseSimulator.defaultScenario).toBe('live');
  });

  it('live: metrics, resources, a scale-up, a memory alert and a degraded -> healthy cycle for a subscribed workspace', async () => {
    const s = await server();
    const { connection, events, of } = connect(s.urls['/hexabase']!);
    await open(connection);
    connection.subscribeTopic('workspace:ws-123');
    const health = () => of('resource').filter((e) => e.change === 'health_changed');
    await waitFor(() => health().some((e) => e.status === 'healthy'), 4_000, 'health recovery');
    checkClean(events);

    const metrics = of('metrics').filter((e) => e.source === 'workspace:ws-123');
    expect(metrics.length).toBeGreaterThanOrEqual(8);
    const tick = metrics.find((e) => 'cpu.instant' in e.values)!;
    expect(tick.values['cpu.instant']).toBeGreaterThan(0);
    expect(tick.values['memory.average_1h']).toBeGreaterThan(1_000);
    expect(tick.values['network.ingress_rate']).toBeGreaterThan(100_000);
    // Noise: the samples are not all the same.
    expect(new Set(metrics.map((e) => e.values['cpu.instant'])).size).toBeGreaterThan(2);

    const workspace = of('resource').filter((e) => e.resource === 'workspace' && e.id === 'ws-123');
    const updated = workspace.filter((e) => e.change === 'resource_updated');
    expect(updated.length).toBeGreaterThanOrEqual(3);
    const resources = (updated[0]!.data as { resources: { cpu: { used: string; unit: string } } }).resources;
    expect(resources.cpu.unit).toBe('cores');
    expect(resources.cpu.used).toMatch(/^\d+\.\d$/);
    const cpuUsed = metrics.find((e) => 'cpu.used' in e.values);
    // "12288" Mi and "3.2" cores decode to bytes and cores.
    expect([32_768, 65_536].map((mi) => mi * 1024 ** 2)).toContain(cpuUsed?.values['memory.limit']);
    expect(cpuUsed?.values['cpu.used']).toBeCloseTo(Number(resources.cpu.used), 5);

    const statuses = workspace.filter((e) => e.change === 'status_changed').map((e) => `${e.previous}->${e.status}`);
    expect(statuses.slice(0, 2)).toEqual(['active->updating', 'updating->active']);

    const alerts = of('alert');
    expect(alerts[0]).toMatchObject({ severity: 'warning', title: 'High Memory Usage' });
    const alertData = alerts[0]!.data as { alert: { value: number; threshold: number } };
    expect(alertData.alert.value).toBeGreaterThan(alertData.alert.threshold);

    expect(health().map((e) => `${e.id} ${e.previous}->${e.status}`)).toEqual([
      'ws-123/api_server healthy->degraded',
      'ws-123/api_server degraded->healthy',
    ]);
    // The alert comes before the degradation it explains.
    expect(events.indexOf(alerts[0]!)).toBeLessThan(events.indexOf(health()[0]!));
  });

  it('pushes only for subscribed resources and only the subscribed event names', async () => {
    const s = await server();
    const { connection, events, of } = connect(s.urls['/hexabase']!);
    await open(connection);
    // Nothing is pushed before a subscription.
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual([]);
    connection.subscribeTopic('workspace:ws-a', { events: ['alert_triggered'] });
    await waitFor(() => of('alert').length >= 2, 4_000, 'two alerts');
    checkClean(events);
    expect(events.every((e) => e.kind === 'alert')).toBe(true);
    expect(of('alert').every((e) => (e.data as { workspace_id: string }).workspace_id === 'ws-a')).toBe(true);
    expect(of('alert').map((e) => e.severity)).toEqual(['warning', 'critical']);
  });

  it('live: organization and project events for their subscriptions', async () => {
    const s = await server();
    const { connection, events, of } = connect(s.urls['/hexabase']!);
    await open(connection);
    connection.subscribeTopic('organization:org-123');
    connection.subscribeTopic('project:proj-123');
    const changes = () => of('resource').map((e) => `${e.resource}:${e.id} ${e.change}`);
    await waitFor(
      () => changes().includes('organization:org-123 billing_updated') && changes().includes('project:proj-123 updated'),
      4_000,
      'org and project events',
    );
    checkClean(events);
    expect(changes()).toContain('organization:org-123 member_added');
    expect(changes()).toContain('project:proj-123 resource_quota_exceeded');
    const billing = of('resource').find((e) => e.change === 'billing_updated')!;
    expect([billing.previous, billing.status]).toEqual(['standard', 'pro']);
    expect(of('resource').every((e) => e.resource === 'organization' || e.resource === 'project')).toBe(true);
  });

  it('provisioning: progress from 0 to 100 through the stages, then completed with the API endpoint', async () => {
    const s = await server();
    const { connection, events, of } = connect(`${s.urls['/hexabase']!}?scenario=provisioning`);
    await open(connection);
    connection.subscribeTopic('workspace:ws-new');
    const ops = () => of('operation');
    await waitFor(() => ops().some((e) => e.phase === 'complete'), 4_000, 'completion');
    await waitFor(() => of('resource').some((e) => e.status === 'active'), 2_000, 'workspace active');
    checkClean(events);

    const progress = ops().filter((e) => e.phase === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(12);
    const values = progress.map((e) => e.progress!);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values.at(-1)).toBe(100);
    const stages = [...new Set(progress.map((e) => e.step!.id))];
    expect(stages).toEqual([
      'validating_request',
      'resource_allocation',
      'creating_namespace',
      'creating_vcluster',
      'configuring_networking',
      'installing_addons',
      'configuring_rbac',
      'health_check',
    ]);
    expect(progress.every((e) => e.message !== undefined && e.message.length > 5)).toBe(true);
    expect(new Set(ops().map((e) => e.operationId)).size).toBe(1);

    const done = ops().at(-1)!;
    expect(done).toMatchObject({ phase: 'complete', status: 'succeeded', url: 'https://ws-new.api.hexabase.ai' });
    const duration = (done.result as { duration_seconds: number }).duration_seconds;
    expect(duration).toBeGreaterThan(30);
    expect(duration).toBeLessThan(150);
    const statuses = of('resource').map((e) => `${e.previous}->${e.status}`);
    expect(statuses).toEqual(['pending->provisioning', 'provisioning->active']);
    // Bounded: nothing follows the completion.
    const count = events.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(events.length).toBe(count);
    await expect(
      connection.request({ type: 'get_workspace_status', workspace_id: 'ws-new' }),
    ).resolves.toMatchObject({ status: 'active', health: 'healthy', nodes: { ready: 3, total: 3 } });
  });

  it('provisioning-failed: stops in creating_vcluster with a retryable error and the workspace in error', async () => {
    const s = await server();
    const { connection, events, of } = connect(`${s.urls['/hexabase']!}?scenario=provisioning-failed`);
    await open(connection);
    connection.subscribeTopic('workspace:ws-new');
    await waitFor(() => of('resource').some((e) => e.status === 'error'), 4_000, 'failure');
    checkClean(events);
    const ops = of('operation');
    const last = ops.at(-1)!;
    expect(last).toMatchObject({ phase: 'complete', status: 'failed', step: { id: 'creating_vcluster' } });
    expect(last.error?.message).toContain('CrashLoopBackOff');
    expect((last.result as { can_retry: boolean }).can_retry).toBe(true);
    expect(Math.max(...ops.filter((e) => e.phase === 'progress').map((e) => e.progress!))).toBe(45);
    expect(ops.some((e) => e.status === 'succeeded')).toBe(false);
  });

  it('quiet: answers commands, pushes nothing', async () => {
    const s = await server();
    const { connection, events } = connect(`${s.urls['/hexabase']!}?scenario=quiet`);
    await open(connection);
    connection.subscribeTopic('workspace:ws-123');
    connection.subscribeTopic('organization:org-123');
    const status = await connection.request<Record<string, unknown>>({ type: 'get_workspace_status', workspace_id: 'ws-123' });
    expect(status).toMatchObject({ workspace_id: 'ws-123', status: 'active', health: 'healthy' });
    await new Promise((r) => setTimeout(r, 300));
    checkClean(events);
    expect(events.filter((e) => !(e.kind === 'resource' && e.change === 'status'))).toEqual([]);
  });

  it('stream_logs: the tail, then live lines until stop_stream', async () => {
    const s = await server();
    const { connection, events, of } = connect(`${s.urls['/hexabase']!}?scenario=quiet`);
    await open(connection);
    const logs = () => of('log').filter((e) => e.stream === hexabaseLogStream('logs-1'));
    connection.send({
      type: 'stream_logs',
      id: 'logs-1',
      workspace_id: 'ws-123',
      namespace: 'frontend',
      pod: 'api-server-abc123',
      container: 'api',
      tail_lines: 50,
      follow: true,
    });
    await waitFor(() => logs().length >= 80, 3_000, 'live lines');
    connection.send({ type: 'stop_stream', stream_id: 'logs-1' });
    await new Promise((r) => setTimeout(r, 60));
    const stopped = logs().length;
    await new Promise((r) => setTimeout(r, 150));
    expect(logs().length).toBe(stopped);
    checkClean(events);
    expect(events.filter((e) => e.kind === 'error')).toEqual([]);

    const lines: LogEvent[] = logs();
    const levels = new Set(lines.map((e) => e.level));
    expect([...levels].every((l) => l === 'info' || l === 'warn' || l === 'error')).toBe(true);
    expect(levels.has('info') && levels.has('warn')).toBe(true);
    expect(lines.some((e) => /^(GET|POST|PATCH) \/api\/v1\/\S+ 20[01] [\d.]+ms/.test(e.line))).toBe(true);
    // Times never go backwards: the history ends before the live lines start.
    const times = lines.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('stream_logs without follow sends exactly the tail', async () => {
    const s = await server();
    const { connection, of } = connect(`${s.urls['/hexabase']!}?scenario=quiet`);
    await open(connection);
    connection.send({
      type: 'stream_logs',
      id: 'tail-only',
      workspace_id: 'ws-123',
      namespace: 'backend',
      pod: 'api-server-abc123',
      follow: false,
      tail_lines: 12,
    });
    await waitFor(() => of('log').length >= 12, 2_000, 'tail');
    await new Promise((r) => setTimeout(r, 150));
    expect(of('log')).toHaveLength(12);
  });

  it('speaks the documented wire format and errors', async () => {
    const s = await server();
    const c = await rawClient(`${s.urls['/hexabase']!}?scenario=quiet`);
    c.send({ type: 'subscribe', id: 'early', data: { resource: 'workspace', workspace_id: 'ws-1' } });
    await waitFor(() => c.frames.length === 1);
    expect(c.frames[0]).toMatchObject({ type: 'error', id: 'early', error: { code: 'AUTH_REQUIRED' } });
    expect(c.frames[0]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    c.send({ type: 'auth', token: 'invalid' });
    await waitFor(() => c.frames.length === 2);
    expect(c.frames[1]).toEqual({ type: 'auth_result', success: false, error: 'Invalid token' });
    c.send({ type: 'auth', token: 'your-jwt-token' });
    await waitFor(() => c.frames.length === 3);
    expect(c.frames[2]).toEqual({
      type: 'auth_result',
      success: true,
      user_id: expect.stringMatching(/^user-\d{3}$/),
      message: 'Authenticated successfully',
    });

    for (let i = 1; i <= 101; i++) {
      c.send({ type: 'subscribe', id: `sub-${i}`, data: { resource: 'workspace', workspace_id: `ws-${i}` } });
    }
    await waitFor(() => c.frames.length === 104);
    const results = c.frames.slice(3, 103);
    expect(results.every((f) => f.type === 'subscribe_result' && f.success === true)).toBe(true);
    expect(new Set(results.map((f) => f.subscription_id)).size).toBe(100);
    expect(results[0]!.subscription_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(c.frames[103]).toMatchObject({
      type: 'error',
      id: 'sub-101',
      error: {
        code: 'SUBSCRIPTION_LIMIT_EXCEEDED',
        message: 'Maximum number of subscriptions (100) exceeded',
        details: { current_subscriptions: 100, requested_subscription: 'workspace:ws-101' },
      },
    });

    c.send({ type: 'unsubscribe', id: 'unsub-1', data: { subscription_id: results[0]!.subscription_id } });
    c.send({ type: 'unsubscribe', id: 'unsub-2', data: { subscription_id: 'nope' } });
    c.send({ type: 'get_workspace_status', id: 'cmd-1', data: { workspace_id: 'ws-missing' } });
    c.send({ type: 'get_workspace_status', id: 'cmd-2', data: { workspace_id: 'ws-123' } });
    c.send('not json');
    c.send({ type: 'launch_rockets', id: 'x-1' });
    await waitFor(() => c.frames.length === 110);
    const [unsub, unknownSub, missing, status, notJson, unknownType] = c.frames.slice(104);
    expect(unsub).toMatchObject({ type: 'unsubscribe_result', id: 'unsub-1', success: true });
    expect(unknownSub).toMatchObject({ type: 'error', id: 'unsub-2', error: { code: 'RESOURCE_NOT_FOUND' } });
    expect(missing).toMatchObject({ type: 'error', id: 'cmd-1', error: { code: 'RESOURCE_NOT_FOUND' } });
    expect(status).toEqual({
      type: 'workspace_status',
      id: 'cmd-2',
      timestamp: expect.any(String),
      data: {
        workspace_id: 'ws-123',
        status: 'active',
        health: 'healthy',
        nodes: { ready: 3, total: 3 },
        pods: { running: expect.any(Number), pending: expect.any(Number), failed: 0 },
      },
    });
    expect(notJson).toMatchObject({ type: 'error', error: { code: 'INVALID_MESSAGE_FORMAT' } });
    expect(notJson).not.toHaveProperty('id');
    expect(unknownType).toMatchObject({ type: 'error', id: 'x-1', error: { code: 'INVALID_MESSAGE_FORMAT' } });
  });

  it('?drop_after=N closes the socket abnormally after N frames', async () => {
    const s = await server();
    const c = await rawClient(`${s.urls['/hexabase']!}?scenario=quiet&drop_after=2`);
    c.send({ type: 'auth', token: 'abc' });
    c.send({ type: 'get_workspace_status', id: 'a', data: { workspace_id: 'ws-1' } });
    c.send({ type: 'get_workspace_status', id: 'b', data: { workspace_id: 'ws-1' } });
    await waitFor(() => c.closeCode() !== undefined, 2_000, 'close');
    expect(c.closeCode()).toBe(1011);
    expect(c.frames.map((f) => f.type)).toEqual(['auth_result', 'workspace_status']);
  });

  it('records each connection and issues different subscription ids on every connection', async () => {
    const recorder = createHexabaseRecorder();
    const s = await server(7, createHexabaseSimulator({ recorder }));
    for (let i = 0; i < 2; i++) {
      const c = await rawClient(`${s.urls['/hexabase']!}?scenario=quiet`);
      c.send({ type: 'auth', token: 'secret-token' });
      c.send({ type: 'subscribe', id: 's', data: { resource: 'workspace', workspace_id: 'ws-1' } });
      await waitFor(() => c.frames.length === 2);
    }
    expect(recorder.connections.map((r) => r.serial)).toEqual([1, 2]);
    const [a, b] = recorder.connections;
    expect(a!.issued).toHaveLength(1);
    expect(b!.issued).toHaveLength(1);
    expect(a!.issued[0]).not.toBe(b!.issued[0]);
    expect(a!.received[0]).toEqual({ type: 'auth', token: '[redacted]' });
    expect(JSON.stringify(recorder)).not.toContain('secret-token');
  });

  it('is deterministic: the same seed plays the same events, another seed differs', async () => {
    const play = async (s: DevServer): Promise<string[]> => {
      const { connection, events } = connect(s.urls['/hexabase']!);
      await open(connection);
      connection.subscribeTopic('workspace:ws-123');
      await waitFor(() => events.length >= 30, 4_000, '30 events');
      connection.destroy();
      checkClean(events);
      return events.slice(0, 30).map(({ at: _at, ...rest }) => JSON.stringify(rest));
    };
    const sevens = await server(7);
    const first = await play(sevens);
    const second = await play(sevens);
    const eight = await play(await server(8));
    expect(second).toEqual(first);
    expect(eight).not.toEqual(first);
  });
});
