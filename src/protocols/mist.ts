import { OpstreamError } from '../core/errors';
import { TERMINAL } from '../core/terminal';
import type {
  EventError,
  LogEvent,
  OperationEvent,
  OperationStatus,
  OpstreamEvent,
  ResourceEvent,
} from '../core/events';
import { asNumber, asRecord, asString, flattenInto, inheritsNothing, parseTime } from './fields';
import type { UnknownRecord } from './fields';
import type { ControlSignal, ProtocolAdapter, ProtocolContext } from './types';

/** The three Mist sockets; each endpoint gets its own connection. */
export type MistEndpoint = 'container-logs' | 'deployment' | 'metrics';

/** Mist is push-only: the client never sends a message. */
export type MistCommand = never;

/** Endpoint paths as documented. */
export const MIST_PATHS: Readonly<Record<MistEndpoint, string>> = {
  'container-logs': '/ws/container/logs',
  deployment: '/ws/deployment/logs',
  metrics: '/ws/metrics',
};

/** Query parameter carrying the id, as documented (metrics takes none). */
export const MIST_ID_PARAMS: Readonly<Record<MistEndpoint, string | undefined>> = {
  'container-logs': 'appId',
  deployment: 'deploymentId',
  metrics: undefined,
};

export interface MistOptions {
  /** Which socket this adapter speaks: container logs, one deployment's logs and status, or system metrics. */
  endpoint: MistEndpoint;
  /** Application whose container logs to stream (required for `container-logs`). */
  appId?: string | number;
  /** Deployment to follow (required for `deployment`). */
  deploymentId?: string | number;
  /** Override endpoint paths (defaults: `MIST_PATHS`), e.g. when the server mounts them under `/api`. */
  paths?: Partial<Record<MistEndpoint, string>>;
  /** Override the id's query parameter name (defaults: `appId`, `deploymentId`). */
  idParams?: Partial<Record<'container-logs' | 'deployment', string>>;
}

/** Log stream that carries an application's container logs. */
export const mistContainerLogStream = (appId: string | number): string => `container:${appId}`;

const ENDPOINTS: ReadonlySet<string> = new Set(['container-logs', 'deployment', 'metrics']);

// Documented flow: pending -> building -> deploying -> success | failed; the rest is drift seen in the wild.
const DEPLOYMENT_STATUS: Readonly<Record<string, OperationStatus>> = {
  pending: 'pending',
  queued: 'pending',
  building: 'running',
  deploying: 'running',
  running: 'running',
  in_progress: 'running',
  success: 'succeeded',
  succeeded: 'succeeded',
  completed: 'succeeded',
  complete: 'succeeded',
  done: 'succeeded',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  stopped: 'cancelled',
};

/** Maps a Mist deployment status to the normalized one; unknown non-empty statuses count as running. */
export const mistDeploymentStatus = (status: string): OperationStatus =>
  DEPLOYMENT_STATUS[status.toLowerCase()] ?? 'running';

const isTerminal = (status: OperationStatus | undefined): boolean => status !== undefined && TERMINAL.has(status);

const readId = (value: unknown): string | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
};

const normalizePath = (path: string): string => {
  const trimmed = path.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
};

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};

/** Lower-cased `type`, `undefined` when absent (null counts as absent), `null` when present but not a string. */
const readType = (msg: UnknownRecord): string | undefined | null => {
  const t = msg.type;
  if (t === undefined || t === null) return undefined;
  if (typeof t !== 'string') return null;
  // The documented types are already lower case: no toLowerCase call on every frame.
  switch (t) {
    case 'log':
    case 'status':
    case 'progress':
    case 'error':
    case 'end':
      return t;
    default:
      return t.toLowerCase();
  }
};

const timeOf = (msg: UnknownRecord, data: UnknownRecord | undefined, ctx: ProtocolContext): number =>
  parseTime(msg.timestamp ?? msg.time ?? data?.timestamp, ctx.now());

// Servers put the text in data.message, data.error, a bare string data, or the top level.
const errorText = (msg: UnknownRecord, data: UnknownRecord | undefined): string =>
  asString(data?.message) ??
  asString(data?.error) ??
  (typeof msg.data === 'string' && msg.data !== '' ? msg.data : undefined) ??
  asString(msg.message) ??
  asString(msg.error) ??
  'Mist reported an error';

// The document lists these scenarios; a server-sent code wins.
const errorCode = (text: string, data: UnknownRecord | undefined, fallback: string): string => {
  const explicit = asString(data?.code);
  if (explicit !== undefined && explicit !== '') return explicit;
  if (/permission denied|forbidden|unauthori[sz]ed/i.test(text)) return 'permission_denied';
  if (/not running/i.test(text)) return 'container_not_running';
  if (/not found/i.test(text)) return 'not_found';
  return fallback;
};

const lineOf = (msg: UnknownRecord, data: UnknownRecord | undefined): string | undefined => {
  // Lines can be 1 MB: hand the parsed string through untouched (ANSI escapes included).
  const line = data?.line;
  if (typeof line === 'string') return line;
  if (typeof msg.data === 'string') return msg.data;
  if (typeof msg.line === 'string') return msg.line;
  return asString(line) ?? asString(data?.message);
};

// ---- Decoding ----
// Module functions rather than closures per adapter: every adapter shares one compiled decoder, which stays
// optimized when an adapter is dropped (a closure's optimized code goes with the last adapter holding it).

/** One connection's decoding state. */
interface MistDecoder {
  /** Log stream of the container logs. */
  stream: string;
  /** The app or deployment id. */
  operationId: string;
  /** Last container state (for `previous`). */
  lastState: string | undefined;
  /** Last deployment stage seen: a new one is a `step`. */
  lastStage: string | undefined;
  /** The deployment completed: a repeated final status is progress, not a second completion. */
  completed: boolean;
}

const raw = (message: unknown, ctx: ProtocolContext): OpstreamEvent[] => [
  { kind: 'raw', at: ctx.now(), data: message },
];

const rawAt = (message: UnknownRecord, at: number): OpstreamEvent[] => [{ kind: 'raw', at, data: message }];

const decodeContainer = (d: MistDecoder, msg: UnknownRecord, type: string, ctx: ProtocolContext): OpstreamEvent[] => {
  const data = asRecord(msg.data);
  const at = timeOf(msg, data, ctx);
  switch (type) {
    case 'log': {
      const line = lineOf(msg, data);
      if (line === undefined) return rawAt(msg, at);
      const source = data?.stream ?? data?.source;
      const level = asString(data?.level);
      const event: LogEvent = { kind: 'log', stream: d.stream, line, at };
      if (source === 'stdout' || source === 'stderr') event.source = source;
      if (level !== undefined) event.level = level;
      return [event];
    }
    case 'status': {
      if (data === undefined) return rawAt(msg, at);
      const state = asString(data.state);
      const event: ResourceEvent = {
        kind: 'resource',
        resource: 'container',
        id: asString(data.container) ?? asString(data.name) ?? `app:${d.operationId}`,
        change: 'status',
        at,
        data,
      };
      if (state !== undefined) event.status = state;
      if (d.lastState !== undefined) event.previous = d.lastState;
      if (state !== undefined) d.lastState = state;
      return [event];
    }
    case 'error': {
      const message = errorText(msg, data);
      return [{ kind: 'error', code: errorCode(message, data, 'server_error'), message, at }];
    }
    case 'end':
      return []; // control() ends the connection
    default:
      return rawAt(msg, at);
  }
};

const operation = (d: MistDecoder, phase: OperationEvent['phase'], at: number): OperationEvent => ({
  kind: 'operation',
  operationId: d.operationId,
  operationType: 'deployment',
  phase,
  at,
});

const decodeDeployment = (d: MistDecoder, msg: UnknownRecord, type: string, ctx: ProtocolContext): OpstreamEvent[] => {
  const data = asRecord(msg.data);
  const at = timeOf(msg, data, ctx);
  switch (type) {
    case 'status':
    case 'progress': {
      if (data === undefined) return rawAt(msg, at);
      const rawStatus = asString(data.status);
      const stage = asString(data.stage);
      const progressValue = asNumber(data.progress);
      const message = asString(data.message);
      const errorMessage = asString(data.error_message ?? data.errorMessage ?? data.error);
      if (
        (rawStatus === undefined || rawStatus === '') &&
        (stage === undefined || stage === '') &&
        progressValue === undefined &&
        message === undefined
      ) {
        return rawAt(msg, at);
      }
      const status = rawStatus === undefined || rawStatus === '' ? undefined : mistDeploymentStatus(rawStatus);
      let phase: OperationEvent['phase'] = 'progress';
      // The server repeats the final status (and re-sends it after a reconnect): complete once.
      if (isTerminal(status) && !d.completed) {
        phase = 'complete';
        d.completed = true;
      } else if (stage !== undefined && stage !== '' && stage !== d.lastStage) {
        phase = 'step';
      }
      const event = operation(d, phase, at);
      if (stage !== undefined && stage !== '') {
        d.lastStage = stage;
        const step: NonNullable<OperationEvent['step']> = { id: stage };
        if (message !== undefined && message !== '') step.description = message;
        if (status !== undefined) step.status = status;
        event.step = step;
      }
      if (status !== undefined) event.status = status;
      if (progressValue !== undefined) event.progress = Math.min(100, Math.max(0, progressValue));
      if (message !== undefined && message !== '') event.message = message;
      if (errorMessage !== undefined && errorMessage !== '') {
        const code = status === 'failed' ? 'deployment_failed' : 'deployment_error';
        const error: EventError = { code, message: errorMessage };
        event.error = error;
      }
      return [event];
    }
    case 'log': {
      const line = lineOf(msg, data);
      if (line === undefined) return rawAt(msg, at);
      const event = operation(d, 'log', at);
      event.message = line;
      return [event];
    }
    case 'error': {
      const message = errorText(msg, data);
      const event = operation(d, 'error', at);
      event.error = { code: errorCode(message, data, 'deployment_error'), message };
      event.message = message;
      return [event];
    }
    case 'end':
      return [];
    default:
      return rawAt(msg, at);
  }
};

const decodeMetrics = (msg: UnknownRecord, type: string | undefined | null, ctx: ProtocolContext): OpstreamEvent[] => {
  let sample: UnknownRecord | undefined = msg;
  if (type !== undefined) {
    // Tolerate an enveloped sample or an error frame; anything else typed is not a sample.
    const data = asRecord(msg.data);
    if (type === 'metrics' || type === 'stats') sample = data;
    else if (type === 'error') {
      const message = errorText(msg, data);
      return [{ kind: 'error', code: errorCode(message, data, 'server_error'), message, at: timeOf(msg, data, ctx) }];
    } else if (type === 'end') return [];
    else sample = undefined;
  }
  const at = parseTime(sample?.timestamp ?? msg.timestamp, ctx.now());
  if (sample === undefined) return rawAt(msg, at);
  const values: Record<string, number> = {};
  // Top-level keys one by one, so `timestamp` is skipped without copying the sample. for-in reads each value
  // straight from the sample (no key and value arrays); inherited keys are skipped unless there can be none.
  const plain = inheritsNothing(sample);
  let count = 0;
  for (const key in sample) {
    if (key !== 'timestamp' && (plain || Object.hasOwn(sample, key))) {
      count = flattenInto(sample[key], key, values, 1, count);
    }
  }
  // A count of 0 can still leave a value (under `__proto__` when Node runs with --disable-proto=delete).
  if (count === 0 && Object.keys(values).length === 0) return rawAt(msg, at);
  return [{ kind: 'metrics', source: 'system', at, values }];
};

/**
 * Mist adapter (push-only). One connection per endpoint: container logs for `appId`, one deployment's
 * stages, progress and build log, or 1 Hz system metrics (bare objects without `type`).
 */
export function mist(options: MistOptions): ProtocolAdapter<MistCommand> {
  const endpoint = (options as Partial<MistOptions> | undefined)?.endpoint;
  if (typeof endpoint !== 'string' || !ENDPOINTS.has(endpoint)) {
    throw new OpstreamError(
      'invalid_command',
      `mist: endpoint must be 'container-logs', 'deployment' or 'metrics', got ${String(endpoint)}`,
    );
  }
  let id: string | undefined;
  if (endpoint === 'container-logs') {
    id = readId(options.appId);
    if (id === undefined) throw new OpstreamError('invalid_command', "mist: endpoint 'container-logs' needs appId");
  } else if (endpoint === 'deployment') {
    id = readId(options.deploymentId);
    if (id === undefined) throw new OpstreamError('invalid_command', "mist: endpoint 'deployment' needs deploymentId");
  }
  const path = normalizePath(options.paths?.[endpoint] ?? MIST_PATHS[endpoint]);
  const idParam =
    endpoint === 'metrics' ? undefined : (options.idParams?.[endpoint] ?? MIST_ID_PARAMS[endpoint]);
  const decoder: MistDecoder = {
    stream: id === undefined ? '' : mistContainerLogStream(id),
    operationId: id ?? '',
    lastState: undefined,
    lastStage: undefined,
    completed: false,
  };

  const adapter: ProtocolAdapter<MistCommand> = {
    name: 'mist',
    key: id === undefined ? endpoint : `${endpoint}:${id}`,
    pushOnly: true,
    // Log lines reach 1 MB; JSON escaping (ANSI ESC is 6 bytes) makes the frame larger.
    maxMessageBytes: 4 * 1024 * 1024,

    url(base: string): string {
      // WebSocket URLs cannot carry a fragment.
      const hashAt = base.indexOf('#');
      const noHash = hashAt === -1 ? base : base.slice(0, hashAt);
      const queryAt = noHash.indexOf('?');
      let head = (queryAt === -1 ? noHash : noHash.slice(0, queryAt)).replace(/\/+$/, '');
      const query = queryAt === -1 ? '' : noHash.slice(queryAt + 1);
      if (!head.endsWith(path)) head += path;
      const params = query === '' ? [] : query.split('&').filter((p) => p !== '');
      if (idParam !== undefined && id !== undefined) {
        const kept = params.filter((p) => safeDecode(p.split('=', 1)[0] ?? '') !== idParam);
        kept.push(`${encodeURIComponent(idParam)}=${encodeURIComponent(id)}`);
        return `${head}?${kept.join('&')}`;
      }
      return params.length === 0 ? head : `${head}?${params.join('&')}`;
    },

    decode(message: unknown, ctx: ProtocolContext): OpstreamEvent[] {
      try {
        const msg = asRecord(message);
        if (msg === undefined) return raw(message, ctx);
        const type = readType(msg);
        if (endpoint === 'metrics') return decodeMetrics(msg, type, ctx);
        if (type === undefined || type === null) return raw(message, ctx);
        return endpoint === 'container-logs'
          ? decodeContainer(decoder, msg, type, ctx)
          : decodeDeployment(decoder, msg, type, ctx);
      } catch {
        // Hostile frames (throwing getters, proxies) must not break the stream.
        return raw(message, ctx);
      }
    },

    control(message: unknown): ControlSignal | undefined {
      try {
        const msg = asRecord(message);
        if (msg === undefined) return undefined;
        const type = readType(msg);
        if (type === 'end') {
          const data = asRecord(msg.data);
          const reason = asString(data?.message) ?? asString(msg.message) ?? asString(msg.reason);
          return reason === undefined ? { type: 'end' } : { type: 'end', reason };
        }
        // The server sends the final status and closes a second later: don't reconnect to a finished deployment.
        if (endpoint === 'deployment' && (type === 'status' || type === 'progress')) {
          const rawStatus = asString(asRecord(msg.data)?.status);
          if (rawStatus === undefined || rawStatus === '') return undefined;
          const status = mistDeploymentStatus(rawStatus);
          if (isTerminal(status)) return { type: 'end', reason: `deployment ${status}` };
        }
        return undefined;
      } catch {
        return undefined;
      }
    },

    encode(): never {
      throw new OpstreamError('unsupported', 'mist: the server accepts no client messages (push-only)');
    },
  };
  return adapter;
}
