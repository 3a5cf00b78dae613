import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  createConnection,
  type Connection,
  type ConnectionOptions,
  type Timers,
  type WebSocketConstructor,
} from '../../src/core/connection';
import type { ErrorEvent, MessageEvent, OpstreamEvent } from '../../src/core/events';
import { createConnectionRegistry } from '../../src/core/registry';
import { json, type JsonCommand } from '../../src/protocols/json';
import { startServer, waitFor, type TestServer } from '../support/wsServer';

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function server(port = 0): Promise<TestServer> {
  const s = await startServer(port);
  cleanups.push(() => s.close());
  return s;
}

function connect(options: Partial<ConnectionOptions<JsonCommand>> & { url: string }) {
  const events: OpstreamEvent[] = [];
  const connection = createConnection<JsonCommand>({
    protocol: json(),
    WebSocket: NodeWebSocket,
    environment: null,
    reconnect: { minDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
  connection.onEvents((batch) => events.push(...batch));
  // Every state seen: short-lived states (a retry due in 0 ms) are missed by polling.
  const states: string[] = [];
  connection.subscribe(() => states.push(connection.getSnapshot().state));
  cleanups.push(() => connection.destroy());
  connection.connect();
  const messages = () => events.filter((e): e is MessageEvent => e.kind === 'message');
  const errors = () => events.filter((e): e is ErrorEvent => e.kind === 'error');
  const seen = (state: string) => states.includes(state);
  return { connection, events, messages, errors, states, seen };
}

const stateOf = (c: Connection<JsonCommand>) => c.getSnapshot().state;

describe('against a real ws server on 127.0.0.1', () => {
  it('reconnects when the server destroys the TCP socket without a close frame', async () => {
    const s = await server();
    const { connection, states } = connect({ url: s.url });
    const first = await s.nextClient();
    await waitFor(() => stateOf(connection) === 'open');
    let lostWith: number | undefined;
    connection.subscribe(() => {
      if (stateOf(connection) === 'reconnecting') lostWith = connection.getSnapshot().reason.code;
    });
    first.terminate();
    await s.nextClient();
    await waitFor(() => stateOf(connection) === 'open' && states.length > 2, 2_000, 'open again');
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'connecting', 'open']);
    expect(lostWith).toBe(1006);
    expect(s.connections()).toBe(2);
  });

  it('notices a half-open server within interval + timeout', async () => {
    const s = await server();
    // The server answers pings until told to stall, then says nothing (the TCP link stays up).
    let stalled = false;
    s.wss.on('connection', (ws) =>
      ws.on('message', (data) => {
        if (!stalled && String(data) === '{"type":"ping"}') ws.send('{"type":"pong"}');
      }),
    );
    const { connection } = connect({
      url: s.url,
      protocol: json({ ping: { intervalMs: 100, timeoutMs: 100 } }),
      reconnect: { minDelayMs: 5_000, maxDelayMs: 5_000 },
    });
    await waitFor(() => stateOf(connection) === 'open');
    await new Promise((r) => setTimeout(r, 350));
    expect(stateOf(connection)).toBe('open');
    expect(connection.getStats().latencyMs).not.toBeNull();
    stalled = true;
    // The exact bound (interval + timeout, by the clock) is proven with a manual clock in connection.test.ts;
    // here the real socket stays up and only the silence can end it.
    await waitFor(() => stateOf(connection) === 'reconnecting', 2_000, 'heartbeat timeout');
    expect(connection.getSnapshot().reason.error?.code).toBe('heartbeat_timeout');
    expect(connection.getSnapshot().reason.error?.message).toMatch(/nothing received for (\d+) ms/);
  });

  it('after a server restart on the same port: re-auths, resubscribes, drains the queue in order, loses and duplicates nothing', async () => {
    const received: unknown[] = [];
    const serve = (s: TestServer) =>
      s.wss.on('connection', (ws) =>
        ws.on('message', (data) => {
          const message = JSON.parse(String(data)) as { type: string };
          received.push(message);
          if (message.type === 'auth') ws.send('{"type":"auth_ok"}');
        }),
      );
    let s = await startServer();
    const port = s.port;
    serve(s);
    const { connection } = connect({
      url: s.url,
      protocol: json({ token: 't0ken' }),
      reconnect: { minDelayMs: 50, maxDelayMs: 200 },
    });
    connection.subscribeTopic('deployments', { env: 'prod' });
    await waitFor(() => stateOf(connection) === 'open');
    for (let i = 0; i < 5; i++) connection.send({ type: 'work', n: i });
    await waitFor(() => received.length === 7);
    await s.close();
    await waitFor(() => stateOf(connection) !== 'open');
    for (let i = 5; i < 10; i++) expect(connection.send({ type: 'work', n: i })).toMatchObject({ status: 'queued' });
    expect(['reconnecting', 'connecting']).toContain(stateOf(connection));
    s = await startServer(port);
    cleanups.push(() => s.close());
    serve(s);
    await waitFor(() => stateOf(connection) === 'open', 5_000, 'open after restart');
    await waitFor(() => received.length === 14);
    expect(received).toEqual([
      { type: 'auth', token: 't0ken' },
      { type: 'subscribe', topic: 'deployments', params: { env: 'prod' } },
      ...[0, 1, 2, 3, 4].map((n) => ({ type: 'work', n })),
      { type: 'auth', token: 't0ken' },
      { type: 'subscribe', topic: 'deployments', params: { env: 'prod' } },
      ...[5, 6, 7, 8, 9].map((n) => ({ type: 'work', n })),
    ]);
  });

  it('an auth rejection opens exactly one socket and ends in failed', async () => {
    const s = await server();
    s.wss.on('connection', (ws) =>
      ws.on('message', () => ws.send('{"type":"auth_error","error":{"code":"INVALID_TOKEN","message":"bad"}}')),
    );
    const { connection } = connect({ url: s.url, protocol: json({ token: 'nope' }) });
    await waitFor(() => stateOf(connection) === 'failed');
    await new Promise((r) => setTimeout(r, 300));
    expect(s.connections()).toBe(1);
    expect(connection.getSnapshot().reason.error?.code).toBe('auth_failed');
  });

  it('reports malformed, oversized and binary frames while later frames still arrive', async () => {
    const s = await server();
    const { connection, messages, errors } = connect({ url: s.url, maxMessageBytes: 64 * 1024 });
    const ws = await s.nextClient();
    await waitFor(() => stateOf(connection) === 'open');
    ws.send('{"oops"');
    ws.send(JSON.stringify({ type: 'big', data: 'x'.repeat(100_000) }));
    ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    ws.send('{"type":"after","data":42}');
    await waitFor(() => messages().length === 1);
    expect(errors().map((e) => e.code)).toEqual(['malformed_frame', 'frame_too_large', 'unexpected_binary']);
    expect(messages()[0]).toMatchObject({ channel: 'after', data: 42 });
    expect(stateOf(connection)).toBe('open');
  });

  it('a burst of 100 000 frames arrives complete and in order', async () => {
    const s = await server();
    const { connection } = connect({ url: s.url });
    let count = 0;
    let inOrder = true;
    connection.onEvents((batch) => {
      for (const e of batch) {
        if (e.kind !== 'message') continue;
        if ((e.data as number) !== count) inOrder = false;
        count++;
      }
    });
    const ws = await s.nextClient();
    await waitFor(() => stateOf(connection) === 'open');
    for (let i = 0; i < 100_000; i++) ws.send(`{"type":"n","data":${i}}`);
    await waitFor(() => count === 100_000, 30_000, '100 000 frames');
    expect(inOrder).toBe(true);
    expect(connection.getStats().framesIn).toBe(100_000);
  }, 40_000);

  it('1 000 acquire/release cycles leave no open socket, timer or listener', async () => {
    const s = await server();
    // Counts live timers so the test can see that none is left behind.
    const live = new Set<unknown>();
    const timers: Timers = {
      setTimeout(callback, ms) {
        const handle = setTimeout(() => {
          live.delete(handle);
          callback();
        }, ms);
        live.add(handle);
        return handle;
      },
      clearTimeout(handle) {
        live.delete(handle);
        clearTimeout(handle as ReturnType<typeof setTimeout>);
      },
    };
    const listeners = { env: 0 };
    const environment = {
      isOnline: () => true,
      listen: () => {
        listeners.env++;
        return () => listeners.env--;
      },
    };
    const registry = createConnectionRegistry({ graceMs: 0, timers });
    const options: ConnectionOptions<JsonCommand> = {
      url: s.url,
      protocol: json(),
      WebSocket: NodeWebSocket,
      timers,
      environment,
    };
    for (let i = 0; i < 1_000; i++) {
      const a = registry.acquire(options);
      const b = registry.acquire(options); // StrictMode's second mount shares the socket
      expect(b.connection).toBe(a.connection);
      a.release();
      b.release();
      b.release(); // idempotent
      if (i % 100 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await waitFor(() => registry.size() === 0, 5_000, 'registry empty');
    await waitFor(() => s.wss.clients.size === 0, 5_000, 'server sockets closed');
    expect(live.size).toBe(0);
    expect(listeners.env).toBe(0);
  }, 30_000);

  it('StrictMode-style mount, unmount, mount opens one socket', async () => {
    const s = await server();
    const registry = createConnectionRegistry({ graceMs: 50 });
    cleanups.push(() => registry.clear());
    const options: ConnectionOptions<JsonCommand> = {
      url: s.url,
      protocol: json(),
      WebSocket: NodeWebSocket,
      environment: null,
    };
    const first = registry.acquire(options);
    first.release();
    const second = registry.acquire(options);
    await waitFor(() => stateOf(second.connection) === 'open');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.connections()).toBe(1);
    second.release();
    await waitFor(() => s.wss.clients.size === 0, 2_000, 'closed after the grace period');
  });

  it('closing while connecting leaves nothing open', async () => {
    const s = await server();
    const { connection } = connect({ url: s.url });
    connection.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(stateOf(connection)).toBe('closed');
    await waitFor(() => s.wss.clients.size === 0, 2_000, 'no client left');
  });
});
