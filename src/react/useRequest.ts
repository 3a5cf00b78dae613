import { useQuery, type QueryKey, type UseQueryOptions, type UseQueryResult } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { OpstreamError, isOpstreamError } from '../core/errors';
import { useOpstreamContext } from './OpstreamContext';
import { noConnection, useSocket, type UseSocketOptions } from './useSocket';

export interface UseRequestOptions<T, Command> {
  /** The connection that carries the request (held while mounted). */
  socket: UseSocketOptions<Command>;
  /** The react-query key the reply is cached under. */
  queryKey: QueryKey;
  /** False: no request (the socket is still held). Default true. */
  enabled?: boolean;
  /** Reply timeout (ms); default: the connection's `requestTimeoutMs`. */
  timeoutMs?: number;
  /** Further react-query options (staleTime, select, retry...). */
  query?: Partial<Omit<UseQueryOptions<T, OpstreamError>, 'queryKey' | 'queryFn' | 'enabled'>>;
}

// A lost link or a silent server may answer a second time; a refusal will not change.
const retryTransient = (failures: number, error: OpstreamError): boolean =>
  failures < 1 && isOpstreamError(error) && (error.code === 'request_timeout' || error.code === 'connection_closed');

/**
 * A command with a reply as a react-query query: the query function is `connection.request(command)`.
 * Disabled until the connection exists (after mount; never on the server); requests made while
 * connecting wait in the connection's queue. The latest `command` is used at fetch time; hold the
 * same socket with `useSocket` (shared) to show its state.
 */
export function useRequest<T = unknown, Command = unknown>(
  command: Command,
  options: UseRequestOptions<T, Command>,
): UseQueryResult<T, OpstreamError> {
  const { queryClient } = useOpstreamContext();
  const { connection } = useSocket<Command>(options.socket);
  const latest = useRef({ command, timeoutMs: options.timeoutMs });
  useEffect(() => {
    latest.current = { command, timeoutMs: options.timeoutMs };
  });

  return useQuery<T, OpstreamError>(
    {
      retry: retryTransient,
      ...options.query,
      queryKey: options.queryKey,
      queryFn: () => {
        if (connection === null) throw noConnection();
        const { command: current, timeoutMs } = latest.current;
        return connection.request<T>(current, timeoutMs === undefined ? {} : { timeoutMs });
      },
      enabled: options.enabled !== false && connection !== null,
      // The connection has its own offline handling and queue.
      networkMode: 'always',
    },
    queryClient,
  );
}
