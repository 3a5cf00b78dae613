import {
  forwardRef,
  useCallback,
  useId,
  useState,
  type ForwardedRef,
  type HTMLAttributes,
  type ReactNode,
} from 'react';
import type { OperationStatus } from '../../core/events';
import { TERMINAL } from '../../core/terminal';
import type { OperationState, StepState, TransitionState } from '../../core/store';
import { useOperationState } from '../../react/useOperationState';
import { safeHref } from '../LogViewer/ansi';
import { formatDuration, isoDuration } from './format';
import { defaultStepTimelineLabels, type StepTimelineLabels } from './labels';
import { StepItem, type StepOutputContext } from './StepItem';

const STEP_TIMELINE_NAME = 'StepTimeline';

export interface StepTimelineProps extends Omit<HTMLAttributes<HTMLElement>, 'children'> {
  /** The operation to show (read with `useOperationState`). */
  operationId: string;
  /** UI strings; English defaults. */
  labels?: Partial<StepTimelineLabels>;
  /** Which steps start expanded: the running and failed ones (default), all, or none. */
  defaultExpanded?: 'running' | 'all' | 'none';
  /** Clock for the live timer (epoch ms); tests inject one. */
  now?: () => number;
  /** Replaces the default output view of an expanded step (e.g. with a LogViewer). */
  renderOutput?: (context: StepOutputContext) => ReactNode;
  /** Lines of a step's output shown before "show all". Default 200. */
  maxOutputLines?: number;
}

/**
 * An operation as an ordered list of steps: status icons, server-time durations, a live clock on
 * the running step, collapsible output, transitions, progress, result and the error where it happened.
 */
export const StepTimeline = forwardRef<HTMLElement, StepTimelineProps>(function StepTimeline(props, ref) {
  // Keyed by operation: expansion and "was it live" belong to one operation.
  return <Timeline key={props.operationId} {...props} forwardedRef={ref} />;
});
StepTimeline.displayName = STEP_TIMELINE_NAME;

interface TimelineProps extends StepTimelineProps {
  forwardedRef: ForwardedRef<HTMLElement>;
}

function Timeline({
  operationId,
  labels: labelOverrides,
  defaultExpanded = 'running',
  now = Date.now,
  renderOutput,
  maxOutputLines = 200,
  className,
  forwardedRef,
  ...rest
}: TimelineProps) {
  const op = useOperationState(operationId);
  const labels = useMergedLabels(labelOverrides);
  const domId = useId();
  const [overrides, setOverrides] = useState<ReadonlyMap<string, boolean>>(() => new Map());
  // Announce a failure only when it happens while we watch, and only once (not on a history view).
  const [watchedLive] = useState(() => op === undefined || !TERMINAL.has(op.status));

  const onToggle = useCallback(
    (stepId: string, expanded: boolean) => setOverrides((current) => new Map(current).set(stepId, !expanded)),
    [],
  );

  const status: OperationStatus = op?.status ?? 'pending';
  const live = op !== undefined && !TERMINAL.has(op.status);
  // The latest step error is announced where it is shown; without one, the header's summary is.
  const failedStep = op === undefined ? undefined : lastFailedStep(op);
  const announceHere = watchedLive && failedStep === undefined;

  return (
    <section
      {...rest}
      ref={forwardedRef}
      className={className === undefined ? 'opstream-timeline' : `opstream-timeline ${className}`}
      data-state={status}
      aria-label={rest['aria-label'] ?? labels.region(op?.type ?? 'operation')}
    >
      <Header op={op} labels={labels} announce={announceHere} />
      {op === undefined ? null : op.steps.length === 0 && op.transitions.length === 0 ? (
        <p className="opstream-timeline__empty">{labels.noSteps}</p>
      ) : (
        <ol className="opstream-timeline__steps" aria-label={labels.steps}>
          {renderSteps(op, (step, index) => (
            <StepItem
              key={`${index}:${step.id}`}
              step={step}
              domId={`${domId}-${index}`}
              stream={op.stream}
              expanded={overrides.get(step.id) ?? expandedByDefault(defaultExpanded, step)}
              onToggle={onToggle}
              ticking={live && step.status === 'running'}
              announce={watchedLive && step === failedStep}
              labels={labels}
              now={now}
              maxLines={maxOutputLines}
              renderOutput={renderOutput}
            />
          ), labels)}
        </ol>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------

function Header({ op, labels, announce }: { op: OperationState | undefined; labels: StepTimelineLabels; announce: boolean }) {
  if (op === undefined) {
    return (
      <div className="opstream-timeline__header">
        <span className="opstream-timeline__badge" data-state="pending">
          {labels.pending}
        </span>
        <span className="opstream-timeline__waiting">{labels.waiting}</span>
      </div>
    );
  }
  const url = op.status === 'succeeded' ? safeLink(op.url ?? urlOf(op.result)) : undefined;
  const total = op.startedAt !== undefined && op.endedAt !== undefined ? op.endedAt - op.startedAt : undefined;
  return (
    <>
      <div className="opstream-timeline__header">
        <span className="opstream-timeline__type">{labels.operationType(op.type)}</span>
        <span className="opstream-timeline__badge" data-state={op.status}>
          {labels[op.status]}
        </span>
        {op.progress !== undefined ? (
          <span className="opstream-timeline__progress">
            <progress max={100} value={op.progress} aria-label={labels.progress} />
            <span aria-hidden="true">{Math.round(op.progress)}%</span>
          </span>
        ) : null}
        {total !== undefined ? (
          <span className="opstream-timeline__total">
            {labels.total} <time dateTime={isoDuration(total)}>{formatDuration(total)}</time>
          </span>
        ) : null}
      </div>
      {url !== undefined ? (
        <p className="opstream-timeline__result">
          {labels.result}{' '}
          <a href={url} target="_blank" rel="noopener noreferrer">
            {url}
          </a>
        </p>
      ) : null}
      {op.status === 'failed' && op.error !== undefined ? (
        <p className="opstream-timeline__summary" role={announce ? 'alert' : undefined}>
          <strong>{labels.error}:</strong> {op.error.message}{' '}
          <code className="opstream-timeline__code">{op.error.code}</code>
        </p>
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function useMergedLabels(overrides: Partial<StepTimelineLabels> | undefined): StepTimelineLabels {
  // Stable while the overrides are shallow-equal, so memoized steps do not re-render for a new literal.
  const [cache, setCache] = useState(() => ({ overrides, merged: mergeLabels(overrides) }));
  if (shallowEqual(cache.overrides, overrides)) return cache.merged;
  const next = { overrides, merged: mergeLabels(overrides) };
  setCache(next);
  return next.merged;
}

const mergeLabels = (overrides: Partial<StepTimelineLabels> | undefined): StepTimelineLabels =>
  overrides === undefined ? defaultStepTimelineLabels : { ...defaultStepTimelineLabels, ...overrides };

function shallowEqual(a: object | undefined, b: object | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const ka = Object.keys(a) as (keyof typeof a)[];
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is(a[k], b[k]));
}

const expandedByDefault = (mode: 'running' | 'all' | 'none', step: StepState): boolean =>
  mode === 'all' || (mode === 'running' && (step.status === 'running' || step.status === 'failed'));

function lastFailedStep(op: OperationState): StepState | undefined {
  for (let i = op.steps.length - 1; i >= 0; i--) {
    const step = op.steps[i]!;
    if (step.error !== undefined) return step;
  }
  return undefined;
}

const urlOf = (result: unknown): unknown =>
  typeof result === 'object' && result !== null ? (result as { url?: unknown }).url : undefined;

/** Steps in order with each transition placed where it happened (after `afterStep` steps). */
// A deploy URL is shown as a link only when it is http(s).
const safeLink = (value: unknown): string | undefined => (typeof value === 'string' ? safeHref(value) : undefined);

function renderSteps(
  op: OperationState,
  renderStep: (step: StepState, index: number) => ReactNode,
  labels: StepTimelineLabels,
): ReactNode[] {
  const out: ReactNode[] = [];
  let t = 0;
  const transitions: readonly TransitionState[] = op.transitions;
  const divider = (transition: TransitionState, key: number) => (
    <li key={`t${key}`} className="opstream-timeline__transition" data-from={transition.from} data-to={transition.to}>
      <span>{labels.transition(transition.from, transition.to)}</span>
    </li>
  );
  op.steps.forEach((step, index) => {
    while (t < transitions.length && transitions[t]!.afterStep <= index) {
      out.push(divider(transitions[t]!, t));
      t++;
    }
    out.push(renderStep(step, index));
  });
  for (; t < transitions.length; t++) out.push(divider(transitions[t]!, t));
  return out;
}
