// Shared pieces of the React hook tests: a real `ws` client, a store that counts its listeners,
// manual frames, timers that count what is pending.
import { useEffect, type ReactNode } from 'react';
import { WebSocket } from 'ws';
import type { Timers, WebSocketConstructor } from '../../src/core/connection';
import { createOpstreamStore, type OpstreamStore, type OpstreamStoreOptions, type Scheduler } from '../../src/core/store';
import { useOpstreamContext, type OpstreamContextValue } from '../../src/react/OpstreamContext';
import { OpstreamProvider, type OpstreamProviderProps } from '../../src/react/OpstreamProvider';

export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

export interface CountingStore extends OpstreamStore {
  /** Live `listen` listeners (event listeners). */
  listeners(): number;
  /** Live zustand `subscribe` listeners (every selector hook holds one). */
  subscribers(): number;
}

export function countingStore(options?: OpstreamStoreOptions): CountingStore {
  const base = createOpstreamStore(options);
  let listeners = 0;
  let subscribers = 0;
  const counted = (inc: () => void, dec: () => void, off: () => void) => {
    inc();
    let active = true;
    return () => {
      if (active) dec();
      active = false;
      off();
    };
  };
  return {
    ...base,
    listen: (listener) =>
      counted(
        () => listeners++,
        () => listeners--,
        base.listen(listener),
      ),
    subscribe: (listener) =>
      counted(
        () => subscribers++,
        () => subscribers--,
        base.subscribe(listener),
      ),
    listeners: () => listeners,
    subscribers: () => subscribers,
  };
}

/** A scheduler whose frames run only when the test says so. */
export function manualFrames(): { schedule: Scheduler; frame(): void; pending(): boolean } {
  let queued: (() => void) | undefined;
  return {
    schedule: (flush) => {
      queued = flush;
      return () => {
        if (queued === flush) queued = undefined;
      };
    },
    frame: () => {
      const flush = queued;
      queued = undefined;
      flush?.();
    },
    pending: () => queued !== undefined,
  };
}

/** Real timers that count what is scheduled and not yet fired or cleared. */
export function countingTimers(): Timers & { pending(): number } {
  const live = new Set<ReturnType<typeof setTimeout>>();
  return {
    setTimeout(callback, ms) {
      const handle = setTimeout(() => {
        live.delete(handle);
        callback();
      }, ms);
      live.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      live.delete(handle as ReturnType<typeof setTimeout>);
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
    pending: () => live.size,
  };
}

/** A provider for tests: the `ws` client, no page signals, plus whatever the test adds. */
export function TestProvider({ children, ...props }: OpstreamProviderProps & { children?: ReactNode }) {
  return (
    <OpstreamProvider
      {...props}
      connectionDefaults={{ WebSocket: NodeWebSocket, environment: null, ...props.connectionDefaults }}
    >
      {children}
    </OpstreamProvider>
  );
}

/** Hands the provider's value (store, registry, query client) to the test once mounted. */
export function ContextProbe({ onContext }: { onContext: (value: OpstreamContextValue) => void }) {
  const value = useOpstreamContext();
  useEffect(() => {
    onContext(value);
  }, [value, onContext]);
  return null;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
