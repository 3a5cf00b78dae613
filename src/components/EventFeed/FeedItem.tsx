import { memo } from 'react';
import type { FeedEvent } from '../../core/store';
import { feedDetail, feedSeverity, feedTitle, isoTime, relativeTime } from './format';
import { severityLabel, type EventFeedLabels } from './labels';
import { SeverityIcon } from './SeverityIcon';

export interface FeedItemProps {
  event: FeedEvent;
  /** Stable key of the event (also `data-key`, for focus tracking). */
  itemKey: string;
  /** Prefix of the element ids inside the article. */
  idBase: string;
  /** 1-based position and count, for the feed pattern's aria-posinset / aria-setsize. */
  position: number;
  setSize: number;
  /** The one article (and its button) in the tab order: roving tabindex. */
  tabbable: boolean;
  /** Clock reading (epoch ms) for the relative time. */
  now: number;
  labels: EventFeedLabels;
  formatTime: (at: number) => string;
  onSelect: ((event: FeedEvent) => void) | undefined;
}

/** One event as a feed article: severity icon and word, title, detail, relative time. */
export const FeedItem = memo(function FeedItem({
  event,
  itemKey,
  idBase,
  position,
  setSize,
  tabbable,
  now,
  labels,
  formatTime,
  onSelect,
}: FeedItemProps) {
  const severity = feedSeverity(event);
  const title = feedTitle(event, labels);
  const detail = feedDetail(event);
  const id = `${idBase}-${itemKey}`;
  const iso = isoTime(event.at);
  const describedBy = detail === undefined ? `${id}-sev ${id}-time` : `${id}-sev ${id}-detail ${id}-time`;
  return (
    <article
      className="opstream-feed__item"
      data-key={itemKey}
      data-kind={event.kind}
      data-severity={severity}
      aria-posinset={position}
      aria-setsize={setSize}
      aria-labelledby={`${id}-title`}
      aria-describedby={describedBy}
      // The feed pattern moves focus between articles (PageUp/PageDown); one is in the tab order.
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={tabbable ? 0 : -1}
    >
      <span className="opstream-feed__severity" id={`${id}-sev`} data-severity={severity}>
        <SeverityIcon severity={severity} />
        <span className="opstream-feed__severity-text">{severityLabel(labels, severity)}</span>
      </span>
      <div className="opstream-feed__body">
        {onSelect === undefined ? (
          <p className="opstream-feed__title" id={`${id}-title`}>
            {title}
          </p>
        ) : (
          <button
            type="button"
            className="opstream-feed__title opstream-feed__select"
            id={`${id}-title`}
            tabIndex={tabbable ? 0 : -1}
            onClick={() => onSelect(event)}
          >
            {title}
          </button>
        )}
        {detail !== undefined &&
          (detail.code ? (
            <code className="opstream-feed__detail" id={`${id}-detail`} data-code="">
              {detail.text}
            </code>
          ) : (
            <p className="opstream-feed__detail" id={`${id}-detail`}>
              {detail.text}
            </p>
          ))}
      </div>
      <time className="opstream-feed__time" id={`${id}-time`} dateTime={iso} title={formatTime(event.at)}>
        {relativeTime(event.at, now, labels)}
      </time>
    </article>
  );
});
