export { EventFeed, type EventFeedFilter, type EventFeedProps } from './EventFeed';
export { FeedItem, type FeedItemProps } from './FeedItem';
export { SeverityIcon, type SeverityIconProps } from './SeverityIcon';
export { useFeedAnnouncer, type FeedAnnouncement } from './useFeedAnnouncer';
export { defaultEventFeedLabels, type EventFeedLabels, type ResourceChangeText } from './labels';
export {
  FEED_SEVERITIES,
  clipText,
  feedDetail,
  feedSeverity,
  feedTitle,
  formatAbsoluteTime,
  inferResourceContext,
  relativeTime,
  type FeedSeverity,
  type ResourceContext,
} from './format';
