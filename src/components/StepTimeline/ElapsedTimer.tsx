import { useEffect, useState } from 'react';
import { formatElapsed, isoDuration } from './format';

export interface ElapsedTimerProps {
  /** Server time the step started (epoch ms). */
  startedAt: number;
  now: () => number;
}

/**
 * The running step's clock. Only this component re-renders each second; it unmounts (and its
 * interval with it) when the step ends.
 */
export function ElapsedTimer({ startedAt, now }: ElapsedTimerProps) {
  // Anchored at first sight: the part before uses server time (clamped, for skewed clocks), the
  // part after the local clock only, so a server clock ahead of ours never shows a negative time.
  const [anchor] = useState(() => {
    const local = now();
    return { local, offset: Math.max(0, local - startedAt) };
  });
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 1_000);
    return () => clearInterval(timer);
  }, []);
  const elapsed = anchor.offset + Math.max(0, now() - anchor.local);
  return (
    <time className="opstream-timeline__elapsed" dateTime={isoDuration(Math.floor(elapsed / 1_000) * 1_000)}>
      {formatElapsed(elapsed)}
    </time>
  );
}
