import { forwardRef, useEffect, useMemo, useState, type HTMLAttributes, type ReactNode } from 'react';
import type { ConnectionSnapshot, ConnectionStats } from '../../core/connection';
import { ConnectionCounters } from './ConnectionCounters';
import { defaultConnectionStatusLabels, type ConnectionStatusLabels } from './labels';
import { useConnectionSnapshot, useConnectionStats, type ConnectionStatusSource } from './useConnectionSnapshot';

const CONNECTION_STATUS_NAME = 'ConnectionStatus';

export interface ConnectionStatusProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** The connection to show: `useSocket(...).connection` or a core `createConnection(...)`. Null shows "Not connected". */
  connection: ConnectionStatusSource | null | undefined;
  /** UI strings; English defaults. */
  labels?: Partial<ConnectionStatusLabels>;
  /** Dot, state text, latency and retry only: no reason line, no counters. */
  compact?: boolean;
  /** Show the counters disclosure (frames, bytes, reconnects, dropped). Default true; never in compact mode. */
  showCounters?: boolean;
  /** How often latency and counters are read while open (ms). Default 2000. */
  statsIntervalMs?: number;
  /** Clock (epoch ms) for the countdown; tests inject one. Use the connection's clock. */
  now?: () => number;
}

const RETRYABLE: ReadonlySet<ConnectionSnapshot['state']> = new Set(['reconnecting', 'failed']);
// The reason says something the state text does not (what was lost, who closed).
const WITH_DETAIL: ReadonlySet<ConnectionSnapshot['state']> = new Set(['reconnecting', 'closed']);

/** Re-renders when the countdown's displayed second changes, until `due`. */
function useCountdownTick(due: number | null, now: () => number): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (due === null) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      const left = due - now();
      if (left <= 0) return;
      // Wake just after the next whole-second boundary of the remaining time.
      timer = setTimeout(
        () => {
          setTick((n) => n + 1);
          schedule();
        },
        (left % 1000 || 1000) + 5,
      );
    };
    schedule();
    return () => clearTimeout(timer);
  }, [due, now]);
}

const stateText = (
  snapshot: ConnectionSnapshot,
  labels: ConnectionStatusLabels,
  seconds: number | null,
): ReactNode => {
  switch (snapshot.state) {
    case 'idle':
      return labels.idle;
    case 'connecting':
      return labels.connecting;
    case 'authenticating':
      return labels.authenticating;
    case 'open':
      return labels.open;
    case 'closed':
      return labels.closed;
    case 'failed':
      return labels.failed(snapshot.reason.message);
    case 'reconnecting':
      if (seconds === null) return labels.offline;
      if (seconds <= 0) return labels.reconnectingNow(snapshot.attempt);
      // The countdown ticks every second: live off, so only state and attempt changes are announced.
      return labels.reconnecting(
        <span className="opstream-connection__countdown" role="timer" aria-live="off">
          {labels.seconds(seconds)}
        </span>,
        snapshot.attempt,
      );
  }
};

/**
 * A connection's state at a glance: a dot and text (announced politely), the reconnect countdown
 * and attempt, latency, a "Retry now" button while reconnecting or failed, the reason, and counters.
 */
export const ConnectionStatus = forwardRef<HTMLDivElement, ConnectionStatusProps>(function ConnectionStatus(
  {
    connection,
    labels: labelOverrides,
    compact = false,
    showCounters = true,
    statsIntervalMs = 2_000,
    now = Date.now,
    className,
    ...rest
  },
  ref,
) {
  const labels = useMemo(() => ({ ...defaultConnectionStatusLabels, ...labelOverrides }), [labelOverrides]);
  const snapshot = useConnectionSnapshot(connection);
  const { state, reason, nextRetryAt } = snapshot;
  const [countersOpen, setCountersOpen] = useState(false);
  const withCounters = showCounters && !compact && connection != null;
  const stats: ConnectionStats | undefined = useConnectionStats(
    connection,
    state === 'open' || (withCounters && countersOpen),
    statsIntervalMs,
    snapshot,
  );

  const due = state === 'reconnecting' ? nextRetryAt : null;
  useCountdownTick(due, now);
  const seconds = due === null ? null : Math.max(0, Math.ceil((due - now()) / 1000));
  const offline = state === 'reconnecting' && nextRetryAt === null;
  const latency = state === 'open' ? (stats?.latencyMs ?? null) : null;

  return (
    <div
      role="group"
      aria-label={labels.region}
      {...rest}
      ref={ref}
      className={className === undefined ? 'opstream-connection' : `opstream-connection ${className}`}
      data-state={state}
      data-offline={offline ? '' : undefined}
      data-compact={compact ? '' : undefined}
    >
      <div className="opstream-connection__line">
        <span className="opstream-connection__state" role="status" data-state={state}>
          <span className="opstream-connection__dot" aria-hidden="true" />
          <span className="opstream-connection__text">{stateText(snapshot, labels, seconds)}</span>
        </span>
        {latency !== null && (
          <span className="opstream-connection__latency">
            <span className="opstream-connection__label">{labels.latency} </span>
            {labels.milliseconds(latency)}
          </span>
        )}
        {connection != null && RETRYABLE.has(state) && (
          <button
            type="button"
            className="opstream-button opstream-connection__retry"
            onClick={() => connection.reconnect()}
          >
            {labels.retry}
          </button>
        )}
      </div>
      {!compact && WITH_DETAIL.has(state) && reason.message !== '' && (
        <span className="opstream-connection__detail">{reason.message}</span>
      )}
      {withCounters && (
        <ConnectionCounters
          stats={stats}
          displayUrl={connection.displayUrl}
          labels={labels}
          onToggle={setCountersOpen}
        />
      )}
    </div>
  );
});
ConnectionStatus.displayName = CONNECTION_STATUS_NAME;
