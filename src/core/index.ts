// `opstream/core`: everything that runs without React (Node, browser, worker).
export * from './errors';
export * from './events';
export * from '../protocols/types';
export * from '../protocols/fields';
