import { describe, expect, it, vi } from 'vitest';
import type { OperationEvent, OpstreamEvent } from '../../src/core/events';
import { createOpstreamStore, operationStream, resourceKey, type OpstreamStoreOptions } from '../../src/core/store';

function setup(options: OpstreamStoreOptions = {}) {
  const scheduled: (() => void)[] = [];
  const store = createOpstreamStore({
    schedule: (flush) => {
      scheduled.push(flush);
      return () => {
        const i = scheduled.indexOf(flush);
        if (i >= 0) scheduled.splice(i, 1);
      };
    },
    ...options,
  });
  let updates = 0;
  store.subscribe(() => updates++);
  return { store, scheduled, updates: () => updates };
}

const op = (phase: OperationEvent['phase'], at: number, extra: Partial<OperationEvent> = {}): OperationEvent => ({
  kind: 'operation',
  operationId: 'op1',
  operationType: 'deploy',
  phase,
  at,
  ...extra,
});

describe('batching', () => {
  it('applies any number of events in one state update per scheduled flush', () => {
    const { store, scheduled, updates } = setup();
    for (let i = 0; i < 1_000; i++) store.ingest([{ kind: 'log', stream: 's', line: `l${i}`, at: i }]);
    expect(scheduled).toHaveLength(1);
    expect(store.getState().logs.s).toBeUndefined();
    scheduled[0]!();
    expect(updates()).toBe(1);
    expect(store.getState().logs.s).toMatchObject({ total: 1_000, version: 1, status: 'live' });
  });

  it('fills the rings at ingest and moves the published state at the flush', () => {
    const { store, scheduled, updates } = setup();
    store.ingest([{ kind: 'log', stream: 's', line: 'first', at: 1 }]);
    scheduled[0]!();
    const published = store.getState().logs.s!;
    store.ingest([
      { kind: 'log', stream: 's', line: 'second', at: 2 },
      { kind: 'log', stream: 's', line: 'third', at: 3 },
    ]);
    // Nothing waits in a queue: the lines are in the ring, the state still says what was published.
    expect(published.buffer.total).toBe(3);
    expect(published.buffer.text(2)).toBe('third');
    expect(store.getState().logs.s).toBe(published);
    expect(updates()).toBe(1);
    scheduled[0]!();
    expect(store.getState().logs.s).toMatchObject({ total: 3, version: 2 });
  });

  it('flush() applies at once and cancels the scheduled flush', () => {
    const { store, scheduled } = setup();
    store.ingest([{ kind: 'log', stream: 's', line: 'x', at: 1 }]);
    store.flush();
    expect(scheduled).toHaveLength(0);
    expect(store.getState().logs.s!.total).toBe(1);
  });

  it('applies at once past maxQueued (a hidden tab gets no frames)', () => {
    const { store } = setup({ maxQueued: 10 });
    for (let i = 0; i < 10; i++) store.ingest([{ kind: 'log', stream: 's', line: 'x', at: i }]);
    expect(store.getState().logs.s!.total).toBe(10);
  });

  it('without a frame, the default scheduler applies in a microtask', async () => {
    const store = createOpstreamStore();
    store.ingest([{ kind: 'log', stream: 's', line: 'x', at: 1 }]);
    expect(store.getState().logs.s).toBeUndefined();
    await Promise.resolve();
    expect(store.getState().logs.s!.total).toBe(1);
  });

  it('with frames: the next frame after a quiet spell, paced while events pour in, and soon after they stop', () => {
    // A fake 60 Hz display on fake timers and a fake clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const g = globalThis as { requestAnimationFrame?: unknown; cancelAnimationFrame?: unknown };
    let frames = 0;
    g.requestAnimationFrame = (cb: FrameRequestCallback) => {
      frames++;
      const wait = 16 - (performance.now() % 16);
      return setTimeout(() => cb(performance.now()), wait) as unknown as number;
    };
    g.cancelAnimationFrame = (id: number) => clearTimeout(id);
    try {
      const store = createOpstreamStore();
      let flushes = 0;
      store.subscribe(() => flushes++);
      const total = () => store.getState().logs.s?.total ?? 0;
      let sent = 0;
      const send = (n: number) =>
        store.ingest(Array.from({ length: n }, () => ({ kind: 'log' as const, stream: 's', line: `l${sent}`, at: sent++ })));
      // A first line: applied in the next frame.
      send(1);
      vi.advanceTimersByTime(16);
      expect(total()).toBe(1);
      /** Flushes while `perTick` events arrive every 5 ms for `ms`, and frames requested; nothing may be lost. */
      const during = (ms: number, perTick: number) => {
        vi.advanceTimersByTime(1_000);
        flushes = 0;
        frames = 0;
        for (let t = 0; t < ms; t += 5) {
          send(perTick);
          vi.advanceTimersByTime(5);
        }
        vi.advanceTimersByTime(100);
        expect(total()).toBe(sent);
        return { perSecond: (flushes * 1_000) / ms, frames, flushes };
      };
      // 200 events a second: ~30 flushes a second (each waits 30 ms, then a frame).
      const busy = during(1_000, 1);
      expect(busy.perSecond).toBeGreaterThanOrEqual(20);
      expect(busy.perSecond).toBeLessThanOrEqual(36);
      // 3 000 a second (more than a screenful of lines per frame): ~10 a second.
      const flood = during(1_000, 15);
      expect(flood.perSecond).toBeGreaterThanOrEqual(7);
      expect(flood.perSecond).toBeLessThanOrEqual(13);
      // 60 000 a second: ~4 a second.
      const torrent = during(4_000, 300);
      expect(torrent.perSecond).toBeGreaterThanOrEqual(3.5);
      expect(torrent.perSecond).toBeLessThanOrEqual(5);
      // Waiting costs no frame callbacks: one frame per flush.
      expect(torrent.frames).toBe(torrent.flushes);
      // After a quiet spell, a torrent's first events are applied in the next frame, and the next
      // flush already waits the torrent's 250 ms (the flow is measured while waiting).
      vi.advanceTimersByTime(1_000);
      flushes = 0;
      for (let t = 0; t < 200; t += 5) {
        send(300);
        vi.advanceTimersByTime(5);
      }
      expect(flushes).toBe(1);
      vi.advanceTimersByTime(1_000);
      flushes = 0;
      for (let t = 0; t < 1_000; t += 5) {
        send(300);
        vi.advanceTimersByTime(5);
      }
      // When it stops just after a flush, its last lines wait for 16 quiet ms and a frame, not for the 250 ms gap.
      const before = flushes;
      while (flushes === before) {
        send(300);
        vi.advanceTimersByTime(5);
      }
      send(300);
      const last = sent;
      vi.advanceTimersByTime(10);
      expect(total()).toBeLessThan(last);
      vi.advanceTimersByTime(25);
      expect(total()).toBe(last);
      store.destroy();
    } finally {
      vi.useRealTimers();
      delete g.requestAnimationFrame;
      delete g.cancelAnimationFrame;
    }
  });

  it('listeners see every batch synchronously', () => {
    const { store } = setup();
    const seen: OpstreamEvent[] = [];
    const stop = store.listen((events) => seen.push(...events));
    store.ingest([{ kind: 'raw', at: 1, data: 1 }]);
    stop();
    store.ingest([{ kind: 'raw', at: 2, data: 2 }]);
    expect(seen).toEqual([{ kind: 'raw', at: 1, data: 1 }]);
  });
});

describe('logs', () => {
  it('rings per stream with a capacity, counting dropped lines, never copying arrays', () => {
    const { store } = setup({ logCapacity: 100 });
    const events: OpstreamEvent[] = [];
    for (let i = 0; i < 250; i++) events.push({ kind: 'log', stream: 'app', line: `line ${i}`, at: i, level: 'info' });
    store.ingest(events);
    store.flush();
    const stream = store.getState().logs.app!;
    expect(stream.total).toBe(250);
    expect(stream.buffer.size).toBe(100);
    expect(stream.buffer.dropped).toBe(150);
    expect(stream.buffer.text(150)).toBe('line 150');
    const bufferBefore = stream.buffer;
    store.ingest([{ kind: 'log', stream: 'app', line: 'more', at: 300 }]);
    store.flush();
    expect(store.getState().logs.app!.buffer).toBe(bufferBefore);
  });

  it('a line for one stream leaves every other slice untouched (selectors stay asleep)', () => {
    const { store } = setup();
    store.ingest([
      { kind: 'log', stream: 'a', line: 'x', at: 1 },
      { kind: 'log', stream: 'b', line: 'x', at: 1 },
      { kind: 'metrics', source: 'sys', at: 1, values: { cpu: 1 } },
      op('start', 1),
    ]);
    store.flush();
    const before = store.getState();
    store.ingest([{ kind: 'log', stream: 'a', line: 'y', at: 2 }]);
    store.flush();
    const after = store.getState();
    expect(after.logs.a).not.toBe(before.logs.a);
    expect(after.logs.b).toBe(before.logs.b);
    expect(after.metrics).toBe(before.metrics);
    expect(after.operations).toBe(before.operations);
    expect(after.feed).toBe(before.feed);
  });

  it('paused streams keep filling but publish on resume; clear keeps numbering', () => {
    const { store } = setup();
    store.ingest([{ kind: 'log', stream: 's', line: '0', at: 0 }]);
    store.flush();
    store.setStreamStatus('s', 'paused');
    store.ingest([
      { kind: 'log', stream: 's', line: '1', at: 1 },
      { kind: 'log', stream: 's', line: '2', at: 2 },
    ]);
    store.flush();
    expect(store.getState().logs.s).toMatchObject({ status: 'paused', total: 1 });
    store.setStreamStatus('s', 'live');
    expect(store.getState().logs.s).toMatchObject({ status: 'live', total: 3 });
    store.clearStream('s');
    expect(store.getState().logs.s!.buffer.size).toBe(0);
    store.ingest([{ kind: 'log', stream: 's', line: '3', at: 3 }]);
    store.flush();
    expect(store.getState().logs.s!.buffer.text(3)).toBe('3');
    store.setStreamStatus('s', 'ended', 'end of stream');
    expect(store.getState().logs.s).toMatchObject({ status: 'ended', reason: 'end of stream' });
  });
});

describe('operations', () => {
  it('follows an operation through steps, commands, output, transitions and completion', () => {
    const { store } = setup();
    store.ingest([
      op('start', 1_000, { message: 'deploying' }),
      op('step', 1_100, { step: { id: 'build', description: 'Build image' } }),
      op('command', 1_150, { command: 'docker build .' }),
      op('output', 1_200, { stdout: 'Step 1/5\nStep 2/5\n', stderr: 'warning: cache miss' }),
      op('step', 2_000, { step: { id: 'push' } }),
      op('output', 2_100, { stdout: 'pushed' }),
      op('transition', 2_200, { from: 'test', to: 'deploy' }),
      op('progress', 2_300, { progress: 80 }),
      op('complete', 3_000, { status: 'succeeded', url: 'http://x.example', result: { url: 'http://x.example' } }),
    ]);
    store.flush();
    const state = store.getState();
    const o = state.operations.op1!;
    expect(state.operationIds).toEqual(['op1']);
    expect(o).toMatchObject({
      type: 'deploy',
      status: 'succeeded',
      startedAt: 1_000,
      endedAt: 3_000,
      // A success without a final figure reads as done.
      progress: 100,
      url: 'http://x.example',
      result: { url: 'http://x.example' },
      transitions: [{ from: 'test', to: 'deploy', at: 2_200, afterStep: 2 }],
      stream: 'op:op1',
    });
    expect(o.steps).toHaveLength(2);
    expect(o.steps[0]).toMatchObject({
      id: 'build',
      description: 'Build image',
      status: 'succeeded',
      startedAt: 1_100,
      endedAt: 2_000,
      commands: ['docker build .'],
    });
    expect(o.steps[1]).toMatchObject({ id: 'push', status: 'succeeded', endedAt: 3_000 });
    const log = state.logs[operationStream('op1')]!;
    const lines: string[] = [];
    log.buffer.forEach((text) => lines.push(text));
    expect(lines).toEqual(['deploying', '$ docker build .', 'Step 1/5', 'Step 2/5', 'warning: cache miss', 'pushed', '→ test → deploy']);
    // Each step knows its own slice of the output stream.
    const build = o.steps[0]!;
    expect([build.outputFrom, build.outputTo]).toEqual([1, 5]);
    expect(log.buffer.source(4)).toBe('stderr');
  });

  it('an error event tied to an operation fails it where it happened', () => {
    const { store } = setup();
    store.ingest([
      op('start', 1),
      op('step', 2, { step: { id: 'tests' } }),
      { kind: 'error', code: 'namespace_required', message: 'Call namespace_setup first', at: 3, operationId: 'op1' },
    ]);
    store.flush();
    const o = store.getState().operations.op1!;
    expect(o.status).toBe('failed');
    expect(o.error).toEqual({ code: 'namespace_required', message: 'Call namespace_setup first' });
    expect(o.steps[0]).toMatchObject({ status: 'failed', endedAt: 3, error: { code: 'namespace_required' } });
    expect(store.getState().feed.ring.last()).toMatchObject({ kind: 'error', code: 'namespace_required' });
  });

  it('a complete without status after an error is a failure', () => {
    const { store } = setup();
    store.ingest([op('start', 1), op('error', 2, { error: { code: 'x', message: 'boom' } }), op('complete', 3)]);
    store.flush();
    expect(store.getState().operations.op1!.status).toBe('failed');
  });

  it('trackOperation registers a pending operation before its first event', () => {
    const { store } = setup();
    store.trackOperation('op1', 'test');
    expect(store.getState().operations.op1).toMatchObject({ status: 'pending', type: 'test', steps: [] });
    store.ingest([op('start', 5)]);
    store.flush();
    expect(store.getState().operations.op1).toMatchObject({ status: 'running', type: 'test' });
  });
});

describe('metrics, resources, feed and channels', () => {
  it('keeps typed-array series per source with the latest values', () => {
    const { store } = setup({ metricCapacity: 5 });
    for (let i = 0; i < 8; i++) store.ingest([{ kind: 'metrics', source: 'sys', at: i * 1000, values: { cpu: i, mem: 100 + i } }]);
    store.flush();
    const m = store.getState().metrics.sys!;
    expect(m.latest).toEqual({ cpu: 7, mem: 107 });
    expect(m.series.get('cpu')!.size).toBe(5);
    expect(m.series.get('cpu')!.valueAt(0)).toBe(3);
    expect(m.version).toBe(1);
  });

  it('keeps the latest state per resource, with its previous status', () => {
    const { store } = setup();
    store.ingest([
      { kind: 'resource', resource: 'instance', id: 'i1', change: 'status_changed', status: 'starting', at: 1, data: {} },
      { kind: 'resource', resource: 'instance', id: 'i1', change: 'status_changed', status: 'running', at: 2, data: {} },
      { kind: 'alert', id: 'a1', severity: 'critical', title: 'Memory high', at: 3, data: {} },
    ]);
    store.flush();
    const state = store.getState();
    expect(state.resources[resourceKey('instance', 'i1')]).toMatchObject({ status: 'running', previous: 'starting' });
    expect(state.feed.ring.newestFirst().map((e) => e.kind)).toEqual(['alert', 'resource', 'resource']);
  });

  it('bounds the feed and channel rings', () => {
    const { store } = setup({ feedCapacity: 3, channelCapacity: 2 });
    for (let i = 0; i < 5; i++) {
      store.ingest([
        { kind: 'raw', at: i, data: i },
        { kind: 'message', channel: 'telemetry', at: i, data: { n: i } },
      ]);
    }
    store.flush();
    const state = store.getState();
    expect(state.feed.ring.newestFirst().map((e) => (e as { data: number }).data)).toEqual([4, 3, 2]);
    expect(state.channels.telemetry!.ring.size).toBe(2);
    expect(state.channels.telemetry!.last).toMatchObject({ data: { n: 4 } });
  });
});
