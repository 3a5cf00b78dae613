import { useEffect, useState } from 'react';
import type { ConnectionState } from '../../core/connection';
import type { OperationControlsLabels } from './labels';

/** The part of a ConnectionSnapshot the controls read (a snapshot from `useSocket` fits). */
export interface ControlsConnection {
  readonly state: ConnectionState;
  /** When the next retry is due (epoch ms). */
  readonly nextRetryAt?: number | null;
  readonly reason?: { readonly message: string };
}

/** Whether actions may run: no connection info means the caller handles it (standalone use). */
export const isUsable = (connection: ControlsConnection | undefined): boolean =>
  connection === undefined || connection.state === 'open';

/** Why actions are disabled, in words, with a countdown to the next retry that ticks once a second. */
export function useConnectionText(
  connection: ControlsConnection | undefined,
  labels: OperationControlsLabels,
  now: () => number,
): string | undefined {
  const retryAt = connection?.state === 'reconnecting' ? (connection.nextRetryAt ?? null) : null;
  const [, setTick] = useState(0);
  useEffect(() => {
    if (retryAt === null) return undefined;
    const timer = setInterval(() => setTick((n) => n + 1), 1_000);
    return () => clearInterval(timer);
  }, [retryAt]);

  if (connection === undefined) return undefined;
  switch (connection.state) {
    case 'open':
      return undefined;
    case 'idle':
      return labels.idle;
    case 'connecting':
    case 'authenticating':
      return labels.connecting;
    case 'reconnecting': {
      if (retryAt === null) return labels.reconnecting;
      const seconds = Math.ceil((retryAt - now()) / 1_000);
      return seconds > 0 ? labels.reconnectingIn(seconds) : labels.reconnecting;
    }
    case 'closed':
      return labels.disconnected;
    case 'failed':
      return labels.connectionFailed(connection.reason?.message ?? labels.disconnected);
  }
}
