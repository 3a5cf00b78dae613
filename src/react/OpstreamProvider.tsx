import { QueryClient, QueryClientContext, QueryClientProvider } from '@tanstack/react-query';
import { useContext, useEffect, useState, type ReactNode } from 'react';
import { createConnection, type ConnectionOptions } from '../core/connection';
import { createConnectionRegistry, type ConnectionRegistry } from '../core/registry';
import { createOpstreamStore, type OpstreamStore, type OpstreamStoreOptions } from '../core/store';
import { OpstreamContext, type ConnectionDefaults, type OpstreamContextValue } from './OpstreamContext';

export interface OpstreamProviderProps {
  children?: ReactNode;
  /** An existing store (e.g. shared with non-React code); default: a new one per provider. */
  store?: OpstreamStore;
  /** Options for the store the provider creates. */
  storeOptions?: OpstreamStoreOptions;
  /** The QueryClient to use; default: the app's (from QueryClientProvider), else a new one. */
  queryClient?: QueryClient;
  /** Defaults for every connection (WebSocket constructor, timeouts, logger...). */
  connectionDefaults?: ConnectionDefaults;
  /** How long an unused connection stays open (ms); covers StrictMode's remount. */
  graceMs?: number;
}

/**
 * Holds the store, the shared connections and a QueryClient for the hooks below it.
 * Rendering it (also on the server) opens nothing: sockets open in the hooks' effects.
 */
export function OpstreamProvider({
  children,
  store: givenStore,
  storeOptions,
  queryClient: givenClient,
  connectionDefaults,
  graceMs,
}: OpstreamProviderProps) {
  const appClient = useContext(QueryClientContext);
  const [value] = useState<OpstreamContextValue>(() => {
    const store = givenStore ?? createOpstreamStore(storeOptions);
    const defaults: ConnectionDefaults = connectionDefaults ?? {};
    const registry: ConnectionRegistry = createConnectionRegistry({
      ...(graceMs === undefined ? {} : { graceMs }),
      create: <C,>(options: ConnectionOptions<C>) => {
        const connection = createConnection<C>({ ...defaults, ...options });
        connection.onEvents((events) => store.ingest(events));
        return connection;
      },
    });
    return { store, registry, defaults, queryClient: givenClient ?? appClient ?? new QueryClient() };
  });

  const [life] = useState<{ teardown: ReturnType<typeof setTimeout> | undefined }>(() => ({ teardown: undefined }));
  useEffect(() => {
    // Deferred so that StrictMode's unmount/remount keeps the sockets; a real unmount closes them.
    clearTimeout(life.teardown);
    return () => {
      life.teardown = setTimeout(() => {
        value.registry.clear();
        if (givenStore === undefined) value.store.destroy();
      }, 0);
    };
  }, [life, value, givenStore]);

  const content = <OpstreamContext.Provider value={value}>{children}</OpstreamContext.Provider>;
  // Reuse the app's QueryClientProvider when it is the same client.
  if (appClient === value.queryClient) return content;
  return <QueryClientProvider client={value.queryClient}>{content}</QueryClientProvider>;
}
