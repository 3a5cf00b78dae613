export { MetricsDashboard, type MetricsDashboardProps } from './MetricsDashboard';
export { MetricsChart, type MetricsChartProps } from './MetricsChart';
export { MetricsTable, type MetricsTableProps } from './MetricsTable';
export { StatCard, type StatCardProps } from './StatCard';
export { WindowSelector, DEFAULT_WINDOWS, type WindowSelectorProps } from './WindowSelector';
export { defaultMetricsLabels, type MetricsLabels } from './labels';
export { formatMetric, formatWindow, inferUnit, metricName, type MetricUnit, type UnitWords } from './format';
export {
  defaultCards,
  defaultCharts,
  thresholdState,
  type ChartSeriesSpec,
  type MetricCardSpec,
  type MetricChartSpec,
  type MetricState,
  type MetricThresholds,
} from './specs';
