export { StepTimeline, type StepTimelineProps } from './StepTimeline';
export { StepItem, type StepItemProps, type StepOutputContext } from './StepItem';
export { StepOutput, useStreamBuffer, type StepOutputProps } from './StepOutput';
export { ElapsedTimer, type ElapsedTimerProps } from './ElapsedTimer';
export { StatusIcon, type StatusIconProps } from './StatusIcon';
export { defaultStepTimelineLabels, type StepTimelineLabels } from './labels';
export { formatDuration, formatElapsed } from './format';
