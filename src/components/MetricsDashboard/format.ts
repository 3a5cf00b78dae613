// Units, number formatting and names for metric series. Pure functions: no React, no DOM.

/** How a series' values are read and shown. */
export type MetricUnit =
  | 'percent'
  | 'ratio'
  | 'bytes'
  | 'bytesPerSecond'
  | 'cores'
  | 'count'
  | 'milliseconds'
  | 'seconds'
  | 'number';

/** Unit words that need plurals, per locale; symbols (%, KiB, ms) come from Intl or are universal. */
export interface UnitWords {
  /** "1 core" / "4 cores": gets the formatted number and the plural category. */
  cores: (value: string, plural: Intl.LDMLPluralRule) => string;
  /** Shown for a missing or non-finite value. */
  noValue: string;
}

export const defaultUnitWords: UnitWords = {
  cores: (value, plural) => `${value} ${plural === 'one' ? 'core' : 'cores'}`,
  noValue: '—',
};

// ---- Unit inference -------------------------------------------------------------------------

const PERCENT = /percent|percentage|pct|utili[sz]ation|(^|[._])usage_?%/i;
const RATIO = /ratio/i;
const RATE =
  /bytes?_?per_?s(ec(ond)?)?|bytes?ps|(^|[._])(rx|tx|ingress|egress|read|write|in|out)(_bytes)?_?(rate|per_?s(ec)?)$|(^|[._])(ingress|egress|throughput)(_rate)?$|_bps$/i;
const BYTES_GROUP = /^(mem|memory|disk|disks|storage|fs|filesystem|heap|swap|rss|volume|volumes)$/i;
const BYTES_FIELD =
  /^(used|free|total|available|avail|limit|request|requests|capacity|size|instant|average(_\w+)?|avg(_\w+)?|max|min|rss|cache|buffers|bytes|heap_?used|heap_?total)$/i;
const CPU_GROUP = /^(cpu|cpus|vcpu)$/i;
const CPU_CORES_FIELD = /^(cores|count|used|limit|request|requests|instant|average(_\w+)?|avg(_\w+)?|max|min|capacity|allocatable)$/i;
const MILLISECONDS = /(_|\.|^)(ms|millis|milliseconds)$|latency|duration_?ms|response_?time/i;
const SECONDS = /uptime|(_|\.|^)(s|sec|secs|seconds)$|duration/i;
const COUNT =
  /count|running|total|images|containers|pods|replicas|nodes|instances|jobs|tasks|threads|processes|connections|clients|sessions|restarts|errors|requests|num|number|queue|pending|active/i;

/**
 * Guesses the unit of a series from its dotted name (as the decoders flatten them): Mist
 * `cpu.usage` and `*.percent` are percentages, `memory.used` bytes, `network.rx_bytes_per_sec`
 * bytes per second, `docker.containers_running` a count; Hexabase `cpu.instant` cores.
 */
export function inferUnit(name: string): MetricUnit {
  const parts = name.split('.');
  const last = parts[parts.length - 1] ?? name;
  const group = parts[0] ?? '';
  if (PERCENT.test(last) || PERCENT.test(name)) return 'percent';
  // Mist documents cpu.usage as a percentage (0..100).
  if (CPU_GROUP.test(group) && /^usage$/i.test(last)) return 'percent';
  if (RATIO.test(last)) return 'ratio';
  if (RATE.test(last) || RATE.test(name)) return 'bytesPerSecond';
  if (/bytes?$/i.test(last)) return 'bytes';
  if (CPU_GROUP.test(group) && CPU_CORES_FIELD.test(last)) return 'cores';
  if (BYTES_GROUP.test(group) && (BYTES_FIELD.test(last) || parts.length === 1)) return 'bytes';
  if (MILLISECONDS.test(last)) return 'milliseconds';
  if (SECONDS.test(last)) return 'seconds';
  if (COUNT.test(last) || COUNT.test(group)) return 'count';
  return 'number';
}

// ---- Formatting -----------------------------------------------------------------------------

// Intl.NumberFormat construction is costly (~µs): one instance per locale and options.
const formats = new Map<string, Intl.NumberFormat>();
const numberFormat = (locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat => {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, options);
    formats.set(key, format);
  }
  return format;
};
const plurals = new Map<string, Intl.PluralRules>();
const pluralOf = (locale: string | undefined, value: number): Intl.LDMLPluralRule => {
  const key = locale ?? '';
  let rules = plurals.get(key);
  if (rules === undefined) {
    rules = new Intl.PluralRules(locale);
    plurals.set(key, rules);
  }
  return rules.select(value);
};

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;
// No-break space: a value never wraps away from its unit.
const NBSP = '\u00a0';

/** Significant digits that read well: 1.23, 12.3, 123. */
const fractionDigits = (abs: number): number => (abs === 0 || abs >= 100 ? 0 : abs >= 10 ? 1 : 2);

const formatBytes = (value: number, locale: string | undefined, suffix: string): string => {
  const abs = Math.abs(value);
  let power = 0;
  while (power < BINARY.length - 1 && abs >= 1024 ** (power + 1)) power++;
  const scaled = value / 1024 ** power;
  const digits = power === 0 ? 0 : fractionDigits(Math.abs(scaled));
  return `${numberFormat(locale, { maximumFractionDigits: digits }).format(scaled)}${NBSP}${BINARY[power]}${suffix}`;
};

const formatUnit = (value: number, locale: string | undefined, unit: string, digits: number): string =>
  numberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: digits }).format(value);

/**
 * A value in its unit, for people: `25.5%`, `3.2 GiB`, `1.4 MiB/s`, `4 cores`, `1,234`.
 * Bytes use binary prefixes (KiB, MiB, GiB); numbers use the locale's separators.
 */
export function formatMetric(
  value: number | undefined,
  unit: MetricUnit,
  locale?: string,
  words: UnitWords = defaultUnitWords,
): string {
  if (value === undefined || !Number.isFinite(value)) return words.noValue;
  const abs = Math.abs(value);
  switch (unit) {
    case 'percent':
      return formatUnit(value, locale, 'percent', abs >= 100 ? 0 : 1);
    case 'ratio':
      return formatUnit(value * 100, locale, 'percent', abs >= 1 ? 0 : 1);
    case 'bytes':
      return formatBytes(value, locale, '');
    case 'bytesPerSecond':
      return formatBytes(value, locale, '/s');
    case 'cores': {
      const text = numberFormat(locale, { maximumFractionDigits: abs >= 10 ? 1 : 2 }).format(value);
      return words.cores(text, pluralOf(locale, value));
    }
    case 'count':
      return numberFormat(locale, { maximumFractionDigits: Number.isInteger(value) ? 0 : 1 }).format(value);
    case 'milliseconds':
      return abs >= 1_000 ? formatUnit(value / 1_000, locale, 'second', 2) : formatUnit(value, locale, 'millisecond', abs >= 10 ? 0 : 1);
    case 'seconds':
      if (abs >= 7_200) return formatUnit(value / 3_600, locale, 'hour', 1);
      if (abs >= 120) return formatUnit(value / 60, locale, 'minute', 1);
      return formatUnit(value, locale, 'second', abs >= 10 ? 0 : 1);
    case 'number':
      return abs >= 1e6
        ? numberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value)
        : numberFormat(locale, { maximumFractionDigits: fractionDigits(abs) }).format(value);
  }
}

/** A window length for the selector: `1 min`, `15 min`, `1 hr` (Intl unit names, in the locale). */
export function formatWindow(ms: number, locale?: string): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return formatUnit(ms / 3_600_000, locale, 'hour', 0);
  if (ms >= 60_000) return formatUnit(ms / 60_000, locale, 'minute', 1);
  return formatUnit(ms / 1_000, locale, 'second', 0);
}

const clocks = new Map<string, Intl.DateTimeFormat>();
/** Axis ticks: `10:30 PM`, or `10:30:45 PM` with seconds (short windows). */
export function formatClock(at: number, seconds: boolean, locale?: string): string {
  const key = `${locale ?? ''}|${seconds}`;
  let format = clocks.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) });
    clocks.set(key, format);
  }
  return format.format(at);
}

const times = new Map<string, Intl.DateTimeFormat>();
/** Clock time with seconds, for table rows. */
export function formatTime(at: number, locale?: string): string {
  const key = locale ?? '';
  let format = times.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    times.set(key, format);
  }
  return format.format(at);
}

// ---- Names ----------------------------------------------------------------------------------

const KNOWN_NAMES: Readonly<Record<string, string>> = {
  'cpu.usage': 'CPU',
  'cpu.percent': 'CPU',
  'cpu.percentage': 'CPU',
  'cpu.instant': 'CPU',
  'cpu.cores': 'CPU cores',
  'cpu.used': 'CPU used',
  'cpu.limit': 'CPU limit',
  'cpu.average_5m': 'CPU (5 min avg)',
  'cpu.average_1h': 'CPU (1 h avg)',
  'memory.percent': 'Memory',
  'memory.percentage': 'Memory',
  'memory.instant': 'Memory',
  'memory.used': 'Memory used',
  'memory.total': 'Memory total',
  'memory.limit': 'Memory limit',
  'memory.average_5m': 'Memory (5 min avg)',
  'memory.average_1h': 'Memory (1 h avg)',
  'disk.percent': 'Disk',
  'disk.percentage': 'Disk',
  'disk.used': 'Disk used',
  'disk.total': 'Disk total',
  'network.rx_bytes_per_sec': 'Network in',
  'network.tx_bytes_per_sec': 'Network out',
  'network.ingress_rate': 'Ingress',
  'network.egress_rate': 'Egress',
  'docker.containers_running': 'Containers running',
  'docker.running': 'Containers running',
  'docker.containers_total': 'Containers',
  'docker.images': 'Images',
};

const ACRONYMS: Readonly<Record<string, string>> = { cpu: 'CPU', gpu: 'GPU', io: 'I/O', rx: 'RX', tx: 'TX', fs: 'FS' };

/**
 * An English name for a series: known Mist and Hexabase keys by name (`cpu.usage` -> `CPU`), others
 * from their parts (`disk.0.usedPercent` -> `Disk 0 used percent`).
 */
export function metricName(name: string): string {
  const known = KNOWN_NAMES[name];
  if (known !== undefined) return known;
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[._\-\s]+/)
    .filter((w) => w !== '')
    .map((w) => ACRONYMS[w.toLowerCase()] ?? w.toLowerCase());
  const text = words.join(' ');
  return text === '' ? name : text.charAt(0).toUpperCase() + text.slice(1);
}
