import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { Connection, ConnectionSnapshot, ConnectionStats } from '../../core/connection';

/**
 * The part of a connection ConnectionStatus reads: a core `Connection` (e.g. `useSocket().connection`)
 * fits, whatever its command type.
 */
export type ConnectionStatusSource = Pick<
  Connection<unknown>,
  'getSnapshot' | 'subscribe' | 'reconnect' | 'getStats' | 'displayUrl'
>;

const IDLE: ConnectionSnapshot = {
  state: 'idle',
  reason: { message: 'not connected yet' },
  attempt: 0,
  nextRetryAt: null,
  since: 0,
};
const idle = () => IDLE;
const subscribeNothing = () => () => {};

/** The connection's snapshot (idle while there is none), re-rendering on each state change. */
export function useConnectionSnapshot(connection: ConnectionStatusSource | null | undefined): ConnectionSnapshot {
  const subscribe = useCallback(
    (listener: () => void) => (connection ? connection.subscribe(listener) : subscribeNothing()),
    [connection],
  );
  const getSnapshot = useCallback(() => (connection ? connection.getSnapshot() : IDLE), [connection]);
  return useSyncExternalStore(subscribe, getSnapshot, idle);
}

const sameStats = (a: ConnectionStats | undefined, b: ConnectionStats | undefined): boolean => {
  if (a === undefined || b === undefined) return a === b;
  for (const key of Object.keys(a) as (keyof ConnectionStats)[]) if (a[key] !== b[key]) return false;
  return true;
};

/**
 * Counters and latency, polled: they change with every frame, so they are read every `intervalMs`
 * while `active`, and once whenever `stateKey` changes. A poll that finds nothing new renders nothing.
 */
export function useConnectionStats(
  connection: ConnectionStatusSource | null | undefined,
  active: boolean,
  intervalMs: number,
  stateKey: unknown,
): ConnectionStats | undefined {
  const [stats, setStats] = useState<ConnectionStats | undefined>(undefined);
  useEffect(() => {
    const read = () => {
      const next = connection?.getStats();
      setStats((current) => (sameStats(current, next) ? current : next));
    };
    read();
    if (!active || connection == null) return undefined;
    const timer = setInterval(read, Math.max(100, intervalMs));
    return () => clearInterval(timer);
  }, [connection, active, intervalMs, stateKey]);
  return stats;
}
