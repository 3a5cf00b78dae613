import { forwardRef, memo, useEffect, useId, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import uPlot from 'uplot';
import type { MetricSeries } from '../../core/metricSeries';
import { useOpstreamContext } from '../../react/OpstreamContext';
import { summarize, WindowBuffers } from './align';
import { decimatedLinePaths } from './decimate';
import { formatClock, formatMetric, formatTime, inferUnit, type MetricUnit } from './format';
import { mergeLabels, windowText, type MetricsLabels } from './labels';
import { MetricsTable } from './MetricsTable';
import { seriesName, type ChartSeriesSpec } from './specs';
import { dashFor, observeTheme, readChartTheme } from './theme';

export interface MetricsChartProps extends Omit<HTMLAttributes<HTMLElement>, 'children' | 'title'> {
  /** The metrics source in the store (Mist: `system`; Hexabase: `workspace:<id>`). */
  source: string;
  /** Series to draw, by name (`cpu.usage`) or with a label. */
  series: readonly ChartSeriesSpec[];
  title: string;
  /** Unit of the y axis (default: the first series' inferred unit). */
  unit?: MetricUnit;
  /** Time shown, back from the newest sample (ms; default 5 min). */
  windowMs?: number;
  /** Plot height in CSS pixels, axes included (default 180). */
  height?: number;
  locale?: string | undefined;
  labels?: Partial<MetricsLabels>;
  /** The data table shown instead of the plot (controlled). */
  showTable?: boolean;
  defaultShowTable?: boolean;
  onShowTableChange?: (shown: boolean) => void;
  /** Newest rows in the table (default 120). */
  tableRows?: number;
  /** The uPlot instance once created (null when destroyed): for plugins, cursor sync, tests. */
  onChart?: (chart: uPlot | null) => void;
}

const METRICS_CHART_NAME = 'MetricsChart';
const EMPTY = new Float64Array(0);
// Summaries are for screen readers, which do not read a label ten times a second.
const SUMMARY_INTERVAL_MS = 500;
// Charts this close to the viewport count as on screen: drawn before they scroll in.
const ON_SCREEN_MARGIN = '100px';
// Free space between two x-axis labels, and the least distance between ticks, in CSS pixels.
const CLOCK_GAP = 16;
const MIN_TICK_SPACE = 60;
// uPlot's time ticks go … 15 s, 30 s, 1 min …: the longest with seconds in its labels.
const LONGEST_SECONDS_TICK = 30_000;
// The widest clock of a day (two-digit hour, 8s, PM): what the x axis must leave room for.
const WIDEST_CLOCK = new Date(2000, 0, 1, 22, 58, 58).getTime();

// 1, 2, 4 … 512 times each power of 1024: byte axes tick at 256 MiB, 1 GiB, 2 GiB.
const BINARY_INCRS = Array.from({ length: 6 * 10 }, (_, i) => 2 ** (i % 10) * 1024 ** Math.floor(i / 10));

const yRange = (unit: MetricUnit): uPlot.Scale.Range =>
  unit === 'percent'
    ? { min: { soft: 0, mode: 2 }, max: { soft: 100, mode: 2 } }
    : { min: { soft: 0, mode: 1, pad: 0.1 }, max: { soft: 0, mode: 3, pad: 0.1 } };

let measureContext: CanvasRenderingContext2D | null | undefined;
/** Width of `text` in `font`, in CSS pixels (an estimate where canvas has no text metrics). */
function textWidth(text: string, font: string): number {
  if (measureContext === undefined) measureContext = document.createElement('canvas').getContext('2d');
  if (measureContext === null || typeof measureContext.measureText !== 'function') return text.length * 7;
  measureContext.font = font;
  return measureContext.measureText(text).width;
}

/** Typed-array views of the first `n` points, made again only when `n` or the buffer changes. */
class Views {
  private readonly sources: (Float64Array | undefined)[] = [];
  private readonly lengths: number[] = [];
  private readonly views: Float64Array[] = [];

  get(slot: number, source: Float64Array, n: number): Float64Array {
    if (this.sources[slot] !== source || this.lengths[slot] !== n) {
      this.sources[slot] = source;
      this.lengths[slot] = n;
      this.views[slot] = source.subarray(0, n);
    }
    return this.views[slot]!;
  }
}

/**
 * A streaming uPlot line chart of one or more series of a metrics source. Data goes from the
 * store's rings (MetricSeries.copyInto) into Float64Arrays reused between frames, and to uPlot
 * with one `setData` per store flush that touched the source; React does not re-render for it.
 * Lines are drawn with at most two vertices per pixel column (`decimatedLinePaths`). A chart off
 * screen or in a hidden tab keeps its buffers and summary current but draws only once it shows.
 * The plot has `role="img"` and a summary (latest, min, max) as its name; the data is also a table.
 */
export const MetricsChart = memo(
  forwardRef<HTMLElement, MetricsChartProps>(function MetricsChart(
    {
      source,
      series,
      title,
      unit,
      windowMs = 300_000,
      height = 180,
      locale,
      labels: labelsProp,
      showTable,
      defaultShowTable = false,
      onShowTableChange,
      tableRows,
      onChart,
      className,
      ...rest
    },
    ref,
  ) {
    const { store } = useOpstreamContext();
    const labels = useMemo(() => mergeLabels(labelsProp), [labelsProp]);
    const id = useId();
    const titleId = `${id}-title`;
    const tableId = `${id}-table`;
    const plotRef = useRef<HTMLDivElement>(null);

    const namesKey = series.map(seriesName).join('\n');
    const seriesLabels = useMemo(
      () => series.map((s) => (typeof s === 'string' ? labels.metric(s) : (s.label ?? labels.metric(s.metric)))),
      [series, labels],
    );
    const labelsKey = seriesLabels.join('\n');
    const chartUnit = unit ?? inferUnit(seriesName(series[0] ?? ''));

    const [hasData, setHasData] = useState(false);
    const [ownShowTable, setOwnShowTable] = useState(defaultShowTable);
    const tableShown = showTable ?? ownShowTable;
    // Bumped when the theme's colours change: the chart is made again with the new ones.
    const [themeEpoch, setThemeEpoch] = useState(0);
    const themeKey = useRef('');
    const windowRef = useRef(windowMs);
    const updateRef = useRef<(() => void) | undefined>(undefined);
    const onChartRef = useRef(onChart);
    useEffect(() => {
      onChartRef.current = onChart;
    });

    useEffect(() => {
      const element = plotRef.current;
      if (element === null) return undefined;
      const names = namesKey === '' ? [] : namesKey.split('\n');
      const theme = readChartTheme(element);
      themeKey.current = theme.key;
      const format = (v: number) => formatMetric(v, chartUnit, locale, labels);
      const binary = chartUnit === 'bytes' || chartUnit === 'bytesPerSecond';

      const buffers = new WindowBuffers(names.length);
      const views = new Views();
      const rings: (MetricSeries | undefined)[] = names.map(() => undefined);
      const data: Float64Array[] = [EMPTY, ...names.map(() => EMPTY)];
      // The window read from the store (buffers) and the one last handed to uPlot (drawn).
      let since = 0;
      let until = 1;
      let points = 0;
      let xMin = 0;
      let xMax = 1;

      const axis = (values?: uPlot.Axis['values']): uPlot.Axis => ({
        stroke: theme.muted,
        font: theme.font,
        grid: { stroke: theme.grid, width: 1 },
        ticks: { stroke: theme.grid, width: 1, size: 4 },
        ...(values === undefined ? {} : { values }),
      });
      // Label widths by text: uPlot asks for the axis size on every redraw, the labels rarely change.
      const labelWidths = new Map<string, number>();
      const yAxis: uPlot.Axis = {
        ...axis((_u, splits) => splits.map(format)),
        ...(binary ? { incrs: BINARY_INCRS } : {}),
        // Wide enough for the longest label ("1.5 GiB/s"), measured in the axis font.
        size: (_u, values) => {
          let widest = 0;
          for (const value of values ?? []) {
            let width = labelWidths.get(value);
            if (width === undefined) {
              if (labelWidths.size > 256) labelWidths.clear();
              width = textWidth(value, theme.font);
              labelWidths.set(value, width);
            }
            widest = Math.max(widest, width);
          }
          return Math.max(40, Math.ceil(widest) + 14);
        },
      };
      // Tick spacing by label width: a window of a minute or two ticks every few seconds, and a label
      // with seconds (a 12-hour one especially) needs more room than the 60 px that suit "10:30".
      const clockSpace = (seconds: boolean) =>
        Math.max(MIN_TICK_SPACE, Math.ceil(textWidth(formatClock(WIDEST_CLOCK, seconds, locale), theme.font)) + CLOCK_GAP);
      const minuteLabel = clockSpace(false);
      const secondLabel = clockSpace(true);
      const xSpace = (_u: uPlot, _axis: number, min: number, max: number, width: number): number =>
        // Room for minute labels would still allow ticks under a minute apart, which show seconds.
        width > 0 && ((max - min) / width) * minuteLabel <= LONGEST_SECONDS_TICK ? secondLabel : minuteLabel;
      const options: uPlot.Options = {
        width: Math.max(120, Math.floor(element.clientWidth)),
        height,
        ms: 1,
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 6 } },
        scales: { x: { time: true, range: () => [xMin, xMax] }, y: { range: yRange(chartUnit) } },
        axes: [
          {
            // Seconds only when ticks fall between minutes; one line, no date (the window is recent).
            ...axis((_u, splits, _axis, _space, increment) =>
              splits.map((t) => formatClock(t, increment % 60_000 !== 0, locale)),
            ),
            space: xSpace,
          },
          yAxis,
        ],
        series: [
          // Without a cursor (idx null) the legend shows the newest point rather than blanks.
          { value: (u, v, _s, idx) => legendValue(u, v, idx, 0, (t) => formatTime(t, locale)) },
          ...names.map(
            (_name, i): uPlot.Series => ({
              label: seriesLabels[i] ?? names[i]!,
              stroke: theme.palette[i % theme.palette.length]!,
              width: 1.5,
              ...(dashFor(i, theme.palette.length) === undefined ? {} : { dash: dashFor(i, theme.palette.length)! }),
              points: { show: false },
              paths: decimatedLinePaths(),
              value: (u, v, _s, idx) => legendValue(u, v, idx, i + 1, format),
            }),
          ),
        ],
      };
      const legendValue = (u: uPlot, v: number | null, idx: number | null, slot: number, show: (v: number) => string): string => {
        // The newest point drawn (the buffers may be ahead while the chart is off screen).
        const values = u.data[slot];
        const value = idx == null ? (values === undefined || values.length === 0 ? null : values[values.length - 1]) : v;
        return value == null || Number.isNaN(value) ? labels.noValue : show(value);
      };
      const chart = new uPlot(options, data as uPlot.AlignedData, element);
      // The legend is uPlot's layout table of mouse-driven values; the data table is the accessible view.
      const legend = chart.root.querySelector('.u-legend');
      legend?.setAttribute('role', 'presentation');
      legend?.setAttribute('aria-hidden', 'true');

      // ---- text alternative: latest, min and max per series, at most twice a second ----
      const stats = { latest: 0, min: 0, max: 0 };
      let summaryAt = Number.NEGATIVE_INFINITY;
      let summaryTimer: ReturnType<typeof setTimeout> | undefined;
      const writeSummary = () => {
        summaryTimer = undefined;
        summaryAt = performance.now();
        if (points === 0) {
          element.setAttribute('aria-label', labels.chartWaiting(title));
          return;
        }
        const parts: string[] = [];
        for (let i = 0; i < names.length; i++) {
          summarize(buffers.y[i]!, points, stats);
          parts.push(labels.seriesSummary(seriesLabels[i] ?? names[i]!, format(stats.latest), format(stats.min), format(stats.max)));
        }
        element.setAttribute('aria-label', labels.chartSummary(title, windowText(labels, windowRef.current, locale), parts));
      };
      const scheduleSummary = () => {
        if (summaryTimer !== undefined) return;
        const wait = summaryAt + SUMMARY_INTERVAL_MS - performance.now();
        if (wait <= 0) writeSummary();
        else summaryTimer = setTimeout(writeSummary, wait);
      };

      // ---- data: one copy per store flush that touched the source, one setData when it can be seen ----
      let onScreen = true; // until the observer says otherwise
      let behind = false; // the buffers moved on since the last setData
      const visible = () => onScreen && document.visibilityState !== 'hidden';
      const draw = () => {
        behind = false;
        xMin = since;
        xMax = until;
        data[0] = points === 0 ? EMPTY : views.get(0, buffers.x, points);
        for (let i = 0; i < names.length; i++) data[i + 1] = points === 0 ? EMPTY : views.get(i + 1, buffers.y[i]!, points);
        chart.setData(data as uPlot.AlignedData);
      };
      let seen: unknown;
      /** Reads the window from the store; draws it when visible, or when `force`d (a window switch). */
      const update = (force: boolean) => {
        const state = store.getState().metrics[source];
        seen = state;
        if (state === undefined) {
          points = 0;
          // Nothing yet: the axis shows the window up to now rather than 1970.
          until = Date.now();
          since = until - windowRef.current;
        } else {
          for (let i = 0; i < names.length; i++) rings[i] = state.series.get(names[i]!);
          since = state.at - windowRef.current;
          until = state.at;
          points = buffers.fill(rings, since);
        }
        if (force || visible()) draw();
        else behind = true;
        setHasData(points > 0);
        scheduleSummary();
      };
      updateRef.current = () => update(true);
      update(true);
      const unsubscribe = store.subscribe((state) => {
        if (state.metrics[source] !== seen) update(false);
      });
      const catchUp = () => {
        if (behind && visible()) draw();
      };
      const intersection =
        typeof IntersectionObserver === 'function'
          ? new IntersectionObserver(
              (entries) => {
                const entry = entries[entries.length - 1];
                if (entry === undefined) return;
                onScreen = entry.isIntersecting;
                catchUp();
              },
              { rootMargin: ON_SCREEN_MARGIN },
            )
          : undefined;
      intersection?.observe(element);
      document.addEventListener('visibilitychange', catchUp);

      // Width follows the container; a hidden plot (table shown) keeps its size.
      const resize =
        typeof ResizeObserver === 'function'
          ? new ResizeObserver((entries) => {
              const width = Math.floor(entries[0]?.contentRect.width ?? 0);
              if (width <= 0 || width === chart.width) return;
              // One redraw at the new size, with the newest data when the buffers are ahead.
              chart.batch(() => {
                chart.setSize({ width, height });
                if (behind) draw();
              });
            })
          : undefined;
      resize?.observe(element);
      onChartRef.current?.(chart);

      return () => {
        unsubscribe();
        resize?.disconnect();
        intersection?.disconnect();
        document.removeEventListener('visibilitychange', catchUp);
        clearTimeout(summaryTimer);
        updateRef.current = undefined;
        chart.destroy();
        onChartRef.current?.(null);
      };
    }, [store, source, namesKey, labelsKey, chartUnit, height, locale, labels, title, themeEpoch]); // eslint-disable-line react-hooks/exhaustive-deps -- seriesLabels is read through labelsKey

    // Window changes redraw from the rings; no new chart.
    useEffect(() => {
      if (windowRef.current === windowMs) return;
      windowRef.current = windowMs;
      updateRef.current?.();
    }, [windowMs]);

    useEffect(
      () =>
        observeTheme(() => {
          const element = plotRef.current;
          if (element !== null && readChartTheme(element).key !== themeKey.current) setThemeEpoch((n) => n + 1);
        }),
      [],
    );

    const toggleTable = () => {
      const next = !tableShown;
      if (showTable === undefined) setOwnShowTable(next);
      onShowTableChange?.(next);
    };

    return (
      <figure
        ref={ref}
        aria-labelledby={titleId}
        className={className === undefined ? 'opstream-chart' : `opstream-chart ${className}`}
        data-state={hasData ? 'live' : 'empty'}
        data-view={tableShown ? 'table' : 'chart'}
        {...rest}
      >
        <figcaption className="opstream-chart__header">
          <span className="opstream-chart__title" id={titleId}>
            {title}
          </span>
          <button
            type="button"
            className="opstream-button opstream-chart__toggle"
            aria-pressed={tableShown}
            aria-controls={tableShown ? tableId : undefined}
            onClick={toggleTable}
          >
            {labels.showTable}
          </button>
        </figcaption>
        <div className="opstream-chart__body" hidden={tableShown}>
          <div
            className="opstream-chart__plot"
            ref={plotRef}
            role="img"
            // The effect keeps this up to date (latest, min, max); React renders only the first one.
            aria-label={labels.chartWaiting(title)}
            style={{ minHeight: height }}
          />
          {hasData ? null : (
            <p className="opstream-chart__empty" aria-hidden="true">
              {labels.waiting}
            </p>
          )}
        </div>
        {tableShown ? (
          <MetricsTable
            id={tableId}
            source={source}
            series={series}
            title={title}
            windowMs={windowMs}
            locale={locale}
            labels={labels}
            unit={chartUnit}
            {...(tableRows === undefined ? {} : { maxRows: tableRows })}
          />
        ) : null}
      </figure>
    );
  }),
);
MetricsChart.displayName = METRICS_CHART_NAME;
