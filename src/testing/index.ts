// `opstream/testing`: protocol simulators (MSW `ws.link` handlers and a Node dev server).
// Empty on purpose: the simulators land with the protocol issue.
export {};
