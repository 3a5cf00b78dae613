import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  createConnection,
  type Connection,
  type ConnectionOptions,
  type WebSocketConstructor,
} from '../../src/core/connection';
import type { MessageEvent, OpstreamEvent, ResourceEvent } from '../../src/core/events';
import { nexus, type NexusCommand, type NexusOptions } from '../../src/protocols/nexus';
import { startDevServer, type DevServer, type DevServerRoute } from '../../src/testing/devServer';
import { nexusAuthorize, nexusSimulator } from '../../src/testing/nexusSimulator';
import type { ProtocolSimulator } from '../../src/testing/simulator';
import { assertValidEvents } from '../support/validateEvent';
import { waitFor } from '../support/wsServer';

// Conversations between the real client stack (connection + nexus adapter) and the Nexus simulator
// on a real ws server on 127.0.0.1.

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** What the server saw: one entry per accepted socket, with the client's frames in order. */
interface Wire {
  sessions: unknown[][];
  /** Upgrade requests, refused ones included. */
  upgrades: number;
}

async function serve(port = 0, wire: Wire = { sessions: [], upgrades: 0 }) {
  const spy: ProtocolSimulator = {
    ...nexusSimulator,
    start(session) {
      const frames: unknown[] = [];
      wire.sessions.push(frames);
      session.onMessage((message) => frames.push(message));
      return nexusSimulator.start(session);
    },
  };
  const route: DevServerRoute = {
    path: '/ws',
    simulator: spy,
    authorize: (url) => {
      wire.upgrades++;
      return nexusAuthorize(url);
    },
  };
  const server: DevServer = await startDevServer({ routes: [route], port, speed: 0, seed: 7 });
  cleanups.push(() => server.close());
  return { server, wire, url: server.urls['/ws']! };
}

function connect(
  url: string,
  adapter: NexusOptions = { token: 'test-token' },
  options: Partial<ConnectionOptions<NexusCommand>> = {},
) {
  const connection: Connection<NexusCommand> = createConnection<NexusCommand>({
    url,
    protocol: nexus(adapter),
    WebSocket: NodeWebSocket,
    environment: null,
    reconnect: { minDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
  const events: OpstreamEvent[] = [];
  connection.onEvents((batch) => events.push(...batch));
  cleanups.push(() => connection.destroy());
  return {
    connection,
    events,
    state: () => connection.getSnapshot().state,
    messages: (channel: string) => events.filter((e): e is MessageEvent => e.kind === 'message' && e.channel === channel),
    resources: (change: string) => events.filter((e): e is ResourceEvent => e.kind === 'resource' && e.change === change),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const agentOf = (m: MessageEvent) => (m.data as { agent_id?: unknown }).agent_id;

describe('Nexus conversations against the simulator', { timeout: 15_000 }, () => {
  it('resubscribes both channels with their filters after a server restart on the same port; telemetry flows again', async () => {
    const first = await serve();
    const client = connect(first.url);
    client.connection.subscribeTopic('telemetry', { agent_id: 'agent_euystacio_001' });
    client.connection.subscribeTopic('deployments', { environment: 'production' });
    client.connection.connect();
    await waitFor(() => client.messages('telemetry').length >= 3, 3_000, 'telemetry before the restart');
    const subscribes = [
      { action: 'subscribe', channel: 'telemetry', filters: { agent_id: 'agent_euystacio_001' } },
      { action: 'subscribe', channel: 'deployments', filters: { environment: 'production' } },
    ];
    expect(first.wire.sessions).toEqual([subscribes]);

    await first.server.close();
    await waitFor(() => client.state() === 'reconnecting', 2_000, 'reconnecting');
    const before = client.messages('telemetry').length;
    const second = await serve(first.server.port);
    await waitFor(() => client.state() === 'open', 3_000, 'open after the restart');
    await waitFor(() => client.messages('telemetry').length >= before + 3, 3_000, 'telemetry after the restart');

    // The new server process saw exactly the two subscriptions again, filters included.
    expect(second.wire.sessions).toEqual([subscribes]);
    expect(client.resources('connected')).toHaveLength(2);
    const acks = client.resources('subscribed').map((r) => [r.id, (r.data as { filters?: unknown }).filters]);
    expect(acks).toEqual([
      ['telemetry', { agent_id: 'agent_euystacio_001' }],
      ['deployments', { environment: 'production' }],
      ['telemetry', { agent_id: 'agent_euystacio_001' }],
      ['deployments', { environment: 'production' }],
    ]);
    expect(client.messages('telemetry').every((m) => agentOf(m) === 'agent_euystacio_001')).toBe(true);
    expect(client.connection.getStats().reconnects).toBeGreaterThanOrEqual(1);
    assertValidEvents(client.events);
  });

  it.each([
    ['401 without a token', { token: 'test-token', tokenParam: 'jwt' }, 401],
    ["403 with the token 'invalid'", { token: 'invalid' }, 403],
  ] as const)('a refused upgrade (%s) ends in failed after exactly one socket', async (_name, adapter, status) => {
    const { url, wire } = await serve();
    const client = connect(url, adapter);
    client.connection.subscribeTopic('telemetry');
    client.connection.connect();
    await waitFor(() => client.state() === 'failed', 3_000, 'failed');
    await sleep(300); // a retry would be due within 100 ms
    expect(wire.upgrades).toBe(1);
    expect(wire.sessions).toEqual([]);
    const { reason } = client.connection.getSnapshot();
    expect(reason.error?.code).toBe('auth_failed');
    expect(reason.error?.detail).toEqual({ status });
    expect(reason.message).not.toContain(adapter.token);
    expect(client.events.filter((e) => e.kind === 'message')).toEqual([]);
  });

  it('publish round trip: delivered to subscribers of the channel, sender included, and only to them', async () => {
    const { url, wire } = await serve();
    const client = connect(url);
    const commands = client.connection.subscribeTopic('commands');
    client.connection.connect();
    await waitFor(() => client.resources('subscribed').length === 1);
    const me = client.resources('connected')[0]!.id;
    const payload = { command: 'execute_task', task_id: 'task_123', args: { dryRun: true } };
    expect(client.connection.send({ action: 'publish', channel: 'commands', payload })).toEqual({ ok: true, status: 'sent' });
    expect(client.connection.send({ action: 'publish', channel: 'elsewhere', payload: { n: 1 } }).ok).toBe(true);
    await waitFor(() => client.messages('commands').length === 1);
    expect(client.messages('commands')[0]).toMatchObject({ channel: 'commands', from: me, data: payload });

    // After unsubscribing, a publish on the channel is no longer echoed back.
    commands.unsubscribe();
    await waitFor(() => client.resources('unsubscribed').length === 1);
    client.connection.send({ action: 'publish', channel: 'commands', payload: { late: true } });
    client.connection.send({ action: 'subscribe', channel: 'marker' });
    await waitFor(() => client.resources('subscribed').length === 2);
    expect(client.messages('commands')).toHaveLength(1);
    expect(client.events.some((e) => e.kind === 'message' && e.channel === 'elsewhere')).toBe(false);
    expect(wire.sessions[0]).toEqual([
      { action: 'subscribe', channel: 'commands' },
      { action: 'publish', channel: 'commands', payload },
      { action: 'publish', channel: 'elsewhere', payload: { n: 1 } },
      { action: 'unsubscribe', channel: 'commands' },
      { action: 'publish', channel: 'commands', payload: { late: true } },
      { action: 'subscribe', channel: 'marker' },
    ]);
    assertValidEvents(client.events);
  });

  it('ping/pong: the app-level heartbeat measures latency and keeps a quiet link open', async () => {
    const { url, wire } = await serve();
    const client = connect(url, { token: 'test-token' }, { heartbeat: { intervalMs: 50, timeoutMs: 500 } });
    client.connection.connect();
    await waitFor(() => client.connection.getStats().latencyMs !== null, 2_000, 'a pong');
    // No subscription: only pongs arrive. Without them the heartbeat would drop the link after 550 ms.
    await sleep(700);
    expect(client.state()).toBe('open');
    const stats = client.connection.getStats();
    expect(stats.reconnects).toBe(0);
    expect(stats.latencyMs).toBeGreaterThanOrEqual(0);
    expect(stats.latencyMs).toBeLessThan(500);
    const pings = wire.sessions[0]!.filter((f) => (f as { action?: unknown }).action === 'ping');
    expect(pings.length).toBeGreaterThanOrEqual(8);
    expect(wire.sessions[0]!.length).toBe(pings.length);
    // Pongs are consumed by the connection, never surfaced as events.
    expect(client.events.filter((e) => e.kind !== 'resource')).toEqual([]);
  });
});
