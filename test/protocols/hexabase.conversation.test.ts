import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createConnection, type Connection, type WebSocketConstructor } from '../../src/core/connection';
import { OpstreamError } from '../../src/core/errors';
import type { OpstreamEvent } from '../../src/core/events';
import { HEXABASE_MAX_SUBSCRIPTIONS, hexabase, type HexabaseCommand } from '../../src/protocols/hexabase';
import { startDevServer, type DevServer } from '../../src/testing/devServer';
import {
  createHexabaseRecorder,
  createHexabaseSimulator,
  type HexabaseConnectionRecord,
  type HexabaseRecorder,
} from '../../src/testing/hexabaseSimulator';
import type { ProtocolSimulator } from '../../src/testing/simulator';
import { assertValidEvents } from '../support/validateEvent';
import { waitFor } from '../support/wsServer';

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.conversation.sig';
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function server(simulator: ProtocolSimulator, port = 0): Promise<DevServer> {
  const s = await startDevServer({ routes: [{ path: '/ws', simulator }], port, speed: 0, seed: 7 });
  cleanups.push(() => s.close());
  return s;
}

async function setup(query = '?scenario=quiet') {
  const recorder = createHexabaseRecorder();
  const simulator = createHexabaseSimulator({ recorder });
  const s = await server(simulator);
  return { recorder, simulator, s, url: `${s.urls['/ws']!}${query}` };
}

function connect(url: string, token = TOKEN) {
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
  return { connection, events };
}

const stateOf = (c: Connection<HexabaseCommand>) => c.getSnapshot().state;
const open = (c: Connection<HexabaseCommand>) => waitFor(() => stateOf(c) === 'open', 2_000, 'open');
const types = (record: HexabaseConnectionRecord | undefined) =>
  (record?.received ?? []).map((f) => (f as { type?: unknown }).type);
const framesOf = (record: HexabaseConnectionRecord | undefined, type: string) =>
  (record?.received ?? []).filter((f) => (f as { type?: unknown }).type === type) as {
    id?: string;
    data?: Record<string, unknown>;
  }[];

/** A reply round trip: everything the server sent before it has been handled by the client. */
const roundTrip = (c: Connection<HexabaseCommand>) => c.request({ type: 'get_workspace_status', workspace_id: 'ws-123' });

const rejection = async (promise: Promise<unknown>): Promise<OpstreamError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OpstreamError);
    return error as OpstreamError;
  }
  throw new Error('expected a rejection');
};

describe('hexabase conversation with the simulator over a real socket', () => {
  it('authenticates first, then opens', async () => {
    const { recorder, url } = await setup();
    const { connection } = connect(url);
    await open(connection);
    const record = recorder.connections[0];
    expect(types(record)[0]).toBe('auth');
    expect(record?.authenticated).toBe(true);
    // The recorder never keeps the token.
    expect(JSON.stringify(recorder)).not.toContain(TOKEN);
  });

  it.each(['invalid', 'expired'])('a rejected token (%s) ends in failed after exactly one socket', async (token) => {
    const { recorder, url } = await setup();
    const { connection, events } = connect(url, token);
    await waitFor(() => stateOf(connection) === 'failed', 2_000, 'failed');
    const error = connection.getSnapshot().reason.error;
    expect(error?.code).toBe('auth_failed');
    // The server's text ("Token expired") echoes the token itself here, so the client redacts it.
    expect(error?.message).toContain(token === 'expired' ? 'Token [redacted]' : 'Invalid token');
    // No retry: wait well past the reconnect delays.
    await new Promise((r) => setTimeout(r, 300));
    expect(recorder.connections).toHaveLength(1);
    expect(types(recorder.connections[0])).toEqual(['auth']);
    expect(stateOf(connection)).toBe('failed');
    assertValidEvents(events);
  });

  it('re-authenticates and resubscribes after the server restarts on the same port, then unsubscribes with the new id', async () => {
    const recorder: HexabaseRecorder = createHexabaseRecorder();
    const simulator = createHexabaseSimulator({ recorder });
    const first = await server(simulator);
    const url = `${first.urls['/ws']!}?scenario=quiet`;
    const { connection, events } = connect(url);
    await open(connection);
    const handle = connection.subscribeTopic('workspace:ws-123', { events: ['status_changed', 'alert_triggered'] });
    await waitFor(() => recorder.connections[0]?.issued.length === 1, 2_000, 'first subscription');
    await roundTrip(connection);
    const oldId = recorder.connections[0]!.issued[0]!;

    await first.close();
    await waitFor(() => stateOf(connection) === 'reconnecting', 2_000, 'reconnecting');
    await server(simulator, first.port);
    await waitFor(() => recorder.connections[1]?.issued.length === 1, 3_000, 'resubscription');
    await open(connection);
    await roundTrip(connection);

    const second = recorder.connections[1]!;
    expect(types(second).slice(0, 2)).toEqual(['auth', 'subscribe']);
    expect(second.authenticated).toBe(true);
    expect(framesOf(second, 'subscribe')[0]?.data).toEqual({
      resource: 'workspace',
      workspace_id: 'ws-123',
      events: ['status_changed', 'alert_triggered'],
    });
    const newId = second.issued[0]!;
    expect(newId).not.toBe(oldId);

    handle.unsubscribe();
    await waitFor(() => second.unsubscribed.length === 1, 2_000, 'unsubscribe');
    expect(second.unsubscribed).toEqual([newId]);
    expect(framesOf(second, 'unsubscribe')[0]?.data).toEqual({ subscription_id: newId });
    // The server knew the id: no RESOURCE_NOT_FOUND came back.
    await roundTrip(connection);
    expect(events.filter((e) => e.kind === 'error')).toEqual([]);
    assertValidEvents(events);
  });

  it('get_workspace_status resolves with the reply data', async () => {
    const { url } = await setup();
    const { connection } = connect(url);
    const reply = await connection.request({ type: 'get_workspace_status', workspace_id: 'ws-123' });
    expect(reply).toEqual({
      workspace_id: 'ws-123',
      status: 'active',
      health: 'healthy',
      nodes: { ready: 3, total: 3 },
      pods: { running: expect.any(Number), pending: expect.any(Number), failed: 0 },
    });
  });

  it('an error reply rejects with request_failed and the server code', async () => {
    const { url } = await setup();
    const { connection } = connect(url);
    await open(connection);
    const error = await rejection(connection.request({ type: 'get_workspace_status', workspace_id: 'ws-missing' }));
    expect(error.code).toBe('request_failed');
    expect(error.detail).toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
    expect(error.message).toContain('RESOURCE_NOT_FOUND');
    expect(stateOf(connection)).toBe('open');
  });

  it('a request the server never answers rejects with request_timeout', async () => {
    const { recorder, url } = await setup('?scenario=quiet&mute=1');
    const { connection } = connect(url);
    await open(connection);
    const started = Date.now();
    const error = await rejection(
      connection.request({ type: 'get_workspace_status', workspace_id: 'ws-123' }, { timeoutMs: 200 }),
    );
    expect(error.code).toBe('request_timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    // The server did get it: the silence is the server's.
    expect(framesOf(recorder.connections[0], 'get_workspace_status')).toHaveLength(1);
    expect(stateOf(connection)).toBe('open');
  });

  it('refuses the 101st subscription client-side with subscription_limit', async () => {
    const { recorder, url } = await setup();
    const { connection, events } = connect(url);
    await open(connection);
    for (let i = 1; i <= HEXABASE_MAX_SUBSCRIPTIONS; i++) {
      expect(connection.subscribeTopic(`workspace:ws-${i}`).error).toBeUndefined();
    }
    const refused = connection.subscribeTopic('workspace:ws-101');
    expect(refused.error?.code).toBe('subscription_limit');
    await waitFor(() => recorder.connections[0]?.issued.length === HEXABASE_MAX_SUBSCRIPTIONS, 2_000, '100 ids');
    await roundTrip(connection);
    const record = recorder.connections[0]!;
    expect(framesOf(record, 'subscribe')).toHaveLength(HEXABASE_MAX_SUBSCRIPTIONS);
    expect(framesOf(record, 'subscribe').some((f) => f.data?.workspace_id === 'ws-101')).toBe(false);
    // Only the client-side refusal was reported; the server never had to say SUBSCRIPTION_LIMIT_EXCEEDED.
    expect(events.filter((e) => e.kind === 'error').map((e) => (e as { code: string }).code)).toEqual(['subscription_limit']);
  });

  it("answers the server's ping with pong", async () => {
    const { recorder, url } = await setup('?scenario=quiet&ping_ms=30');
    const { connection, events } = connect(url);
    await open(connection);
    await waitFor(() => (recorder.connections[0]?.pongs ?? 0) >= 3, 2_000, 'three pongs');
    const record = recorder.connections[0]!;
    expect(record.pings).toBeGreaterThanOrEqual(3);
    expect(framesOf(record, 'pong')[0]).toEqual({ type: 'pong' });
    expect(stateOf(connection)).toBe('open');
    // Pings are control frames: they never surface as events.
    expect(events).toEqual([]);
  });

  it('after an abnormal close (?drop_after) the client re-auths and resubscribes on the next socket', async () => {
    const { recorder, url } = await setup('?scenario=quiet&drop_after=3');
    const { connection } = connect(url);
    connection.subscribeTopic('organization:org-123');
    // auth_result + subscribe_result + one reply = 3 frames, then the server drops the socket.
    await open(connection);
    await waitFor(() => recorder.connections[0]?.issued.length === 1, 2_000, 'subscribed');
    await connection.request({ type: 'get_workspace_status', workspace_id: 'ws-1' });
    await waitFor(() => recorder.connections.length >= 2 && recorder.connections[1]!.issued.length === 1, 3_000, 'second socket');
    expect(recorder.connections[0]!.closed).toBe(true);
    expect(types(recorder.connections[1]).slice(0, 2)).toEqual(['auth', 'subscribe']);
    expect(recorder.connections[1]!.issued[0]).not.toBe(recorder.connections[0]!.issued[0]);
  });
});
