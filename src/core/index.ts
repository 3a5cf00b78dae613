// `opstream/core`: everything that runs without React (Node, browser, worker).
export * from './connection';
export * from './registry';
export * from './store';
export * from './logBuffer';
export * from './metricSeries';
export * from './errors';
export * from './events';
export type { ConnectionEnvironment, EnvironmentSignal } from './environment';
export * from '../protocols/types';
// The lenient readers, for custom adapters; the decoders' caches and fast paths stay internal.
export {
  asBoolean,
  asNumber,
  asRecord,
  asString,
  flattenNumbers,
  isRecord,
  parseQuantity,
  parseTime,
  type Quantity,
  type UnknownRecord,
} from '../protocols/fields';
export * from '../protocols/json';
export * from '../protocols/backendIm';
export * from '../protocols/hexabase';
export * from '../protocols/nexus';
export * from '../protocols/ark';
export * from '../protocols/mist';
