import { useEffect, useRef } from 'react';
import type { OpstreamEvent, OpstreamEventKind } from '../core/events';
import { useOpstreamContext } from './OpstreamContext';

/** The event type of one kind: `EventOfKind<'log'>` is `LogEvent`. */
export type EventOfKind<K extends OpstreamEventKind> = Extract<OpstreamEvent, { kind: K }>;

/** Which events a listener wants: a kind, several kinds, or a predicate (a type guard narrows the handler). */
export type EventFilter =
  | OpstreamEventKind
  | readonly OpstreamEventKind[]
  | ((event: OpstreamEvent) => boolean);

/** Whether `event` passes `filter`. */
const matchesFilter = (filter: EventFilter, event: OpstreamEvent): boolean =>
  typeof filter === 'string'
    ? event.kind === filter
    : typeof filter === 'function'
      ? filter(event)
      : filter.includes(event.kind);

/**
 * Calls `handler` for every ingested event that passes `filter`, as it arrives (before the store
 * applies it). The latest `filter` and `handler` are used without re-subscribing.
 */
export function useEvents<K extends OpstreamEventKind>(
  filter: K | readonly K[],
  handler: (event: EventOfKind<K>) => void,
): void;
export function useEvents<E extends OpstreamEvent>(
  filter: (event: OpstreamEvent) => event is E,
  handler: (event: E) => void,
): void;
export function useEvents(filter: (event: OpstreamEvent) => boolean, handler: (event: OpstreamEvent) => void): void;
export function useEvents(filter: EventFilter, handler: (event: never) => void): void {
  const { store } = useOpstreamContext();
  const latest = useRef({ filter, handler: handler as (event: OpstreamEvent) => void });
  useEffect(() => {
    latest.current = { filter, handler: handler as (event: OpstreamEvent) => void };
  });

  useEffect(() => {
    const stop = store.listen((events) => {
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        const { filter: current, handler: call } = latest.current;
        if (!matchesFilter(current, event)) continue;
        try {
          call(event);
        } catch (error) {
          // One broken handler must not cost the rest of the batch.
          console.error('[opstream] useEvents handler threw', error);
        }
      }
    });
    return () => {
      stop();
    };
  }, [store]);
}
