import type { ReactNode } from 'react';
import type { OperationStatus } from '../../core/events';

export interface StatusIconProps {
  status: OperationStatus;
  /** Text alternative (the status in words). */
  label: string;
}

// Shapes drawn in currentColor: the CSS colours them per data-state, unstyled they take the text colour.
const SHAPES: Record<OperationStatus, ReactNode> = {
  pending: <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="1.5" strokeDasharray="2.5 2" />,
  running: (
    <>
      <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeOpacity="0.25" strokeWidth="2" />
      <path d="M8 2a6 6 0 0 1 6 6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </>
  ),
  succeeded: (
    <>
      <circle cx="8" cy="8" r="7" fill="currentColor" />
      <path d="M4.8 8.3l2.1 2.1 4.3-4.6" fill="none" stroke="var(--opstream-bg, #fff)" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </>
  ),
  failed: (
    <>
      <circle cx="8" cy="8" r="7" fill="currentColor" />
      <path d="M5.5 5.5l5 5m0-5l-5 5" fill="none" stroke="var(--opstream-bg, #fff)" strokeWidth="1.8" strokeLinecap="round" />
    </>
  ),
  cancelled: (
    <>
      <circle cx="8" cy="8" r="6.2" fill="none" stroke="currentColor" strokeWidth="1.6" />
      <path d="M4.5 11.5l7-7" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </>
  ),
};

/** A status shape with its status in words as the text alternative. */
export function StatusIcon({ status, label }: StatusIconProps) {
  return (
    <svg
      className="opstream-timeline__icon"
      data-state={status}
      role="img"
      aria-label={label}
      width="16"
      height="16"
      viewBox="0 0 16 16"
      focusable="false"
    >
      {SHAPES[status]}
    </svg>
  );
}
