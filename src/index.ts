// `opstream`: the React layer (provider, hooks, components) plus everything in `opstream/core`.
export * from './core/index';
export * from './react/index';
export * from './components/OperationControls/index';
export * from './components/StepTimeline/index';
export * from './components/LogViewer/index';
export * from './components/MetricsDashboard/index';
export * from './components/ConnectionStatus/index';
export * from './components/EventFeed/index';
