// `opstream/testing`: protocol simulators, as MSW `ws.link` handlers and a Node dev server.
export * from './simulator';
export * from './mswSimulator';
export * from './devServer';
export * from './backendImSimulator';
export * from './hexabaseSimulator';
export * from './nexusSimulator';
export * from './arkSimulator';
export * from './mistSimulator';
export * from './devRoutes';
