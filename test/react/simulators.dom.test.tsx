// Hooks against the protocol simulators on real sockets: Hexabase log streams, subscriptions,
// requests and event invalidation; Mist log ends and metrics; Nexus telemetry as metrics.
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceEvent } from '../../src/core/events';
import { hexabase, hexabaseLogStream, type HexabaseCommand } from '../../src/protocols/hexabase';
import { mist, MIST_PATHS, mistContainerLogStream } from '../../src/protocols/mist';
import { nexus } from '../../src/protocols/nexus';
import { useContainerLogs } from '../../src/react/useContainerLogs';
import { useEventInvalidation } from '../../src/react/useEventInvalidation';
import { useMetrics } from '../../src/react/useMetrics';
import { useRequest } from '../../src/react/useRequest';
import { useSocket } from '../../src/react/useSocket';
import { useSubscription } from '../../src/react/useSubscription';
import { startDevServer, type DevServer } from '../../src/testing/devServer';
import { createHexabaseRecorder, createHexabaseSimulator, type HexabaseRecorder } from '../../src/testing/hexabaseSimulator';
import { MIST_END_LINES, MIST_TAIL_LINES, mistSimulator } from '../../src/testing/mistSimulator';
import { NEXUS_AGENTS, nexusAuthorize, nexusSimulator } from '../../src/testing/nexusSimulator';
import { startServer } from '../support/wsServer';
import { TestProvider, sleep } from './support';

let server: DevServer;
let recorder: HexabaseRecorder;
beforeAll(async () => {
  recorder = createHexabaseRecorder();
  server = await startDevServer({
    routes: [
      { path: '/hexabase', simulator: createHexabaseSimulator({ recorder }) },
      { path: '/nexus', simulator: nexusSimulator, authorize: nexusAuthorize },
      ...Object.values(MIST_PATHS).map((path) => ({ path, simulator: mistSimulator })),
    ],
    speed: 0,
    seed: 3,
  });
});
afterAll(() => server.close());

const wrapper = ({ children }: { children: ReactNode }) => <TestProvider>{children}</TestProvider>;
const hexa = hexabase({ token: 'secret-token' });
const hexaUrl = (query: string) => `${server.urls['/hexabase']!}?${query}`;
/** From now on: the frames of one type that Hexabase connections opened after this call received. */
const track = () => {
  const from = recorder.connections.length;
  return (type: string) =>
    recorder.connections
      .slice(from)
      .flatMap((c) => c.received)
      .filter((m) => (m as { type?: string }).type === type) as Record<string, unknown>[];
};

describe('useContainerLogs on a live socket', () => {
  it('sends start once open and again after a reconnect, and stop on unmount (Hexabase)', async () => {
    const url = hexaUrl('scenario=quiet&t=logs');
    const receivedOf = track();
    const start: HexabaseCommand = {
      type: 'stream_logs',
      id: 'tail-1',
      workspace_id: 'ws-1',
      namespace: 'default',
      pod: 'api-1',
      follow: true,
      tail_lines: 10,
    };
    const stop: HexabaseCommand = { type: 'stop_stream', stream_id: 'tail-1' };
    const { result, unmount } = renderHook(
      () => useContainerLogs({ stream: hexabaseLogStream('tail-1'), socket: { url, protocol: hexa }, start, stop }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.total).toBeGreaterThanOrEqual(10));
    expect(receivedOf('stream_logs')).toHaveLength(1);
    expect(result.current.buffer!.text(0)).toBeTypeOf('string');

    act(() => result.current.socket.reconnect());
    await waitFor(() => expect(receivedOf('stream_logs')).toHaveLength(2));
    expect(receivedOf('stop_stream')).toHaveLength(0);
    unmount();
    await waitFor(() => expect(receivedOf('stop_stream')).toEqual([expect.objectContaining({ data: { stream_id: 'tail-1' } })]));
  });

  it('marks the stream ended when the server ends it (Mist `end`)', async () => {
    const protocol = mist({ endpoint: 'container-logs', appId: 'shop' });
    const { result, unmount } = renderHook(
      () =>
        useContainerLogs({
          stream: mistContainerLogStream('shop'),
          socket: { url: `${server.origin}?scenario=end`, protocol },
        }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.ended).toBe(true), { timeout: 10_000 });
    expect(result.current.status).toBe('ended');
    expect(result.current.reason).toMatch(/^stream ended/);
    expect(result.current.total).toBe(MIST_TAIL_LINES + MIST_END_LINES);
    expect(result.current.socket.state).toBe('closed');
    unmount();
  });

  it("marks the stream 'error' with the reason when the connection fails", async () => {
    const failing = await startServer();
    try {
      const protocol = mist({ endpoint: 'container-logs', appId: 'x' });
      const { result, unmount } = renderHook(
        () =>
          useContainerLogs({
            stream: mistContainerLogStream('x'),
            socket: { url: failing.url, protocol, reconnect: false },
          }),
        { wrapper },
      );
      const client = await failing.nextClient();
      client.send(JSON.stringify({ type: 'log', data: { line: 'last words' } }));
      await waitFor(() => expect(result.current.total).toBe(1));
      client.close(1011, 'boom');
      await waitFor(() => expect(result.current.status).toBe('error'));
      expect(result.current.reason).toMatch(/1011/);
      unmount();
    } finally {
      await failing.close();
    }
  });
});

describe('useSubscription', () => {
  it('subscribes once for equal params, resubscribes after reconnect, unsubscribes on unmount', async () => {
    const url = hexaUrl('scenario=quiet&t=subs');
    const receivedOf = track();
    const { result, rerender, unmount } = renderHook(
      ({ events }: { events: string[] }) => useSubscription('workspace:ws-7', { events }, { url, protocol: hexa }),
      { wrapper, initialProps: { events: ['workspace.status_changed'] } },
    );
    await waitFor(() => expect(receivedOf('subscribe')).toHaveLength(1));
    expect(result.current.state).toBe('open');
    expect(result.current.error).toBeUndefined();
    // A new array with the same content: no new subscription.
    rerender({ events: ['workspace.status_changed'] });
    await sleep(50);
    expect(receivedOf('subscribe')).toHaveLength(1);
    // Different params: the old one goes, the new one comes.
    rerender({ events: ['workspace.*'] });
    await waitFor(() => expect(receivedOf('subscribe')).toHaveLength(2));
    await waitFor(() => expect(receivedOf('unsubscribe')).toHaveLength(1));
    act(() => result.current.socket.reconnect());
    await waitFor(() => expect(receivedOf('subscribe')).toHaveLength(3));
    expect(receivedOf('subscribe')[2]).toMatchObject({ data: { events: ['workspace.*'] } });
    unmount();
    await waitFor(() => expect(receivedOf('unsubscribe')).toHaveLength(2));
  });

  it('reports a refusal (push-only protocols have no subscriptions)', async () => {
    const protocol = mist({ endpoint: 'metrics' });
    const { result, unmount } = renderHook(() => useSubscription('anything', null, { url: server.origin, protocol }), {
      wrapper,
    });
    await waitFor(() => expect(result.current.error?.code).toBe('unsupported'));
    unmount();
  });
});

describe('useRequest and useEventInvalidation', () => {
  it('fetches a reply as a query and refetches it when a status_changed event arrives', async () => {
    const url = hexaUrl('scenario=provisioning&t=req');
    const receivedOf = track();
    const { result, unmount } = renderHook(
      () => {
        const socket = { url, protocol: hexa };
        useSubscription('workspace:ws-new', undefined, socket);
        useEventInvalidation(
          (e): e is ResourceEvent => e.kind === 'resource' && e.change === 'status_changed',
          (event) => ['workspace', event.id],
        );
        return useRequest<{ workspace_id: string; status: string }, HexabaseCommand>(
          { type: 'get_workspace_status', workspace_id: 'ws-new' },
          { socket, queryKey: ['workspace', 'ws-new'] },
        );
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.data?.workspace_id).toBe('ws-new'));
    // Provisioning ends with status_changed -> active; each change refetched the status.
    await waitFor(() => expect(result.current.data?.status).toBe('active'), { timeout: 10_000 });
    expect(receivedOf('get_workspace_status').length).toBeGreaterThanOrEqual(2);
    unmount();
  });

  it('rejects with the server error and does not retry a refusal; retries a timeout once', async () => {
    const url = hexaUrl('scenario=quiet&t=err');
    const receivedOf = track();
    const { result, unmount } = renderHook(
      () =>
        useRequest<unknown, HexabaseCommand>(
          { type: 'get_workspace_status', workspace_id: 'ws-missing' },
          { socket: { url, protocol: hexa }, queryKey: ['workspace', 'ws-missing'] },
        ),
      { wrapper },
    );
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error!.code).toBe('request_failed');
    expect(result.current.error!.detail).toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
    expect(receivedOf('get_workspace_status')).toHaveLength(1);
    unmount();

    const muted = hexaUrl('scenario=quiet&mute=1&t=mute');
    const receivedMuted = track();
    const timed = renderHook(
      () =>
        useRequest<unknown, HexabaseCommand>(
          { type: 'get_workspace_status', workspace_id: 'ws-1' },
          { socket: { url: muted, protocol: hexa }, queryKey: ['muted'], timeoutMs: 200 },
        ),
      { wrapper },
    );
    await waitFor(() => expect(timed.result.current.isError).toBe(true), { timeout: 5_000 });
    expect(timed.result.current.error!.code).toBe('request_timeout');
    // Two attempts, both timed out (the first may time out while still queued behind a slow connect).
    expect(timed.result.current.failureCount).toBe(2);
    expect(receivedMuted('get_workspace_status').length).toBeGreaterThanOrEqual(1);
    timed.unmount();
  });

  it('stays disabled while there is no connection, and when enabled is false', async () => {
    const url = hexaUrl('scenario=quiet&t=off');
    const receivedOf = track();
    const statuses: string[] = [];
    const { result, unmount } = renderHook(
      () => {
        const query = useRequest<unknown, HexabaseCommand>(
          { type: 'get_workspace_status', workspace_id: 'ws-1' },
          { socket: { url, protocol: hexa }, queryKey: ['off'], enabled: false },
        );
        const socket = useSocket({ url, protocol: hexa });
        statuses.push(query.fetchStatus);
        return { query, socket };
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.socket.state).toBe('open'));
    await sleep(50);
    expect(new Set(statuses)).toEqual(new Set(['idle']));
    expect(receivedOf('get_workspace_status')).toHaveLength(0);
    unmount();
  });
});

describe('useMetrics on live sources', () => {
  it('shows Mist system metrics', async () => {
    const protocol = mist({ endpoint: 'metrics' });
    const { result, unmount } = renderHook(
      () => useMetrics({ source: 'system', socket: { url: server.origin, protocol } }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.version).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    expect(result.current.names.length).toBeGreaterThan(0);
    const name = result.current.names[0]!;
    expect(result.current.window(name).values.length).toBeGreaterThanOrEqual(1);
    unmount();
  });

  it('derives metrics from Nexus telemetry, subscribing the channel with its filters', async () => {
    const agent = NEXUS_AGENTS[1];
    const protocol = nexus({ token: 'user-token' });
    const { result, unmount } = renderHook(
      () =>
        useMetrics({
          source: `agent:${agent}`,
          socket: { url: server.urls['/nexus']!, protocol },
          channel: 'telemetry',
          channelParams: { agent_id: agent },
          select: (m) => {
            const data = m.data as Record<string, number | string>;
            return data.agent_id === agent
              ? { cpu: Number(data.cpu_usage), memory: Number(data.memory_usage) }
              : undefined;
          },
        }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.window('cpu').values.length).toBeGreaterThanOrEqual(3), {
      timeout: 10_000,
    });
    expect(result.current.names).toEqual(['cpu', 'memory']);
    expect(result.current.latest.cpu).toBeGreaterThan(0);
    unmount();
  });
});
