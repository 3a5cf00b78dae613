import {
  forwardRef,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type FocusEvent,
  type HTMLAttributes,
  type KeyboardEvent,
} from 'react';
import type { FeedEvent } from '../../core/store';
import { useFeed } from '../../react/useFeed';
import { FeedItem } from './FeedItem';
import { FEED_SEVERITIES, feedSeverity, formatAbsoluteTime, inferResourceContext, type FeedSeverity } from './format';
import { defaultEventFeedLabels, severityLabel, type EventFeedLabels } from './labels';
import { SeverityIcon } from './SeverityIcon';
import { useFeedAnnouncer } from './useFeedAnnouncer';

const EVENT_FEED_NAME = 'EventFeed';

/** Which feed events to show at all (the user's severity toggles narrow it further). */
export interface EventFeedFilter {
  kinds?: readonly FeedEvent['kind'][];
  severities?: readonly FeedSeverity[];
  /** Any other condition (a workspace, a resource type...). */
  match?: (event: FeedEvent) => boolean;
}

export interface EventFeedProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children' | 'onSelect'> {
  /** Most rows in the DOM (newest first). Default 100. */
  limit?: number;
  filter?: EventFeedFilter;
  /** UI strings; English defaults. */
  labels?: Partial<EventFeedLabels>;
  /** The absolute time of an event (tooltip). Default: the user's locale. */
  formatTime?: (at: number) => string;
  /** Makes each title a button that reports its event. */
  onSelect?: (event: FeedEvent) => void;
  /** Show the severity toggles. Default true. */
  showSeverityFilter?: boolean;
  /** At most one announcement of new events per this many ms; false for none. Default 5000. */
  announceIntervalMs?: number | false;
  /** How often relative times ("12 s ago") refresh (ms). Default 10 000. */
  refreshMs?: number;
  /** Clock (epoch ms) for relative times; tests inject one. */
  now?: () => number;
}

// Keys by identity: feed events carry no common id, and the ring hands out the same objects.
const keys = new WeakMap<FeedEvent, string>();
let nextKey = 0;
const keyOf = (event: FeedEvent): string => {
  let key = keys.get(event);
  if (key === undefined) {
    key = (++nextKey).toString(36);
    keys.set(event, key);
  }
  return key;
};

interface Row {
  event: FeedEvent;
  key: string;
}

const NO_SEVERITIES: ReadonlySet<FeedSeverity> = new Set();

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** The feed pattern's Ctrl+Home / Ctrl+End: the first focusable element before / after `feed`. */
const focusOutside = (feed: HTMLElement, direction: 'before' | 'after'): void => {
  const all = Array.from(document.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => !feed.contains(el) && el.getClientRects().length > 0,
  );
  const position = (el: HTMLElement) => feed.compareDocumentPosition(el);
  const target =
    direction === 'after'
      ? all.find((el) => position(el) & Node.DOCUMENT_POSITION_FOLLOWING)
      : all.reverse().find((el) => position(el) & Node.DOCUMENT_POSITION_PRECEDING);
  target?.focus();
};

/** The row nearest to the one keyed `key` in `before` (below it first, then above) that `isShown`. */
const nearestKey = (before: readonly Row[], key: string, isShown: (key: string) => boolean): string | undefined => {
  const index = before.findIndex((row) => row.key === key);
  for (let d = 1; index >= 0 && (index + d < before.length || index - d >= 0); d++) {
    const below = before[index + d]?.key;
    if (below !== undefined && isShown(below)) return below;
    const above = before[index - d]?.key;
    if (above !== undefined && isShown(above)) return above;
  }
  return undefined;
};

/**
 * Resource changes, alerts, errors and unrecognised frames, newest first and bounded: a WAI-ARIA
 * feed (PageUp/PageDown between articles), severity toggles, relative times, and polite,
 * throttled announcements of what arrives.
 */
export const EventFeed = forwardRef<HTMLDivElement, EventFeedProps>(function EventFeed(
  {
    limit = 100,
    filter,
    labels: labelOverrides,
    formatTime = formatAbsoluteTime,
    onSelect,
    showSeverityFilter = true,
    announceIntervalMs = 5_000,
    refreshMs = 10_000,
    now = Date.now,
    className,
    ...rest
  },
  ref,
) {
  const feed = useFeed();
  const labels = useMemo(() => ({ ...defaultEventFeedLabels, ...labelOverrides }), [labelOverrides]);
  const idBase = useId();
  const [hidden, setHidden] = useState<ReadonlySet<FeedSeverity>>(NO_SEVERITIES);
  const [activeKey, setActiveKey] = useState<string | undefined>(undefined);
  const [, setTick] = useState(0);

  const kinds = filter?.kinds;
  const severities = filter?.severities;
  const match = filter?.match;
  const allowed = useCallback(
    (event: FeedEvent): boolean =>
      (kinds === undefined || kinds.includes(event.kind)) &&
      (severities === undefined || severities.includes(feedSeverity(event))) &&
      (match === undefined || match(event)),
    [kinds, severities, match],
  );
  const accept = useCallback(
    (event: FeedEvent): boolean => allowed(event) && (hidden.size === 0 || !hidden.has(feedSeverity(event))),
    [allowed, hidden],
  );

  // One pass from the newest: counts for the toggles, the first `limit` visible rows.
  const { rows, counts, allowedTotal, shownTotal } = useMemo(() => {
    const { ring } = feed;
    inferResourceContext(ring);
    const max = Math.max(0, Math.floor(limit));
    const list: Row[] = [];
    const used = new Set<string>();
    const tally: Record<FeedSeverity, number> = { critical: 0, warning: 0, info: 0 };
    let allowedCount = 0;
    let shownCount = 0;
    for (let i = ring.size - 1; i >= 0; i--) {
      const event = ring.at(i)!;
      if (!allowed(event)) continue;
      allowedCount++;
      const severity = feedSeverity(event);
      tally[severity]++;
      if (hidden.has(severity)) continue;
      shownCount++;
      if (list.length >= max) continue;
      let key = keyOf(event);
      // The same object ingested twice still gets a unique React key.
      while (used.has(key)) key += '+';
      used.add(key);
      list.push({ event, key });
    }
    return { rows: list, counts: tally, allowedTotal: allowedCount, shownTotal: shownCount };
  }, [feed, limit, allowed, hidden]);

  const announcement = useFeedAnnouncer(feed, accept, announceIntervalMs, labels);

  const hasRows = rows.length > 0;
  useEffect(() => {
    if (!hasRows) return undefined;
    const timer = setInterval(() => setTick((n) => n + 1), Math.max(250, refreshMs));
    return () => clearInterval(timer);
  }, [hasRows, refreshMs]);

  const toggle = (severity: FeedSeverity) =>
    setHidden((current) => {
      const next = new Set(current);
      if (next.has(severity)) next.delete(severity);
      else next.add(severity);
      return next;
    });

  const tabbableKey = rows.some((row) => row.key === activeKey) ? activeKey : rows[0]?.key;

  // A row holding focus can leave the DOM (pushed past `limit`, filtered out): the browser would
  // drop focus to <body>. The row's key, and the rows shown with it, let the nearest row take over.
  const listRef = useRef<HTMLDivElement>(null);
  const focusedKey = useRef<string | undefined>(undefined);
  const shownRows = useRef<readonly Row[]>(rows);
  useLayoutEffect(() => {
    const before = shownRows.current;
    shownRows.current = rows;
    const key = focusedKey.current;
    if (key === undefined || rows.some((row) => row.key === key)) return;
    focusedKey.current = undefined;
    // Only when focus really fell out of the page, not when the user had moved it elsewhere.
    const active = document.activeElement;
    if (active !== null && active !== document.body) return;
    const shown = new Set(rows.map((row) => row.key));
    const next = nearestKey(before, key, (k) => shown.has(k));
    const articles = Array.from(listRef.current?.querySelectorAll<HTMLElement>(':scope > article') ?? []);
    // None of its neighbours left (a burst replaced every row): the bottom row, where the dropped ones
    // were. With no rows at all there is no list to land in, and focus stays where the browser put it.
    (next === undefined ? articles.at(-1) : articles.find((article) => article.dataset.key === next))?.focus();
  }, [rows]);

  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const article = (event.target as Element).closest<HTMLElement>('article[data-key]');
    const key = article?.dataset.key;
    focusedKey.current = key;
    if (key !== undefined && key !== activeKey) setActiveKey(key);
  };

  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    const next = event.relatedTarget;
    if (next instanceof Node && event.currentTarget.contains(next)) return;
    // Removing the focused row also blurs it (Chromium, before it leaves the DOM): only a row still
    // there a microtask later was left by the user (click away, Tab out, window switch).
    const left = event.target;
    const key = focusedKey.current;
    queueMicrotask(() => {
      if (left.isConnected && focusedKey.current === key) focusedKey.current = undefined;
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const feedElement = event.currentTarget;
    const article = (event.target as Element).closest<HTMLElement>('article[data-key]');
    if (article === null) return;
    const articles = Array.from(feedElement.querySelectorAll<HTMLElement>(':scope > article'));
    const index = articles.indexOf(article);
    let target: HTMLElement | undefined;
    switch (event.key) {
      case 'PageDown':
      case 'ArrowDown':
        target = articles[index + 1];
        break;
      case 'PageUp':
      case 'ArrowUp':
        target = articles[index - 1];
        break;
      case 'Home':
        if (event.ctrlKey) {
          event.preventDefault();
          focusOutside(feedElement, 'before');
          return;
        }
        target = articles[0];
        break;
      case 'End':
        if (event.ctrlKey) {
          event.preventDefault();
          focusOutside(feedElement, 'after');
          return;
        }
        target = articles.at(-1);
        break;
      default:
        return;
    }
    event.preventDefault();
    target?.focus();
  };

  const nowMs = now();
  const visibleSeverities = severities === undefined ? FEED_SEVERITIES : FEED_SEVERITIES.filter((s) => severities.includes(s));

  return (
    <div {...rest} ref={ref} className={className === undefined ? 'opstream-feed' : `opstream-feed ${className}`}>
      {showSeverityFilter && visibleSeverities.length > 1 && (
        <div className="opstream-feed__filters" role="group" aria-label={labels.severityFilter}>
          {visibleSeverities.map((severity) => (
            <button
              key={severity}
              type="button"
              className="opstream-feed__chip"
              data-severity={severity}
              aria-pressed={!hidden.has(severity)}
              onClick={() => toggle(severity)}
            >
              <SeverityIcon severity={severity} />
              <span>{severityLabel(labels, severity)}</span>
              <span className="opstream-feed__count">{counts[severity].toLocaleString('en-US')}</span>
            </button>
          ))}
        </div>
      )}
      {hasRows ? (
        // WAI-ARIA feed pattern: the feed handles PageUp/PageDown for its articles.
        // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
        <div
          ref={listRef}
          className="opstream-feed__list"
          role="feed"
          aria-label={labels.feed}
          aria-busy="false"
          onKeyDown={onKeyDown}
          onFocus={onFocus}
          onBlur={onBlur}
        >
          {rows.map((row, index) => (
            <FeedItem
              key={row.key}
              event={row.event}
              itemKey={row.key}
              idBase={idBase}
              position={index + 1}
              setSize={rows.length}
              tabbable={row.key === tabbableKey}
              now={nowMs}
              labels={labels}
              formatTime={formatTime}
              onSelect={onSelect}
            />
          ))}
        </div>
      ) : (
        <p className="opstream-feed__empty">{allowedTotal > 0 ? labels.emptyFiltered : labels.empty}</p>
      )}
      {shownTotal > rows.length && hasRows && (
        <p className="opstream-feed__more">{labels.truncated(rows.length, shownTotal)}</p>
      )}
      <div className="opstream-feed__announcer" role="status">
        {announcement !== undefined && <span key={announcement.id}>{announcement.text}</span>}
      </div>
    </div>
  );
});
EventFeed.displayName = EVENT_FEED_NAME;
