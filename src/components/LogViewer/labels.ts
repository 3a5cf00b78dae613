/** Every string the LogViewer shows or announces; `{name}` placeholders are filled in. */
export interface LogViewerLabels {
  /** Accessible name of the scrolling log region. */
  region: string;
  toolbar: string;
  search: string;
  searchPlaceholder: string;
  previousMatch: string;
  nextMatch: string;
  /** "{current} of {count}" */
  matchPosition: string;
  /** "{count} matches" */
  matchCount: string;
  noMatches: string;
  invalidPattern: string;
  searching: string;
  regex: string;
  filter: string;
  wrap: string;
  follow: string;
  copy: string;
  /** "Copied {count} lines" */
  copied: string;
  copyFailed: string;
  download: string;
  /** "{count} new lines" (the jump button). */
  newLines: string;
  jumpToEnd: string;
  /** "{count} lines" */
  lines: string;
  /** "{count} dropped" */
  dropped: string;
  waiting: string;
  ended: string;
  error: string;
  noMatchingLines: string;
  /** Stream status names. */
  live: string;
  paused: string;
  /** "{count} new lines" (screen reader announcement, at most every ~2 s). */
  announce: string;
  /** "Show all ({size})" on a truncated line. */
  expand: string;
  collapse: string;
  /** "Line {line} is no longer in the buffer" */
  lineGone: string;
}

export const DEFAULT_LOG_VIEWER_LABELS: LogViewerLabels = {
  region: 'Log output',
  toolbar: 'Log controls',
  search: 'Search logs',
  searchPlaceholder: 'Search…',
  previousMatch: 'Previous match',
  nextMatch: 'Next match',
  matchPosition: '{current} of {count}',
  matchCount: '{count} matches',
  noMatches: 'No matches',
  invalidPattern: 'Invalid pattern',
  searching: 'Searching…',
  regex: 'Regex',
  filter: 'Only matches',
  wrap: 'Wrap',
  follow: 'Follow',
  copy: 'Copy',
  copied: 'Copied {count} lines',
  copyFailed: 'Could not copy: the browser denied clipboard access',
  download: 'Download',
  newLines: '{count} new lines',
  jumpToEnd: 'Jump to end',
  lines: '{count} lines',
  dropped: '{count} dropped',
  waiting: 'Waiting for logs…',
  ended: 'Stream ended',
  error: 'Stream error',
  noMatchingLines: 'No matching lines',
  live: 'Live',
  paused: 'Paused',
  announce: '{count} new lines',
  expand: 'Show all ({size})',
  collapse: 'Collapse',
  lineGone: 'Line {line} is no longer in the buffer',
};

/** Fills `{name}` placeholders. */
export const fill = (template: string, values: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));

const numberFormat = typeof Intl === 'undefined' ? undefined : new Intl.NumberFormat();

/** A count in the user's locale (12,345 / 12 345). */
export const formatCount = (n: number): string => (numberFormat === undefined ? String(n) : numberFormat.format(n));

/** A character count as a size: 1.2 MB, 48 kB, 900 chars. */
export const formatChars = (n: number): string =>
  n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)} MB` : n >= 1_000 ? `${Math.round(n / 1_000)} kB` : `${n} chars`;
