import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AlertEvent,
  ErrorEvent,
  EventError,
  LogEvent,
  MessageEvent,
  MetricsEvent,
  OperationEvent,
  OperationStatus,
  OpstreamEvent,
  RawEvent,
  ResourceEvent,
} from './events';
import { LogBuffer } from './logBuffer';
import { MetricSeries } from './metricSeries';
import { Ring } from './ring';
import { TERMINAL } from './terminal';

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export type StreamStatus = 'live' | 'paused' | 'ended' | 'error';

export interface LogStreamState {
  readonly id: string;
  /** The ring itself (shared, appended in place). Read lines below `total` only. */
  readonly buffer: LogBuffer;
  /** Bumps once per published batch of lines. */
  readonly version: number;
  /** Lines published so far (absolute end). While paused, the buffer holds more. */
  readonly total: number;
  readonly status: StreamStatus;
  /** Why the stream ended or failed, in words. */
  readonly reason?: string;
  readonly lastAt?: number;
}

export interface StepState {
  readonly id: string;
  readonly description?: string;
  readonly status: OperationStatus;
  /** Server time (epoch ms). */
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly commands: readonly string[];
  /** Absolute line range [outputFrom, outputTo) of this step's output in the operation's stream. */
  readonly outputFrom: number;
  readonly outputTo: number;
  readonly error?: EventError;
}

export interface TransitionState {
  readonly from: string;
  readonly to: string;
  readonly at: number;
  /** How many steps came before it: where a timeline draws it, whatever the clocks say. */
  readonly afterStep: number;
}

export interface OperationState {
  readonly id: string;
  readonly type: string;
  readonly status: OperationStatus;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly updatedAt: number;
  readonly steps: readonly StepState[];
  /** 0..100 */
  readonly progress?: number;
  readonly transitions: readonly TransitionState[];
  readonly message?: string;
  readonly result?: unknown;
  readonly url?: string;
  readonly error?: EventError;
  /** The log stream with this operation's output: `op:<id>`. */
  readonly stream: string;
  readonly data?: unknown;
}

export interface MetricsSourceState {
  readonly source: string;
  /** Bumps once per published batch of samples. */
  readonly version: number;
  /** One typed-array ring per series (shared, appended in place). */
  readonly series: ReadonlyMap<string, MetricSeries>;
  readonly latest: Readonly<Record<string, number>>;
  readonly at: number;
}

export interface ResourceState {
  readonly resource: string;
  readonly id: string;
  readonly status?: string;
  readonly previous?: string;
  readonly change: string;
  readonly at: number;
  readonly data: unknown;
}

export type FeedEvent = ResourceEvent | AlertEvent | ErrorEvent | RawEvent;

export interface FeedState {
  readonly version: number;
  /** Newest last; read with `ring.newestFirst()`. */
  readonly ring: Ring<FeedEvent>;
}

export interface ChannelState {
  readonly channel: string;
  readonly version: number;
  readonly ring: Ring<MessageEvent>;
  readonly last?: MessageEvent;
}

export interface OpstreamState {
  readonly operations: Readonly<Record<string, OperationState>>;
  /** Operation ids in the order they were first seen. */
  readonly operationIds: readonly string[];
  readonly logs: Readonly<Record<string, LogStreamState>>;
  readonly metrics: Readonly<Record<string, MetricsSourceState>>;
  readonly resources: Readonly<Record<string, ResourceState>>;
  readonly channels: Readonly<Record<string, ChannelState>>;
  readonly feed: FeedState;
}

// ---------------------------------------------------------------------------------------------
// Options and API
// ---------------------------------------------------------------------------------------------

/** Runs `flush` later; returns a cancel function. */
export type Scheduler = (flush: () => void) => () => void;

export interface OpstreamStoreOptions {
  /** Lines kept per log stream. */
  logCapacity?: number;
  /** Points kept per metric series. */
  metricCapacity?: number;
  /** Resource changes, alerts and errors kept in the feed. */
  feedCapacity?: number;
  /** Messages kept per channel. */
  channelCapacity?: number;
  /** When ingested events are published; default: animation frames (paced), else a microtask. */
  schedule?: Scheduler;
  /** Publish at once past this many unpublished events (a hidden tab gets no frames). */
  maxQueued?: number;
  /** Clock for operations registered before their first event. */
  now?: () => number;
}

export interface OpstreamStore extends StoreApi<OpstreamState> {
  /**
   * Takes events in: the rings (log lines, samples, messages) fill at once, and the state that points
   * at them is published, in one update, at the next scheduled flush.
   */
  ingest(events: readonly OpstreamEvent[]): void;
  /** Publishes every ingested event now, in one state update. */
  flush(): void;
  /** Called synchronously with every ingested batch (before it is applied). */
  listen(listener: (events: readonly OpstreamEvent[]) => void): () => void;
  /** Registers an operation before its first event (a started command). */
  trackOperation(id: string, type: string): void;
  setStreamStatus(stream: string, status: StreamStatus, reason?: string): void;
  clearStream(stream: string): void;
  /** Cancels a scheduled flush and drops listeners. */
  destroy(): void;
}

/** The log stream of an operation's output. */
export const operationStream = (operationId: string): string => `op:${operationId}`;

/** Key of a resource in `state.resources`. */
export const resourceKey = (resource: string, id: string): string => `${resource}/${id}`;

/**
 * Pacing of the frame flushes. Every flush re-renders, lays out, paints and rasterizes what shows the
 * new events; while events pour in, doing that at the display's rate costs more CPU than taking the
 * events in (on a small machine it slows the stream itself), for text nobody can read at that speed.
 * So the faster the flow since the last flush, the longer the wait: an event after a quiet spell is
 * applied in the next frame; then `BUSY_FLUSH_MS` (~30 flushes a second); from
 * `FLOOD_RATE` events a second (more than a screenful of lines per frame) `FLOOD_FLUSH_MS` (10 a
 * second); from `TORRENT_RATE` `TORRENT_FLUSH_MS` (4 a second). A wait ends early once `QUIET_MS`
 * pass without a new event: the last lines of a stream are shown then, not a pacing gap later.
 */
const BUSY_FLUSH_MS = 30;
const FLOOD_FLUSH_MS = 100;
const FLOOD_RATE = 2_000;
const TORRENT_FLUSH_MS = 250;
const TORRENT_RATE = 5_000;
// About a frame: shorter, and the gaps between the bursts a flood arrives in would each be drawn.
const QUIET_MS = 16;
/** Hidden tabs get no frames: a flush waits at most this long for one. */
const NO_FRAME_MS = 250;

/**
 * The animation-frame scheduler, paced as above (one per store): `pending()` is the number of events
 * waiting, `lastEventAt()` the `performance.now()` of the newest.
 */
function createFrameScheduler(pending: () => number, lastEventAt: () => number): Scheduler {
  let lastFlushAt = Number.NEGATIVE_INFINITY;
  /** The wait for the flow so far: events a second since the last flush (none after a quiet spell). */
  const gapAt = (now: number): number => {
    const rate = (pending() * 1_000) / Math.max(16, now - lastFlushAt);
    return rate >= TORRENT_RATE ? TORRENT_FLUSH_MS : rate >= FLOOD_RATE ? FLOOD_FLUSH_MS : BUSY_FLUSH_MS;
  };
  return (flush) => {
    let done = false;
    let raf: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      if (done) return;
      done = true;
      if (raf !== undefined) cancelAnimationFrame(raf);
      clearTimeout(timer);
      lastFlushAt = performance.now();
      flush();
    };
    const inNextFrame = () => {
      raf = requestAnimationFrame(run);
      timer = setTimeout(run, NO_FRAME_MS);
    };
    // The wait is a timer, not a frame callback per frame: a requested frame costs a frame's work
    // (and the compositor's) even when nothing changed, which is what pacing is there to save.
    // The flow is measured again at every check, so a burst gets its pace before its first full flush.
    const wait = () => {
      const now = performance.now();
      const left = lastFlushAt + gapAt(now) - now;
      const quiet = now - lastEventAt();
      if (left <= 0 || quiet >= QUIET_MS) {
        inNextFrame();
        return;
      }
      timer = setTimeout(wait, Math.min(left, QUIET_MS - quiet));
    };
    wait();
    return () => {
      done = true;
      if (raf !== undefined) cancelAnimationFrame(raf);
      clearTimeout(timer);
    };
  };
}

const microtaskScheduler: Scheduler = (flush) => {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) flush();
  });
  return () => {
    cancelled = true;
  };
};

interface MutableStep {
  id: string;
  description?: string;
  status: OperationStatus;
  startedAt: number;
  endedAt?: number;
  commands: string[];
  outputFrom: number;
  outputTo: number;
  error?: EventError;
}

type MutableOperation = {
  -readonly [K in keyof Omit<OperationState, 'steps' | 'transitions'>]: OperationState[K];
} & { steps: MutableStep[]; transitions: TransitionState[] };

// ---------------------------------------------------------------------------------------------
// createOpstreamStore
// ---------------------------------------------------------------------------------------------

/** The event store: zustand vanilla, published in paced animation frames, rings instead of growing arrays. */
export function createOpstreamStore(options: OpstreamStoreOptions = {}): OpstreamStore {
  const logCapacity = options.logCapacity ?? 100_000;
  const metricCapacity = options.metricCapacity ?? 3_600;
  const channelCapacity = options.channelCapacity ?? 1_000;
  const maxQueued = options.maxQueued ?? 200_000;
  const now = options.now ?? Date.now;
  // Only the frame scheduler reads the newest event's time.
  const paced = options.schedule === undefined && typeof requestAnimationFrame === 'function';
  const schedule =
    options.schedule ??
    (paced
      ? createFrameScheduler(
          () => unpublished,
          () => lastIngestAt,
        )
      : microtaskScheduler);

  const store = createStore<OpstreamState>()(() => ({
    operations: {},
    operationIds: [],
    logs: {},
    metrics: {},
    resources: {},
    channels: {},
    feed: { version: 0, ring: new Ring<FeedEvent>(options.feedCapacity ?? 500) },
  }));

  /** Events applied to the drafts since the last publish. */
  let unpublished = 0;
  let lastIngestAt = 0;
  let cancelScheduled: (() => void) | undefined;
  const listeners = new Set<(events: readonly OpstreamEvent[]) => void>();
  // Rings live outside the immutable state so that paused streams keep filling.
  const buffers = new Map<string, LogBuffer>();

  // --- per-flush drafts: each changed entry is copied once per flush, not once per event ---
  let opDrafts = new Map<string, MutableOperation>();
  let newOpIds: string[] = [];
  let dirtyStreams = new Set<string>();
  let streamTimes = new Map<string, number>();
  let dirtyMetrics = new Map<string, { latest: Record<string, number>; at: number; added: string[] }>();
  let resourceDrafts = new Map<string, ResourceState>();
  let dirtyChannels = new Map<string, MessageEvent>();
  let feedDirty = false;

  const bufferFor = (stream: string): LogBuffer => {
    let buffer = buffers.get(stream);
    if (buffer === undefined) {
      buffer = new LogBuffer(logCapacity);
      buffers.set(stream, buffer);
    }
    return buffer;
  };

  const appendLine = (stream: string, line: string, at: number, level?: string, source?: 'stdout' | 'stderr') => {
    bufferFor(stream).push(line, at, level, source);
    dirtyStreams.add(stream);
    streamTimes.set(stream, at);
  };

  const operationDraft = (id: string, type: string, at: number): MutableOperation => {
    let draft = opDrafts.get(id);
    if (draft !== undefined) return draft;
    const current = store.getState().operations[id];
    if (current === undefined) {
      draft = {
        id,
        type,
        status: 'pending',
        updatedAt: at,
        steps: [],
        transitions: [],
        stream: operationStream(id),
      };
      newOpIds.push(id);
      bufferFor(draft.stream);
      dirtyStreams.add(draft.stream);
    } else {
      draft = {
        ...current,
        steps: current.steps.map((step) => ({ ...step, commands: [...step.commands] })),
        transitions: [...current.transitions],
      };
    }
    opDrafts.set(id, draft);
    return draft;
  };

  const endRunningStep = (op: MutableOperation, at: number, status: OperationStatus) => {
    const step = op.steps.at(-1);
    if (step !== undefined && !TERMINAL.has(step.status)) {
      step.status = status;
      step.endedAt = at;
    }
  };

  const opLine = (op: MutableOperation, text: string, at: number, level?: string, source?: 'stdout' | 'stderr') => {
    const buffer = bufferFor(op.stream);
    // A chunk of output may hold many lines; one trailing newline ends it rather than adding a blank line.
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    if (body.includes('\n')) for (const line of body.split('\n')) appendLine(op.stream, line, at, level, source);
    else appendLine(op.stream, body, at, level, source);
    const step = op.steps.at(-1);
    if (step !== undefined) step.outputTo = buffer.total;
  };

  const applyOperation = (e: OperationEvent) => {
    const op = operationDraft(e.operationId, e.operationType, e.at);
    op.updatedAt = e.at;
    if (op.startedAt === undefined) op.startedAt = e.at;
    if (!TERMINAL.has(op.status) && op.status === 'pending') op.status = 'running';
    if (e.progress !== undefined) op.progress = e.progress;
    if (e.message !== undefined) op.message = e.message;
    if (e.data !== undefined && op.data === undefined) op.data = e.data;
    if (e.step !== undefined && e.phase !== 'error') {
      const existing = op.steps.find((s) => s.id === e.step!.id);
      if (existing === undefined) {
        endRunningStep(op, e.at, 'succeeded');
        const total = bufferFor(op.stream).total;
        const step: MutableStep = {
          id: e.step.id,
          status: e.step.status ?? 'running',
          startedAt: e.at,
          commands: [],
          outputFrom: total,
          outputTo: total,
        };
        if (e.step.description !== undefined) step.description = e.step.description;
        if (TERMINAL.has(step.status)) step.endedAt = e.at;
        op.steps.push(step);
      } else {
        if (e.step.description !== undefined) existing.description = e.step.description;
        if (e.step.status !== undefined) {
          existing.status = e.step.status;
          if (TERMINAL.has(e.step.status)) existing.endedAt ??= e.at;
        }
      }
    }
    switch (e.phase) {
      case 'command':
        if (e.command !== undefined) {
          op.steps.at(-1)?.commands.push(e.command);
          opLine(op, `$ ${e.command}`, e.at, 'command');
        }
        break;
      case 'output':
        if (e.stdout !== undefined && e.stdout !== '') opLine(op, e.stdout, e.at, undefined, 'stdout');
        if (e.stderr !== undefined && e.stderr !== '') opLine(op, e.stderr, e.at, undefined, 'stderr');
        break;
      case 'log':
      case 'start':
        if (e.message !== undefined) opLine(op, e.message, e.at, 'info');
        break;
      case 'transition':
        if (e.from !== undefined && e.to !== undefined) {
          op.transitions.push({ from: e.from, to: e.to, at: e.at, afterStep: op.steps.length });
          opLine(op, `→ ${e.from} → ${e.to}`, e.at, 'info');
        }
        break;
      case 'error': {
        const error = e.error ?? { code: 'operation_error', message: e.message ?? 'operation error' };
        op.error = error;
        const step = e.step === undefined ? op.steps.at(-1) : op.steps.find((s) => s.id === e.step!.id);
        if (step !== undefined) {
          step.error = error;
          step.status = 'failed';
          step.endedAt ??= e.at;
        }
        opLine(op, error.message, e.at, 'error', 'stderr');
        break;
      }
      case 'result':
      case 'complete':
        if (e.result !== undefined) op.result = e.result;
        if (e.url !== undefined) op.url = e.url;
        break;
      default:
        break;
    }
    if (e.error !== undefined && e.phase !== 'error') op.error = e.error;
    if (e.status !== undefined) op.status = e.status;
    if (e.phase === 'complete') {
      if (e.status === undefined) op.status = op.error === undefined ? 'succeeded' : 'failed';
      op.endedAt = e.at;
      endRunningStep(op, e.at, op.status === 'succeeded' ? 'succeeded' : op.status);
      if (e.progress === undefined && op.status === 'succeeded') op.progress = 100;
    } else if (TERMINAL.has(op.status)) {
      op.endedAt ??= e.at;
      endRunningStep(op, e.at, op.status);
    }
  };

  const applyError = (e: ErrorEvent) => {
    if (e.operationId !== undefined) {
      const current = opDrafts.get(e.operationId) ?? store.getState().operations[e.operationId];
      const op = operationDraft(e.operationId, current?.type ?? 'unknown', e.at);
      op.error = { code: e.code, message: e.message };
      op.status = 'failed';
      op.updatedAt = e.at;
      op.endedAt ??= e.at;
      const step = op.steps.at(-1);
      if (step !== undefined && !TERMINAL.has(step.status)) step.error = op.error;
      endRunningStep(op, e.at, 'failed');
      opLine(op, `${e.code}: ${e.message}`, e.at, 'error', 'stderr');
    }
    pushFeed(e);
  };

  const pushFeed = (e: FeedEvent) => {
    store.getState().feed.ring.push(e);
    feedDirty = true;
  };

  const applyLog = (e: LogEvent) => appendLine(e.stream, e.line, e.at, e.level, e.source);

  const applyMetrics = (e: MetricsEvent) => {
    let draft = dirtyMetrics.get(e.source);
    const current = store.getState().metrics[e.source];
    if (draft === undefined) {
      draft = { latest: { ...current?.latest }, at: e.at, added: [] };
      dirtyMetrics.set(e.source, draft);
    }
    draft.at = e.at;
    const series = seriesMaps.get(e.source) ?? new Map<string, MetricSeries>();
    seriesMaps.set(e.source, series);
    for (const name in e.values) {
      const value = e.values[name]!;
      let ring = series.get(name);
      if (ring === undefined) {
        ring = new MetricSeries(metricCapacity);
        series.set(name, ring);
        draft.added.push(name);
      }
      ring.push(e.at, value);
      draft.latest[name] = value;
    }
  };
  const seriesMaps = new Map<string, Map<string, MetricSeries>>();

  const applyResource = (e: ResourceEvent) => {
    const key = resourceKey(e.resource, e.id);
    const previous = resourceDrafts.get(key) ?? store.getState().resources[key];
    const next: { -readonly [K in keyof ResourceState]: ResourceState[K] } = {
      resource: e.resource,
      id: e.id,
      change: e.change,
      at: e.at,
      data: e.data,
    };
    const status = e.status ?? previous?.status;
    if (status !== undefined) next.status = status;
    const before = e.previous ?? (e.status !== undefined ? previous?.status : previous?.previous);
    if (before !== undefined) next.previous = before;
    resourceDrafts.set(key, next);
    pushFeed(e);
  };

  const channelRings = new Map<string, Ring<MessageEvent>>();
  const applyMessage = (e: MessageEvent) => {
    let ring = channelRings.get(e.channel);
    if (ring === undefined) {
      ring = new Ring<MessageEvent>(channelCapacity);
      channelRings.set(e.channel, ring);
    }
    ring.push(e);
    dirtyChannels.set(e.channel, e);
  };

  const apply = (e: OpstreamEvent) => {
    switch (e.kind) {
      case 'log':
        applyLog(e);
        break;
      case 'operation':
        applyOperation(e);
        break;
      case 'metrics':
        applyMetrics(e);
        break;
      case 'resource':
        applyResource(e);
        break;
      case 'alert':
        pushFeed(e);
        break;
      case 'message':
        applyMessage(e);
        break;
      case 'error':
        applyError(e);
        break;
      case 'raw':
        pushFeed(e);
        break;
    }
  };

  // Builds the next state from the drafts: new objects only for what changed.
  const publish = () => {
    const state = store.getState();
    const patch: { -readonly [K in keyof OpstreamState]?: OpstreamState[K] } = {};
    if (opDrafts.size > 0) {
      const operations: Record<string, OperationState> = { ...state.operations };
      for (const [id, draft] of opDrafts) operations[id] = draft;
      patch.operations = operations;
      if (newOpIds.length > 0) patch.operationIds = [...state.operationIds, ...newOpIds];
    }
    let logs: Record<string, LogStreamState> | undefined;
    for (const stream of dirtyStreams) {
      const current = state.logs[stream];
      if (current?.status === 'paused') continue;
      const buffer = bufferFor(stream);
      if (current !== undefined && current.total === buffer.total && current.buffer === buffer) continue;
      logs ??= { ...state.logs };
      const next: { -readonly [K in keyof LogStreamState]: LogStreamState[K] } = {
        id: stream,
        buffer,
        version: (current?.version ?? 0) + 1,
        total: buffer.total,
        status: current?.status ?? 'live',
      };
      const lastAt = streamTimes.get(stream) ?? current?.lastAt;
      if (lastAt !== undefined) next.lastAt = lastAt;
      if (current?.reason !== undefined) next.reason = current.reason;
      logs[stream] = next;
    }
    if (logs !== undefined) patch.logs = logs;
    if (dirtyMetrics.size > 0) {
      const metrics = { ...state.metrics };
      for (const [source, draft] of dirtyMetrics) {
        metrics[source] = {
          source,
          version: (state.metrics[source]?.version ?? 0) + 1,
          series: seriesMaps.get(source)!,
          latest: draft.latest,
          at: draft.at,
        };
      }
      patch.metrics = metrics;
    }
    if (resourceDrafts.size > 0) {
      const resources: Record<string, ResourceState> = { ...state.resources };
      for (const [key, next] of resourceDrafts) resources[key] = next;
      patch.resources = resources;
    }
    if (dirtyChannels.size > 0) {
      const channels = { ...state.channels };
      for (const [name, last] of dirtyChannels) {
        const version = (channels[name]?.version ?? 0) + 1;
        channels[name] = { channel: name, version, ring: channelRings.get(name)!, last };
      }
      patch.channels = channels;
    }
    if (feedDirty) patch.feed = { version: state.feed.version + 1, ring: state.feed.ring };
    if (Object.keys(patch).length > 0) store.setState(patch);
  };

  const resetDrafts = () => {
    opDrafts = new Map();
    newOpIds = [];
    dirtyStreams = new Set();
    streamTimes = new Map();
    dirtyMetrics = new Map();
    resourceDrafts = new Map();
    dirtyChannels = new Map();
    feedDirty = false;
  };

  const flush = () => {
    cancelScheduled?.();
    cancelScheduled = undefined;
    if (unpublished === 0) return;
    unpublished = 0;
    try {
      publish();
    } finally {
      resetDrafts();
    }
  };

  const setStream = (stream: string, change: (current: LogStreamState) => Partial<LogStreamState>) => {
    flush();
    const state = store.getState();
    const buffer = bufferFor(stream);
    const current: LogStreamState = state.logs[stream] ?? {
      id: stream,
      buffer,
      version: 0,
      total: buffer.total,
      status: 'live',
    };
    store.setState({ logs: { ...state.logs, [stream]: { ...current, ...change(current) } } });
  };

  return {
    ...store,
    ingest(events) {
      if (events.length === 0) return;
      for (const listener of listeners) {
        try {
          listener(events);
        } catch (error) {
          console.error('[opstream] event listener threw', error);
        }
      }
      // Applied to the drafts and rings now, published at the flush: an event object is garbage as soon
      // as it is applied, instead of waiting (and surviving young-generation GCs) in a queue.
      for (let i = 0; i < events.length; i++) apply(events[i]!);
      unpublished += events.length;
      if (paced) lastIngestAt = performance.now();
      if (unpublished >= maxQueued) flush();
      else cancelScheduled ??= schedule(flush);
    },
    flush,
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    trackOperation(id, type) {
      flush();
      if (store.getState().operations[id] !== undefined) return;
      operationDraft(id, type, now());
      publish();
      resetDrafts();
    },
    setStreamStatus(stream, status, reason) {
      setStream(stream, (current) => {
        const buffer = current.buffer;
        // Resuming publishes what arrived while paused.
        const next: Partial<{ -readonly [K in keyof LogStreamState]: LogStreamState[K] }> = { status };
        if (status !== 'paused' && current.total !== buffer.total) {
          next.total = buffer.total;
          next.version = current.version + 1;
        }
        if (reason !== undefined) next.reason = reason;
        return next;
      });
    },
    clearStream(stream) {
      setStream(stream, (current) => {
        current.buffer.clear();
        return { version: current.version + 1, total: current.buffer.total };
      });
    },
    destroy() {
      cancelScheduled?.();
      cancelScheduled = undefined;
      listeners.clear();
    },
  };
}
