import { createContext, useContext } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import type { ConnectionOptions } from '../core/connection';
import type { ConnectionRegistry } from '../core/registry';
import type { OpstreamStore } from '../core/store';

/** Connection options every hook's connection starts from (platform pieces, timeouts). */
export type ConnectionDefaults = Partial<Omit<ConnectionOptions, 'url' | 'protocol'>>;

export interface OpstreamContextValue {
  readonly store: OpstreamStore;
  readonly registry: ConnectionRegistry;
  readonly queryClient: QueryClient;
  readonly defaults: ConnectionDefaults;
}

export const OpstreamContext = createContext<OpstreamContextValue | null>(null);

const HOOK_NAME = 'opstream hooks';

/** The provider's value; throws a clear error outside `<OpstreamProvider>`. */
export function useOpstreamContext(): OpstreamContextValue {
  const value = useContext(OpstreamContext);
  if (value === null) throw new Error(`${HOOK_NAME} must be used inside <OpstreamProvider>`);
  return value;
}
