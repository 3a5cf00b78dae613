import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createConnection,
  isLegalTransition,
  type ConnectionOptions,
  type ConnectionState,
  type LogLevel,
} from '../../src/core/connection';
import type { EnvironmentSignal } from '../../src/core/environment';
import { OpstreamError } from '../../src/core/errors';
import type { ErrorEvent, OpstreamEvent } from '../../src/core/events';
import { json, type JsonCommand } from '../../src/protocols/json';
import type { ProtocolAdapter } from '../../src/protocols/types';
import { FakeWebSocket, FakeWebSocketCtor } from '../support/fakeWebSocket';
import { createManualClock, type ManualClock } from '../support/manualClock';

let clock: ManualClock;

beforeEach(() => {
  FakeWebSocket.reset();
  clock = createManualClock();
});

afterEach(() => {
  FakeWebSocket.reset();
});

function setup(overrides: Partial<ConnectionOptions<JsonCommand>> = {}) {
  const states: ConnectionState[] = [];
  const events: OpstreamEvent[] = [];
  const connection = createConnection<JsonCommand>({
    url: 'ws://example.test/ws',
    protocol: json(),
    WebSocket: FakeWebSocketCtor,
    timers: clock,
    now: clock.now,
    random: () => 0.5,
    environment: null,
    ...overrides,
  });
  connection.subscribe(() => states.push(connection.getSnapshot().state));
  connection.onEvents((batch) => events.push(...batch));
  const errors = () => events.filter((e): e is ErrorEvent => e.kind === 'error');
  return { connection, states, events, errors };
}

/** Advances the clock to the scheduled retry, so exactly one new socket opens. */
const advanceToRetry = (snapshot: { nextRetryAt: number | null }) => {
  if (snapshot.nextRetryAt === null) throw new Error('no retry scheduled');
  clock.advance(snapshot.nextRetryAt - clock.now());
};

const assertLegal = (states: ConnectionState[]) => {
  let from: ConnectionState = 'idle';
  for (const to of states) {
    if (to !== from) expect(isLegalTransition(from, to), `${from} -> ${to}`).toBe(true);
    from = to;
  }
};

describe('state machine', () => {
  it('goes idle -> connecting -> open and reports the reason of each transition', () => {
    const { connection, states } = setup();
    expect(connection.getSnapshot().state).toBe('idle');
    connection.connect();
    expect(connection.getSnapshot()).toMatchObject({ state: 'connecting', reason: { message: 'connect() called' } });
    FakeWebSocket.last().open();
    expect(connection.getSnapshot()).toMatchObject({ state: 'open', reason: { message: 'socket open' } });
    expect(states).toEqual(['connecting', 'open']);
  });

  it('reconnects after a drop, with the close code in the reason, and only legal transitions', () => {
    const { connection, states } = setup();
    connection.connect();
    FakeWebSocket.last().open();
    FakeWebSocket.last().drop(1006);
    const snap = connection.getSnapshot();
    expect(snap.state).toBe('reconnecting');
    expect(snap.reason.code).toBe(1006);
    expect(snap.reason.error?.code).toBe('connection_closed');
    expect(snap.attempt).toBe(1);
    // random 0.5 of a 500 ms ceiling
    expect(snap.nextRetryAt).toBe(clock.now() + 250);
    clock.advance(249);
    expect(FakeWebSocket.instances).toHaveLength(1);
    clock.advance(1);
    expect(FakeWebSocket.instances).toHaveLength(2);
    FakeWebSocket.last().open();
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'connecting', 'open']);
    expect(connection.getStats().reconnects).toBe(1);
    assertLegal(states);
  });

  it('close() by the user ends in closed and never retries', () => {
    const { connection, states } = setup();
    connection.connect();
    FakeWebSocket.last().open();
    connection.close();
    expect(connection.getSnapshot().state).toBe('closed');
    expect(FakeWebSocket.last().closedWith?.code).toBe(1000);
    clock.advance(120_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    assertLegal(states);
  });

  it.each([1002, 1003, 1007, 1008])('a server close with %i ends in failed after one socket', (code) => {
    const { connection } = setup();
    connection.connect();
    FakeWebSocket.last().open();
    FakeWebSocket.last().drop(code, 'policy');
    expect(connection.getSnapshot()).toMatchObject({ state: 'failed', reason: { code } });
    clock.advance(120_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('the protocol can declare a close fatal (a refused upgrade)', () => {
    const adapter: ProtocolAdapter<JsonCommand> = {
      ...json(),
      fatal: (close) =>
        !close.opened && close.error?.includes('401') ? new OpstreamError('auth_failed', 'refused') : undefined,
    };
    const { connection } = setup({ protocol: adapter });
    connection.connect();
    FakeWebSocket.last().drop(1006, '', 'Unexpected server response: 401');
    expect(connection.getSnapshot()).toMatchObject({ state: 'failed', reason: { error: { code: 'auth_failed' } } });
    clock.advance(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('gives up after maxRetries with retries_exhausted', () => {
    const { connection, states } = setup({ reconnect: { maxRetries: 3 } });
    connection.connect();
    for (let i = 0; i < 4; i++) {
      FakeWebSocket.last().drop();
      clock.advance(60_000);
    }
    expect(FakeWebSocket.instances).toHaveLength(4);
    expect(connection.getSnapshot()).toMatchObject({
      state: 'failed',
      attempt: 3,
      reason: { error: { code: 'retries_exhausted' } },
    });
    assertLegal(states);
  });

  it('times out a connect that never opens', () => {
    const { connection } = setup({ connectTimeoutMs: 3_000 });
    connection.connect();
    clock.advance(2_999);
    expect(connection.getSnapshot().state).toBe('connecting');
    clock.advance(1);
    expect(connection.getSnapshot()).toMatchObject({
      state: 'reconnecting',
      reason: { error: { code: 'connect_timeout' } },
    });
    expect(FakeWebSocket.instances[0]!.closedWith).toBeDefined();
  });

  it('reconnect() skips the wait, and from open replaces the socket through reconnecting', () => {
    const { connection, states } = setup();
    connection.connect();
    FakeWebSocket.last().drop();
    connection.reconnect();
    expect(FakeWebSocket.instances).toHaveLength(2);
    FakeWebSocket.last().open();
    connection.reconnect();
    expect(FakeWebSocket.instances).toHaveLength(3);
    expect(FakeWebSocket.instances[1]!.closedWith).toBeDefined();
    assertLegal(states);
  });

  it('refuses illegal transitions (closed -> open cannot happen through a stale socket)', () => {
    const { connection } = setup();
    connection.connect();
    const first = FakeWebSocket.last();
    connection.close();
    first.open();
    first.receive({ type: 'hello' });
    expect(connection.getSnapshot().state).toBe('closed');
  });
});

describe('retry counter and minimum uptime', () => {
  it('a flapping server does not reset the counter; a stable link does', () => {
    const { connection } = setup({ reconnect: { minUptimeMs: 5_000, minDelayMs: 100 } });
    connection.connect();
    for (let i = 1; i <= 3; i++) {
      FakeWebSocket.last().open();
      clock.advance(1_000);
      FakeWebSocket.last().drop();
      expect(connection.getSnapshot().attempt).toBe(i);
      advanceToRetry(connection.getSnapshot());
    }
    FakeWebSocket.last().open();
    clock.advance(5_000);
    FakeWebSocket.last().drop();
    expect(connection.getSnapshot().attempt).toBe(1);
  });
});

describe('heartbeat', () => {
  it('pings every interval, measures latency from the pong', () => {
    const { connection } = setup({ protocol: json({ ping: { intervalMs: 1_000, timeoutMs: 500 } }) });
    connection.connect();
    const ws = FakeWebSocket.last();
    ws.open();
    clock.advance(1_000);
    expect(ws.sentJson()).toEqual([{ type: 'ping' }]);
    clock.advance(40);
    ws.receive({ type: 'pong' });
    expect(connection.getStats().latencyMs).toBe(40);
    expect(connection.getSnapshot().state).toBe('open');
  });

  it('declares a silent link dead after interval + timeout and reconnects', () => {
    const { connection } = setup({ protocol: json({ ping: { intervalMs: 1_000, timeoutMs: 500 } }) });
    connection.connect();
    FakeWebSocket.last().open();
    clock.advance(1_499);
    expect(connection.getSnapshot().state).toBe('open');
    clock.advance(1);
    expect(connection.getSnapshot()).toMatchObject({
      state: 'reconnecting',
      reason: { error: { code: 'heartbeat_timeout' } },
    });
  });

  it('uses timestamps: a throttled timer that fires late still sees the silence', () => {
    let handlers: ((s: EnvironmentSignal) => void)[] = [];
    const { connection } = setup({
      protocol: json({ ping: { intervalMs: 1_000, timeoutMs: 500 } }),
      environment: { isOnline: () => true, listen: (h) => ((handlers = [h]), () => (handlers = [])) },
      // Timers that never fire, as in a frozen background tab.
      timers: { setTimeout: () => 0, clearTimeout: () => {} },
    });
    connection.connect();
    FakeWebSocket.last().open();
    clock.advance(10_000);
    expect(connection.getSnapshot().state).toBe('open');
    handlers[0]!('visible');
    expect(connection.getSnapshot().reason.error?.code).toBe('heartbeat_timeout');
  });

  it('traffic keeps the link alive', () => {
    const { connection } = setup({ protocol: json({ ping: { intervalMs: 1_000, timeoutMs: 500 } }) });
    connection.connect();
    FakeWebSocket.last().open();
    for (let i = 0; i < 20; i++) {
      clock.advance(900);
      FakeWebSocket.last().receive({ type: 'tick' });
    }
    expect(connection.getSnapshot().state).toBe('open');
  });

  it('answers server pings at once', () => {
    const { connection } = setup();
    connection.connect();
    const ws = FakeWebSocket.last();
    ws.open();
    ws.receive({ type: 'ping' });
    expect(ws.sent).toEqual(['{"type":"pong"}']);
  });
});

describe('outgoing queue', () => {
  it('queues while not open and drains in order on open, before new sends', () => {
    const { connection } = setup();
    expect(connection.send({ type: 'a' })).toEqual({ ok: true, status: 'queued' });
    connection.connect();
    expect(connection.send({ type: 'b' })).toEqual({ ok: true, status: 'queued' });
    FakeWebSocket.last().open();
    expect(connection.send({ type: 'c' })).toEqual({ ok: true, status: 'sent' });
    expect(FakeWebSocket.last().sentJson()).toEqual([{ type: 'a' }, { type: 'b' }, { type: 'c' }]);
  });

  it('drop-oldest reports the dropped frame and counts it', () => {
    const { connection, errors } = setup({ queue: { max: 2, overflow: 'drop-oldest' } });
    connection.send({ type: 'a' });
    connection.send({ type: 'b' });
    expect(connection.send({ type: 'c' })).toEqual({ ok: true, status: 'queued' });
    expect(connection.getStats().dropped).toBe(1);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({ code: 'queue_overflow', preview: '{"type":"a"}' });
    connection.connect();
    FakeWebSocket.last().open();
    expect(FakeWebSocket.last().sentJson()).toEqual([{ type: 'b' }, { type: 'c' }]);
  });

  it('reject returns a typed error and keeps the queue', () => {
    const { connection } = setup({ queue: { max: 1, overflow: 'reject' } });
    connection.send({ type: 'a' });
    const result = connection.send({ type: 'b' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(OpstreamError);
      expect(result.error.code).toBe('queue_overflow');
    }
    connection.connect();
    FakeWebSocket.last().open();
    expect(FakeWebSocket.last().sentJson()).toEqual([{ type: 'a' }]);
  });

  it('refuses an oversized outgoing frame', () => {
    const { connection } = setup({ maxMessageBytes: 100 });
    const result = connection.send({ type: 'x', data: 'y'.repeat(200) });
    expect(result.ok === false && result.error.code).toBe('frame_too_large');
  });

  it('a push-only protocol returns unsupported from send', () => {
    const { connection } = setup({ protocol: { ...json(), pushOnly: true } });
    const result = connection.send({ type: 'x' });
    expect(result.ok === false && result.error.code).toBe('unsupported');
  });

  it('an encoder error becomes a typed result, not a throw', () => {
    const { connection } = setup();
    const result = connection.send(null as unknown as JsonCommand);
    expect(result.ok === false && result.error.code).toBe('invalid_command');
  });
});

describe('auth', () => {
  it('sends the auth frame first, then subscriptions, then the queue; again after every reconnect', () => {
    const { connection } = setup({ protocol: json({ token: 'sekret' }) });
    connection.subscribeTopic('jobs');
    connection.send({ type: 'queued' });
    connection.connect();
    let ws = FakeWebSocket.last();
    ws.open();
    expect(connection.getSnapshot().state).toBe('authenticating');
    expect(ws.sentJson()).toEqual([{ type: 'auth', token: 'sekret' }]);
    expect(connection.send({ type: 'during-auth' })).toEqual({ ok: true, status: 'queued' });
    ws.receive({ type: 'auth_ok' });
    expect(connection.getSnapshot().state).toBe('open');
    expect(ws.sentJson()).toEqual([
      { type: 'auth', token: 'sekret' },
      { type: 'subscribe', topic: 'jobs' },
      { type: 'queued' },
      { type: 'during-auth' },
    ]);
    ws.drop();
    advanceToRetry(connection.getSnapshot());
    ws = FakeWebSocket.last();
    ws.open();
    ws.receive({ type: 'auth_ok' });
    expect(ws.sentJson()).toEqual([{ type: 'auth', token: 'sekret' }, { type: 'subscribe', topic: 'jobs' }]);
  });

  it('a rejected auth fails after exactly one socket', () => {
    const { connection } = setup({ protocol: json({ token: 'sekret' }) });
    connection.connect();
    FakeWebSocket.last().open();
    FakeWebSocket.last().receive({ type: 'auth_error', error: { code: 'bad', message: 'invalid token' } });
    expect(connection.getSnapshot()).toMatchObject({ state: 'failed', reason: { error: { code: 'auth_failed' } } });
    clock.advance(120_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('an auth that never answers times out and retries', () => {
    const { connection } = setup({ protocol: json({ token: 'sekret' }), authTimeoutMs: 2_000 });
    connection.connect();
    FakeWebSocket.last().open();
    clock.advance(2_000);
    expect(connection.getSnapshot()).toMatchObject({
      state: 'reconnecting',
      reason: { error: { code: 'auth_timeout' } },
    });
  });
});

describe('request/reply', () => {
  it('correlates the reply by id', async () => {
    const { connection } = setup();
    connection.connect();
    const ws = FakeWebSocket.last();
    ws.open();
    const reply = connection.request<{ ok: number }>({ type: 'status' });
    const sent = ws.sentJson()[0] as { id: string };
    ws.receive({ id: 'other', result: 1 });
    ws.receive({ id: sent.id, result: { ok: 1 } });
    await expect(reply).resolves.toEqual({ ok: 1 });
  });

  it('rejects on an error reply, on timeout and when the connection closes', async () => {
    const { connection } = setup();
    connection.connect();
    const ws = FakeWebSocket.last();
    ws.open();
    const failed = connection.request({ type: 'a' });
    const timedOut = connection.request({ type: 'b' }, { timeoutMs: 1_000 });
    const closed = connection.request({ type: 'c' });
    const [a] = ws.sentJson() as { id: string }[];
    ws.receive({ id: a!.id, error: { code: 'NOPE', message: 'not allowed' } });
    clock.advance(1_000);
    ws.drop();
    await expect(failed).rejects.toMatchObject({ code: 'request_failed', detail: { code: 'NOPE' } });
    await expect(timedOut).rejects.toMatchObject({ code: 'request_timeout' });
    await expect(closed).rejects.toMatchObject({ code: 'connection_closed' });
  });

  it('a request made while offline waits in the queue and is answered after open', async () => {
    const { connection } = setup();
    const reply = connection.request({ type: 'status' });
    connection.connect();
    const ws = FakeWebSocket.last();
    ws.open();
    const sent = ws.sentJson()[0] as { id: string };
    ws.receive({ id: sent.id, result: 'fine' });
    await expect(reply).resolves.toBe('fine');
  });

  it('rejects with unsupported when the protocol has no request/reply', async () => {
    const { encodeRequest: _omit, ...rest } = json();
    const { connection } = setup({ protocol: rest });
    await expect(connection.request({ type: 'x' })).rejects.toMatchObject({ code: 'unsupported' });
  });
});

describe('bad frames', () => {
  it('reports malformed, oversized and binary frames and keeps going', () => {
    const { connection, events, errors } = setup({ maxMessageBytes: 1_000 });
    connection.connect();
    const ws = FakeWebSocket.last();
    ws.open();
    ws.receive('{"type": broken');
    ws.receive(JSON.stringify({ type: 'big', data: 'x'.repeat(2_000) }));
    ws.receive(new Uint8Array([1, 2, 3]).buffer);
    ws.receive({ type: 'after', data: 1 });
    expect(errors().map((e) => e.code)).toEqual(['malformed_frame', 'frame_too_large', 'unexpected_binary']);
    expect(errors()[0]!.preview).toBe('{"type": broken');
    expect(errors()[1]!.preview!.length).toBeLessThanOrEqual(121);
    expect(events.at(-1)).toMatchObject({ kind: 'message', channel: 'after', data: 1 });
    expect(connection.getSnapshot().state).toBe('open');
  });

  it('measures multi-byte text in UTF-8 bytes', () => {
    const { connection, errors } = setup({ maxMessageBytes: 300 });
    connection.connect();
    FakeWebSocket.last().open();
    // 120 three-byte characters: 120 UTF-16 units but 360 bytes
    FakeWebSocket.last().receive(JSON.stringify({ type: 'x', data: '€'.repeat(120) }));
    expect(errors().map((e) => e.code)).toEqual(['frame_too_large']);
  });

  it('an adapter that throws is reported, not fatal', () => {
    const adapter: ProtocolAdapter<JsonCommand> = {
      ...json(),
      decode: () => {
        throw new Error('boom');
      },
    };
    const { connection, errors } = setup({ protocol: adapter });
    connection.connect();
    FakeWebSocket.last().open();
    FakeWebSocket.last().receive({ type: 'x' });
    expect(errors()[0]).toMatchObject({ code: 'protocol_error' });
    expect(connection.getSnapshot().state).toBe('open');
  });
});

describe('subscriptions', () => {
  it('resubscribes after reconnect; unsubscribe removes it for good', () => {
    const { connection } = setup();
    const a = connection.subscribeTopic('a');
    const b1 = connection.subscribeTopic('b', { x: 1 });
    const b2 = connection.subscribeTopic('b', { x: 1 });
    connection.connect();
    FakeWebSocket.last().open();
    expect(FakeWebSocket.last().sentJson()).toEqual([
      { type: 'subscribe', topic: 'a' },
      { type: 'subscribe', topic: 'b', params: { x: 1 } },
    ]);
    b1.unsubscribe();
    b1.unsubscribe();
    expect(FakeWebSocket.last().sent).toHaveLength(2);
    a.unsubscribe();
    expect(FakeWebSocket.last().sentJson().at(-1)).toEqual({ type: 'unsubscribe', topic: 'a' });
    FakeWebSocket.last().drop();
    advanceToRetry(connection.getSnapshot());
    FakeWebSocket.last().open();
    expect(FakeWebSocket.last().sentJson()).toEqual([{ type: 'subscribe', topic: 'b', params: { x: 1 } }]);
    b2.unsubscribe();
  });

  it('refuses subscriptions past the protocol limit client-side, with a clear error', () => {
    const base = json();
    const { connection, errors } = setup({ protocol: { ...base, subscriptions: { ...base.subscriptions!, max: 2 } } });
    connection.subscribeTopic('a');
    connection.subscribeTopic('b');
    const third = connection.subscribeTopic('c');
    expect(third.error?.code).toBe('subscription_limit');
    expect(third.error?.message).toMatch(/at most 2 subscriptions/);
    expect(errors()).toHaveLength(1);
    connection.subscribeTopic('a'); // the same topic again shares the existing subscription
    expect(errors()).toHaveLength(1);
  });

  it('keeps the server subscription id from the reply and uses it to unsubscribe', () => {
    const base = json();
    const adapter: ProtocolAdapter<JsonCommand> = {
      ...base,
      subscriptions: {
        subscribe: (topic, _params, id) => JSON.stringify({ type: 'subscribe', topic, id }),
        unsubscribe: (_topic, _params, ref) => JSON.stringify({ type: 'unsubscribe', ref }),
        awaitsReply: true,
        ref: (data) => (data as { sub: string }).sub,
      },
    };
    const { connection } = setup({ protocol: adapter });
    connection.connect();
    const ws = FakeWebSocket.last();
    ws.open();
    const handle = connection.subscribeTopic('jobs');
    const { id } = ws.sentJson()[0] as { id: string };
    ws.receive({ id, result: { sub: 'sub-9' } });
    handle.unsubscribe();
    expect(ws.sentJson().at(-1)).toEqual({ type: 'unsubscribe', ref: 'sub-9' });
  });
});

describe('browser life', () => {
  function withEnvironment(online: { value: boolean }) {
    const handlers = new Set<(s: EnvironmentSignal) => void>();
    const environment = {
      isOnline: () => online.value,
      listen: (h: (s: EnvironmentSignal) => void) => {
        handlers.add(h);
        return () => handlers.delete(h);
      },
    };
    return { environment, signal: (s: EnvironmentSignal) => handlers.forEach((h) => h(s)), handlers };
  }

  it('offline stops retrying; online reconnects at once', () => {
    const online = { value: true };
    const env = withEnvironment(online);
    const { connection } = setup({ environment: env.environment });
    connection.connect();
    FakeWebSocket.last().open();
    online.value = false;
    env.signal('offline');
    FakeWebSocket.last().drop();
    expect(connection.getSnapshot()).toMatchObject({ state: 'reconnecting', nextRetryAt: null });
    clock.advance(600_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(connection.getSnapshot().attempt).toBe(0);
    online.value = true;
    env.signal('online');
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('going offline cancels a scheduled retry', () => {
    const online = { value: true };
    const env = withEnvironment(online);
    const { connection } = setup({ environment: env.environment });
    connection.connect();
    FakeWebSocket.last().drop();
    online.value = false;
    env.signal('offline');
    clock.advance(600_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(connection.getSnapshot().nextRetryAt).toBeNull();
  });

  it('a page that becomes visible while down reconnects at once', () => {
    const env = withEnvironment({ value: true });
    const { connection } = setup({ environment: env.environment, reconnect: { minDelayMs: 60_000 } });
    connection.connect();
    FakeWebSocket.last().drop();
    env.signal('visible');
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('stops listening once closed', () => {
    const env = withEnvironment({ value: true });
    const { connection } = setup({ environment: env.environment });
    connection.connect();
    expect(env.handlers.size).toBe(1);
    connection.close();
    expect(env.handlers.size).toBe(0);
  });
});

describe('observability', () => {
  it('counts frames and bytes in both directions', () => {
    const { connection } = setup();
    connection.connect();
    FakeWebSocket.last().open();
    connection.send({ type: 'a' });
    FakeWebSocket.last().receive('{"type":"b"}');
    expect(connection.getStats()).toMatchObject({ framesIn: 1, framesOut: 1, bytesIn: 12, bytesOut: 12 });
  });

  it('never logs or reports a token, from the URL or the protocol', () => {
    const lines: string[] = [];
    const logger = (_level: LogLevel, message: string, data?: Record<string, unknown>) =>
      lines.push(message + JSON.stringify(data ?? {}));
    const { connection, events } = setup({
      url: 'wss://user:pw@example.test/ws?token=sekret-123',
      protocol: json({ token: 'sekret-123' }),
      logger,
    });
    connection.connect();
    const ws = FakeWebSocket.last();
    expect(ws.url).toContain('sekret-123'); // the socket gets the real URL...
    ws.open();
    ws.receive('not json sekret-123');
    ws.receive({ type: 'auth_error', error: { code: 'bad', message: 'token sekret-123 expired' } });
    expect(lines.length).toBeGreaterThan(3);
    const everything = lines.join('\n') + JSON.stringify(events) + JSON.stringify(connection.getSnapshot());
    expect(everything).not.toContain('sekret-123');
    expect(everything).not.toContain('pw@');
    expect(connection.displayUrl).toBe('wss://example.test/ws?…');
  });
});
