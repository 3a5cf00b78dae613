import type { ReconnectOptions } from '../protocols/types';

export const DEFAULT_RECONNECT: ReconnectOptions = {
  minDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  maxRetries: Number.POSITIVE_INFINITY,
  minUptimeMs: 5_000,
};

/** The delay ceiling for the `attempt`-th retry (1-based): min * factor^(attempt-1), capped at max. */
export const backoffCeiling = (attempt: number, options: ReconnectOptions): number =>
  Math.min(options.maxDelayMs, options.minDelayMs * options.factor ** Math.max(0, attempt - 1));

/** Full jitter: uniform in [0, ceiling), so a fleet of clients never reconnects in lockstep. */
export const backoffDelay = (
  attempt: number,
  options: ReconnectOptions,
  random: () => number,
): number => Math.floor(random() * backoffCeiling(attempt, options));
