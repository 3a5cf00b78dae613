// `opstream`: the React layer plus everything in `opstream/core`.
export * from './core/index';
