import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createConnection, type WebSocketConstructor } from '../../src/core/connection';
import type { OpstreamEvent } from '../../src/core/events';
import { ark } from '../../src/protocols/ark';
import { backendIm } from '../../src/protocols/backendIm';
import { hexabase } from '../../src/protocols/hexabase';
import { mist } from '../../src/protocols/mist';
import { nexus } from '../../src/protocols/nexus';
import type { ProtocolAdapter } from '../../src/protocols/types';
import { devRoutes } from '../../src/testing/devRoutes';
import { startDevServer, type DevServer } from '../../src/testing/devServer';
import { waitFor } from '../support/wsServer';

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ routes: devRoutes(), port: 0, speed: 0, seed: 3 });
});
afterAll(() => server.close());

function open<C>(path: string, protocol: ProtocolAdapter<C>) {
  const events: OpstreamEvent[] = [];
  const connection = createConnection<C>({
    url: `${server.origin}${path}`,
    protocol,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    environment: null,
  });
  connection.onEvents((batch) => events.push(...batch));
  connection.connect();
  return { connection, events };
}

describe('npm run dev:server routes: one server speaks all five protocols', () => {
  it('listens on 127.0.0.1 only and lists a URL per protocol and Mist endpoint', () => {
    expect(server.origin).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(server.urls)).toEqual([
      '/backendim/ws',
      '/hexabase/ws',
      '/nexus/ws',
      '/ark/ws',
      '/mist/ws/container/logs',
      '/mist/ws/deployment/logs',
      '/mist/ws/metrics',
    ]);
  });

  it('Backend.im answers a namespace setup', async () => {
    const { connection, events } = open('/backendim/ws', backendIm());
    connection.send({ type: 'namespace_setup', projectId: 'demo' });
    await waitFor(() => events.some((e) => e.kind === 'operation' && e.phase === 'complete'), 10_000);
    connection.destroy();
  });

  it('Hexabase authenticates and answers a request', async () => {
    const { connection } = open('/hexabase/ws', hexabase({ token: 'dev-token' }));
    const reply = await connection.request({ type: 'get_workspace_status', workspace_id: 'ws-123' });
    expect(reply).toMatchObject({ workspace_id: 'ws-123' });
    connection.destroy();
  });

  it('Nexus streams telemetry to a subscriber', async () => {
    const { connection, events } = open('/nexus/ws', nexus({ token: 'dev-token' }));
    connection.subscribeTopic('telemetry');
    await waitFor(() => events.some((e) => e.kind === 'message' && e.channel === 'telemetry'), 10_000);
    connection.destroy();
  });

  it('ARK pushes events', async () => {
    const { connection, events } = open('/ark/ws', ark());
    await waitFor(() => events.length > 5, 10_000);
    connection.destroy();
  });

  it.each([
    ['container-logs', { appId: '1' }, 'log'],
    ['deployment', { deploymentId: '42' }, 'operation'],
    ['metrics', {}, 'metrics'],
  ] as const)('Mist %s', async (endpoint, ids, kind) => {
    const { connection, events } = open('/mist', mist({ endpoint, ...ids }));
    await waitFor(() => events.some((e) => e.kind === kind), 10_000);
    connection.destroy();
  });
});
