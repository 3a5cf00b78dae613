import { inferUnit, type MetricUnit } from './format';

/** Values at or past which a card turns `warning` / `critical`. */
export interface MetricThresholds {
  warning?: number;
  critical?: number;
  /** `above` (default): high is bad (CPU). `below`: low is bad (free disk, running replicas). */
  direction?: 'above' | 'below';
}

/** One stat card of the dashboard. */
export interface MetricCardSpec {
  /** Series name, e.g. `cpu.usage`. */
  metric: string;
  /** Default: `labels.metric(metric)`. */
  label?: string;
  /** Default: inferred from the name. */
  unit?: MetricUnit;
  thresholds?: MetricThresholds;
  /** A second line `<value> of <total>`, e.g. `{ value: 'memory.used', total: 'memory.total' }`. */
  detail?: { value?: string; total: string; unit?: MetricUnit };
  /** A small trend line of the last points (default true). */
  sparkline?: boolean;
}

/** A series in a chart: its name, or its name with a label. */
export type ChartSeriesSpec = string | { metric: string; label?: string };

/** One chart of the dashboard. */
export interface MetricChartSpec {
  /** Stable key (default: the title). */
  id?: string;
  title: string;
  series: readonly ChartSeriesSpec[];
  /** Default: the first series' inferred unit. */
  unit?: MetricUnit;
}

export type MetricState = 'empty' | 'ok' | 'warning' | 'critical';

/** Where a value stands against its thresholds. */
export function thresholdState(value: number | undefined, thresholds: MetricThresholds | undefined): MetricState {
  if (value === undefined || !Number.isFinite(value)) return 'empty';
  if (thresholds === undefined) return 'ok';
  const below = thresholds.direction === 'below';
  const past = (limit: number | undefined) => limit !== undefined && (below ? value <= limit : value >= limit);
  if (past(thresholds.critical)) return 'critical';
  if (past(thresholds.warning)) return 'warning';
  return 'ok';
}

export const seriesName = (spec: ChartSeriesSpec): string => (typeof spec === 'string' ? spec : spec.metric);

// ---- Defaults from the series present --------------------------------------------------------

interface CardRule {
  /** Candidate series, first present wins. */
  names: readonly string[];
  pattern?: RegExp;
  thresholds?: MetricThresholds;
  detail?: (has: (name: string) => boolean) => MetricCardSpec['detail'];
}

const pair = (value: string, total: string) => (has: (name: string) => boolean) =>
  has(value) && has(total) ? { value, total } : undefined;

// Mist (`cpu.usage`, `memory.percent`, `docker.containers_running`…) and Hexabase (`cpu.percentage`…).
const CARD_RULES: readonly CardRule[] = [
  {
    names: ['cpu.usage', 'cpu.percent', 'cpu.percentage', 'cpu.usage_percent', 'cpu.usagePercent', 'cpu'],
    thresholds: { warning: 75, critical: 90 },
  },
  {
    names: ['memory.percent', 'memory.percentage', 'memory.usedPercent', 'memory.used_percent', 'mem.percent'],
    thresholds: { warning: 80, critical: 90 },
    detail: (has) => pair('memory.used', 'memory.total')(has) ?? pair('memory.used', 'memory.limit')(has),
  },
  {
    names: ['disk.percent', 'disk.percentage', 'disk.usedPercent', 'disk.used_percent'],
    pattern: /^disks?\.[^.]+\.(used_?percent|percent|percentage)$/i,
    thresholds: { warning: 80, critical: 90 },
    detail: pair('disk.used', 'disk.total'),
  },
  {
    names: ['docker.containers_running', 'docker.running', 'containers.running'],
    detail: (has) =>
      has('docker.containers_total') ? { total: 'docker.containers_total' } : has('containers.total') ? { total: 'containers.total' } : undefined,
  },
  { names: ['network.rx_bytes_per_sec', 'network.ingress_rate', 'network.rx', 'network.in'] },
  { names: ['network.tx_bytes_per_sec', 'network.egress_rate', 'network.tx', 'network.out'] },
];

/** Series that hold a fixed size (totals, limits, core counts): shown as details, not as lines. */
const CONSTANT = /(^|[._])(total|limit|capacity|cores|size|allocatable)$/i;

const MAX_CARDS = 6;
const MAX_CHART_SERIES = 8;

/** Stat cards for the series present: CPU, memory, disk, containers, network; else the first few. */
export function defaultCards(names: readonly string[]): MetricCardSpec[] {
  const present = new Set(names);
  const has = (name: string) => present.has(name);
  const cards: MetricCardSpec[] = [];
  for (const rule of CARD_RULES) {
    const metric = rule.names.find(has) ?? (rule.pattern === undefined ? undefined : names.find((n) => rule.pattern!.test(n)));
    if (metric === undefined) continue;
    const card: MetricCardSpec = { metric };
    if (rule.thresholds !== undefined) card.thresholds = rule.thresholds;
    const detail = rule.detail?.(has);
    if (detail !== undefined) card.detail = detail;
    cards.push(card);
  }
  if (cards.length > 0) return cards;
  return names
    .filter((n) => !CONSTANT.test(n))
    .slice(0, MAX_CARDS)
    .map((metric) => ({ metric }));
}

const GROUP_ORDER: readonly MetricUnit[] = [
  'percent',
  'ratio',
  'bytesPerSecond',
  'cores',
  'bytes',
  'milliseconds',
  'seconds',
  'count',
  'number',
];

/**
 * Charts for the series present: one per unit (percentages together, byte rates together…),
 * leaving out fixed sizes. With percentages or rates present, only those (usage and network).
 */
export function defaultCharts(
  names: readonly string[],
  titles: { usage: string; network: string; metric: (name: string) => string },
): MetricChartSpec[] {
  const groups = new Map<MetricUnit, string[]>();
  for (const name of names) {
    if (CONSTANT.test(name)) continue;
    const unit = inferUnit(name);
    let group = groups.get(unit);
    if (group === undefined) groups.set(unit, (group = []));
    if (group.length < MAX_CHART_SERIES) group.push(name);
  }
  const main = ['percent', 'bytesPerSecond'] as const;
  const units = main.some((u) => groups.has(u)) ? main.filter((u) => groups.has(u)) : GROUP_ORDER.filter((u) => groups.has(u));
  return units.map((unit) => {
    const series = groups.get(unit)!;
    const title =
      unit === 'percent' ? titles.usage : unit === 'bytesPerSecond' ? titles.network : series.map(titles.metric).join(', ');
    return { id: unit, title, series, unit };
  });
}
