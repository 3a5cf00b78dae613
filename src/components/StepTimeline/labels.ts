
/** Every UI string of StepTimeline; pass a partial record to translate or reword. */
export interface StepTimelineLabels {
  /** Accessible name of the whole timeline. */
  region: (operationType: string) => string;
  /** Display name of an operation type ("deploy" -> "Deploy"). */
  operationType: (operationType: string) => string;
  pending: string;
  running: string;
  succeeded: string;
  failed: string;
  cancelled: string;
  /** Shown before the operation's first event. */
  waiting: string;
  noSteps: string;
  steps: string;
  progress: string;
  /** Prefix of the total duration. */
  total: string;
  /** Text of the deploy URL link. */
  result: string;
  transition: (from: string, to: string) => string;
  /** Accessible name of a step's output panel. */
  outputOf: (step: string) => string;
  noOutput: string;
  showAll: (lines: number) => string;
  showLast: (lines: number) => string;
  hiddenLines: (lines: number) => string;
  droppedLines: (lines: number) => string;
  error: string;
}

const count = (n: number): string => n.toLocaleString('en-US');

export const defaultStepTimelineLabels: StepTimelineLabels = {
  region: (type) => `${type.charAt(0).toUpperCase()}${type.slice(1)} operation`,
  operationType: (type) => `${type.charAt(0).toUpperCase()}${type.slice(1)}`,
  pending: 'Pending',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  waiting: 'Waiting for the operation to start…',
  noSteps: 'No steps yet',
  steps: 'Steps',
  progress: 'Progress',
  total: 'Total',
  result: 'Deployed at',
  transition: (from, to) => `${from} → ${to}`,
  outputOf: (step) => `Output of ${step}`,
  noOutput: 'No output',
  showAll: (n) => `Show all ${count(n)} lines`,
  showLast: (n) => `Show the last ${count(n)} lines`,
  hiddenLines: (n) => `${count(n)} earlier lines hidden`,
  droppedLines: (n) => `${count(n)} earlier lines no longer in the buffer`,
  error: 'Error',
};

