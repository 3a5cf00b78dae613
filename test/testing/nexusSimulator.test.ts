import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createConnection, type Connection, type WebSocketConstructor } from '../../src/core/connection';
import type { ErrorEvent, MessageEvent, OpstreamEvent, ResourceEvent } from '../../src/core/events';
import { nexus, type NexusCommand } from '../../src/protocols/nexus';
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/testing/devServer';
import {
  NEXUS_AGENTS,
  NEXUS_SCENARIOS,
  nexusAuthorize,
  nexusSimulator,
  nexusUserId,
} from '../../src/testing/nexusSimulator';
import { runSimulator, type ProtocolSimulator } from '../../src/testing/simulator';
import { assertValidEvents } from '../support/validateEvent';
import { waitFor } from '../support/wsServer';

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const START = Date.UTC(2025, 10, 3, 1, 54, 29);
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function serve(options: Partial<DevServerOptions> = {}): Promise<DevServer> {
  const server = await startDevServer({
    routes: [{ path: '/nexus', simulator: nexusSimulator, authorize: nexusAuthorize }],
    port: 0,
    speed: 0,
    seed: 7,
    startAt: START,
    ...options,
  });
  cleanups.push(() => server.close());
  return server;
}

interface Client {
  connection: Connection<NexusCommand>;
  events: OpstreamEvent[];
  messages(channel?: string): MessageEvent[];
  resources(): ResourceEvent[];
  errors(): ErrorEvent[];
}

function connect(url: string, topics: [string, unknown?][] = [], token = 'test-token'): Client {
  const connection = createConnection<NexusCommand>({
    url,
    protocol: nexus({ token }),
    WebSocket: NodeWebSocket,
    environment: null,
    reconnect: { minDelayMs: 20, maxDelayMs: 100 },
  });
  const events: OpstreamEvent[] = [];
  connection.onEvents((batch) => events.push(...batch));
  cleanups.push(() => connection.destroy());
  for (const [topic, params] of topics) connection.subscribeTopic(topic, params);
  connection.connect();
  return {
    connection,
    events,
    messages: (channel) =>
      events.filter((e): e is MessageEvent => e.kind === 'message' && (channel === undefined || e.channel === channel)),
    resources: () => events.filter((e): e is ResourceEvent => e.kind === 'resource'),
    errors: () => events.filter((e): e is ErrorEvent => e.kind === 'error'),
  };
}

/** A bare `ws` client, to check frames byte for byte and to send what the adapter never would. */
async function raw(url: string) {
  const socket = new WebSocket(url);
  const frames: Record<string, unknown>[] = [];
  let close: { code: number; reason: string } | undefined;
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  socket.on('close', (code, reason) => (close = { code, reason: String(reason) }));
  socket.on('error', () => {});
  cleanups.push(() => socket.terminate());
  await new Promise<void>((resolve) => {
    socket.once('open', () => resolve());
    socket.once('close', () => resolve());
  });
  return {
    frames,
    closeInfo: () => close,
    send: (text: string) => socket.send(text),
    /** Frames of `type` (and `channel`) received so far. */
    of: (type: string, channel?: string) =>
      frames.filter((f) => f.type === type && (channel === undefined || f.channel === channel)),
  };
}

const data = (e: MessageEvent) => e.data as Record<string, unknown>;
const DECODE_ERRORS = new Set(['malformed_frame', 'protocol_error']);

function expectClean(client: Client) {
  assertValidEvents(client.events);
  expect(client.errors().filter((e) => DECODE_ERRORS.has(e.code))).toEqual([]);
  expect(client.events.filter((e) => e.kind === 'raw')).toEqual([]);
}

describe('nexusSimulator', { timeout: 15_000 }, () => {
  it('declares its scenarios and default', () => {
    expect(nexusSimulator.protocol).toBe('nexus');
    expect([...nexusSimulator.scenarios]).toEqual([...NEXUS_SCENARIOS]);
    expect(nexusSimulator.defaultScenario).toBe('telemetry');
  });

  it('greets with connected and a userId from the token (a JWT claim, else a hash), never the token', async () => {
    const server = await serve();
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwt = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'usr_123', role: 'ops' })}.c2lnbmF0dXJl`;
    const a = connect(server.urls['/nexus']!, [], jwt);
    const b = connect(server.urls['/nexus']!, [], 'test-token');
    await waitFor(() => a.resources().length === 1 && b.resources().length === 1);
    expect(a.resources()[0]).toMatchObject({ resource: 'session', id: 'usr_123', change: 'connected' });
    const id = b.resources()[0]!.id;
    expect(id).toMatch(/^usr_[0-9a-f]{6}$/);
    expect(id).toBe(nexusUserId('test-token'));
    expect(nexusUserId('other-token')).not.toBe(id);
    expect(JSON.stringify(b.events)).not.toContain('test-token');
    expectClean(a);
    expectClean(b);
  });

  it('telemetry: once subscribed, one broadcast per agent about every second, plausible values with noise', async () => {
    const server = await serve();
    const client = connect(server.urls['/nexus']!, [['telemetry']]);
    await waitFor(() => client.messages('telemetry').length >= 90, 8_000, '90 telemetry frames');
    expect(client.resources().map((r) => `${r.resource}:${r.change}`)).toEqual(['session:connected', 'channel:subscribed']);
    const samples = client.messages('telemetry');
    expect(samples.every((m) => m.from === undefined)).toBe(true); // server broadcasts, not a user
    expect(new Set(samples.map((m) => data(m).agent_id))).toEqual(new Set(NEXUS_AGENTS));
    for (const agent of NEXUS_AGENTS) {
      const series = samples.filter((m) => data(m).agent_id === agent);
      expect(series.length).toBeGreaterThanOrEqual(25);
      for (let i = 1; i < series.length; i++) {
        const gap = series[i]!.at - series[i - 1]!.at;
        expect(gap).toBeGreaterThanOrEqual(980);
        expect(gap).toBeLessThanOrEqual(1030);
      }
      for (const m of series) {
        const d = data(m);
        expect(d).toMatchObject({ host: expect.stringMatching(/^ip-10-0-\d+-\d+$/), service: expect.any(String) });
        expect(d.cpu_usage).toBeGreaterThan(0);
        expect(d.cpu_usage).toBeLessThanOrEqual(100);
        expect(d.memory_usage).toBeGreaterThan(0);
        expect(d.memory_usage).toBeLessThanOrEqual(100);
        expect(d.requests_per_sec).toBeGreaterThan(0);
        expect(d.latency_p95_ms).toBeGreaterThan(0);
        expect(d.error_rate).toBeGreaterThanOrEqual(0);
      }
      // Noise: values move every second, and not in one direction.
      const cpu = series.map((m) => data(m).cpu_usage as number);
      expect(new Set(cpu).size).toBeGreaterThan(cpu.length / 2);
      const ups = cpu.slice(1).filter((v, i) => v > cpu[i]!).length;
      expect(ups).toBeGreaterThan(3);
      expect(ups).toBeLessThan(cpu.length - 4);
    }
    // Nothing on channels the client did not subscribe to, and no second user in this scenario.
    expect(client.messages().every((m) => m.channel === 'telemetry')).toBe(true);
    expectClean(client);
  });

  it('applies subscription filters instead of the doc server starving filtered subscriptions', async () => {
    const server = await serve();
    const client = connect(server.urls['/nexus']!, [
      ['telemetry', { agent_id: 'agent_euystacio_001' }],
      ['telemetry', { agent_id: 'agent_custom_042' }],
    ]);
    await waitFor(() => client.messages('telemetry').length >= 40);
    const agents = client.messages('telemetry').map((m) => data(m).agent_id);
    expect(new Set(agents)).toEqual(new Set(['agent_euystacio_001', 'agent_custom_042']));
    const subscribed = client.resources().filter((r) => r.change === 'subscribed');
    expect(subscribed.map((r) => (r.data as { filters: unknown }).filters)).toEqual([
      { agent_id: 'agent_euystacio_001' },
      { agent_id: 'agent_custom_042' },
    ]);
    expectClean(client);
  });

  it('deployments: rollouts arrive stage by stage and end succeeded (with a URL) or rolled back', async () => {
    const server = await serve();
    const client = connect(server.urls['/nexus']!, [['deployments']]);
    const terminal = () => client.messages('deployments').filter((m) => /^(succeeded|rolled_back)$/.test(String(data(m).status)));
    await waitFor(() => terminal().length >= 3, 8_000, 'three finished deployments');
    const byId = new Map<string, MessageEvent[]>();
    for (const m of client.messages('deployments')) {
      const id = String(data(m).deployment_id);
      byId.set(id, [...(byId.get(id) ?? []), m]);
    }
    const finished = [...byId.values()].filter((steps) => /^(succeeded|rolled_back)$/.test(String(data(steps.at(-1)!).status)));
    expect(finished.length).toBeGreaterThanOrEqual(3);
    const order = ['queued', 'build', 'push', 'migrate', 'rollout', 'verify', 'complete', 'rollback'];
    for (const steps of finished) {
      const d = steps.map(data);
      expect(steps.length).toBeGreaterThanOrEqual(6);
      expect(d[0]).toMatchObject({ status: 'queued', stage: 'queued', progress: 0, commit: expect.stringMatching(/^[0-9a-f]{7}$/) });
      expect(d.every((s) => s.service === d[0]!.service && s.version === d[0]!.version)).toBe(true);
      expect(d.every((s) => typeof s.message === 'string' && s.message !== '')).toBe(true);
      const stages = d.map((s) => order.indexOf(String(s.stage)));
      expect(stages.every((s) => s >= 0)).toBe(true);
      expect(stages).toEqual([...stages].sort((x, y) => x - y));
      const progress = d.map((s) => s.progress as number);
      expect(progress).toEqual([...progress].sort((x, y) => x - y));
      for (let i = 1; i < steps.length; i++) {
        const gap = steps[i]!.at - steps[i - 1]!.at;
        expect(gap).toBeGreaterThanOrEqual(300);
        expect(gap).toBeLessThanOrEqual(6_000);
      }
      const last = d.at(-1)!;
      if (last.status === 'succeeded') {
        expect(last).toMatchObject({ progress: 100, url: expect.stringMatching(/^https:\/\//) });
        expect(String(last.message)).toMatch(/^Deployed \S+ v\d+\.\d+\.\d+ to (staging|production) in \d+s$/);
        expect(d.some((s) => /^Pushed registry\.nexus\.internal\//.test(String(s.message)))).toBe(true);
      } else {
        expect(d.at(-2)).toMatchObject({ status: 'failed', stage: 'rollout', error: expect.any(String) });
        expect(String(last.message)).toContain(`to ${String(last.previous_version)}`);
      }
    }
    expect(finished.some((steps) => data(steps.at(-1)!).status === 'succeeded')).toBe(true);
    expectClean(client);
  });

  it('alerts: rare, fire after a sustained breach seen in telemetry, resolve with the same id', async () => {
    const server = await serve();
    const client = connect(server.urls['/nexus']!, [['telemetry'], ['alerts']]);
    const metricAlerts = () => client.messages('alerts').filter((m) => data(m).metric !== undefined);
    await waitFor(() => metricAlerts().filter((m) => data(m).status === 'resolved').length >= 2, 8_000, 'two resolved alerts');
    const alerts = client.messages('alerts');
    expect(alerts.length).toBeLessThan(client.messages('telemetry').length / 50);
    for (const alert of alerts) {
      const d = data(alert);
      expect(d).toMatchObject({ alert_id: expect.stringMatching(/^alt_[0-9a-f]{6}$/), title: expect.any(String) });
      expect(['warning', 'critical']).toContain(d.severity);
      if (d.status === 'resolved') {
        expect(alerts.some((a) => data(a).alert_id === d.alert_id && data(a).status === 'firing' && a.at < alert.at)).toBe(true);
      }
    }
    for (const alert of metricAlerts().filter((m) => data(m).status === 'firing')) {
      const d = data(alert);
      const metric = String(d.metric);
      expect(d.value).toBeGreaterThan(d.threshold as number);
      // The three samples before the alert breach the threshold too (no alert on a single spike).
      const before = client
        .messages('telemetry')
        .filter((m) => data(m).agent_id === d.agent_id && m.at <= alert.at)
        .slice(-3);
      expect(before.map((m) => (data(m)[metric] as number) > (d.threshold as number))).toEqual([true, true, true]);
    }
    expectClean(client);
  });

  it('chat scenario: a second user talks on the subscribed channels and answers a publish', async () => {
    const server = await serve();
    const client = connect(`${server.urls['/nexus']!}?scenario=chat`, [['ops'], ['deployments']]);
    await waitFor(() => client.resources().length === 3);
    const me = client.resources()[0]!.id;
    const partner = () => client.messages().filter((m) => m.from !== undefined && m.from !== me);
    await waitFor(() => partner().length >= 5, 8_000, 'five chat messages');
    expect(new Set(partner().map((m) => m.from)).size).toBe(1);
    for (const m of partner()) {
      expect(['ops', 'deployments']).toContain(m.channel);
      expect(data(m)).toMatchObject({ text: expect.any(String), user: expect.any(String) });
    }
    const gaps = partner().slice(1).map((m, i) => m.at - partner()[i]!.at);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(8_000);
    expect(client.connection.send({ action: 'publish', channel: 'ops', payload: { text: 'deploying billing-api now' } })).toMatchObject({ ok: true });
    await waitFor(() => client.messages('ops').some((m) => m.from === me));
    const mine = client.messages('ops').find((m) => m.from === me)!;
    expect(mine.data).toEqual({ text: 'deploying billing-api now' });
    await waitFor(() => partner().some((m) => m.channel === 'ops' && m.at > mine.at));
    const reply = partner().find((m) => m.channel === 'ops' && m.at > mine.at)!;
    expect(reply.at - mine.at).toBeLessThanOrEqual(3_000);
    expectClean(client);
  });

  it('speaks the document wire format: exact frames and error texts', async () => {
    const server = await serve();
    const c = await raw(`${server.urls['/nexus']!}?token=test-token`);
    await waitFor(() => c.frames.length === 1);
    expect(c.frames[0]).toEqual({ type: 'connected', message: 'Welcome to Nexus WebSocket', userId: nexusUserId('test-token') });
    c.send('{"action":"subscribe","channel":"telemetry","filters":{"agent_id":"agent_euystacio_001"}}');
    c.send('{"action":"subscribe","channel":"commands"}');
    c.send('not json');
    c.send('null');
    c.send('{"action":"resubscribe"}');
    c.send('{}');
    c.send('{"action":"publish","channel":"nobody-listens","payload":{"n":1}}');
    c.send('{"action":"publish","channel":"commands","payload":{"command":"execute_task","task_id":"task_123"}}');
    c.send('{"action":"ping"}');
    await waitFor(() => c.of('pong').length === 1);
    const replies = c.frames.filter((f) => f.type !== 'broadcast');
    expect(replies.slice(1, 8)).toEqual([
      { type: 'subscribed', channel: 'telemetry', filters: { agent_id: 'agent_euystacio_001' } },
      { type: 'subscribed', channel: 'commands' },
      { type: 'error', message: 'Invalid JSON format' },
      { type: 'error', message: 'Invalid JSON format' },
      { type: 'error', message: 'Unknown action: resubscribe' },
      { type: 'error', message: 'Unknown action: undefined' },
      {
        type: 'message',
        channel: 'commands',
        from: nexusUserId('test-token'),
        data: { command: 'execute_task', task_id: 'task_123' },
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    ]);
    expect(replies[8]).toEqual({ type: 'pong', timestamp: expect.any(Number) });
    expect(c.of('message', 'nobody-listens')).toEqual([]);
    await waitFor(() => c.of('broadcast', 'telemetry').length >= 3);
    expect(c.of('broadcast', 'telemetry')[0]).toEqual({
      type: 'broadcast',
      channel: 'telemetry',
      data: expect.objectContaining({ agent_id: 'agent_euystacio_001', cpu_usage: expect.any(Number) }),
      timestamp: expect.stringMatching(/Z$/),
    });
    // Unsubscribe stops the stream; the world keeps running (deployments still arrive).
    c.send('{"action":"unsubscribe","channel":"telemetry"}');
    c.send('{"action":"subscribe","channel":"deployments"}');
    await waitFor(() => c.of('broadcast', 'deployments').length >= 3);
    const cut = c.frames.findIndex((f) => f.type === 'unsubscribed');
    expect(c.frames[cut]).toEqual({ type: 'unsubscribed', channel: 'telemetry' });
    expect(c.frames.slice(cut).filter((f) => f.channel === 'telemetry')).toEqual([c.frames[cut]]);
  });

  it('bad tokens: the dev server refuses the upgrade (401/403); under MSW the simulator closes with 4001/4003', async () => {
    expect(nexusAuthorize(new URL('ws://h/nexus'))).toBe(401);
    expect(nexusAuthorize(new URL('ws://h/nexus?token='))).toBe(401);
    expect(nexusAuthorize(new URL('ws://h/nexus?token=invalid'))).toBe(403);
    expect(nexusAuthorize(new URL('ws://h/nexus?token=eyJ.x.y'))).toBeUndefined();

    // The MSW transport: nothing sent, an auth close (4001/4003 mirror 401/403) right after connect.
    for (const [query, code, reason] of [
      ['', 4001, 'Unauthorized: missing token'],
      ['?token=invalid', 4003, 'Forbidden: invalid token'],
    ] as const) {
      const sent: unknown[] = [];
      const closes: [number | undefined, string | undefined][] = [];
      runSimulator(nexusSimulator, { send: (d) => sent.push(d), close: (code, why) => closes.push([code, why]) }, `ws://opstream.local/nexus${query}`, { speed: 0 });
      await waitFor(() => closes.length === 1);
      expect(closes).toEqual([[code, reason]]);
      expect(sent).toEqual([]);
    }

    // A route without `authorize` behaves the same over a real socket; the adapter gives up at once.
    let sockets = 0;
    const counting: ProtocolSimulator = {
      ...nexusSimulator,
      start(session) {
        sockets++;
        return nexusSimulator.start(session);
      },
    };
    const server = await serve({ routes: [{ path: '/nexus', simulator: counting }] });
    const c = await raw(`${server.urls['/nexus']!}?token=invalid`);
    await waitFor(() => c.closeInfo() !== undefined);
    expect(c.closeInfo()).toEqual({ code: 4003, reason: 'Forbidden: invalid token' });
    expect(c.frames).toEqual([]);
    const client = connect(server.urls['/nexus']!, [['telemetry']], 'invalid');
    await waitFor(() => client.connection.getSnapshot().state === 'failed');
    await new Promise((r) => setTimeout(r, 200));
    expect(sockets).toBe(2);
    expect(client.connection.getSnapshot().reason).toMatchObject({ code: 4003, error: { code: 'auth_failed' } });
  });

  it('is deterministic: the same seed plays the same session, another seed a different one', async () => {
    const play = async (seed: number) => {
      const server = await serve({ seed });
      const client = connect(server.urls['/nexus']!, [['telemetry'], ['deployments'], ['alerts']]);
      await waitFor(() => client.messages().length >= 400, 8_000);
      await server.close();
      // Messages carry the server's (simulated) timestamps, so `at` is part of the comparison.
      return client.messages().slice(0, 400);
    };
    const a = await play(7);
    const b = await play(7);
    const c = await play(8);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a.some((m) => m.channel === 'deployments')).toBe(true);
  });
});
