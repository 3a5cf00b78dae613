import { forwardRef, useCallback, useEffect, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import type uPlot from 'uplot';
import { useMetrics } from '../../react/useMetrics';
import { formatMetric, inferUnit } from './format';
import { mergeLabels, type MetricsLabels } from './labels';
import { MetricsChart } from './MetricsChart';
import {
  defaultCards,
  defaultCharts,
  thresholdState,
  type MetricCardSpec,
  type MetricChartSpec,
  type MetricState,
} from './specs';
import { StatCard } from './StatCard';
import { DEFAULT_WINDOWS, WindowSelector } from './WindowSelector';

export interface MetricsDashboardProps extends Omit<HTMLAttributes<HTMLElement>, 'children'> {
  /** The metrics source in the store (default `system`, Mist's; Hexabase: `workspace:<id>`). */
  source?: string;
  /** Stat cards (default: CPU, memory, disk, containers, network, from the series present). */
  cards?: readonly MetricCardSpec[];
  /** Charts (default: usage in percent and network rates, from the series present). */
  charts?: readonly MetricChartSpec[];
  /** Time window in ms (controlled). */
  windowMs?: number;
  /** Initial window when uncontrolled (default 5 min). */
  defaultWindowMs?: number;
  onWindowMsChange?: (ms: number) => void;
  /** Windows offered (default 1 min, 5 min, 15 min, 1 h). */
  windows?: readonly number[];
  /** Plot height in CSS pixels (default 180). */
  chartHeight?: number;
  /** Newest rows in the data tables (default 120). */
  tableRows?: number;
  /** Locale for numbers and times (default: the browser's). */
  locale?: string | undefined;
  labels?: Partial<MetricsLabels>;
  /** Each chart's uPlot instance once created (null when destroyed), by chart id. */
  onChart?: (chartId: string, chart: uPlot | null) => void;
}

const METRICS_DASHBOARD_NAME = 'MetricsDashboard';

/**
 * Stat cards, streaming charts and a window selector for one metrics source. It re-renders once
 * per store flush that brought samples of its source (cards); charts update without rendering.
 */
export const MetricsDashboard = forwardRef<HTMLElement, MetricsDashboardProps>(function MetricsDashboard(
  {
    source = 'system',
    cards,
    charts,
    windowMs,
    defaultWindowMs = 300_000,
    onWindowMsChange,
    windows = DEFAULT_WINDOWS,
    chartHeight,
    tableRows,
    locale,
    labels: labelsProp,
    onChart,
    className,
    ...rest
  },
  ref,
) {
  const labels = useMemo(() => mergeLabels(labelsProp), [labelsProp]);
  const { state, latest, names, version } = useMetrics({ source });
  const [ownWindow, setOwnWindow] = useState(defaultWindowMs);
  const selectedWindow = windowMs ?? ownWindow;
  // Stable across ticks (and inline handlers), so the memoized selector does not re-render with the cards.
  const windowProps = useRef({ windowMs, onWindowMsChange });
  useEffect(() => {
    windowProps.current = { windowMs, onWindowMsChange };
  });
  const selectWindow = useCallback((ms: number) => {
    if (windowProps.current.windowMs === undefined) setOwnWindow(ms);
    windowProps.current.onWindowMsChange?.(ms);
  }, []);

  const cardSpecs = useMemo(() => cards ?? defaultCards(names), [cards, names]);
  const chartSpecs = useMemo(
    () => charts ?? defaultCharts(names, { usage: labels.usageChart, network: labels.networkChart, metric: labels.metric }),
    [charts, names, labels],
  );

  // ---- cards and their threshold states ----
  const cardViews = cardSpecs.map((spec) => {
    const unit = spec.unit ?? inferUnit(spec.metric);
    const value = latest[spec.metric];
    let detail: string | undefined;
    if (spec.detail !== undefined) {
      const detailValue = latest[spec.detail.value ?? spec.metric];
      const total = latest[spec.detail.total];
      if (detailValue !== undefined && total !== undefined) {
        const detailUnit = spec.detail.unit ?? inferUnit(spec.detail.value ?? spec.detail.total);
        detail = labels.ofTotal(formatMetric(detailValue, detailUnit, locale, labels), formatMetric(total, detailUnit, locale, labels));
      }
    }
    const label = spec.label ?? labels.metric(spec.metric);
    return { spec, unit, value, detail, label, state: thresholdState(value, spec.thresholds) };
  });

  // Threshold crossings are announced once (the values themselves are not: they change every second).
  const [announcement, setAnnouncement] = useState('');
  const previous = useRef(new Map<string, MetricState>());
  const statesKey = cardViews.map((c) => `${c.spec.metric}=${c.state}`).join('|');
  const latestViews = useRef(cardViews);
  useEffect(() => {
    latestViews.current = cardViews;
  });
  useEffect(() => {
    const messages: string[] = [];
    for (const card of latestViews.current) {
      const before = previous.current.get(card.spec.metric);
      previous.current.set(card.spec.metric, card.state);
      if (before === card.state) continue;
      const alarm = card.state === 'warning' || card.state === 'critical';
      const recovered = card.state === 'ok' && (before === 'warning' || before === 'critical');
      if (alarm || recovered) {
        messages.push(labels.crossed(card.label, labels[card.state as 'ok' | 'warning' | 'critical'], formatMetric(card.value, card.unit, locale, labels)));
      }
    }
    if (messages.length > 0) setAnnouncement(messages.join('. '));
  }, [statesKey, labels, locale]);

  const onChartRef = useRef(onChart);
  useEffect(() => {
    onChartRef.current = onChart;
  });
  // One stable callback per chart, so charts never re-render for it.
  const chartCallbacks = useMemo(
    () =>
      new Map(
        chartSpecs.map((chart) => {
          const id = chart.id ?? chart.title;
          return [id, (instance: uPlot | null) => onChartRef.current?.(id, instance)] as const;
        }),
      ),
    [chartSpecs],
  );

  return (
    <section
      ref={ref}
      aria-label={labels.dashboard}
      className={className === undefined ? 'opstream-metrics' : `opstream-metrics ${className}`}
      data-state={state === undefined ? 'empty' : 'live'}
      {...rest}
    >
      <div className="opstream-metrics__toolbar">
        <WindowSelector
          value={selectedWindow}
          onValueChange={selectWindow}
          options={windows}
          labels={labels}
          locale={locale}
        />
      </div>
      {state === undefined ? (
        <p className="opstream-metrics__waiting" role="status">
          {labels.waiting}
        </p>
      ) : null}
      {cardViews.length > 0 ? (
        <ul className="opstream-metrics__cards" aria-label={labels.cards}>
          {cardViews.map((card) => {
            const ring = card.spec.sparkline === false ? undefined : state?.series.get(card.spec.metric);
            return (
              <li key={card.spec.metric}>
                <StatCard
                  label={card.label}
                  value={card.value}
                  unit={card.unit}
                  labels={labels}
                  {...(card.spec.thresholds === undefined ? {} : { thresholds: card.spec.thresholds })}
                  {...(card.detail === undefined ? {} : { detail: card.detail })}
                  {...(ring === undefined ? {} : { trend: { series: ring, version } })}
                  locale={locale}
                />
              </li>
            );
          })}
        </ul>
      ) : null}
      {chartSpecs.length > 0 ? (
        <div className="opstream-metrics__charts">
          {chartSpecs.map((chart) => {
            const id = chart.id ?? chart.title;
            return (
              <MetricsChart
                key={id}
                source={source}
                series={chart.series}
                title={chart.title}
                windowMs={selectedWindow}
                labels={labels}
                onChart={chartCallbacks.get(id)!}
                {...(chart.unit === undefined ? {} : { unit: chart.unit })}
                {...(chartHeight === undefined ? {} : { height: chartHeight })}
                {...(tableRows === undefined ? {} : { tableRows })}
                locale={locale}
              />
            );
          })}
        </div>
      ) : null}
      <p className="opstream-metrics-sr-only" role="status">
        {announcement}
      </p>
    </section>
  );
});
MetricsDashboard.displayName = METRICS_DASHBOARD_NAME;
