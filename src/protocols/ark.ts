import { OpstreamError } from '../core/errors';
import type {
  ErrorEvent,
  LogEvent,
  OperationEvent,
  OperationPhase,
  OperationStatus,
  OpstreamEvent,
  ResourceEvent,
} from '../core/events';
import { asRecord, asString, asNumber, parseQuantity, parseTime } from './fields';
import type { UnknownRecord } from './fields';
import type { Frame, ProtocolAdapter, ProtocolContext, ReconnectOptions } from './types';

/** ARK control plane is push-only: there is nothing the client can send. */
export type ArkCommand = never;

export interface ArkOptions {
  /** Endpoint path used when the URL given to the connection has none. Default `/ws`. */
  path?: string;
}

const DEFAULT_PATH = '/ws';

/**
 * The doc's client example: 10 attempts, delay min(1000 * 2^attempt, 30000) with the first
 * attempt at 2^1 (2 s). The kit adds full jitter and its own uptime rule on top.
 */
const ARK_RECONNECT: Partial<ReconnectOptions> = {
  minDelayMs: 2000,
  maxDelayMs: 30000,
  factor: 2,
  maxRetries: 10,
};

/** Log stream that `instance:log` lines for one instance go to. */
export const arkInstanceLogStream = (instanceId: string): string => `instance:${instanceId}`;

// Wire statuses (JobStatus enum: CREATED, QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED).
const readJobStatus = (value: unknown): OperationStatus | undefined => {
  if (typeof value !== 'string') return undefined;
  switch (value.trim().toLowerCase()) {
    case 'created':
    case 'queued':
    case 'pending':
      return 'pending';
    case 'running':
    case 'progress':
    case 'in_progress':
      return 'running';
    case 'completed':
    case 'succeeded':
    case 'success':
      return 'succeeded';
    case 'failed':
    case 'error':
      return 'failed';
    case 'cancelled':
    case 'canceled':
      return 'cancelled';
    default:
      return undefined;
  }
};

/** First string among `keys` of `data` (lenient about renamed fields). */
const pickString = (data: UnknownRecord, keys: readonly string[]): string | undefined => {
  for (const key of keys) {
    const s = asString(data[key]);
    if (s !== undefined && s !== '') return s;
  }
  return undefined;
};

/** Event time from the first readable of `keys` (data first, then the envelope), else arrival. */
const pickTime = (
  data: UnknownRecord,
  frame: UnknownRecord,
  keys: readonly string[],
  ctx: ProtocolContext,
): number => {
  for (const source of data === frame ? [data] : [data, frame]) {
    for (const key of keys) {
      const t = parseTime(source[key], Number.NaN);
      if (!Number.isNaN(t)) return t;
    }
  }
  return ctx.now();
};

// The doc shows integer percents (45); fractions are not rescaled.
const readPercent = (data: UnknownRecord): number | undefined => {
  for (const key of ['percent', 'progress', 'progressPercent']) {
    const v = data[key];
    const n = asNumber(v) ?? (typeof v === 'string' ? readPercentString(v) : undefined);
    if (n !== undefined) return Math.min(100, Math.max(0, n));
  }
  return undefined;
};

const readPercentString = (value: string): number | undefined => {
  const q = parseQuantity(value);
  return q !== undefined && (q.unit === '%' || q.unit === '') ? q.value : undefined;
};

/** Error text from a string or a `{code, message}` object. */
const readError = (
  value: unknown,
  fallbackCode: string,
  fallbackMessage: string,
): { code: string; message: string } => {
  const text = asString(value);
  if (text !== undefined && text !== '') return { code: fallbackCode, message: text };
  const rec = asRecord(value);
  if (rec !== undefined) {
    return {
      code: pickString(rec, ['code', 'type']) ?? fallbackCode,
      message: pickString(rec, ['message', 'error', 'reason']) ?? fallbackMessage,
    };
  }
  return { code: fallbackCode, message: fallbackMessage };
};

interface JobSpec {
  phase: OperationPhase;
  /** Status when the payload has none (or an unreadable one). */
  status: OperationStatus;
  /** Terminal events keep their own status whatever the payload says. */
  fixed: boolean;
  time: readonly string[];
}

const JOB_EVENTS: Record<string, JobSpec> = {
  created: { phase: 'start', status: 'pending', fixed: false, time: ['createdAt', 'timestamp'] },
  progress: { phase: 'progress', status: 'running', fixed: false, time: ['timestamp', 'updatedAt'] },
  completed: { phase: 'complete', status: 'succeeded', fixed: true, time: ['completedAt', 'timestamp'] },
  failed: { phase: 'error', status: 'failed', fixed: true, time: ['failedAt', 'timestamp'] },
  cancelled: { phase: 'complete', status: 'cancelled', fixed: true, time: ['cancelledAt', 'timestamp'] },
};

const INSTANCE_TIME: Record<string, readonly string[]> = {
  created: ['createdAt', 'timestamp'],
  updated: ['updatedAt', 'timestamp'],
  status_changed: ['changedAt', 'timestamp'],
  deleted: ['deletedAt', 'timestamp'],
};

// agent:offline's lastSeenAt is when the agent was last heard from, not when it went offline.
const AGENT_TIME: Record<string, readonly string[]> = {
  registered: ['registeredAt', 'timestamp'],
  heartbeat: ['timestamp'],
  offline: ['offlineAt', 'timestamp'],
};

const TIME_TAIL = ['at', 'time'];

const decodeJob = (
  spec: JobSpec,
  data: UnknownRecord,
  frame: UnknownRecord,
  ctx: ProtocolContext,
): OperationEvent | undefined => {
  const operationId = pickString(data, ['jobId', 'job_id', 'id']);
  if (operationId === undefined) return undefined;
  const status = spec.fixed ? spec.status : (readJobStatus(data.status) ?? spec.status);
  const event: OperationEvent = {
    kind: 'operation',
    operationId,
    operationType: 'job',
    phase: spec.phase,
    status,
    at: pickTime(data, frame, [...spec.time, ...TIME_TAIL], ctx),
  };
  const progress = readPercent(data);
  if (progress !== undefined) event.progress = progress;
  const message = pickString(data, ['message', 'reason']);
  if (message !== undefined) event.message = message;
  if (spec.status === 'succeeded' && data.result !== undefined) event.result = data.result;
  if (spec.status === 'failed') {
    const code = pickString(data, ['code', 'errorCode']) ?? 'job_failed';
    event.error = readError(data.error ?? data.message, code, 'Job failed');
  }
  return event;
};

const decodeResource = (
  resource: 'instance' | 'agent',
  change: string,
  data: UnknownRecord,
  frame: UnknownRecord,
  time: readonly string[],
  ctx: ProtocolContext,
): ResourceEvent | undefined => {
  const id = pickString(data, [`${resource}Id`, `${resource}_id`, 'id']);
  if (id === undefined) return undefined;
  const event: ResourceEvent = {
    kind: 'resource',
    resource,
    id,
    change,
    at: pickTime(data, frame, [...time, ...TIME_TAIL], ctx),
    data,
  };
  const status = pickString(data, ['status', 'newStatus', 'state']);
  if (status !== undefined) event.status = status;
  const previous = pickString(data, ['previousStatus', 'previous', 'oldStatus', 'from']);
  if (previous !== undefined) event.previous = previous;
  return event;
};

const decodeInstanceLog = (
  data: UnknownRecord,
  frame: UnknownRecord,
  ctx: ProtocolContext,
): LogEvent | undefined => {
  const instanceId = pickString(data, ['instanceId', 'instance_id', 'id']);
  // An empty line is still a line; only a missing one makes the frame unreadable.
  const line = asString(data.message) ?? asString(data.line) ?? asString(data.text);
  if (instanceId === undefined || line === undefined) return undefined;
  const event: LogEvent = {
    kind: 'log',
    stream: arkInstanceLogStream(instanceId),
    line,
    at: pickTime(data, frame, ['timestamp', ...TIME_TAIL], ctx),
  };
  const level = pickString(data, ['level', 'severity']);
  if (level !== undefined) event.level = level;
  return event;
};

const decodeSystemError = (data: UnknownRecord, frame: UnknownRecord, ctx: ProtocolContext): ErrorEvent => {
  const { code, message } = readError(
    data.error ?? data.message,
    pickString(data, ['code', 'errorCode']) ?? 'system_error',
    'System error',
  );
  const event: ErrorEvent = {
    kind: 'error',
    code,
    message,
    at: pickTime(data, frame, ['timestamp', ...TIME_TAIL], ctx),
  };
  // The context may name the job the error belongs to.
  const context = asRecord(data.context);
  const operationId = context === undefined ? undefined : pickString(context, ['jobId', 'job_id']);
  if (operationId !== undefined) event.operationId = operationId;
  return event;
};

const decodeFrame = (message: unknown, ctx: ProtocolContext): OpstreamEvent | undefined => {
  const frame = asRecord(message);
  if (frame === undefined) return undefined;
  const name = asString(frame.event) ?? asString(frame.type);
  if (name === undefined) return undefined;
  // Payload fields flattened into the envelope are read from the envelope itself.
  const data = asRecord(frame.data) ?? frame;
  const normalized = name.trim().toLowerCase();
  const colon = normalized.indexOf(':');
  const category = colon < 0 ? normalized : normalized.slice(0, colon);
  const action = colon < 0 ? '' : normalized.slice(colon + 1);
  // Lookups go through Object.hasOwn so "job:constructor" cannot reach the prototype.
  switch (category) {
    case 'job': {
      if (!Object.hasOwn(JOB_EVENTS, action)) return undefined;
      const spec = JOB_EVENTS[action];
      return spec === undefined ? undefined : decodeJob(spec, data, frame, ctx);
    }
    case 'instance': {
      if (action === 'log') return decodeInstanceLog(data, frame, ctx);
      const time = Object.hasOwn(INSTANCE_TIME, action) ? INSTANCE_TIME[action] : undefined;
      return time === undefined ? undefined : decodeResource('instance', action, data, frame, time, ctx);
    }
    case 'agent': {
      const time = Object.hasOwn(AGENT_TIME, action) ? AGENT_TIME[action] : undefined;
      return time === undefined ? undefined : decodeResource('agent', action, data, frame, time, ctx);
    }
    case 'system':
      return action === 'error' ? decodeSystemError(data, frame, ctx) : undefined;
    default:
      return undefined;
  }
};

/** Adapter for the ARK ASA Server Manager control plane (`/ws`, push-only `{event, data}` frames). */
export function ark(options: ArkOptions = {}): ProtocolAdapter<ArkCommand> {
  const path = options.path ?? DEFAULT_PATH;
  return {
    name: 'ark',
    key: path,
    pushOnly: true,
    reconnect: ARK_RECONNECT,

    url(url: string): string {
      // Only a bare origin gets the documented path; an explicit path is the user's choice.
      try {
        const parsed = new URL(url);
        if (parsed.pathname !== '' && parsed.pathname !== '/') return url;
        parsed.pathname = path;
        return parsed.toString();
      } catch {
        return url;
      }
    },

    decode(message: unknown, ctx: ProtocolContext): OpstreamEvent[] {
      try {
        const event = decodeFrame(message, ctx);
        return [event ?? { kind: 'raw', at: ctx.now(), data: message }];
      } catch {
        // Belt and braces: nothing above should throw, but a frame must never break the stream.
        return [{ kind: 'raw', at: ctx.now(), data: message }];
      }
    },

    encode(_command: ArkCommand, _ctx: ProtocolContext): Frame {
      throw new OpstreamError('unsupported', 'ARK is push-only: the client never sends');
    },
  };
}
