import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MessageEvent, MetricsEvent } from '../core/events';
import { jsonKey } from '../core/jsonKey';
import type { MetricSeries } from '../core/metricSeries';
import type { MetricsSourceState, OpstreamStore } from '../core/store';
import { flattenNumbers } from '../protocols/fields';
import { useOpstreamContext } from './OpstreamContext';
import { useMetricsSource } from './useMetricsSource';
import { NO_SOCKET, useSocket, type SocketApi, type UseSocketOptions } from './useSocket';

/** Picks the values of one channel message; undefined skips it. */
export type MetricsSelector = (message: MessageEvent) => Readonly<Record<string, number>> | undefined;

export interface UseMetricsOptions<Command> {
  /** The metrics source: Mist `system`, Hexabase `workspace:<id>`, or any name for a derived `channel`. */
  source: string;
  /** Connection to hold while mounted; omit when another hook already holds the one that feeds the source. */
  socket?: UseSocketOptions<Command>;
  /** Span of `window(name)`, in ms back from the newest sample. Default: every point held. */
  windowMs?: number;
  /** Derive `source` from this channel's messages (Nexus `telemetry`); subscribed when `socket` is given. */
  channel?: string;
  /** Subscription params for `channel` (Nexus filters, e.g. `{ agent_id }`). */
  channelParams?: unknown;
  /** Values of one channel message; default: every numeric leaf of its data (`flattenNumbers`). */
  select?: MetricsSelector;
}

export interface MetricsWindow {
  /** Epoch ms, oldest first. A view into a buffer reused by the next call for the same series. */
  readonly times: Float64Array;
  readonly values: Float64Array;
}

export interface MetricsView<Command> {
  readonly state: MetricsSourceState | undefined;
  /** Newest value of each series. */
  readonly latest: Readonly<Record<string, number>>;
  /** Time of the newest sample (epoch ms). */
  readonly at: number | undefined;
  /** Series names, in the order they first appeared. */
  readonly names: readonly string[];
  /** Bumps once per published batch of samples. */
  readonly version: number;
  /** The series' points within `windowMs` of the newest sample; no allocation beyond two views. */
  window(name: string): MetricsWindow;
  /** The held connection (idle when no `socket` was given). */
  readonly socket: SocketApi<Command>;
}

const EMPTY_LATEST: Readonly<Record<string, number>> = Object.freeze({});
const EMPTY_NAMES: readonly string[] = Object.freeze([]);
const EMPTY_WINDOW: MetricsWindow = { times: new Float64Array(0), values: new Float64Array(0) };

/** Per-series typed arrays, sized to the ring and reused across renders and frames. */
class WindowBuffers {
  private readonly buffers = new Map<string, { series: MetricSeries; times: Float64Array; values: Float64Array }>();

  read(name: string, series: MetricSeries, since: number): MetricsWindow {
    let entry = this.buffers.get(name);
    if (entry === undefined || entry.series !== series) {
      entry = { series, times: new Float64Array(series.capacity), values: new Float64Array(series.capacity) };
      this.buffers.set(name, entry);
    }
    const n = series.copyInto(entry.times, entry.values, since);
    return { times: entry.times.subarray(0, n), values: entry.values.subarray(0, n) };
  }
}

// ---------------------------------------------------------------------------------------------
// Channel -> metrics derivation: one per store and source, however many hooks show it
// ---------------------------------------------------------------------------------------------

interface Deriver {
  refs: number;
  stop(): void;
}

const derivers = new WeakMap<OpstreamStore, Map<string, Deriver>>();

const hasKeys = (values: Readonly<Record<string, number>>): boolean => {
  for (const _ in values) return true;
  return false;
};

/** Ingests a `metrics` event for each numeric message of `channel`; returns the release function. */
function deriveMetrics(
  store: OpstreamStore,
  source: string,
  channel: string,
  select: () => MetricsSelector | undefined,
): () => void {
  let bySource = derivers.get(store);
  if (bySource === undefined) {
    bySource = new Map();
    derivers.set(store, bySource);
  }
  const perStore = bySource;
  let deriver = perStore.get(source);
  if (deriver === undefined) {
    const stop = store.listen((events) => {
      let derived: MetricsEvent[] | undefined;
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        // Only messages: the metrics events ingested below come back through here and are ignored.
        if (event.kind !== 'message' || event.channel !== channel) continue;
        const pick = select();
        let values: Readonly<Record<string, number>> | undefined;
        try {
          values = pick === undefined ? flattenNumbers(event.data) : pick(event);
        } catch (error) {
          console.error('[opstream] useMetrics select threw', error);
          continue;
        }
        if (values === undefined || !hasKeys(values)) continue;
        (derived ??= []).push({ kind: 'metrics', source, at: event.at, values: { ...values } });
      }
      if (derived !== undefined) store.ingest(derived);
    });
    deriver = { refs: 0, stop };
    perStore.set(source, deriver);
  }
  deriver.refs++;
  const held = deriver;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.refs--;
    if (held.refs > 0) return;
    held.stop();
    if (perStore.get(source) === held) perStore.delete(source);
  };
}

/**
 * One metrics source: latest values and windows of its series, re-rendering once per published
 * batch of its samples (never for logs or operations). `window(name)` fills typed arrays reused
 * across renders. With `channel`, numeric channel messages become the source's samples.
 */
export function useMetrics<Command = never>(options: UseMetricsOptions<Command>): MetricsView<Command> {
  const { store } = useOpstreamContext();
  const { source, windowMs, channel, channelParams, select } = options;
  const socket = useSocket<Command>(options.socket ?? (NO_SOCKET as UseSocketOptions<Command>));
  const { connection } = socket;
  const state = useMetricsSource(source);

  const latestSelect = useRef(select);
  const latestParams = useRef(channelParams);
  useEffect(() => {
    latestSelect.current = select;
    latestParams.current = channelParams;
  });

  useEffect(() => {
    if (channel === undefined) return undefined;
    return deriveMetrics(store, source, channel, () => latestSelect.current);
  }, [store, source, channel]);

  const paramsKey = jsonKey(channelParams);
  useEffect(() => {
    // Push-only protocols have no subscriptions: their sources need none.
    if (connection === null || channel === undefined || connection.protocol.subscriptions === undefined) {
      return undefined;
    }
    const handle = connection.subscribeTopic(channel, latestParams.current);
    return () => handle.unsubscribe();
  }, [connection, channel, paramsKey]);

  const [buffers] = useState(() => new WindowBuffers());
  const series = state?.series;
  const at = state?.at;
  const readWindow = useCallback(
    (name: string): MetricsWindow => {
      const ring = series?.get(name);
      if (ring === undefined || at === undefined) return EMPTY_WINDOW;
      return buffers.read(name, ring, windowMs === undefined ? Number.NEGATIVE_INFINITY : at - windowMs);
    },
    [buffers, series, at, windowMs],
  );

  // The series map grows in place: its size says when the names changed.
  const count = series?.size ?? 0;
  const names = useMemo(() => (series === undefined || count === 0 ? EMPTY_NAMES : [...series.keys()]), [series, count]);

  return {
    state,
    latest: state?.latest ?? EMPTY_LATEST,
    at,
    names,
    version: state?.version ?? 0,
    window: readWindow,
    socket,
  };
}
