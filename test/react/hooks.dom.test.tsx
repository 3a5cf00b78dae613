// Hooks over the store, driven by ingesting events and running frames by hand: useEvents,
// useEventInvalidation, useMetrics (windows, channel-derived metrics), useContainerLogs controls.
import { QueryClient, useQuery } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { LogEvent, MessageEvent, OpstreamEvent, ResourceEvent } from '../../src/core/events';
import { useContainerLogs } from '../../src/react/useContainerLogs';
import { useEventInvalidation } from '../../src/react/useEventInvalidation';
import { useEvents } from '../../src/react/useEvents';
import { useMetrics } from '../../src/react/useMetrics';
import { TestProvider, countingStore, manualFrames, type CountingStore } from './support';

function setup(queryClient?: QueryClient) {
  const frames = manualFrames();
  const store = countingStore({ schedule: frames.schedule });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestProvider store={store} {...(queryClient === undefined ? {} : { queryClient })}>
      {children}
    </TestProvider>
  );
  /** Ingests and runs the frame, inside act. */
  const push = (...events: OpstreamEvent[]) =>
    act(() => {
      store.ingest(events);
      frames.frame();
    });
  return { store, frames, wrapper, push };
}

const log = (line: string, stream = 's'): LogEvent => ({ kind: 'log', stream, line, at: 1 });
const resource = (id: string, status: string): ResourceEvent => ({
  kind: 'resource',
  resource: 'workspace',
  id,
  change: 'status_changed',
  status,
  at: 1,
  data: {},
});
const message = (channel: string, data: unknown, at = 1): MessageEvent => ({ kind: 'message', channel, at, data });

describe('useEvents', () => {
  it('calls the latest handler for matching events without re-subscribing', () => {
    const { store, wrapper, push } = setup();
    const listen = vi.spyOn(store as CountingStore, 'listen');
    const seen: string[] = [];
    const { rerender, unmount } = renderHook(
      ({ tag }: { tag: string }) => useEvents('log', (event) => seen.push(`${tag}:${event.line}`)),
      { wrapper, initialProps: { tag: 'a' } },
    );
    expect(listen).toHaveBeenCalledTimes(1);
    push(log('one'), { kind: 'raw', at: 1, data: 1 });
    rerender({ tag: 'b' });
    push(log('two'));
    expect(seen).toEqual(['a:one', 'b:two']);
    expect(listen).toHaveBeenCalledTimes(1);
    unmount();
    push(log('three'));
    expect(seen).toEqual(['a:one', 'b:two']);
    expect(store.listeners()).toBe(0);
  });

  it('filters by a list of kinds or a predicate; a throwing handler does not cost the batch', () => {
    const { wrapper, push } = setup();
    const kinds: string[] = [];
    const channels: string[] = [];
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { unmount } = renderHook(
      () => {
        useEvents(['alert', 'resource'], (event) => kinds.push(event.kind));
        useEvents(
          (event): event is MessageEvent => event.kind === 'message' && event.channel.startsWith('t'),
          (event) => {
            if (event.data === 'boom') throw new Error('boom');
            channels.push(event.channel);
          },
        );
      },
      { wrapper },
    );
    push(
      resource('w1', 'active'),
      log('x'),
      { kind: 'alert', id: 'a', severity: 'critical', title: 't', at: 1, data: null },
      message('telemetry', 'boom'),
      message('telemetry', 1),
      message('chat', 2),
    );
    expect(kinds).toEqual(['resource', 'alert']);
    expect(channels).toEqual(['telemetry']);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
    unmount();
  });
});

describe('useEventInvalidation', () => {
  it('invalidates the mapped key once per burst and refetches it', async () => {
    const queryClient = new QueryClient();
    const { wrapper, push } = setup(queryClient);
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    let fetches = 0;
    const { result, unmount } = renderHook(
      () => {
        useEventInvalidation(
          (e): e is ResourceEvent => e.kind === 'resource' && e.change === 'status_changed',
          (event) => ['workspace', event.id],
        );
        return useQuery({ queryKey: ['workspace', 'w1'], queryFn: () => ++fetches });
      },
      { wrapper },
    );
    await vi.waitFor(() => expect(result.current.data).toBe(1));
    push(...Array.from({ length: 50 }, (_, i) => resource('w1', `s${i}`)), resource('w2', 'x'), log('noise'));
    await act(async () => {
      await Promise.resolve();
    });
    expect(invalidate).toHaveBeenCalledTimes(2);
    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toEqual([
      ['workspace', 'w1'],
      ['workspace', 'w2'],
    ]);
    await vi.waitFor(() => expect(result.current.data).toBe(2));
    unmount();
  });

  it('patches cached data with `update` instead of refetching', async () => {
    const queryClient = new QueryClient();
    const { wrapper, push } = setup(queryClient);
    queryClient.setQueryData(['workspace', 'w1'], { status: 'provisioning', other: 1 });
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    const { unmount } = renderHook(
      () =>
        useEventInvalidation('resource', (event) => ['workspace', event.id], {
          update: (data: { status: string; other: number } | undefined, event) =>
            data === undefined ? undefined : { ...data, status: event.status ?? data.status },
        }),
      { wrapper },
    );
    push(resource('w1', 'active'));
    expect(queryClient.getQueryData(['workspace', 'w1'])).toEqual({ status: 'active', other: 1 });
    expect(invalidate).not.toHaveBeenCalled();
    unmount();
  });
});

describe('useMetrics', () => {
  it('reads windows into typed buffers reused across renders', () => {
    const { wrapper, push } = setup();
    const { result, unmount } = renderHook(() => useMetrics({ source: 'system', windowMs: 10_000 }), { wrapper });
    expect(result.current.names).toEqual([]);
    expect(result.current.window('cpu').values.length).toBe(0);
    push(
      ...Array.from({ length: 60 }, (_, i): OpstreamEvent => ({
        kind: 'metrics',
        source: 'system',
        at: i * 1_000,
        values: i === 59 ? { cpu: i, mem: 2 * i } : { cpu: i },
      })),
    );
    const first = result.current.window('cpu');
    expect([...first.times]).toEqual(Array.from({ length: 11 }, (_, i) => (49 + i) * 1_000));
    expect([...first.values]).toEqual(Array.from({ length: 11 }, (_, i) => 49 + i));
    expect(result.current.names).toEqual(['cpu', 'mem']);
    expect(result.current.latest).toEqual({ cpu: 59, mem: 118 });
    expect(result.current.at).toBe(59_000);
    const names = result.current.names;
    push({ kind: 'metrics', source: 'system', at: 60_000, values: { cpu: 60 } });
    const second = result.current.window('cpu');
    expect(second.values.buffer).toBe(first.values.buffer);
    expect(second.times.buffer).toBe(first.times.buffer);
    expect(second.values.at(-1)).toBe(60);
    expect(second.values.length).toBe(11);
    expect(result.current.names).toBe(names);
    expect(result.current.version).toBe(2);
    unmount();
  });

  it('derives a source from channel messages once, however many hooks show it, without looping', () => {
    const { store, wrapper, push } = setup();
    let metricsEvents = 0;
    store.listen((events) => {
      for (const e of events) if (e.kind === 'metrics') metricsEvents++;
    });
    const { result, unmount } = renderHook(
      () => ({
        a: useMetrics({ source: 'agent-1', channel: 'telemetry' }),
        b: useMetrics({ source: 'agent-1', channel: 'telemetry' }),
        picked: useMetrics({
          source: 'agent-2',
          channel: 'telemetry',
          select: (m) => {
            const data = m.data as { agent_id: string; cpu_usage: number };
            return data.agent_id === 'agent-2' ? { cpu: data.cpu_usage } : undefined;
          },
        }),
      }),
      { wrapper },
    );
    push(
      message('telemetry', { agent_id: 'agent-1', cpu_usage: 12.5, mem: { used: '512Mi' } }, 1_000),
      message('telemetry', { agent_id: 'agent-2', cpu_usage: 40 }, 1_000),
      message('other', { cpu_usage: 99 }, 1_000),
      message('telemetry', 'not a number', 1_000),
    );
    expect(result.current.a.latest).toEqual({ cpu_usage: 40, 'mem.used': 512 * 1024 ** 2 });
    expect(result.current.a.state).toBe(result.current.b.state);
    expect(result.current.a.window('cpu_usage').values.length).toBe(2);
    expect(result.current.picked.latest).toEqual({ cpu: 40 });
    // One metrics event per numeric message per source: no loop, no duplicate deriver.
    expect(metricsEvents).toBe(3);
    unmount();
    expect(store.listeners()).toBe(1);
    push(message('telemetry', { cpu_usage: 1 }));
    expect(metricsEvents).toBe(3);
  });
});

describe('useContainerLogs (store side)', () => {
  it('pauses, resumes and clears without copying lines into React state', () => {
    const { wrapper, push } = setup();
    const { result, unmount } = renderHook(() => useContainerLogs({ stream: 's' }), { wrapper });
    expect(result.current.state).toBeUndefined();
    expect(result.current.total).toBe(0);
    push(log('a'), log('b'));
    expect(result.current.total).toBe(2);
    expect(result.current.buffer!.text(1)).toBe('b');
    const version = result.current.version;
    act(() => result.current.pause());
    expect(result.current.status).toBe('paused');
    push(log('c'), log('d'));
    expect(result.current.total).toBe(2);
    expect(result.current.buffer!.total).toBe(4);
    act(() => result.current.resume());
    expect(result.current.status).toBe('live');
    expect(result.current.total).toBe(4);
    expect(result.current.version).toBeGreaterThan(version);
    act(() => result.current.clear());
    expect(result.current.buffer!.size).toBe(0);
    expect(result.current.total).toBe(4);
    expect(result.current.dropped).toBe(0);
    unmount();
  });

  it('re-renders only for the fields a component reads (tracked, as in TanStack Query)', () => {
    const frames = manualFrames();
    const store = countingStore({ schedule: frames.schedule });
    const wrapper = ({ children }: { children: ReactNode }) => <TestProvider store={store}>{children}</TestProvider>;
    const renders = { none: 0, status: 0, total: 0 };
    const none = renderHook(() => (renders.none++, useContainerLogs({ stream: 's' }).pause), { wrapper });
    const status = renderHook(() => (renders.status++, useContainerLogs({ stream: 's' }).status), { wrapper });
    const total = renderHook(() => (renders.total++, useContainerLogs({ stream: 's' }).total), { wrapper });
    const before = { ...renders };
    for (let i = 0; i < 3; i++) {
      act(() => {
        store.ingest([log(`line ${i}`)]);
        frames.frame();
      });
    }
    expect(total.result.current).toBe(3);
    expect(renders.total - before.total).toBe(3);
    expect(renders.status - before.status).toBe(0);
    expect(renders.none - before.none).toBe(0);
    act(() => store.setStreamStatus('s', 'ended', 'done'));
    expect(status.result.current).toBe('ended');
    expect(renders.status - before.status).toBe(1);
    expect(renders.none - before.none).toBe(0);
    for (const hook of [none, status, total]) hook.unmount();
  });

  it('counts lines the ring dropped', () => {
    const frames = manualFrames();
    const store = countingStore({ schedule: frames.schedule, logCapacity: 3 });
    const wrapper = ({ children }: { children: ReactNode }) => <TestProvider store={store}>{children}</TestProvider>;
    const { result, unmount } = renderHook(() => useContainerLogs({ stream: 's' }), { wrapper });
    act(() => {
      store.ingest(['1', '2', '3', '4', '5'].map((line) => log(line)));
      frames.frame();
    });
    expect(result.current.total).toBe(5);
    expect(result.current.dropped).toBe(2);
    expect(result.current.buffer!.text(4)).toBe('5');
    unmount();
  });
});
