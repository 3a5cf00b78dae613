import { defaultUnitWords, formatWindow, metricName, type UnitWords } from './format';

/** Every UI string of the metrics components; pass a partial record to translate or reword. */
export interface MetricsLabels extends UnitWords {
  /** Accessible name of the dashboard. */
  dashboard: string;
  /** Shown until the source's first sample. */
  waiting: string;
  /** Text alternative of the empty value (the dash is hidden from screen readers). */
  noData: string;
  /** Name of a series without an explicit label (`cpu.usage` -> `CPU`). */
  metric: (name: string) => string;
  /** Accessible name of the stat cards' list. */
  cards: string;
  /** Accessible name of the charts' list. */
  charts: string;
  ok: string;
  warning: string;
  critical: string;
  /** Card detail line: `4 GiB of 16 GiB`. */
  ofTotal: (value: string, total: string) => string;
  /** Announced when a card crosses a threshold: `CPU critical: 95%`. */
  crossed: (metric: string, state: string, value: string) => string;
  /** The window selector's legend. */
  window: string;
  /** A window option (default: the locale's unit name, `5 min`). */
  windowOption?: (ms: number) => string;
  /** Chart title for percentages (the default usage chart). */
  usageChart: string;
  /** Chart title for byte rates (the default network chart). */
  networkChart: string;
  showTable: string;
  hideTable: string;
  /** Chart summary for screen readers, one part per series. */
  seriesSummary: (metric: string, latest: string, min: string, max: string) => string;
  /** The chart's text alternative: title and the series' summaries. */
  chartSummary: (title: string, window: string, series: readonly string[]) => string;
  /** Chart text alternative before the first sample. */
  chartWaiting: (title: string) => string;
  /** The table's first column. */
  time: string;
  tableCaption: (title: string, window: string, shown: number, total: number) => string;
  /** A row with no sample for that series. */
  missing: string;
}

const count = (n: number): string => n.toLocaleString('en-US');

export const defaultMetricsLabels: MetricsLabels = {
  ...defaultUnitWords,
  dashboard: 'Metrics',
  waiting: 'Waiting for metrics…',
  noData: 'No data',
  metric: metricName,
  cards: 'Current values',
  charts: 'Charts',
  ok: 'OK',
  warning: 'Warning',
  critical: 'Critical',
  ofTotal: (value, total) => `${value} of ${total}`,
  crossed: (metric, state, value) => `${metric} ${state.toLowerCase()}: ${value}`,
  window: 'Window',
  usageChart: 'Usage',
  networkChart: 'Network',
  showTable: 'Show as table',
  hideTable: 'Hide table',
  seriesSummary: (metric, latest, min, max) => `${metric} ${latest} (min ${min}, max ${max})`,
  chartSummary: (title, window, series) => `${title}, last ${window}: ${series.join('; ')}`,
  chartWaiting: (title) => `${title}: waiting for data`,
  time: 'Time',
  tableCaption: (title, window, shown, total) =>
    shown < total
      ? `${title}, last ${window}, newest first (${count(shown)} of ${count(total)} samples)`
      : `${title}, last ${window}, newest first (${count(total)} samples)`,
  missing: '–',
};

/** The defaults with `labels` over them; stable while `labels` is. */
export const mergeLabels = (labels: Partial<MetricsLabels> | undefined): MetricsLabels =>
  labels === undefined ? defaultMetricsLabels : { ...defaultMetricsLabels, ...labels };

/** A window length in words: `labels.windowOption`, else the locale's unit name. */
export const windowText = (labels: MetricsLabels, ms: number, locale: string | undefined): string =>
  labels.windowOption?.(ms) ?? formatWindow(ms, locale);
