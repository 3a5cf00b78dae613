import type { Timers } from '../../src/core/connection';

/** A deterministic clock and timer queue: time moves only when a test calls `advance`. */
export interface ManualClock extends Timers {
  now(): number;
  advance(ms: number): void;
  /** Timers scheduled and not yet fired or cleared. */
  pending(): number;
}

export function createManualClock(start = 1_000_000): ManualClock {
  let time = start;
  let seq = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => time,
    setTimeout(callback, ms) {
      const id = ++seq;
      timers.set(id, { at: time + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const end = time + ms;
      for (;;) {
        let nextId = -1;
        let nextAt = Number.POSITIVE_INFINITY;
        for (const [id, t] of timers) {
          if (t.at <= end && (t.at < nextAt || (t.at === nextAt && id < nextId))) {
            nextAt = t.at;
            nextId = id;
          }
        }
        if (nextId < 0) break;
        const timer = timers.get(nextId)!;
        timers.delete(nextId);
        time = Math.max(time, timer.at);
        timer.callback();
      }
      time = end;
    },
    pending: () => timers.size,
  };
}
