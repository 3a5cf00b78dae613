// Sockets follow React's lifecycle: one per URL under StrictMode, nothing left open after an
// unmount (also mid-connect), and no socket, timer or listener leaks over 1 000 mount cycles.
import { act, render, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WebSocketConstructor } from '../../src/core/connection';
import type { ConnectionRegistry } from '../../src/core/registry';
import { json } from '../../src/protocols/json';
import type { OpstreamContextValue } from '../../src/react/OpstreamContext';
import { useContainerLogs } from '../../src/react/useContainerLogs';
import { useEventInvalidation } from '../../src/react/useEventInvalidation';
import { useEvents } from '../../src/react/useEvents';
import { useMetrics } from '../../src/react/useMetrics';
import { useOperation } from '../../src/react/useOperation';
import { useRequest } from '../../src/react/useRequest';
import { useSocket } from '../../src/react/useSocket';
import { useSubscription } from '../../src/react/useSubscription';
import { startServer, type TestServer } from '../support/wsServer';
import { ContextProbe, TestProvider, countingStore, countingTimers, sleep } from './support';

let server: TestServer;
let other: TestServer;
const protocol = json();
/** Frames the servers received, parsed. */
const received: { type?: string; topic?: string; id?: string }[] = [];
const countOf = (type: string, topic?: string) =>
  received.filter((m) => m.type === type && (topic === undefined || m.topic === topic)).length;

beforeAll(async () => {
  server = await startServer();
  other = await startServer();
  // Answer requests so useRequest settles; subscriptions are recorded by the server's frames.
  for (const s of [server, other]) {
    s.wss.on('connection', (ws) => {
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { id?: string; type?: string; topic?: string };
        received.push(message);
        if (message.id !== undefined) ws.send(JSON.stringify({ id: message.id, result: { ok: true } }));
      });
    });
  }
});
afterAll(async () => {
  await server.close();
  await other.close();
});

let unmounts: (() => void)[] = [];
afterEach(() => {
  for (const unmount of unmounts) unmount();
  unmounts = [];
});

/** Every hook that holds the connection, on one URL. */
function AllHooks({ url }: { url: string }) {
  const socket = { url, protocol };
  useSocket(socket);
  useSubscription('updates', { n: 1 }, socket);
  useContainerLogs({ stream: 'logs:a', socket, start: { type: 'stream_logs' }, stop: { type: 'stop_stream' } });
  useMetrics({ source: 'system', socket, channel: 'telemetry' });
  useRequest({ type: 'status' }, { socket, queryKey: ['status', url] });
  useOperation('deploy', socket);
  useEvents('log', () => {});
  useEventInvalidation('resource', ['status', url]);
  return null;
}

describe('sockets and React lifecycle', () => {
  it('StrictMode opens exactly one socket per URL, however many hooks use it', async () => {
    const before = server.connections();
    const beforeOther = other.connections();
    const { unmount } = render(
      <StrictMode>
        <TestProvider>
          <AllHooks url={server.url} />
          <AllHooks url={server.url} />
          <AllHooks url={other.url} />
        </TestProvider>
      </StrictMode>,
    );
    unmounts.push(unmount);
    await waitFor(() => expect(server.wss.clients.size).toBe(1));
    await waitFor(() => expect(other.wss.clients.size).toBe(1));
    await sleep(100);
    expect(server.connections() - before).toBe(1);
    expect(other.connections() - beforeOther).toBe(1);
  });

  it('unmounting while the socket is connecting leaves nothing open', async () => {
    const timers = countingTimers();
    let context: OpstreamContextValue | undefined;
    const { unmount } = render(
      <TestProvider connectionDefaults={{ timers }} graceMs={10}>
        <ContextProbe onContext={(value) => (context = value)} />
        <AllHooks url={server.url} />
      </TestProvider>,
    );
    // Effects ran: the socket exists and is still connecting.
    expect(context!.registry.size()).toBe(1);
    unmount();
    await waitFor(() => expect(context!.registry.size()).toBe(0));
    await sleep(100);
    expect(server.wss.clients.size).toBe(0);
    expect(timers.pending()).toBe(0);
  });

  it('1 000 mount/unmount cycles leak no socket, timer or listener', async () => {
    const store = countingStore();
    const timers = countingTimers();
    let registry: ConnectionRegistry | undefined;
    // Sockets the client created (many close mid-connect, before the server counts them).
    let created = 0;
    class CountingWebSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        created++;
      }
    }
    const defaults = { timers, WebSocket: CountingWebSocket as unknown as WebSocketConstructor };
    const probe = (value: OpstreamContextValue) => (registry = value.registry);
    const tree = (on: boolean) => (
      <TestProvider store={store} connectionDefaults={defaults} graceMs={0}>
        <ContextProbe onContext={probe} />
        {on ? <AllHooks url={server.url} /> : null}
      </TestProvider>
    );
    const { unmount, rerender } = render(tree(false));
    unmounts.push(unmount);
    const baseListeners = store.listeners();
    const baseSubscribers = store.subscribers();
    let peak = 0;
    for (let i = 0; i < 1_000; i++) {
      rerender(tree(true));
      peak = Math.max(peak, store.listeners());
      rerender(tree(false));
      // Every few cycles let the grace timers fire, so sockets really close and reopen.
      if (i % 50 === 49) await act(() => sleep(5));
    }
    expect(peak).toBeGreaterThan(baseListeners);
    expect(created).toBeGreaterThanOrEqual(20);
    await waitFor(() => expect(registry!.size()).toBe(0));
    await waitFor(() => expect(server.wss.clients.size).toBe(0), { timeout: 5_000 });
    expect(store.listeners()).toBe(baseListeners);
    expect(store.subscribers()).toBe(baseSubscribers);
    expect(timers.pending()).toBe(0);
  }, 60_000);

  it('1 000 cycles on a held, open socket balance every subscribe and start with an unsubscribe and stop', async () => {
    const store = countingStore();
    function Holder() {
      const { state } = useSocket({ url: other.url, protocol });
      return <output>{state}</output>;
    }
    const tree = (on: boolean) => (
      <TestProvider store={store}>
        <Holder />
        {on ? <AllHooks url={other.url} /> : null}
      </TestProvider>
    );
    const { unmount, rerender, container } = render(tree(false));
    unmounts.push(unmount);
    await waitFor(() => expect(container.textContent).toBe('open'));
    received.length = 0;
    const baseListeners = store.listeners();
    const baseSubscribers = store.subscribers();
    for (let i = 0; i < 1_000; i++) {
      rerender(tree(true));
      rerender(tree(false));
    }
    await waitFor(() => expect(countOf('stop_stream')).toBe(1_000));
    expect(countOf('stream_logs')).toBe(1_000);
    expect(countOf('subscribe', 'updates')).toBe(1_000);
    expect(countOf('unsubscribe', 'updates')).toBe(1_000);
    expect(countOf('subscribe', 'telemetry')).toBe(countOf('unsubscribe', 'telemetry'));
    expect(countOf('subscribe', 'telemetry')).toBe(1_000);
    expect(store.listeners()).toBe(baseListeners);
    expect(store.subscribers()).toBe(baseSubscribers);
    expect(other.wss.clients.size).toBe(1);
  }, 60_000);
});
