import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createConnection, type Connection, type WebSocketConstructor } from '../../src/core/connection';
import type { ErrorEvent, OperationEvent, OpstreamEvent } from '../../src/core/events';
import { backendIm, type BackendImCommand } from '../../src/protocols/backendIm';
import type { ProtocolAdapter } from '../../src/protocols/types';
import { backendImSimulator } from '../../src/testing/backendImSimulator';
import { startDevServer, type DevServer } from '../../src/testing/devServer';
import { assertValidEvents } from '../support/validateEvent';
import { waitFor } from '../support/wsServer';

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const PATH = '/backendIm';
const REPO = { repoURL: 'https://git.example.com/acme/shop-api.git', commitHash: '9f8e7d6c5b4a' };

/** The real adapter, plus `{ raw }` to put any text on the wire (a client with a bug). */
type Command = BackendImCommand | { raw: string };
const withRawFrames = (adapter: ProtocolAdapter<BackendImCommand>): ProtocolAdapter<Command> => ({
  ...adapter,
  encode: (command, ctx) => ('raw' in command ? command.raw : adapter.encode(command, ctx)),
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function server(port = 0): Promise<DevServer> {
  const s = await startDevServer({ routes: [{ path: PATH, simulator: backendImSimulator }], port, speed: 0, seed: 7 });
  cleanups.push(() => s.close());
  return s;
}

function connect(url: string) {
  const events: OpstreamEvent[] = [];
  const connection: Connection<Command> = createConnection<Command>({
    url,
    protocol: withRawFrames(backendIm()),
    WebSocket: NodeWebSocket,
    environment: null,
    reconnect: { minDelayMs: 20, maxDelayMs: 100 },
  });
  connection.onEvents((batch) => events.push(...batch));
  cleanups.push(() => connection.destroy());
  connection.connect();
  const ops = (type: string) =>
    events.filter((e): e is OperationEvent => e.kind === 'operation' && e.operationType === type);
  const errors = () => events.filter((e): e is ErrorEvent => e.kind === 'error');
  // The *_complete frames (they carry a message; the namespace's `complete` update does not).
  const completes = (type: string) => ops(type).filter((e) => e.phase === 'complete' && e.message !== undefined);
  const completed = async (type: string, n = 1) => {
    await waitFor(() => completes(type).length >= n, 4_000, `${type} complete #${n}`);
    return completes(type)[n - 1]!;
  };
  const send = (command: Command) => expect(connection.send(command).ok).toBe(true);
  const open = () => waitFor(() => connection.getSnapshot().state === 'open', 2_000, 'open');
  return { connection, events, ops, errors, completed, send, open };
}

describe('backendIm conversations against the dev server', () => {
  it('namespace_required, then namespace_setup, then a test (→ deploy) and a deploy, on one connection', async () => {
    const s = await server();
    const c = connect(`${s.urls[PATH]!}?scenario=namespace-required`);
    await c.open();

    c.send({ type: 'test_request', projectId: 'shop-api', ...REPO });
    await waitFor(() => c.errors().length === 1);
    const refused = c.errors()[0]!;
    expect(refused).toMatchObject({
      code: 'namespace_required',
      message: 'Namespace does not exist. Call namespace_setup first',
    });
    // The adapter blames the test operation the client had just started.
    expect(refused.operationId).toBeDefined();
    expect(c.ops('test')).toEqual([]);

    c.send({ type: 'namespace_setup', projectId: 'shop-api' });
    const ns = await c.completed('namespace');
    expect(ns.status).toBe('succeeded');

    c.send({ type: 'test_request', projectId: 'shop-api', ...REPO });
    const test = await c.completed('test');
    expect(test.status).toBe('succeeded');
    expect(test.operationId).not.toBe(refused.operationId);
    expect(c.ops('test').find((e) => e.phase === 'transition')).toMatchObject({ from: 'test', to: 'deploy' });
    // The test's start command made it a test-then-deploy flow: the first deploy creates the app.
    const autoDeploy = await c.completed('deploy');
    expect(autoDeploy).toMatchObject({ status: 'succeeded', url: 'http://im-shop-api.backend.im' });
    expect(c.ops('deploy').some((e) => e.stdout === 'deployment.apps/app created')).toBe(true);

    c.send({ type: 'deploy_request', projectId: 'shop-api', ...REPO });
    const deploy = await c.completed('deploy', 2);
    expect(deploy).toMatchObject({ status: 'succeeded', url: 'http://im-shop-api.backend.im' });
    const second = c.ops('deploy').filter((e) => e.operationId === deploy.operationId);
    // The server remembers this connection's earlier deploy.
    expect(second.some((e) => e.stdout === 'deployment.apps/app configured')).toBe(true);
    expect(second.some((e) => e.phase === 'log' && e.message?.includes('(revision 2)'))).toBe(true);

    expect(c.errors()).toHaveLength(1);
    assertValidEvents(c.events);
  });

  it('a failing test run ends failed with the failure output, and the connection keeps working', async () => {
    const s = await server();
    const c = connect(`${s.urls[PATH]!}?scenario=failing-tests`);
    await c.open();
    c.send({ type: 'test_request', projectId: 'shop-api', ...REPO });
    const done = await c.completed('test');
    expect(done).toMatchObject({ status: 'failed', error: { code: 'operation_failed' } });
    const test = c.ops('test');
    const error = test.find((e) => e.phase === 'error');
    expect(error?.step?.id).toBe('test_execution');
    expect(test.some((e) => e.stdout === 'E       assert 500 == 409')).toBe(true);
    expect(test.some((e) => e.stderr?.startsWith('sqlalchemy.exc.IntegrityError'))).toBe(true);
    expect(c.ops('deploy')).toEqual([]);

    // A failed run deploys nothing, but an explicit deploy still goes through.
    c.send({ type: 'deploy_request', projectId: 'shop-api', ...REPO });
    expect(await c.completed('deploy')).toMatchObject({ status: 'succeeded' });
    expect(c.errors()).toEqual([]);
    assertValidEvents(c.events);
  });

  it('a malformed client frame gets invalid_message_format, an unknown type unknown_message_type', async () => {
    const s = await server();
    const c = connect(s.urls[PATH]!);
    await c.open();
    c.send({ raw: '{"type": "namespace_setup", "projectId": ' });
    await waitFor(() => c.errors().length === 1);
    expect(c.errors()[0]).toMatchObject({
      code: 'invalid_message_format',
      message: 'Invalid message format: invalid character \'{\' looking for beginning of value',
    });
    c.send({ raw: JSON.stringify({ type: 'rollback_request', projectId: 'shop-api' }) });
    await waitFor(() => c.errors().length === 2);
    expect(c.errors()[1]).toMatchObject({ code: 'unknown_message_type', message: 'Unknown message type: rollback_request' });
    // The socket stays open and real requests still work.
    expect(c.connection.getSnapshot().state).toBe('open');
    c.send({ type: 'namespace_setup', projectId: 'shop-api' });
    expect(await c.completed('namespace')).toMatchObject({ status: 'succeeded' });
    expect(c.errors()).toHaveLength(2);
    assertValidEvents(c.events);
  });

  it('namespaces are per connection: after a server restart the new connection needs namespace_setup again', async () => {
    const routes = [{ path: PATH, simulator: backendImSimulator }];
    const first = await startDevServer({ routes, port: 0, speed: 0, seed: 7 });
    const port = first.port;
    const c = connect(`${first.urls[PATH]!}?scenario=namespace-required`);
    await c.open();
    c.send({ type: 'namespace_setup', projectId: 'shop-api' });
    await c.completed('namespace');
    await first.close();
    await waitFor(() => c.connection.getSnapshot().state === 'reconnecting', 2_000, 'reconnecting');

    await server(port);
    await waitFor(() => c.connection.getSnapshot().state === 'open', 3_000, 'open again');
    c.send({ type: 'deploy_request', projectId: 'shop-api', ...REPO });
    await waitFor(() => c.errors().length === 1);
    expect(c.errors()[0]?.code).toBe('namespace_required');
    c.send({ type: 'namespace_setup', projectId: 'shop-api' });
    await c.completed('namespace', 2);
    c.send({ type: 'deploy_request', projectId: 'shop-api', ...REPO });
    expect(await c.completed('deploy')).toMatchObject({ status: 'succeeded', url: 'http://im-shop-api.backend.im' });
    assertValidEvents(c.events);
  });
});
