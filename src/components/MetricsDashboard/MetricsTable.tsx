import { forwardRef, useId, useMemo, type HTMLAttributes } from 'react';
import { useMetricsSource } from '../../react/useMetricsSource';
import { WindowBuffers } from './align';
import { formatMetric, formatTime, inferUnit, type MetricUnit } from './format';
import { mergeLabels, windowText, type MetricsLabels } from './labels';
import { seriesName, type ChartSeriesSpec } from './specs';

export interface MetricsTableProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children' | 'title'> {
  /** The metrics source in the store (Mist: `system`). */
  source: string;
  series: readonly ChartSeriesSpec[];
  /** What the table shows, for its caption. */
  title: string;
  /** One unit for every column (default: each series' inferred unit). */
  unit?: MetricUnit;
  /** Rows from this far back of the newest sample (ms). */
  windowMs?: number;
  /** Newest rows kept (default 120): a table of an hour at 1 Hz is no help to anyone. */
  maxRows?: number;
  locale?: string | undefined;
  labels?: Partial<MetricsLabels>;
}

interface Row {
  key: string;
  at: number;
  cells: string[];
}

const METRICS_TABLE_NAME = 'MetricsTable';

/**
 * The chart's data as a table (the accessible fallback): one row per sample in the window,
 * newest first, one column per series, values formatted in their units.
 */
export const MetricsTable = forwardRef<HTMLDivElement, MetricsTableProps>(function MetricsTable(
  { source, series, title, unit, windowMs = 300_000, maxRows = 120, locale, labels: labelsProp, className, ...rest },
  ref,
) {
  const labels = useMemo(() => mergeLabels(labelsProp), [labelsProp]);
  const state = useMetricsSource(source);
  const captionId = `${useId()}-caption`;
  const names = useMemo(() => series.map(seriesName), [series]);
  const headers = useMemo(
    () => series.map((s) => (typeof s === 'string' ? labels.metric(s) : (s.label ?? labels.metric(s.metric)))),
    [series, labels],
  );

  // Reused between flushes while the table shows (it re-renders with each one).
  const buffers = useMemo(() => new WindowBuffers(names.length), [names.length]);
  const { rows, total } = useMemo(() => {
    if (state === undefined) return { rows: [] as Row[], total: 0 };
    const n = buffers.fill(
      names.map((name) => state.series.get(name)),
      state.at - windowMs,
    );
    const units = names.map((name) => unit ?? inferUnit(name));
    const out: Row[] = [];
    let previous = Number.NaN;
    let repeat = 0;
    for (let k = n - 1; k >= 0 && out.length < maxRows; k--) {
      const at = buffers.x[k]!;
      repeat = at === previous ? repeat + 1 : 0;
      previous = at;
      const cells = names.map((_, i) => {
        const v = buffers.y[i]![k]!;
        return Number.isNaN(v) ? labels.missing : formatMetric(v, units[i]!, locale, labels);
      });
      out.push({ key: repeat === 0 ? String(at) : `${at}#${repeat}`, at, cells });
    }
    return { rows: out, total: n };
  }, [state, buffers, names, windowMs, unit, maxRows, locale, labels]);

  return (
    <div
      ref={ref}
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scrollable region must take focus to scroll by keyboard
      tabIndex={0}
      role="region"
      aria-labelledby={captionId}
      className={className === undefined ? 'opstream-metrics-table' : `opstream-metrics-table ${className}`}
      data-state={state === undefined ? 'empty' : 'live'}
      {...rest}
    >
      <table>
        <caption id={captionId}>{labels.tableCaption(title, windowText(labels, windowMs, locale), rows.length, total)}</caption>
        <thead>
          <tr>
            <th scope="col">{labels.time}</th>
            {headers.map((header, i) => (
              <th scope="col" key={names[i]}>
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={names.length + 1}>{labels.waiting}</td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">
                  <time dateTime={new Date(row.at).toISOString()}>{formatTime(row.at, locale)}</time>
                </th>
                {row.cells.map((cell, i) => (
                  <td key={names[i]}>{cell}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
});
MetricsTable.displayName = METRICS_TABLE_NAME;
