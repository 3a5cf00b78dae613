import { useEffect, useRef, useState } from 'react';
import type { FeedEvent, FeedState } from '../../core/store';
import { feedSeverity, feedTitle } from './format';
import { severityLabel, type EventFeedLabels } from './labels';

export interface FeedAnnouncement {
  /** Bumps per announcement: render the text keyed by it, so a repeated text is announced again. */
  readonly id: number;
  readonly text: string;
}

interface Pending {
  count: number;
  critical: number;
  newest: FeedEvent | undefined;
}

/**
 * Polite announcements of events that arrive after mount, throttled: the first after a quiet spell
 * at once, then at most one summary per `intervalMs` ("5 new events, 2 critical").
 * `accept` says which events count (the feed's filter). `intervalMs` false turns it off.
 */
export function useFeedAnnouncer(
  feed: FeedState,
  accept: (event: FeedEvent) => boolean,
  intervalMs: number | false,
  labels: EventFeedLabels,
): FeedAnnouncement | undefined {
  const [announcement, setAnnouncement] = useState<FeedAnnouncement | undefined>(undefined);
  const latest = useRef({ accept, labels, intervalMs });
  useEffect(() => {
    latest.current = { accept, labels, intervalMs };
  });
  // Null until the first run: what the feed held at mount is history, not news.
  const seen = useRef<FeedEvent | undefined | null>(null);
  const pending = useRef<Pending>({ count: 0, critical: 0, newest: undefined });
  const lastAt = useRef(Number.NEGATIVE_INFINITY);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(
    () => () => {
      clearTimeout(timer.current);
      timer.current = undefined;
    },
    [],
  );

  useEffect(() => {
    const { ring } = feed;
    const newest = ring.last();
    if (seen.current === null || latest.current.intervalMs === false) {
      seen.current = newest;
      return;
    }
    const p = pending.current;
    // Walk back from the newest to the last one seen (or the ring's start, if it fell out).
    for (let i = ring.size - 1; i >= 0; i--) {
      const event = ring.at(i)!;
      if (event === seen.current) break;
      if (!latest.current.accept(event)) continue;
      p.count++;
      if (feedSeverity(event) === 'critical') p.critical++;
      p.newest ??= event;
    }
    seen.current = newest;
    if (p.count === 0 || timer.current !== undefined) return;

    const announce = () => {
      timer.current = undefined;
      const { count, critical, newest: event } = pending.current;
      pending.current = { count: 0, critical: 0, newest: undefined };
      if (count === 0) return;
      lastAt.current = performance.now();
      const { labels: l } = latest.current;
      const text =
        count === 1 && event !== undefined
          ? l.announceOne(severityLabel(l, feedSeverity(event)), feedTitle(event, l))
          : l.announceMany(count, critical);
      setAnnouncement((current) => ({ id: (current?.id ?? 0) + 1, text }));
    };
    const wait = lastAt.current + latest.current.intervalMs - performance.now();
    // Leading edge after a quiet spell, trailing summary within one.
    timer.current = setTimeout(announce, Math.max(0, wait));
  }, [feed]);

  return announcement;
}
