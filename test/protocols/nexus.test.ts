import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OpstreamError } from '../../src/core/errors';
import type { OpstreamEvent } from '../../src/core/events';
import { nexus } from '../../src/protocols/nexus';
import type { NexusCommand } from '../../src/protocols/nexus';
import type { ProtocolContext } from '../../src/protocols/types';
import { assertValidEvents } from '../support/validateEvent';

const NOW = 1_700_000_000_000;
const TOKEN = 'eyJhbGciOi.payload.sig';
const FIXTURES = new URL('../fixtures/nexus/', import.meta.url);

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

const makeCtx = (): ProtocolContext => {
  let n = 0;
  return { now: () => NOW, nextId: () => `id-${++n}` };
};

const setup = () => ({ adapter: nexus({ token: TOKEN }), ctx: makeCtx() });

const decode = (message: unknown): OpstreamEvent[] => {
  const { adapter, ctx } = setup();
  const events = adapter.decode(message, ctx);
  assertValidEvents(events);
  return events;
};

const encoded = (command: NexusCommand): unknown => {
  const { adapter, ctx } = setup();
  return JSON.parse(adapter.encode(command, ctx));
};

const expectInvalid = (command: unknown, pattern?: RegExp) => {
  const { adapter, ctx } = setup();
  let caught: unknown;
  try {
    adapter.encode(command as NexusCommand, ctx);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(OpstreamError);
  expect((caught as OpstreamError).code).toBe('invalid_command');
  if (pattern) expect((caught as OpstreamError).message).toMatch(pattern);
};

// Fixtures: `in.*`/`out.*` are the document's json blocks verbatim; `*.code.*` are the frames its
// server and client code build (the server code is the real wire).
const incoming: Record<string, (events: OpstreamEvent[], frame: unknown) => void> = {
  'in.connected.json': (events, frame) => {
    expect(events).toEqual([
      { kind: 'resource', resource: 'session', id: 'usr_123', change: 'connected', at: NOW, data: frame },
    ]);
    expect(events[0]).toMatchObject({ data: { message: 'Welcome to Nexus WebSocket', userId: 'usr_123' } });
  },
  'in.subscribed.json': (events) => {
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({
      kind: 'resource',
      resource: 'channel',
      id: 'telemetry',
      change: 'subscribed',
      at: NOW,
      data: { type: 'subscribed', channel: 'telemetry', filters: { agent_id: 'agent_euystacio_001' } },
    });
  },
  'in.broadcast.json': (events) => {
    expect(events).toEqual([
      {
        kind: 'message',
        channel: 'telemetry',
        at: Date.UTC(2025, 10, 3, 1, 54, 29),
        data: { agent_id: 'agent_euystacio_001', cpu_usage: 45.2 },
      },
    ]);
    expect(events[0]).not.toHaveProperty('from');
  },
  'in.error.json': (events) => {
    expect(events).toEqual([{ kind: 'error', code: 'protocol_error', message: 'Invalid JSON format', at: NOW }]);
  },
  'in.code.unsubscribed.json': (events) => {
    expect(events).toEqual([
      {
        kind: 'resource',
        resource: 'channel',
        id: 'telemetry',
        change: 'unsubscribed',
        at: NOW,
        data: { type: 'unsubscribed', channel: 'telemetry' },
      },
    ]);
  },
  'in.code.message.json': (events) => {
    expect(events).toEqual([
      {
        kind: 'message',
        channel: 'commands',
        from: 'usr_123',
        at: Date.UTC(2025, 10, 3, 1, 54, 30, 123),
        data: { command: 'execute_task', task_id: 'task_123' },
      },
    ]);
  },
  'in.code.pong.json': (events) => {
    // Carries nothing but liveness: control() consumes it.
    expect(events).toEqual([]);
  },
  'in.code.error_unknown_action.json': (events) => {
    expect(events).toEqual([
      { kind: 'error', code: 'protocol_error', message: 'Unknown action: resubscribe', at: NOW },
    ]);
  },
  'in.code.broadcast_telemetry.json': (events) => {
    expect(events).toEqual([
      {
        kind: 'message',
        channel: 'telemetry',
        at: Date.UTC(2025, 10, 3, 1, 54, 34),
        data: { metric: 'system_health', value: 73.25 },
      },
    ]);
  },
};

const outgoing: Record<string, NexusCommand> = {
  'out.subscribe.json': { action: 'subscribe', channel: 'telemetry', filters: { agent_id: 'agent_euystacio_001' } },
  'out.unsubscribe.json': { action: 'unsubscribe', channel: 'telemetry' },
  'out.publish.json': {
    action: 'publish',
    channel: 'commands',
    payload: { command: 'execute_task', task_id: 'task_123' },
  },
  'out.ping.json': { action: 'ping' },
  'out.subscribe_wscat.json': { action: 'subscribe', channel: 'telemetry' },
  'out.code.subscribe_test.json': { action: 'subscribe', channel: 'test' },
};

describe('nexus fixtures', () => {
  it('covers every fixture file', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual([...Object.keys(incoming), ...Object.keys(outgoing)].sort());
  });

  for (const [name, check] of Object.entries(incoming)) {
    it(`decodes ${name}`, () => {
      const frame = fixture(name);
      check(decode(frame), frame);
    });
  }

  for (const [name, command] of Object.entries(outgoing)) {
    it(`encodes ${name}`, () => {
      expect(encoded(command)).toEqual(fixture(name));
    });
  }

  it('sends the documented ping as its heartbeat frame', () => {
    const { adapter, ctx } = setup();
    expect(adapter.ping).toBeDefined();
    expect(JSON.parse(adapter.ping?.(ctx) ?? 'null')).toEqual(fixture('out.ping.json'));
  });
});

describe('nexus control', () => {
  it('classifies pong and nothing else', () => {
    const { adapter, ctx } = setup();
    expect(adapter.control?.(fixture('in.code.pong.json'), ctx)).toEqual({ type: 'pong' });
    expect(adapter.control?.({ type: 'pong' }, ctx)).toEqual({ type: 'pong' });
    for (const name of Object.keys(incoming).filter((n) => !n.includes('pong'))) {
      expect(adapter.control?.(fixture(name), ctx)).toBeUndefined();
    }
    for (const junk of [null, undefined, 'pong', 42, [], [{ type: 'pong' }], { type: 'PONG!' }]) {
      expect(adapter.control?.(junk, ctx)).toBeUndefined();
    }
  });

  it('needs no handshake (auth is in the URL)', () => {
    const { adapter } = setup();
    expect(adapter.handshake).toBeUndefined();
  });
});

describe('nexus subscriptions codec', () => {
  it('subscribes with filters as params and unsubscribes by channel', () => {
    const { adapter, ctx } = setup();
    const codec = adapter.subscriptions;
    expect(codec).toBeDefined();
    if (!codec) return;
    expect(JSON.parse(codec.subscribe('telemetry', { agent_id: 'agent_euystacio_001' }, ctx.nextId()))).toEqual(
      fixture('out.subscribe.json'),
    );
    expect(JSON.parse(codec.subscribe('telemetry', undefined, ctx.nextId()))).toEqual(
      fixture('out.subscribe_wscat.json'),
    );
    expect(JSON.parse(codec.unsubscribe('telemetry', { agent_id: 'x' }, undefined, ctx.nextId()) ?? 'null')).toEqual(
      fixture('out.unsubscribe.json'),
    );
    expect(codec.awaitsReply).toBeFalsy();
    expect(codec.max).toBeUndefined();
  });

  it('rejects filters that are not objects and empty channels', () => {
    const codec = setup().adapter.subscriptions;
    expect(() => codec?.subscribe('telemetry', 'agent_1', 'id-1')).toThrow(OpstreamError);
    expect(() => codec?.subscribe('', undefined, 'id-1')).toThrow(OpstreamError);
    expect(() => codec?.unsubscribe('', undefined, undefined, 'id-1')).toThrow(OpstreamError);
  });
});

describe('nexus encode validation', () => {
  it('keeps an explicit empty filters object and treats null as none', () => {
    expect(encoded({ action: 'subscribe', channel: 'telemetry', filters: {} })).toEqual({
      action: 'subscribe',
      channel: 'telemetry',
      filters: {},
    });
    expect(encoded({ action: 'subscribe', channel: 'telemetry', filters: null } as unknown as NexusCommand)).toEqual({
      action: 'subscribe',
      channel: 'telemetry',
    });
  });

  it('publishes any JSON payload, and omits a missing one like the server expects', () => {
    expect(encoded({ action: 'publish', channel: 'c', payload: [1, 'two', null] })).toEqual({
      action: 'publish',
      channel: 'c',
      payload: [1, 'two', null],
    });
    expect(encoded({ action: 'publish', channel: 'c', payload: 0 })).toEqual({ action: 'publish', channel: 'c', payload: 0 });
    expect(encoded({ action: 'publish', channel: 'c' })).toEqual({ action: 'publish', channel: 'c' });
  });

  it('drops fields the document does not send', () => {
    expect(
      encoded({ action: 'unsubscribe', channel: 'telemetry', filters: { a: 1 } } as unknown as NexusCommand),
    ).toEqual({ action: 'unsubscribe', channel: 'telemetry' });
    expect(encoded({ action: 'ping', channel: 'x' } as unknown as NexusCommand)).toEqual({ action: 'ping' });
  });

  it('rejects malformed commands with invalid_command', () => {
    expectInvalid(null, /action/);
    expectInvalid('subscribe');
    expectInvalid({}, /Unknown Nexus action/);
    expectInvalid({ action: 'resubscribe', channel: 'x' }, /resubscribe/);
    expectInvalid({ action: 'subscribe' }, /channel/);
    expectInvalid({ action: 'subscribe', channel: '' }, /channel/);
    expectInvalid({ action: 'subscribe', channel: 5 }, /channel/);
    expectInvalid({ action: 'unsubscribe' }, /channel/);
    expectInvalid({ action: 'publish', payload: {} }, /channel/);
    expectInvalid({ action: 'subscribe', channel: 't', filters: ['agent'] }, /filters/);
    expectInvalid({ action: 'subscribe', channel: 't', filters: 'agent' }, /filters/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expectInvalid({ action: 'publish', channel: 'c', payload: cyclic }, /JSON/);
    expectInvalid({ action: 'publish', channel: 'c', payload: 10n }, /JSON/);
  });
});

describe('nexus url and token', () => {
  const url = (input: string, token = TOKEN, tokenParam?: string) =>
    nexus(tokenParam === undefined ? { token } : { token, tokenParam }).url?.(input);

  it('adds the token like the document (wss://.../ws?token=...)', () => {
    expect(url('wss://nexus-api.onrender.com/ws', 'eyJhbGciOi...')).toBe(
      'wss://nexus-api.onrender.com/ws?token=eyJhbGciOi...',
    );
  });

  it('URL-encodes the token', () => {
    expect(url('ws://h/ws', 'a b&c=d/+?#')).toBe('ws://h/ws?token=a%20b%26c%3Dd%2F%2B%3F%23');
    expect(new URL(url('ws://h/ws', 'a b&c=d/+?#') ?? '').searchParams.get('token')).toBe('a b&c=d/+?#');
  });

  it('keeps the existing query byte-for-byte and the hash', () => {
    expect(url('ws://h/ws?room=a%20b&x=1+2#frag')).toBe(`ws://h/ws?room=a%20b&x=1+2&token=${TOKEN}#frag`);
    expect(url('ws://h/ws?#frag')).toBe(`ws://h/ws?token=${TOKEN}#frag`);
    expect(url('ws://h/ws?flag')).toBe(`ws://h/ws?flag&token=${TOKEN}`);
  });

  it('replaces an existing token in place and drops duplicates', () => {
    expect(url('ws://h/ws?a=1&token=old&b=2&token=older')).toBe(`ws://h/ws?a=1&token=${TOKEN}&b=2`);
    expect(url('ws://h/ws?%74oken=old')).toBe(`ws://h/ws?token=${TOKEN}`);
    expect(url('ws://h/ws?tokens=keep')).toBe(`ws://h/ws?tokens=keep&token=${TOKEN}`);
  });

  it('honours tokenParam', () => {
    expect(url('ws://h/ws?jwt=old&token=keep', 't1', 'jwt')).toBe('ws://h/ws?jwt=t1&token=keep');
  });

  it('lists the token (raw and URL-encoded) as secrets and keeps it out of the key', () => {
    const plain = nexus({ token: TOKEN });
    expect(plain.secrets).toEqual([TOKEN]);
    const odd = nexus({ token: 'a b/c' });
    expect(odd.secrets).toEqual(['a b/c', 'a%20b%2Fc']);
    expect(plain.key).toBeDefined();
    expect(plain.key).not.toContain(TOKEN);
    expect(plain.key).toBe(nexus({ token: TOKEN }).key);
    expect(plain.key).not.toBe(nexus({ token: `${TOKEN}x` }).key);
  });

  it('refuses to build without a token, without echoing anything secret', () => {
    expect(() => nexus({ token: '' })).toThrow(OpstreamError);
    expect(() => nexus(undefined as unknown as { token: string })).toThrow(/token/);
  });

  it('redacts the token from server error text', () => {
    const events = nexus({ token: TOKEN }).decode(
      { type: 'error', message: `bad token ${TOKEN} (${encodeURIComponent(TOKEN)})` },
      makeCtx(),
    );
    assertValidEvents(events);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    expect(events).toEqual([{ kind: 'error', code: 'protocol_error', message: 'bad token [redacted] ([redacted])', at: NOW }]);
  });
});

describe('nexus connection defaults', () => {
  it('mirrors the document client: 5 retries, 1 s doubling to 30 s; 30 s heartbeat', () => {
    const { adapter } = setup();
    expect(adapter.reconnect).toEqual({ minDelayMs: 1_000, maxDelayMs: 30_000, factor: 2, maxRetries: 5 });
    expect(adapter.heartbeat).toEqual({ intervalMs: 30_000, timeoutMs: 10_000 });
    expect(adapter.name).toBe('nexus');
    expect(adapter.pushOnly).toBeUndefined();
  });

  it('lets the heartbeat be tuned or switched off', () => {
    expect(nexus({ token: TOKEN, heartbeat: { intervalMs: 5_000 } }).heartbeat).toEqual({
      intervalMs: 5_000,
      timeoutMs: 10_000,
    });
    const off = nexus({ token: TOKEN, heartbeat: false });
    expect(off.heartbeat).toBeUndefined();
    expect(off.ping).toBeUndefined();
  });

  it('returns a fresh adapter per call', () => {
    const a = nexus({ token: TOKEN });
    const b = nexus({ token: TOKEN });
    expect(a).not.toBe(b);
    expect(a.reconnect).not.toBe(b.reconnect);
  });
});

describe('nexus fatal closes', () => {
  const fatal = (close: { code: number; reason?: string; opened: boolean; error?: string }) =>
    nexus({ token: TOKEN }).fatal?.({ reason: '', ...close });

  it('treats a refused upgrade (401/403) as auth_failed without the token', () => {
    const e401 = fatal({ code: 1006, opened: false, error: 'Unexpected server response: 401' });
    expect(e401).toBeInstanceOf(OpstreamError);
    expect(e401?.code).toBe('auth_failed');
    expect(e401?.message).toBe('Nexus refused the connection (HTTP 401): check the token');
    expect(e401?.detail).toEqual({ status: 401 });
    const e403 = fatal({ code: 1006, opened: false, error: 'Unexpected server response: 403' });
    expect(e403?.code).toBe('auth_failed');
    expect(e403?.message).toBe('Nexus refused the connection (HTTP 403): check the token');
    expect(e403?.message).not.toContain(TOKEN);
  });

  it('retries other refusals and ordinary losses', () => {
    expect(fatal({ code: 1006, opened: false, error: 'Unexpected server response: 502' })).toBeUndefined();
    expect(fatal({ code: 1006, opened: false, error: 'connect ECONNREFUSED 127.0.0.1:4010' })).toBeUndefined();
    expect(fatal({ code: 1006, opened: false, error: 'socket hang up after 4013 ms' })).toBeUndefined();
    expect(fatal({ code: 1006, opened: false })).toBeUndefined();
    // A 401 mentioned after the socket opened is not a refused upgrade.
    expect(fatal({ code: 1006, opened: true, error: 'Unexpected server response: 401' })).toBeUndefined();
    expect(fatal({ code: 1000, opened: true })).toBeUndefined();
    expect(fatal({ code: 1001, opened: true })).toBeUndefined();
    expect(fatal({ code: 1011, opened: true })).toBeUndefined();
  });

  it('treats 4001/4003 as auth_failed and 1008 as a protocol error', () => {
    expect(fatal({ code: 4001, opened: true })?.code).toBe('auth_failed');
    expect(fatal({ code: 4003, opened: true, reason: 'forbidden' })?.message).toBe(
      'Nexus closed the connection (4003): forbidden',
    );
    const policy = fatal({ code: 1008, opened: true, reason: `token ${TOKEN} expired` });
    expect(policy?.code).toBe('protocol_error');
    expect(policy?.message).toBe('Nexus closed the connection: policy violation (1008): token [redacted] expired');
    expect(policy?.detail).toEqual({ code: 1008 });
  });
});

describe('nexus decode drift', () => {
  const broadcastAt = (timestamp: unknown) =>
    decode({ type: 'broadcast', channel: 'telemetry', data: { v: 1 }, timestamp })[0]?.at;

  it('reads every timestamp shape', () => {
    expect(broadcastAt('2025-11-03T01:54:29Z')).toBe(Date.UTC(2025, 10, 3, 1, 54, 29));
    expect(broadcastAt('2025-11-03T01:54:29.5Z')).toBe(Date.UTC(2025, 10, 3, 1, 54, 29, 500));
    expect(broadcastAt('2025-11-03T01:54:29.123456Z')).toBe(Date.UTC(2025, 10, 3, 1, 54, 29, 123));
    expect(broadcastAt('2025-11-03T03:54:29+02:00')).toBe(Date.UTC(2025, 10, 3, 1, 54, 29));
    expect(broadcastAt('2025-11-03T01:54:29.250-05:00')).toBe(Date.UTC(2025, 10, 3, 6, 54, 29, 250));
    expect(broadcastAt(1_762_134_869)).toBe(1_762_134_869_000);
    expect(broadcastAt(1_762_134_869.5)).toBe(1_762_134_869_500);
    expect(broadcastAt(1_762_134_869_123)).toBe(1_762_134_869_123);
    expect(broadcastAt('1762134869')).toBe(1_762_134_869_000);
    expect(broadcastAt('1762134869123')).toBe(1_762_134_869_123);
  });

  it('falls back to arrival time for missing or unreadable timestamps', () => {
    expect(broadcastAt(undefined)).toBe(NOW);
    for (const bad of ['', 'yesterday', null, {}, [], true, Number.NaN]) expect(broadcastAt(bad)).toBe(NOW);
  });

  it('accepts time/ts for timestamp', () => {
    expect(decode({ type: 'message', channel: 'c', data: 1, time: '2025-11-03T01:54:29Z' })[0]?.at).toBe(
      Date.UTC(2025, 10, 3, 1, 54, 29),
    );
    expect(decode({ type: 'message', channel: 'c', data: 1, ts: 1_762_134_869 })[0]?.at).toBe(1_762_134_869_000);
  });

  it('tolerates missing optional fields', () => {
    expect(decode({ type: 'message', channel: 'c' })).toEqual([{ kind: 'message', channel: 'c', at: NOW, data: null }]);
    expect(decode({ type: 'connected' })).toEqual([
      { kind: 'resource', resource: 'session', id: 'session', change: 'connected', at: NOW, data: { type: 'connected' } },
    ]);
    expect(decode({ type: 'error' })).toEqual([
      { kind: 'error', code: 'protocol_error', message: 'Nexus server error', at: NOW },
    ]);
    // Subscribing without filters: the server's reply omits them.
    expect(decode({ type: 'subscribed', channel: 'test' })).toMatchObject([
      { kind: 'resource', resource: 'channel', id: 'test', change: 'subscribed' },
    ]);
  });

  it('keeps extra fields and accepts renamed-but-obvious ones', () => {
    const frame = { type: 'message', channel: 'c', data: { a: 1 }, from: 'u1', seq: 9, meta: { region: 'eu' } };
    expect(decode(frame)).toEqual([{ kind: 'message', channel: 'c', at: NOW, data: { a: 1 }, from: 'u1' }]);
    expect(decode({ type: 'broadcast', channel: 'c', payload: { a: 2 } })).toEqual([
      { kind: 'message', channel: 'c', at: NOW, data: { a: 2 } },
    ]);
    expect(decode({ type: 'connected', user_id: 'usr_9', region: 'eu' })[0]).toMatchObject({
      id: 'usr_9',
      data: { region: 'eu' },
    });
    expect(decode({ type: 'error', code: 'rate_limited', message: 'slow down' })).toEqual([
      { kind: 'error', code: 'rate_limited', message: 'slow down', at: NOW },
    ]);
    expect(decode({ type: 'error', error: { code: 'E42', message: 'nested' } })).toEqual([
      { kind: 'error', code: 'E42', message: 'nested', at: NOW },
    ]);
    expect(decode({ type: 'error', error: 'flat' })).toEqual([
      { kind: 'error', code: 'protocol_error', message: 'flat', at: NOW },
    ]);
  });

  it('keeps a null or falsy data as sent', () => {
    expect(decode({ type: 'message', channel: 'c', data: null })[0]).toMatchObject({ data: null });
    expect(decode({ type: 'message', channel: 'c', data: 0 })[0]).toMatchObject({ data: 0 });
    expect(decode({ type: 'message', channel: 'c', data: false, payload: 'p' })[0]).toMatchObject({ data: false });
  });

  it('turns unknown types into raw events', () => {
    const frame = { type: 'presence', channel: 'c', users: ['a'], timestamp: 1_762_134_869 };
    expect(decode(frame)).toEqual([{ kind: 'raw', at: 1_762_134_869_000, data: frame }]);
    expect(decode({ channel: 'c', data: 1 })).toEqual([{ kind: 'raw', at: NOW, data: { channel: 'c', data: 1 } }]);
    expect(decode({ type: 'MESSAGE', channel: 'c' })[0]?.kind).toBe('raw');
  });

  it('turns non-object frames into raw events', () => {
    for (const frame of [null, 42, 'hello', true, [], [{ type: 'message', channel: 'c' }]]) {
      expect(decode(frame)).toEqual([{ kind: 'raw', at: NOW, data: frame }]);
    }
    expect(decode(undefined)).toEqual([{ kind: 'raw', at: NOW, data: undefined }]);
  });

  it('checks every field type', () => {
    // Channel: numbers are readable, anything else cannot be routed and stays raw.
    expect(decode({ type: 'message', channel: 7, data: 1 })[0]).toMatchObject({ kind: 'message', channel: '7' });
    for (const channel of [null, {}, ['c'], true, undefined]) {
      expect(decode({ type: 'message', channel, data: 1 })[0]?.kind).toBe('raw');
      expect(decode({ type: 'broadcast', channel, data: 1 })[0]?.kind).toBe('raw');
      expect(decode({ type: 'subscribed', channel })[0]?.kind).toBe('raw');
      expect(decode({ type: 'unsubscribed', channel })[0]?.kind).toBe('raw');
    }
    expect(decode({ type: 'message', channel: 'c', from: { id: 'u' } })[0]).not.toHaveProperty('from');
    expect(decode({ type: 'message', channel: 'c', from: 12 })[0]).toMatchObject({ from: '12' });
    expect(decode({ type: 'connected', userId: { id: 1 } })[0]).toMatchObject({ id: 'session' });
    expect(decode({ type: 'error', message: { text: 'x' }, code: 5 })).toEqual([
      { kind: 'error', code: '5', message: 'Nexus server error', at: NOW },
    ]);
    expect(decode({ type: ['message'], channel: 'c' })[0]?.kind).toBe('raw');
  });

  it('survives hostile objects', () => {
    const hostile = Object.defineProperty({ type: 'message' }, 'channel', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(decode(hostile)).toEqual([{ kind: 'raw', at: NOW, data: hostile }]);
    let deep: unknown = { type: 'message', channel: 'c', data: 1 };
    for (let i = 0; i < 10_000; i++) deep = { data: deep };
    expect(decode(deep)[0]?.kind).toBe('raw');
    expect(decode(JSON.parse('{"type":"message","channel":"__proto__","__proto__":{"x":1},"data":2}'))).toEqual([
      { kind: 'message', channel: '__proto__', at: NOW, data: 2 },
    ]);
  });
});
