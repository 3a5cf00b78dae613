import type { ReactNode } from 'react';
import type { FeedSeverity } from './format';

// Distinct shapes, not only colours: readable in monochrome and for colour-blind users.
const SHAPES: Record<FeedSeverity, ReactNode> = {
  critical: (
    <>
      <path d="M5.1 1h5.8L15 5.1v5.8L10.9 15H5.1L1 10.9V5.1z" fill="currentColor" />
      <path d="M8 4.2v4.6" stroke="var(--opstream-bg, #fff)" strokeWidth="1.8" strokeLinecap="round" />
      <circle cx="8" cy="11.4" r="1.05" fill="var(--opstream-bg, #fff)" />
    </>
  ),
  warning: (
    <>
      <path d="M8 1.3l7 12.6H1z" fill="currentColor" strokeLinejoin="round" />
      <path d="M8 5.6v4" stroke="var(--opstream-bg, #fff)" strokeWidth="1.7" strokeLinecap="round" />
      <circle cx="8" cy="11.9" r="0.95" fill="var(--opstream-bg, #fff)" />
    </>
  ),
  info: (
    <>
      <circle cx="8" cy="8" r="6.3" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M8 7.2v4.2" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      <circle cx="8" cy="4.8" r="0.95" fill="currentColor" />
    </>
  ),
};

export interface SeverityIconProps {
  severity: FeedSeverity;
}

/** A decorative severity shape; the severity is always written next to it. */
export function SeverityIcon({ severity }: SeverityIconProps) {
  return (
    <svg
      className="opstream-feed__icon"
      data-severity={severity}
      aria-hidden="true"
      focusable="false"
      width="16"
      height="16"
      viewBox="0 0 16 16"
    >
      {SHAPES[severity]}
    </svg>
  );
}
