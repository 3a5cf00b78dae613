/** Normalized events: what every protocol adapter decodes its frames into. `at` is epoch ms. */

export type OperationPhase =
  | 'start'
  | 'step'
  | 'command'
  | 'output'
  | 'log'
  | 'progress'
  | 'transition'
  | 'result'
  | 'error'
  | 'complete';

export type OperationStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface EventError {
  code: string;
  message: string;
}

export interface OperationEvent {
  kind: 'operation';
  operationId: string;
  operationType: string;
  phase: OperationPhase;
  at: number;
  step?: { id: string; description?: string; status?: OperationStatus };
  message?: string;
  /** 0..100 */
  progress?: number;
  command?: string;
  stdout?: string;
  stderr?: string;
  from?: string;
  to?: string;
  status?: OperationStatus;
  result?: unknown;
  url?: string;
  error?: EventError;
  /** Protocol fields with no normalized home (e.g. a start frame's commit and namespace). */
  data?: unknown;
}

export interface LogEvent {
  kind: 'log';
  stream: string;
  line: string;
  at: number;
  level?: string;
  source?: 'stdout' | 'stderr';
}

export interface MetricsEvent {
  kind: 'metrics';
  source: string;
  at: number;
  values: Record<string, number>;
}

export interface ResourceEvent {
  kind: 'resource';
  resource: string;
  id: string;
  change: string;
  status?: string;
  previous?: string;
  at: number;
  data: unknown;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface AlertEvent {
  kind: 'alert';
  id: string;
  severity: AlertSeverity;
  title: string;
  at: number;
  data: unknown;
}

export interface MessageEvent {
  kind: 'message';
  channel: string;
  at: number;
  data: unknown;
  from?: string;
}

export interface ErrorEvent {
  kind: 'error';
  code: string;
  message: string;
  at: number;
  operationId?: string;
  /** Short, redacted excerpt of the offending frame, when there is one. */
  preview?: string;
  /** Protocol context of the error, when the server sent some. */
  data?: unknown;
}

export interface RawEvent {
  kind: 'raw';
  at: number;
  data: unknown;
}

export type OpstreamEvent =
  | OperationEvent
  | LogEvent
  | MetricsEvent
  | ResourceEvent
  | AlertEvent
  | MessageEvent
  | ErrorEvent
  | RawEvent;

export type OpstreamEventKind = OpstreamEvent['kind'];
