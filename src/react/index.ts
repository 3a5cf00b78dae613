// The React layer: provider, context and one hook per file.
export { OpstreamProvider, type OpstreamProviderProps } from './OpstreamProvider';
export {
  OpstreamContext,
  useOpstreamContext,
  type ConnectionDefaults,
  type OpstreamContextValue,
} from './OpstreamContext';
export { useSocket, type SocketApi, type UseSocketOptions } from './useSocket';
export {
  useOperation,
  type BackendImOperationParams,
  type OperationParams,
  type OperationPrerequisite,
  type UseOperationOptions,
  type UseOperationResult,
} from './useOperation';
export { useContainerLogs, type ContainerLogs, type UseContainerLogsOptions } from './useContainerLogs';
export {
  useMetrics,
  type MetricsSelector,
  type MetricsView,
  type MetricsWindow,
  type UseMetricsOptions,
} from './useMetrics';
export { useSubscription, type SubscriptionResult } from './useSubscription';
export { useEvents, type EventFilter, type EventOfKind } from './useEvents';
export { useRequest, type UseRequestOptions } from './useRequest';
export {
  useEventInvalidation,
  type EventInvalidationOptions,
  type InvalidationTarget,
} from './useEventInvalidation';
export { useLogStream } from './useLogStream';
export { useOperationState } from './useOperationState';
export { useMetricsSource } from './useMetricsSource';
export { useFeed } from './useFeed';
export { useChannel } from './useChannel';
export { useOperationIds } from './useOperationIds';
