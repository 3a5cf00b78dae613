import type { QueryKey } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { OpstreamEvent, OpstreamEventKind } from '../core/events';
import { useOpstreamContext } from './OpstreamContext';
import { useEvents, type EventOfKind } from './useEvents';

/** A fixed query key, or one computed per event (undefined: leave the cache alone). */
export type InvalidationTarget<E> = QueryKey | ((event: E) => QueryKey | undefined);

export interface EventInvalidationOptions<E, TData = unknown> {
  /** Patch the cached data in place instead of refetching (`setQueryData`); return it unchanged to skip. */
  update?: (data: TData | undefined, event: E) => TData | undefined;
}

/**
 * Keeps react-query data in step with pushed events: each matching event invalidates (or, with
 * `update`, patches) the query key it maps to, e.g. a Hexabase `workspace.status_changed`
 * resource event -> `['workspace', id]`. Invalidations are coalesced per microtask, so a burst
 * of events refetches each key once.
 */
export function useEventInvalidation<K extends OpstreamEventKind, TData = unknown>(
  filter: K | readonly K[],
  target: InvalidationTarget<EventOfKind<K>>,
  options?: EventInvalidationOptions<EventOfKind<K>, TData>,
): void;
export function useEventInvalidation<E extends OpstreamEvent, TData = unknown>(
  filter: (event: OpstreamEvent) => event is E,
  target: InvalidationTarget<E>,
  options?: EventInvalidationOptions<E, TData>,
): void;
export function useEventInvalidation<TData = unknown>(
  filter: (event: OpstreamEvent) => boolean,
  target: InvalidationTarget<OpstreamEvent>,
  options?: EventInvalidationOptions<OpstreamEvent, TData>,
): void;
export function useEventInvalidation(
  filter: OpstreamEventKind | readonly OpstreamEventKind[] | ((event: OpstreamEvent) => boolean),
  target: InvalidationTarget<never>,
  options: EventInvalidationOptions<never, unknown> = {},
): void {
  const { queryClient } = useOpstreamContext();
  const latest = useRef({ target, update: options.update });
  useEffect(() => {
    latest.current = { target, update: options.update };
  });
  // Keys waiting for this microtask's invalidation, by their hash.
  const pending = useRef<Map<string, QueryKey> | null>(null);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  useEvents(filter as (event: OpstreamEvent) => boolean, (event) => {
    const { target: t, update } = latest.current as {
      target: InvalidationTarget<OpstreamEvent>;
      update: EventInvalidationOptions<OpstreamEvent>['update'];
    };
    const key = typeof t === 'function' ? t(event) : t;
    if (key === undefined) return;
    if (update !== undefined) {
      queryClient.setQueryData(key, (data: unknown) => update(data, event));
      return;
    }
    let batch = pending.current;
    if (batch === null) {
      batch = new Map();
      pending.current = batch;
      queueMicrotask(() => {
        const keys = pending.current;
        pending.current = null;
        if (keys === null || !alive.current) return;
        for (const queryKey of keys.values()) void queryClient.invalidateQueries({ queryKey });
      });
    }
    batch.set(JSON.stringify(key), key);
  });
}
