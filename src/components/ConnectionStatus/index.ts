export { ConnectionStatus, type ConnectionStatusProps } from './ConnectionStatus';
export { ConnectionCounters, formatBytes, type ConnectionCountersProps } from './ConnectionCounters';
export { defaultConnectionStatusLabels, type ConnectionStatusLabels } from './labels';
export { useConnectionSnapshot, useConnectionStats, type ConnectionStatusSource } from './useConnectionSnapshot';
