// Pure helpers of the timeline: durations, URLs, terminal escapes.

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** A finished duration: "850 ms", "12.4 s", "2 min 05 s", "1 h 02 min". Negative (clock skew) counts as 0. */
export function formatDuration(ms: number): string {
  const t = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (t < 1_000) return `${Math.round(t)} ms`;
  // Round to tenths first so 59.96 s reads "1 min 00 s", not "60.0 s".
  if (Math.round(t / 100) < 600) return `${(Math.round(t / 100) / 10).toFixed(1)} s`;
  const seconds = Math.round(t / 1_000);
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ${pad2(seconds % 60)} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${pad2(minutes % 60)} min`;
}

/** A live elapsed time that ticks once a second: "0 s", "42 s", "2 min 05 s". */
export function formatElapsed(ms: number): string {
  const seconds = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1_000) : 0;
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ${pad2(seconds % 60)} s`;
  return `${Math.floor(seconds / 3_600)} h ${pad2(Math.floor(seconds / 60) % 60)} min`;
}

/** ISO 8601 duration for `<time dateTime>`. */
export const isoDuration = (ms: number): string => `PT${(Math.max(0, ms) / 1_000).toFixed(3).replace(/\.?0+$/, '')}S`;

