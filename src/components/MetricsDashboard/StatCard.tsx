import { forwardRef, memo, useId, useMemo, type HTMLAttributes } from 'react';
import type { MetricSeries } from '../../core/metricSeries';
import { formatMetric, type MetricUnit } from './format';
import { mergeLabels, type MetricsLabels } from './labels';
import { thresholdState, type MetricThresholds } from './specs';

export interface StatCardProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  label: string;
  /** The current value; undefined before the first sample. */
  value: number | undefined;
  /** How to format the value (default: plain number). */
  unit?: MetricUnit;
  thresholds?: MetricThresholds;
  /** A second line, already formatted (e.g. `4 GiB of 16 GiB`). */
  detail?: string;
  /** The series to draw a trend line from; `version` redraws it (it changes in place). */
  trend?: { series: MetricSeries; version: number };
  /** Points in the trend line (default 60). */
  trendPoints?: number;
  /** BCP 47 locale for numbers (default: the browser's). */
  locale?: string | undefined;
  labels?: Partial<MetricsLabels>;
}

const STAT_CARD_NAME = 'StatCard';

/**
 * One current value: label, value in its unit, and its state against thresholds as
 * `data-state` (`empty`, `ok`, `warning`, `critical`) and as text, never by colour alone.
 */
export const StatCard = memo(
  forwardRef<HTMLDivElement, StatCardProps>(function StatCard(
    { label, value, unit = 'number', thresholds, detail, trend, trendPoints = 60, locale, labels: labelsProp, className, ...rest },
    ref,
  ) {
    const labels = useMemo(() => mergeLabels(labelsProp), [labelsProp]);
    const labelId = `${useId()}-label`;
    const state = thresholdState(value, thresholds);
    const text = formatMetric(value, unit, locale, labels);
    const percent = unit === 'percent' || unit === 'ratio';
    const fill = value === undefined || !percent ? undefined : Math.min(100, Math.max(0, unit === 'ratio' ? value * 100 : value));
    return (
      <div
        ref={ref}
        role="group"
        aria-labelledby={labelId}
        className={className === undefined ? 'opstream-stat' : `opstream-stat ${className}`}
        data-state={state}
        data-unit={unit}
        {...rest}
      >
        <span className="opstream-stat__label" id={labelId}>
          {label}
        </span>
        <span className="opstream-stat__value">
          {state === 'empty' ? (
            <>
              <span aria-hidden="true">{labels.noValue}</span>
              <span className="opstream-metrics-sr-only">{labels.noData}</span>
            </>
          ) : (
            text
          )}
        </span>
        {state === 'warning' || state === 'critical' ? (
          <span className="opstream-stat__state">{labels[state]}</span>
        ) : null}
        {fill !== undefined ? (
          <span className="opstream-stat__bar" aria-hidden="true">
            {/* Scaled, not sized: the transition then runs on the compositor, without a layout per frame. */}
            <span className="opstream-stat__fill" style={{ transform: `scaleX(${fill / 100})` }} />
          </span>
        ) : null}
        {detail !== undefined ? <span className="opstream-stat__detail">{detail}</span> : null}
        {trend !== undefined ? (
          <Sparkline series={trend.series} version={trend.version} points={trendPoints} floor={percent ? 0 : undefined} />
        ) : null}
      </div>
    );
  }),
);
StatCard.displayName = STAT_CARD_NAME;

// ---- Sparkline -----------------------------------------------------------------------------

interface SparklineProps {
  series: MetricSeries;
  version: number;
  points: number;
  floor: number | undefined;
}

const WIDTH = 100;
const HEIGHT = 24;

/** The last points as a polyline; decorative (the value is in text above). */
function Sparkline({ series, version, points, floor }: SparklineProps) {
  const path = useMemo(() => {
    void version; // the ring changes in place: the version says when
    const n = Math.min(points, series.size);
    if (n < 2) return '';
    const start = series.size - n;
    let min = floor ?? Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start; i < series.size; i++) {
      const v = series.valueAt(i);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const span = max - min || 1;
    let d = '';
    for (let i = 0; i < n; i++) {
      // Newest at the right edge: a filling ring grows leftwards.
      const x = WIDTH - ((n - 1 - i) / (points - 1)) * WIDTH;
      const y = HEIGHT - 1 - ((series.valueAt(start + i) - min) / span) * (HEIGHT - 2);
      d += `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
    }
    return d;
  }, [series, version, points, floor]);
  return (
    <svg className="opstream-stat__trend" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
      {path === '' ? null : <path d={path} fill="none" stroke="currentColor" strokeWidth="1.5" vectorEffect="non-scaling-stroke" />}
    </svg>
  );
}
