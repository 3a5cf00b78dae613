// Server-side rendering (node environment, no `window`): every hook renders to a string and no
// socket is opened, not even constructed.
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WebSocketConstructor } from '../../src/core/connection';
import { backendIm } from '../../src/protocols/backendIm';
import { json } from '../../src/protocols/json';
import {
  OpstreamProvider,
  useChannel,
  useContainerLogs,
  useEventInvalidation,
  useEvents,
  useFeed,
  useLogStream,
  useMetrics,
  useMetricsSource,
  useOperation,
  useOperationIds,
  useOperationState,
  useRequest,
  useSocket,
  useSubscription,
} from '../../src/react/index';
import { startServer, type TestServer } from '../support/wsServer';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

let constructed = 0;
class SpyWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    constructed++;
  }
}

function App({ url }: { url: string }) {
  const socket = { url, protocol: json() };
  const state = useSocket(socket).state;
  const deploy = useOperation('deploy', { url, protocol: backendIm() });
  const logs = useContainerLogs({ stream: 'logs:a', socket, start: { type: 'stream_logs' } });
  const metrics = useMetrics({ source: 'system', socket, channel: 'telemetry' });
  const subscription = useSubscription('updates', { a: 1 }, socket);
  const request = useRequest({ type: 'status' }, { socket, queryKey: ['status'] });
  useEvents('log', () => {});
  useEventInvalidation('resource', ['status']);
  useLogStream('logs:a');
  useOperationState('op');
  useMetricsSource('system');
  useFeed();
  useChannel('updates');
  useOperationIds();
  return h(
    'p',
    null,
    [
      state,
      deploy.status,
      String(deploy.isPending),
      logs.status,
      logs.total,
      metrics.names.length,
      subscription.state,
      request.fetchStatus,
    ].join('|'),
  );
}

describe('server-side rendering', () => {
  it('renders every hook to a string and opens no socket', async () => {
    expect(typeof window).toBe('undefined');
    const html = renderToString(
      h(
        OpstreamProvider,
        { connectionDefaults: { WebSocket: SpyWebSocket as unknown as WebSocketConstructor, environment: null } },
        h(App, { url: server.url }),
      ),
    );
    expect(html).toBe('<p>idle|idle|false|live|0|0|idle|idle</p>');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(constructed).toBe(0);
    expect(server.connections()).toBe(0);
  });
});
