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
import { asRecord, asString, asNumber, asText, parseQuantity, parseTime } from './fields';
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

/**
 * `data` of a `job:created` operation event: what the frame says about the job beyond its id
 * (the ids alone mean little on screen). Each field only when the frame has it.
 */
export interface ArkJobData {
  /** The JobType, e.g. `INSTALL_SERVER`. */
  jobType?: string;
  /** The instance the job works on. */
  instanceId?: string;
}

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

// Field readers spell each name out (`data.jobId`) instead of looping over key lists (`data[key]`):
// V8 reads named properties much faster than computed ones, and absent names are the common case here.
// `a ?? b` chains keep the lists' order and stop at the first hit, as the loops did.


/** A readable time (epoch ms), else undefined. */
const time = (value: unknown): number | undefined => {
  const t = parseTime(value, Number.NaN);
  return Number.isNaN(t) ? undefined : t;
};

type TimeReader = (source: UnknownRecord) => number | undefined;

/** The generic names tried after an event's own time fields. */
const timeTail: TimeReader = (r) => time(r.at) ?? time(r.time);

/** Event time from `read` (data first, then the envelope), else arrival. */
const pickTime = (data: UnknownRecord, frame: UnknownRecord, read: TimeReader, ctx: ProtocolContext): number =>
  read(data) ?? (data === frame ? undefined : read(frame)) ?? ctx.now();

// The doc shows integer percents (45); fractions are not rescaled.
const readPercent = (data: UnknownRecord): number | undefined => {
  const n = percentOf(data.percent) ?? percentOf(data.progress) ?? percentOf(data.progressPercent);
  return n === undefined ? undefined : Math.min(100, Math.max(0, n));
};

const percentOf = (v: unknown): number | undefined =>
  asNumber(v) ?? (typeof v === 'string' ? readPercentString(v) : undefined);

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
  const message = asString(value);
  if (message !== undefined && message !== '') return { code: fallbackCode, message };
  const rec = asRecord(value);
  if (rec !== undefined) {
    return {
      code: asText(rec.code) ?? asText(rec.type) ?? fallbackCode,
      message: asText(rec.message) ?? asText(rec.error) ?? asText(rec.reason) ?? fallbackMessage,
    };
  }
  return { code: fallbackCode, message: fallbackMessage };
};

interface JobSpec {
  phase: OperationPhase;
  /** Keeps the job's type and instance in `data` (only `job:created` carries them). */
  details: boolean;
  /** Status when the payload has none (or an unreadable one). */
  status: OperationStatus;
  /** Terminal events keep their own status whatever the payload says. */
  fixed: boolean;
  /** The event's time fields, in order (then the generic `at`, `time`). */
  time: TimeReader;
}

const JOB_CREATED: JobSpec = {
  phase: 'start',
  details: true,
  status: 'pending',
  fixed: false,
  time: (r) => time(r.createdAt) ?? time(r.timestamp) ?? timeTail(r),
};
const JOB_PROGRESS: JobSpec = {
  phase: 'progress',
  details: false,
  status: 'running',
  fixed: false,
  time: (r) => time(r.timestamp) ?? time(r.updatedAt) ?? timeTail(r),
};
const JOB_COMPLETED: JobSpec = {
  phase: 'complete',
  details: false,
  status: 'succeeded',
  fixed: true,
  time: (r) => time(r.completedAt) ?? time(r.timestamp) ?? timeTail(r),
};
const JOB_FAILED: JobSpec = {
  phase: 'error',
  details: false,
  status: 'failed',
  fixed: true,
  time: (r) => time(r.failedAt) ?? time(r.timestamp) ?? timeTail(r),
};
const JOB_CANCELLED: JobSpec = {
  phase: 'complete',
  details: false,
  status: 'cancelled',
  fixed: true,
  time: (r) => time(r.cancelledAt) ?? time(r.timestamp) ?? timeTail(r),
};

const JOB_EVENTS: Record<string, JobSpec> = {
  created: JOB_CREATED,
  progress: JOB_PROGRESS,
  completed: JOB_COMPLETED,
  failed: JOB_FAILED,
  cancelled: JOB_CANCELLED,
};

const LOG_TIME: TimeReader = (r) => time(r.timestamp) ?? timeTail(r);

const INSTANCE_CREATED_TIME: TimeReader = (r) => time(r.createdAt) ?? LOG_TIME(r);
const INSTANCE_UPDATED_TIME: TimeReader = (r) => time(r.updatedAt) ?? LOG_TIME(r);
const INSTANCE_CHANGED_TIME: TimeReader = (r) => time(r.changedAt) ?? LOG_TIME(r);
const INSTANCE_DELETED_TIME: TimeReader = (r) => time(r.deletedAt) ?? LOG_TIME(r);

const INSTANCE_TIME: Record<string, TimeReader> = {
  created: INSTANCE_CREATED_TIME,
  updated: INSTANCE_UPDATED_TIME,
  status_changed: INSTANCE_CHANGED_TIME,
  deleted: INSTANCE_DELETED_TIME,
};

// agent:offline's lastSeenAt is when the agent was last heard from, not when it went offline.
const AGENT_REGISTERED_TIME: TimeReader = (r) => time(r.registeredAt) ?? LOG_TIME(r);
const AGENT_OFFLINE_TIME: TimeReader = (r) => time(r.offlineAt) ?? LOG_TIME(r);

const AGENT_TIME: Record<string, TimeReader> = {
  registered: AGENT_REGISTERED_TIME,
  heartbeat: LOG_TIME,
  offline: AGENT_OFFLINE_TIME,
};

const decodeJob = (
  spec: JobSpec,
  data: UnknownRecord,
  frame: UnknownRecord,
  ctx: ProtocolContext,
): OperationEvent | undefined => {
  const operationId = asText(data.jobId) ?? asText(data.job_id) ?? asText(data.id);
  if (operationId === undefined) return undefined;
  const status = spec.fixed ? spec.status : (readJobStatus(data.status) ?? spec.status);
  const event: OperationEvent = {
    kind: 'operation',
    operationId,
    operationType: 'job',
    phase: spec.phase,
    status,
    at: pickTime(data, frame, spec.time, ctx),
  };
  const progress = readPercent(data);
  if (progress !== undefined) event.progress = progress;
  const message = asText(data.message) ?? asText(data.reason);
  if (message !== undefined) event.message = message;
  if (spec.status === 'succeeded' && data.result !== undefined) event.result = data.result;
  if (spec.status === 'failed') {
    const code = asText(data.code) ?? asText(data.errorCode) ?? 'job_failed';
    event.error = readError(data.error ?? data.message, code, 'Job failed');
  }
  if (spec.details) {
    const details = readJobData(data);
    if (details !== undefined) event.data = details;
  }
  return event;
};

/** The job's type and instance, under the contract's names; undefined when the frame has neither. */
const readJobData = (data: UnknownRecord): ArkJobData | undefined => {
  const jobType = asText(data.jobType) ?? asText(data.job_type);
  const instanceId = asText(data.instanceId) ?? asText(data.instance_id);
  if (jobType === undefined && instanceId === undefined) return undefined;
  const details: ArkJobData = {};
  if (jobType !== undefined) details.jobType = jobType;
  if (instanceId !== undefined) details.instanceId = instanceId;
  return details;
};

const decodeResource = (
  resource: 'instance' | 'agent',
  change: string,
  data: UnknownRecord,
  frame: UnknownRecord,
  readTime: TimeReader,
  ctx: ProtocolContext,
): ResourceEvent | undefined => {
  const id =
    (resource === 'instance' ? (asText(data.instanceId) ?? asText(data.instance_id)) : (asText(data.agentId) ?? asText(data.agent_id))) ??
    asText(data.id);
  if (id === undefined) return undefined;
  const event: ResourceEvent = {
    kind: 'resource',
    resource,
    id,
    change,
    at: pickTime(data, frame, readTime, ctx),
    data,
  };
  const status = asText(data.status) ?? asText(data.newStatus) ?? asText(data.state);
  if (status !== undefined) event.status = status;
  const previous = asText(data.previousStatus) ?? asText(data.previous) ?? asText(data.oldStatus) ?? asText(data.from);
  if (previous !== undefined) event.previous = previous;
  return event;
};

const decodeInstanceLog = (
  data: UnknownRecord,
  frame: UnknownRecord,
  ctx: ProtocolContext,
): LogEvent | undefined => {
  const instanceId = asText(data.instanceId) ?? asText(data.instance_id) ?? asText(data.id);
  // An empty line is still a line; only a missing one makes the frame unreadable.
  const line = asString(data.message) ?? asString(data.line) ?? asString(data.text);
  if (instanceId === undefined || line === undefined) return undefined;
  const event: LogEvent = {
    kind: 'log',
    stream: arkInstanceLogStream(instanceId),
    line,
    at: pickTime(data, frame, LOG_TIME, ctx),
  };
  const level = asText(data.level) ?? asText(data.severity);
  if (level !== undefined) event.level = level;
  return event;
};

const decodeSystemError = (data: UnknownRecord, frame: UnknownRecord, ctx: ProtocolContext): ErrorEvent => {
  const { code, message } = readError(
    data.error ?? data.message,
    asText(data.code) ?? asText(data.errorCode) ?? 'system_error',
    'System error',
  );
  const event: ErrorEvent = {
    kind: 'error',
    code,
    message,
    at: pickTime(data, frame, LOG_TIME, ctx),
  };
  // The context may name the job the error belongs to.
  const context = asRecord(data.context);
  const operationId = context === undefined ? undefined : (asText(context.jobId) ?? asText(context.job_id));
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
  // The documented names, exactly as sent, skip the normalizing and table lookups below.
  switch (name) {
    case 'job:progress':
      return decodeJob(JOB_PROGRESS, data, frame, ctx);
    case 'instance:log':
      return decodeInstanceLog(data, frame, ctx);
    case 'job:created':
      return decodeJob(JOB_CREATED, data, frame, ctx);
    case 'job:completed':
      return decodeJob(JOB_COMPLETED, data, frame, ctx);
    case 'job:failed':
      return decodeJob(JOB_FAILED, data, frame, ctx);
    case 'job:cancelled':
      return decodeJob(JOB_CANCELLED, data, frame, ctx);
    case 'instance:created':
      return decodeResource('instance', 'created', data, frame, INSTANCE_CREATED_TIME, ctx);
    case 'instance:updated':
      return decodeResource('instance', 'updated', data, frame, INSTANCE_UPDATED_TIME, ctx);
    case 'instance:status_changed':
      return decodeResource('instance', 'status_changed', data, frame, INSTANCE_CHANGED_TIME, ctx);
    case 'instance:deleted':
      return decodeResource('instance', 'deleted', data, frame, INSTANCE_DELETED_TIME, ctx);
    case 'agent:registered':
      return decodeResource('agent', 'registered', data, frame, AGENT_REGISTERED_TIME, ctx);
    case 'agent:heartbeat':
      return decodeResource('agent', 'heartbeat', data, frame, LOG_TIME, ctx);
    case 'agent:offline':
      return decodeResource('agent', 'offline', data, frame, AGENT_OFFLINE_TIME, ctx);
    case 'system:error':
      return decodeSystemError(data, frame, ctx);
  }
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
      const reader = Object.hasOwn(INSTANCE_TIME, action) ? INSTANCE_TIME[action] : undefined;
      return reader === undefined ? undefined : decodeResource('instance', action, data, frame, reader, ctx);
    }
    case 'agent': {
      const reader = Object.hasOwn(AGENT_TIME, action) ? AGENT_TIME[action] : undefined;
      return reader === undefined ? undefined : decodeResource('agent', action, data, frame, reader, ctx);
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
