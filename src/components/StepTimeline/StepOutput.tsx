import { memo, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { LogBuffer } from '../../core/logBuffer';
import { useOpstreamContext } from '../../react/OpstreamContext';
import { stripAnsi } from '../LogViewer/ansi';
import type { StepTimelineLabels } from './labels';

export interface StepOutputProps {
  /** The operation's log stream (`op:<id>`). */
  stream: string;
  /** Absolute line range [from, to) of the step's output. */
  from: number;
  to: number;
  /** Lines shown before "show all". */
  maxLines: number;
  labels: StepTimelineLabels;
}

/**
 * Reads the shared ring by absolute line numbers: it subscribes to the buffer's identity and
 * clears only, so a finished step's output does not re-render as later steps print.
 */
export function useStreamBuffer(stream: string): LogBuffer | undefined {
  const { store } = useOpstreamContext();
  const buffer = useStore(store, (s) => s.logs[stream]?.buffer);
  // A clear empties the ring in place: re-render to show it.
  useStore(store, (s) => s.logs[stream]?.buffer.clearedAt);
  return buffer;
}

/** A step's lines as React text: commands, stdout, stderr and errors styled via data attributes. */
export const StepOutput = memo(function StepOutput({ stream, from, to, maxLines, labels }: StepOutputProps) {
  const buffer = useStreamBuffer(stream);
  const [showAll, setShowAll] = useState(false);
  const total = to - from;
  if (buffer === undefined || total <= 0) return <p className="opstream-timeline__empty">{labels.noOutput}</p>;

  const limit = showAll ? total : Math.min(total, maxLines);
  const start = Math.max(to - limit, buffer.first, from);
  const dropped = Math.max(0, Math.min(buffer.first, to) - from);
  const hidden = start - from - dropped;
  const rows: ReactNode[] = [];
  for (let i = start; i < to; i++) {
    const text = buffer.text(i);
    if (text === undefined) continue;
    const level = buffer.level(i);
    rows.push(
      <span key={i} className="opstream-timeline__line" data-source={buffer.source(i)} data-level={level}>
        {stripAnsi(text)}
        {'\n'}
      </span>,
    );
  }
  return (
    <>
      {dropped > 0 ? <p className="opstream-timeline__note">{labels.droppedLines(dropped)}</p> : null}
      {hidden > 0 || showAll ? (
        <div className="opstream-timeline__more">
          {hidden > 0 ? <span>{labels.hiddenLines(hidden)}</span> : null}
          <button type="button" className="opstream-button" onClick={() => setShowAll((v) => !v)}>
            {showAll ? labels.showLast(maxLines) : labels.showAll(total - dropped)}
          </button>
        </div>
      ) : null}
      {/* Focusable: it scrolls, and keyboard users must be able to scroll it. */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <pre className="opstream-timeline__output" tabIndex={0}>
        {rows}
      </pre>
    </>
  );
});
