import type { AlertSeverity, ResourceEvent } from '../../core/events';
import type { Ring } from '../../core/ring';
import type { FeedEvent } from '../../core/store';
import type { EventFeedLabels } from './labels';

export type FeedSeverity = AlertSeverity;
export const FEED_SEVERITIES: readonly FeedSeverity[] = ['critical', 'warning', 'info'];

// Resource statuses (or changes) that mean trouble; anything else is routine.
const CRITICAL_STATUS = /fail|error|crash|fatal/i;
const WARNING_STATUS = /degrad|unhealthy|offline|unreachable|lost|warn/i;

const statusSeverity = (text: string | undefined): FeedSeverity | undefined =>
  text === undefined
    ? undefined
    : CRITICAL_STATUS.test(text)
      ? 'critical'
      : WARNING_STATUS.test(text)
        ? 'warning'
        : undefined;

/**
 * How bad a feed event is: an alert's own severity; errors are critical; a resource is info unless
 * its status (or, with none, its change) says failed/error (critical) or degraded/offline (warning);
 * unrecognised frames are info.
 */
export function feedSeverity(event: FeedEvent): FeedSeverity {
  switch (event.kind) {
    case 'alert':
      return FEED_SEVERITIES.includes(event.severity) ? event.severity : 'info';
    case 'error':
      return 'critical';
    case 'resource':
      return statusSeverity(event.status) ?? statusSeverity(event.change) ?? 'info';
    case 'raw':
      return 'info';
  }
}

// Server text is untrusted: React escapes it, this removes what would garble a line (ANSI, controls).
// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-9;?]*[ -/]*[@-~]|[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** One display line: escapes and control characters dropped, whitespace collapsed, cut at `max`. */
export const clipText = (text: string, max = 300): string => {
  const clean = text.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
};

const PREVIEW_CHARS = 160;
const previews = new WeakMap<object, string>();

/** A short JSON preview of any value (cached per event: a frame may be large). */
export const jsonPreview = (event: FeedEvent, value: unknown): string => {
  const cached = previews.get(event);
  if (cached !== undefined) return cached;
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  const preview = clipText(text.slice(0, PREVIEW_CHARS * 2), PREVIEW_CHARS);
  previews.set(event, preview);
  return preview;
};

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

const firstString = (rec: Record<string, unknown> | undefined, keys: readonly string[]): string | undefined => {
  if (rec === undefined) return undefined;
  for (const key of keys) {
    const value = rec[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return undefined;
};

/** What earlier events of the same resource tell about a change: its previous status, a name. */
export interface ResourceContext {
  previous?: string;
  name?: string;
}

// Fixed once found: the earlier events it came from may later fall out of the ring.
const contexts = new WeakMap<ResourceEvent, ResourceContext>();

const ownName = (event: ResourceEvent): string | undefined =>
  firstString(record(event.data), ['name', 'displayName', 'hostname']);

/**
 * Fills in, for resource events that lack them, the previous status (many servers send only the
 * new one) and a display name (often only in the `created` event), from older events in `ring`.
 */
export function inferResourceContext(ring: Ring<FeedEvent>): void {
  let statuses: Map<string, string> | undefined;
  let names: Map<string, string> | undefined;
  for (let i = 0; i < ring.size; i++) {
    const event = ring.at(i)!;
    if (event.kind !== 'resource') continue;
    const key = `${event.resource}\u0000${event.id}`;
    const name = ownName(event);
    if (!contexts.has(event)) {
      const context: ResourceContext = {};
      const previous = event.previous ?? (event.status === undefined ? undefined : statuses?.get(key));
      if (previous !== undefined) context.previous = previous;
      const known = name ?? names?.get(key);
      if (known !== undefined) context.name = known;
      contexts.set(event, context);
    }
    if (event.status !== undefined) (statuses ??= new Map()).set(key, event.status);
    if (name !== undefined) (names ??= new Map()).set(key, name);
  }
}

/** The one-line title of an event. */
export function feedTitle(event: FeedEvent, labels: EventFeedLabels): string {
  switch (event.kind) {
    case 'alert':
      return clipText(event.title, 200);
    case 'resource': {
      const context = contexts.get(event);
      const name = context?.name ?? ownName(event);
      const previous = event.previous ?? context?.previous;
      return clipText(
        labels.resourceChange({
          resource: event.resource,
          id: event.id,
          ...(name === undefined ? {} : { name: clipText(name, 80) }),
          change: event.change,
          ...(event.status === undefined ? {} : { status: event.status }),
          ...(previous === undefined ? {} : { previous }),
        }),
        200,
      );
    }
    case 'error':
      return clipText(`${event.code}: ${event.message}`, 300);
    case 'raw':
      return labels.unrecognised;
  }
}
/** Secondary text: an alert's description, a change's message, a bad frame's preview. */
export function feedDetail(event: FeedEvent): { text: string; code: boolean } | undefined {
  switch (event.kind) {
    case 'alert': {
      const data = record(event.data);
      const text =
        firstString(record(data?.alert), ['description', 'message', 'summary']) ??
        firstString(data, ['description', 'message', 'summary']);
      return text === undefined ? undefined : { text: clipText(text), code: false };
    }
    case 'resource': {
      const text = firstString(record(event.data), ['message', 'reason', 'description']);
      return text === undefined ? undefined : { text: clipText(text), code: false };
    }
    case 'error':
      return event.preview === undefined || event.preview === '' ? undefined : { text: clipText(event.preview, 160), code: true };
    case 'raw':
      return { text: jsonPreview(event, event.data), code: true };
  }
}

/** "12 s ago" and friends, from the labels; future times (clock skew) count as now. */
export function relativeTime(at: number, now: number, labels: EventFeedLabels): string {
  const seconds = Math.floor(Math.max(0, now - at) / 1000);
  if (seconds < 5) return labels.justNow;
  if (seconds < 60) return labels.secondsAgo(seconds);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return labels.minutesAgo(minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return labels.hoursAgo(hours);
  return labels.daysAgo(Math.floor(hours / 24));
}

/** ISO 8601 for `<time dateTime>`, or undefined for a time the Date cannot hold. */
export const isoTime = (at: number): string | undefined => {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Default absolute time: the user's locale, date and time. */
export const formatAbsoluteTime = (at: number): string => {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : absoluteFormat.format(date);
};
