import type { FeedSeverity } from './format';

/** What a resource change line is made of. */
export interface ResourceChangeText {
  resource: string;
  id: string;
  /** A display name from the event's data (name, hostname), when it has one. */
  name?: string;
  change: string;
  status?: string;
  previous?: string;
}

/** Every UI string of EventFeed; pass a partial record to translate or reword. */
export interface EventFeedLabels {
  /** Accessible name of the feed. */
  feed: string;
  /** Accessible name of the severity toggles. */
  severityFilter: string;
  critical: string;
  warning: string;
  info: string;
  empty: string;
  /** The feed has events, none passes the filter. */
  emptyFiltered: string;
  /** Title of a frame no decoder understood. */
  unrecognised: string;
  /** "instance i-1: starting → running". */
  resourceChange: (change: ResourceChangeText) => string;
  justNow: string;
  secondsAgo: (n: number) => string;
  minutesAgo: (n: number) => string;
  hoursAgo: (n: number) => string;
  daysAgo: (n: number) => string;
  /** Announced for a single new event. */
  announceOne: (severity: string, title: string) => string;
  /** Announced for several new events at once. */
  announceMany: (count: number, critical: number) => string;
  /** Footer when more events match than are shown. */
  truncated: (shown: number, total: number) => string;
}

const count = (n: number): string => n.toLocaleString('en-US');

export const defaultEventFeedLabels: EventFeedLabels = {
  feed: 'Events',
  severityFilter: 'Severity',
  critical: 'Critical',
  warning: 'Warning',
  info: 'Info',
  empty: 'No events yet',
  emptyFiltered: 'No events match the filter',
  unrecognised: 'Unrecognised frame',
  resourceChange: ({ resource, id, name, change, status, previous }) =>
    `${resource} ${name ?? id}: ${
      status === undefined ? change : previous === undefined || previous === status ? status : `${previous} → ${status}`
    }`,
  justNow: 'just now',
  secondsAgo: (n) => `${n} s ago`,
  minutesAgo: (n) => `${n} min ago`,
  hoursAgo: (n) => `${n} h ago`,
  daysAgo: (n) => `${n} d ago`,
  announceOne: (severity, title) => `${severity}: ${title}`,
  announceMany: (n, critical) => `${count(n)} new events${critical > 0 ? `, ${count(critical)} critical` : ''}`,
  truncated: (shown, total) => `Showing the newest ${count(shown)} of ${count(total)}`,
};

export const severityLabel = (labels: EventFeedLabels, severity: FeedSeverity): string => labels[severity];
