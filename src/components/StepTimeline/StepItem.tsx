import { memo, type ReactNode } from 'react';
import type { StepState } from '../../core/store';
import { ElapsedTimer } from './ElapsedTimer';
import { formatDuration, isoDuration } from './format';
import type { StepTimelineLabels } from './labels';
import { StatusIcon } from './StatusIcon';
import { StepOutput } from './StepOutput';

/** What a custom output renderer gets: the step and its line range in the operation's stream. */
export interface StepOutputContext {
  readonly step: StepState;
  /** The operation's log stream (`op:<id>`). */
  readonly stream: string;
  /** Absolute line range [from, to). */
  readonly from: number;
  readonly to: number;
}

export interface StepItemProps {
  step: StepState;
  /** DOM id prefix of this step (button and panel ids). */
  domId: string;
  stream: string;
  expanded: boolean;
  /** Called with the step's id and whether it is expanded now. */
  onToggle: (stepId: string, expanded: boolean) => void;
  /** The step's clock ticks (it runs and the operation has not ended). */
  ticking: boolean;
  /** This step's error is the one announced (role="alert"). */
  announce: boolean;
  labels: StepTimelineLabels;
  now: () => number;
  maxLines: number;
  renderOutput: ((context: StepOutputContext) => ReactNode) | undefined;
}

/** One step: a disclosure button (icon, description), its duration or live clock, its error and output. */
export const StepItem = memo(function StepItem({
  step,
  domId,
  stream,
  expanded,
  onToggle,
  ticking,
  announce,
  labels,
  now,
  maxLines,
  renderOutput,
}: StepItemProps) {
  const buttonId = `${domId}-button`;
  const panelId = `${domId}-panel`;
  const title = step.description ?? step.id;
  const duration =
    step.endedAt !== undefined ? (
      <time className="opstream-timeline__duration" dateTime={isoDuration(step.endedAt - step.startedAt)}>
        {formatDuration(step.endedAt - step.startedAt)}
      </time>
    ) : ticking ? (
      <ElapsedTimer startedAt={step.startedAt} now={now} />
    ) : null;

  return (
    <li className="opstream-timeline__step" data-state={step.status} data-expanded={expanded ? '' : undefined}>
      <div className="opstream-timeline__row">
        <button
          type="button"
          id={buttonId}
          className="opstream-timeline__toggle"
          aria-expanded={expanded}
          aria-controls={panelId}
          onClick={() => onToggle(step.id, expanded)}
        >
          <StatusIcon status={step.status} label={labels[step.status]} />
          <span className="opstream-timeline__title">{title}</span>
        </button>
        {duration}
      </div>
      {step.error !== undefined ? (
        // Shown where it happened, outside the disclosure so collapsing never hides it.
        <div className="opstream-timeline__error" role={announce ? 'alert' : undefined}>
          <strong>{labels.error}:</strong> {step.error.message}{' '}
          <code className="opstream-timeline__code">{step.error.code}</code>
        </div>
      ) : null}
      <div
        id={panelId}
        className="opstream-timeline__panel"
        role="group"
        aria-label={labels.outputOf(title)}
        hidden={!expanded}
      >
        {expanded ? (
          renderOutput !== undefined ? (
            renderOutput({ step, stream, from: step.outputFrom, to: step.outputTo })
          ) : (
            <StepOutput stream={stream} from={step.outputFrom} to={step.outputTo} maxLines={maxLines} labels={labels} />
          )
        ) : null}
      </div>
    </li>
  );
}, sameItem);

// Steps are copied on every flush of their operation: compare by value so unchanged steps skip rendering.
function sameItem(a: StepItemProps, b: StepItemProps): boolean {
  return (
    sameStep(a.step, b.step) &&
    a.domId === b.domId &&
    a.stream === b.stream &&
    a.expanded === b.expanded &&
    a.onToggle === b.onToggle &&
    a.ticking === b.ticking &&
    a.announce === b.announce &&
    a.labels === b.labels &&
    a.now === b.now &&
    a.maxLines === b.maxLines &&
    a.renderOutput === b.renderOutput
  );
}

function sameStep(a: StepState, b: StepState): boolean {
  return (
    a === b ||
    (a.id === b.id &&
      a.status === b.status &&
      a.description === b.description &&
      a.startedAt === b.startedAt &&
      a.endedAt === b.endedAt &&
      a.outputFrom === b.outputFrom &&
      a.outputTo === b.outputTo &&
      a.commands.length === b.commands.length &&
      a.error?.code === b.error?.code &&
      a.error?.message === b.error?.message)
  );
}
