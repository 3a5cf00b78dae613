import { useEffect, useRef, useState } from 'react';
import type { ConnectionState, TopicHandle } from '../core/connection';
import type { OpstreamError } from '../core/errors';
import { jsonKey } from '../core/jsonKey';
import { useSocket, type SocketApi, type UseSocketOptions } from './useSocket';

export interface SubscriptionResult<Command> {
  /** Set when the subscription was refused client-side (limit, unsupported, encoding). */
  readonly error: OpstreamError | undefined;
  /** The connection's state: the server sees the subscription while this is `open`. */
  readonly state: ConnectionState;
  readonly socket: SocketApi<Command>;
}

/**
 * Subscribes `topic` (with `params`) on the shared connection while mounted; `null` subscribes
 * nothing. The connection resubscribes after reconnects. Params are compared by JSON, so a new
 * object with the same content keeps the subscription.
 */
export function useSubscription<Command>(
  topic: string | null,
  params: unknown,
  socket: UseSocketOptions<Command>,
): SubscriptionResult<Command> {
  const api = useSocket<Command>(socket);
  const { connection } = api;
  const key = jsonKey(params);
  const latestParams = useRef(params);
  useEffect(() => {
    latestParams.current = params;
  });
  // The live handle carries its own refusal; state so that a refusal renders.
  const [current, setCurrent] = useState<TopicHandle | undefined>(undefined);

  useEffect(() => {
    if (connection === null || topic === null) return undefined;
    const handle = connection.subscribeTopic(topic, latestParams.current);
    setCurrent(handle);
    return () => {
      handle.unsubscribe();
      setCurrent(undefined);
    };
  }, [connection, topic, key]);

  return {
    error: current?.error,
    state: api.state,
    socket: api,
  };
}
