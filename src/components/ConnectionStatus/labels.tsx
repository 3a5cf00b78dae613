import type { ReactNode } from 'react';

/** Every UI string of ConnectionStatus; pass a partial record to translate or reword. */
export interface ConnectionStatusLabels {
  /** Accessible name of the whole widget. */
  region: string;
  idle: string;
  connecting: string;
  authenticating: string;
  open: string;
  /** `countdown` is an element holding `seconds(n)`; it ticks without being announced. */
  reconnecting: (countdown: ReactNode, attempt: number) => ReactNode;
  /** The retry is due now (its timer is about to fire). */
  reconnectingNow: (attempt: number) => ReactNode;
  /** Reconnecting with no retry scheduled: the browser reports no network. */
  offline: string;
  closed: string;
  failed: (reason: string) => string;
  seconds: (n: number) => string;
  retry: string;
  latency: string;
  milliseconds: (n: number) => string;
  /** Summary of the counters disclosure. */
  details: string;
  endpoint: string;
  framesInOut: string;
  bytesInOut: string;
  reconnects: string;
  dropped: string;
  errors: string;
}

const attemptSuffix = (attempt: number): string => (attempt > 0 ? ` (attempt ${attempt})` : '');

export const defaultConnectionStatusLabels: ConnectionStatusLabels = {
  region: 'Connection',
  idle: 'Not connected',
  connecting: 'Connecting…',
  authenticating: 'Authenticating…',
  open: 'Connected',
  reconnecting: (countdown, attempt) => (
    <>
      Reconnecting in {countdown}
      {attemptSuffix(attempt)}
    </>
  ),
  reconnectingNow: (attempt) => `Reconnecting…${attemptSuffix(attempt)}`,
  offline: 'Offline — waiting for the network',
  closed: 'Closed',
  failed: (reason) => `Failed: ${reason}`,
  seconds: (n) => `${n} s`,
  retry: 'Retry now',
  latency: 'Latency',
  milliseconds: (n) => `${Math.round(n)} ms`,
  details: 'Details',
  endpoint: 'Endpoint',
  framesInOut: 'Frames in / out',
  bytesInOut: 'Bytes in / out',
  reconnects: 'Reconnects',
  dropped: 'Dropped',
  errors: 'Errors',
};
