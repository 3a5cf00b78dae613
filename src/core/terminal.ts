import type { OperationStatus } from './events';

/** Statuses an operation never leaves. */
export const TERMINAL: ReadonlySet<OperationStatus> = new Set(['succeeded', 'failed', 'cancelled']);
