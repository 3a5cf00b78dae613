import { useEffect, useRef, useState, type CSSProperties } from 'react';
import type { StreamStatus } from '../../core/store';
import { fill, formatCount, type LogViewerLabels } from './labels';

/** At most one announcement per interval: a screen reader must not read thousands of lines. */
export const ANNOUNCE_INTERVAL_MS = 2_000;

// Inline, so the region stays hidden without the stylesheet too.
const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  border: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
};

export interface LogAnnouncerProps {
  total: number;
  status: StreamStatus;
  labels: LogViewerLabels;
}

/** A visually hidden status region: "25 new lines", "Stream ended", throttled. */
export function LogAnnouncer({ total, status, labels }: LogAnnouncerProps) {
  const [message, setMessage] = useState({ text: '', seq: 0 });
  // Lines present at mount are not news.
  const memory = useRef({ announced: total, status, at: Number.NEGATIVE_INFINITY, total, labels });

  useEffect(() => {
    const m = memory.current;
    m.total = total;
    m.labels = labels;
    if (total <= m.announced && status === m.status) return undefined;
    const statusNow = status;
    const wait = Math.max(0, m.at + ANNOUNCE_INTERVAL_MS - Date.now());
    const timer = setTimeout(() => {
      const parts: string[] = [];
      const count = m.total - m.announced;
      if (count > 0) parts.push(fill(m.labels.announce, { count: formatCount(count) }));
      if (statusNow !== m.status && (statusNow === 'ended' || statusNow === 'error')) {
        parts.push(statusNow === 'ended' ? m.labels.ended : m.labels.error);
      }
      m.announced = m.total;
      m.status = statusNow;
      m.at = Date.now();
      if (parts.length > 0) setMessage((old) => ({ text: parts.join('. '), seq: old.seq + 1 }));
    }, wait);
    return () => clearTimeout(timer);
  }, [total, status, labels]);

  return (
    <div role="status" className="opstream-log-announcer" style={visuallyHidden}>
      {/* A new node per message, so the same words are announced again. */}
      <span key={message.seq}>{message.text}</span>
    </div>
  );
}
