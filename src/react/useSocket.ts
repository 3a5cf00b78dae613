import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type {
  Connection,
  ConnectionOptions,
  ConnectionSnapshot,
  ConnectionStats,
  RequestOptions,
  SendResult,
  StateReason,
  TopicHandle,
} from '../core/connection';
import { OpstreamError } from '../core/errors';
import { connectionKey } from '../core/registry';
import type { ProtocolAdapter } from '../protocols/types';
import { useOpstreamContext } from './OpstreamContext';

export interface UseSocketOptions<Command> extends ConnectionOptions<Command> {
  /** False keeps the socket closed (e.g. until the user picks a project). Default true. */
  enabled?: boolean;
}

export interface SocketApi<Command> {
  /** The shared connection, once acquired (null during the first render and on the server). */
  readonly connection: Connection<Command> | null;
  readonly snapshot: ConnectionSnapshot;
  readonly state: ConnectionSnapshot['state'];
  readonly reason: StateReason;
  send(command: Command): SendResult;
  request<T = unknown>(command: Command, options?: RequestOptions): Promise<T>;
  subscribeTopic(topic: string, params?: unknown): TopicHandle | undefined;
  reconnect(): void;
  /** Counters (frames, bytes, reconnects, latency); read on demand, they change every frame. */
  getStats(): ConnectionStats | undefined;
}

// useSocket always needs options: this placeholder holds nothing.
const NO_PROTOCOL: ProtocolAdapter<never> = { name: 'none', decode: () => [], encode: () => '' };
/** @internal Socket options that hold no connection, for hooks whose socket is optional. */
export const NO_SOCKET: UseSocketOptions<never> = { url: '', protocol: NO_PROTOCOL, enabled: false };

const IDLE: ConnectionSnapshot = {
  state: 'idle',
  reason: { message: 'not connected yet' },
  attempt: 0,
  nextRetryAt: null,
  since: 0,
};
/** @internal The error of a call made before the connection exists. */
export const noConnection = (): OpstreamError =>
  new OpstreamError('connection_closed', 'no connection yet: the socket opens after mount');
const subscribeNothing = () => () => {};
const idleSnapshot = () => IDLE;

/**
 * The shared connection for a URL and protocol: acquired on mount, released on unmount.
 * Options are read when the connection is created; changing callbacks never reconnects.
 */
export function useSocket<Command>(options: UseSocketOptions<Command>): SocketApi<Command> {
  const { registry } = useOpstreamContext();
  const key = options.enabled === false ? null : connectionKey(options as ConnectionOptions<never>);
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const [connection, setConnection] = useState<Connection<Command> | null>(null);

  useEffect(() => {
    if (key === null) return undefined;
    const lease = registry.acquire<Command>(latest.current);
    setConnection(lease.connection);
    return () => {
      lease.release();
      setConnection(null);
    };
  }, [key, registry]);

  const snapshot = useSyncExternalStore(
    connection?.subscribe ?? subscribeNothing,
    connection?.getSnapshot ?? idleSnapshot,
    idleSnapshot,
  );

  const send = useCallback(
    (command: Command): SendResult => connection?.send(command) ?? { ok: false, error: noConnection() },
    [connection],
  );
  const request = useCallback(
    <T,>(command: Command, requestOptions?: RequestOptions): Promise<T> =>
      connection === null ? Promise.reject(noConnection()) : connection.request<T>(command, requestOptions),
    [connection],
  );

  return useMemo(
    () => ({
      connection,
      snapshot,
      state: snapshot.state,
      reason: snapshot.reason,
      send,
      request,
      subscribeTopic: (topic: string, params?: unknown) => connection?.subscribeTopic(topic, params),
      reconnect: () => connection?.reconnect(),
      getStats: () => connection?.getStats(),
    }),
    [connection, snapshot, send, request],
  );
}
