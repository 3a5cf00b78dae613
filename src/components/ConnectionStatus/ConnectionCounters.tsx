import type { ConnectionStats } from '../../core/connection';
import type { ConnectionStatusLabels } from './labels';

export interface ConnectionCountersProps {
  stats: ConnectionStats | undefined;
  /** The URL without query or credentials. */
  displayUrl: string;
  labels: ConnectionStatusLabels;
  /** Told when the disclosure opens or closes (counters are polled only while it is open). */
  onToggle?: (open: boolean) => void;
}

const UNITS = ['B', 'kB', 'MB', 'GB'] as const;

/** 1536 -> "1.5 kB" (decimal units, as network tools show them). */
export const formatBytes = (bytes: number): string => {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
};

const count = (n: number): string => n.toLocaleString('en-US');

/** A native disclosure with the connection's counters (keyboard and screen reader support for free). */
export function ConnectionCounters({ stats, displayUrl, labels, onToggle }: ConnectionCountersProps) {
  const rows: [string, string][] = [
    [labels.endpoint, displayUrl],
    [labels.framesInOut, stats === undefined ? '—' : `${count(stats.framesIn)} / ${count(stats.framesOut)}`],
    [labels.bytesInOut, stats === undefined ? '—' : `${formatBytes(stats.bytesIn)} / ${formatBytes(stats.bytesOut)}`],
    [labels.reconnects, stats === undefined ? '—' : count(stats.reconnects)],
    [labels.dropped, stats === undefined ? '—' : count(stats.dropped)],
    [labels.errors, stats === undefined ? '—' : count(stats.errors)],
  ];
  return (
    <details className="opstream-connection__counters" onToggle={(event) => onToggle?.(event.currentTarget.open)}>
      <summary>{labels.details}</summary>
      <dl>
        {rows.map(([term, value]) => (
          <div key={term} data-term={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
