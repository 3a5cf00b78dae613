import { OpstreamError } from '../core/errors';
import type {
  AlertSeverity,
  ErrorEvent,
  EventError,
  MetricsEvent,
  OperationEvent,
  OpstreamEvent,
  ResourceEvent,
} from '../core/events';
import {
  asBoolean,
  asNumber,
  asRecord,
  asString,
  childName,
  childNamesOf,
  flattenNumbers,
  isRecord,
  parseQuantity,
  parseTime, fingerprint } from './fields';
import type { UnknownRecord } from './fields';
import type { ControlSignal, Frame, ProtocolAdapter, ProtocolContext, SubscriptionCodec } from './types';

/**
 * What a Hexabase client can send besides auth, pong and (un)subscribe, which the connection
 * drives through `handshake`, `control` and `subscriptions`. Fields keep the wire's names.
 * `id` is the envelope id; when omitted a fresh one comes from the connection.
 */
export type HexabaseCommand =
  | {
      type: 'get_workspace_status';
      workspace_id: string;
      id?: string;
    }
  | {
      type: 'stream_logs';
      workspace_id: string;
      namespace: string;
      pod: string;
      container?: string;
      /** Keep streaming new lines. Default true (the document's example). */
      follow?: boolean;
      /** Lines of history sent first. Default 100 (the document's example). */
      tail_lines?: number;
      /** Envelope id, which the server reuses as the stream id: see `hexabaseLogStream(id)`. */
      id?: string;
    }
  | {
      type: 'stop_stream';
      /** The `id` the `stream_logs` command was sent with. */
      stream_id: string;
      id?: string;
    };

export interface HexabaseOptions {
  /** JWT sent in the `auth` frame on every (re)connect. */
  token: string;
  /** How long to wait for `auth_result` before giving up (ms). Default 10 000. */
  authTimeoutMs?: number;
}

/** The document's endpoints, for `createConnection({ url })`. */
export const HEXABASE_URLS = {
  production: 'wss://api.hexabase.ai/ws',
  staging: 'wss://api-staging.hexabase.ai/ws',
  local: 'ws://api.localhost/ws',
} as const;

/** Largest frame the server accepts (the document's 1 MB). */
export const HEXABASE_MAX_MESSAGE_BYTES = 1_000_000;
/** Most subscriptions the server accepts per connection. */
export const HEXABASE_MAX_SUBSCRIPTIONS = 100;

/** Log stream name of a `stream_logs` command sent with envelope id `streamId`. */
export const hexabaseLogStream = (streamId: string): string => `logs:${streamId}`;

const PONG_FRAME: Frame = '{"type":"pong"}';
const REDACTED = '[redacted]';
const HEARTBEAT = { intervalMs: 30_000, timeoutMs: 15_000 } as const;
// The server refuses these without an id for good: retrying with the same token cannot help.
const FATAL_CODES = new Set(['AUTH_REQUIRED', 'INVALID_TOKEN']);
// Frames that answer a request by id; events may carry an id too, so the set is explicit.
const REPLY_TYPES = new Set(['workspace_status', 'subscribe_result', 'unsubscribe_result']);
// Fields of a reply envelope that are not its payload.
const ENVELOPE_KEYS = new Set(['type', 'id', 'timestamp', 'success', 'data', 'error']);

const invalid = (message: string): OpstreamError => new OpstreamError('invalid_command', message);

/** `rec[key]` when it is an own property that is neither undefined nor null. */
const ownValue = (rec: UnknownRecord, key: string): unknown => {
  const value = rec[key];
  // Read first: hasOwn only runs for the (usually single) key that is there.
  return value !== undefined && value !== null && Object.hasOwn(rec, key) ? value : undefined;
};

/**
 * First present value among up to three keys (snake_case as documented, camelCase as drift).
 * Fixed arity rather than rest parameters: no array per call on the per-frame path.
 */
const pick = (rec: UnknownRecord | undefined, a: string, b?: string, c?: string): unknown => {
  if (rec === undefined) return undefined;
  const first = ownValue(rec, a);
  if (first !== undefined || b === undefined) return first;
  const second = ownValue(rec, b);
  return second !== undefined || c === undefined ? second : ownValue(rec, c);
};

const pickString = (rec: UnknownRecord | undefined, a: string, b?: string, c?: string): string | undefined =>
  nonEmpty(pick(rec, a, b, c));

const nonEmpty = (value: unknown): string | undefined => {
  const s = asString(value);
  return s === '' ? undefined : s;
};

/**
 * `value`, read by the caller as `rec.<key>`, when it is neither undefined nor null and an own property:
 * the same answer as `pick(rec, key)`, but a named read (`rec.timestamp`) is much cheaper for V8 than a
 * computed one (`rec[key]`). Used on the fields every frame reads.
 */
const own = (rec: UnknownRecord, key: string, value: unknown): unknown =>
  value !== undefined && value !== null && Object.hasOwn(rec, key) ? value : undefined;

/** `pick(rec, 'timestamp', 'time', 'ts')` with named reads. */
const timeField = (rec: UnknownRecord): unknown =>
  own(rec, 'timestamp', rec.timestamp) ?? own(rec, 'time', rec.time) ?? own(rec, 'ts', rec.ts);

const safeJson = (value: unknown): string | undefined => {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
};


const toFrame = (envelope: UnknownRecord): Frame => {
  const frame = safeJson(envelope);
  if (frame === undefined) throw invalid(`Hexabase ${String(envelope.type)} is not JSON-serializable`);
  return frame;
};

// ---- Values ---------------------------------------------------------------------------------

const SEVERITY: Record<string, AlertSeverity> = {
  info: 'info',
  informational: 'info',
  notice: 'info',
  low: 'info',
  debug: 'info',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  minor: 'warning',
  moderate: 'warning',
  critical: 'critical',
  crit: 'critical',
  error: 'critical',
  high: 'critical',
  major: 'critical',
  severe: 'critical',
  fatal: 'critical',
  emergency: 'critical',
};

/** Unknown or missing severities become `warning`: an alert is never hidden as `info`. */
const mapSeverity = (value: unknown): AlertSeverity => {
  const s = asString(value)?.toLowerCase();
  return (s !== undefined && Object.hasOwn(SEVERITY, s) ? SEVERITY[s] : undefined) ?? 'warning';
};

const PERCENT_KEY = /percent|ratio|utili[sz]ation/i;
// Field names repeat in every sample ("used", "limit", "percentage"): remember the regex's answer per name.
const percentKeys = new Map<string, boolean>();
const isPercentKey = (field: string): boolean => {
  let known = percentKeys.get(field);
  if (known === undefined) {
    known = PERCENT_KEY.test(field);
    if (percentKeys.size >= 256) percentKeys.clear();
    percentKeys.set(field, known);
  }
  return known;
};

// True when `s` has an ASCII letter or '%' (what /[a-z%]/i matches), i.e. carries its own unit.
const hasUnitChar = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if ((c >= 97 && c <= 122) || s.charCodeAt(i) === 37) return true;
  }
  return false;
};

/** A number in base units: the value's own suffix wins ("5Gi"), else the sibling `unit` ("Mi", "cores"). */
const quantity = (value: unknown, unit: string | undefined): number | undefined => {
  if (typeof value === 'string' && hasUnitChar(value)) return parseQuantity(value)?.value;
  const n = asNumber(value);
  if (n === undefined || unit === undefined) return n;
  const u = unit.trim();
  switch (u.toLowerCase()) {
    case '':
    case 'core':
    case 'cores':
    case 'cpu':
    case 'cpus':
    case 'vcpu':
    case 'byte':
    case 'bytes':
    case '%':
    case 'percent':
      return n;
    case 'millicore':
    case 'millicores':
      return n / 1000;
  }
  if (u === 'm') return n / 1000;
  const scaled = parseQuantity(`${n}${u}`)?.value;
  return scaled !== undefined && Number.isFinite(scaled) ? scaled : n;
};

/**
 * Numbers of a `{cpu: {used, limit, unit, percentage}, ...}` map under dotted names
 * (`cpu.used`), scaled by each group's `unit`; other shapes are flattened as they are.
 */
const readValues = (groups: UnknownRecord): Record<string, number> => {
  const out: Record<string, number> = {};
  // Keys and values in two native passes (same order), as in flattenNumbers.
  const names = Object.keys(groups);
  const groupValues: unknown[] = Object.values(groups);
  for (let g = 0; g < names.length; g++) {
    const name = names[g]!;
    const group = groupValues[g];
    const rec = asRecord(group);
    const unit = rec === undefined ? undefined : asString(rec.unit);
    if (rec === undefined || unit === undefined) {
      flattenNumbers(group, name, out, 1);
      continue;
    }
    const fields = Object.keys(rec);
    const values: unknown[] = Object.values(rec);
    const dotted = childNamesOf(name);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      if (field === 'unit') continue;
      const value = values[i];
      const n = isPercentKey(field) ? asNumber(value) : quantity(value, unit);
      if (n !== undefined) out[childName(dotted, name, i, field)] = n;
      else if (typeof value === 'object') flattenNumbers(value, childName(dotted, name, i, field), out, 2);
    }
  }
  return out;
};

/** The common part of a provisioning operation event (`message` already redacted). */
const provisioningOperation = (
  operationId: string,
  phase: OperationEvent['phase'],
  at: number,
  stage: string | undefined,
  message: string | undefined,
): OperationEvent => {
  const event: OperationEvent = { kind: 'operation', operationId, operationType: 'provisioning', phase, at };
  if (stage !== undefined) event.step = { id: stage };
  if (message !== undefined) event.message = message;
  return event;
};

/** Index of the first '.', ':' or '/' in `type` (what /[.:/]/ finds), or -1. */
const separatorAt = (type: string): number => {
  for (let i = 0; i < type.length; i++) {
    const c = type.charCodeAt(i);
    if (c === 46 || c === 58 || c === 47) return i;
  }
  return -1;
};

/** 0..100 from 45, "45" or "45%"; out-of-range values are clamped. */
const readProgress = (value: unknown): number | undefined => {
  const q = parseQuantity(value);
  if (q === undefined || (q.unit !== '' && q.unit !== '%')) return undefined;
  return Math.min(100, Math.max(0, q.value));
};

// ---- Adapter --------------------------------------------------------------------------------

/**
 * Adapter for the Hexabase KaaS WebSocket API: `auth` handshake, `{type, id, data}` envelopes,
 * subscriptions by server id, `get_workspace_status` request/reply, `stream_logs` log streams
 * and JSON `ping` answered with `pong`.
 *
 * Subscription topics are `"<resource>:<id>"`, e.g. `"workspace:ws-123"` (the form the server
 * itself uses in `requested_subscription`), sent as `{resource, <resource>_id, events}`. `params`
 * may be `{events: [...]}` (omitted: every event of the resource), an array of event names, or
 * carry the id itself: topic `"workspace"` with `{workspace_id: "ws-123"}`.
 */
export function hexabase(options: HexabaseOptions): ProtocolAdapter<HexabaseCommand> {
  const token = (options as Partial<HexabaseOptions> | undefined)?.token;
  if (typeof token !== 'string' || token === '') {
    throw new OpstreamError('auth_failed', 'hexabase() needs a non-empty token: the server requires auth first');
  }
  const authTimeoutMs = options.authTimeoutMs ?? 10_000;

  // Server text is echoed into events and errors; make sure it can never carry the token.
  const redact = (text: string): string => (text.includes(token) ? text.split(token).join(REDACTED) : text);

  /** `{code, message}` from `{error: {code, message}}`, `{error: "text"}` or top-level `code`/`message`. */
  const readError = (msg: UnknownRecord, fallbackCode: string, fallbackMessage: string): EventError => {
    const nested = asRecord(msg.error);
    const code = pickString(nested, 'code') ?? pickString(msg, 'code', 'error_code') ?? fallbackCode;
    const message =
      pickString(nested, 'message', 'description') ??
      pickString(msg, 'error') ??
      pickString(msg, 'message') ??
      fallbackMessage;
    return { code: redact(code), message: redact(message) };
  };

  // ---- Encoding ----

  const requireString = (c: UnknownRecord, key: string): string => {
    const v = c[key];
    if (typeof v !== 'string' || v === '') throw invalid(`Hexabase ${String(c.type)} needs a non-empty ${key} string`);
    return v;
  };

  const optionalString = (c: UnknownRecord, key: string): string | undefined => {
    const v = c[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw invalid(`Hexabase ${String(c.type)} ${key} must be a non-empty string`);
    return v;
  };

  const commandData = (c: UnknownRecord): UnknownRecord => {
    switch (c.type) {
      case 'get_workspace_status':
        return { workspace_id: requireString(c, 'workspace_id') };
      case 'stream_logs': {
        const data: UnknownRecord = {
          workspace_id: requireString(c, 'workspace_id'),
          namespace: requireString(c, 'namespace'),
          pod: requireString(c, 'pod'),
        };
        const container = optionalString(c, 'container');
        if (container !== undefined) data.container = container;
        const follow = c.follow ?? true;
        if (typeof follow !== 'boolean') throw invalid('Hexabase stream_logs follow must be a boolean');
        const tail = c.tail_lines ?? 100;
        if (typeof tail !== 'number' || !Number.isSafeInteger(tail) || tail < 0) {
          throw invalid('Hexabase stream_logs tail_lines must be a non-negative integer');
        }
        data.follow = follow;
        data.tail_lines = tail;
        return data;
      }
      case 'stop_stream':
        return { stream_id: requireString(c, 'stream_id') };
      default:
        throw invalid(`Unknown Hexabase command type ${safeJson(c.type)?.slice(0, 60) ?? '?'}`);
    }
  };

  const encodeWithId = (command: unknown, id: string | undefined, ctx: ProtocolContext): Frame => {
    const c = asRecord(command);
    if (c === undefined) throw invalid('Hexabase command must be an object with a type');
    const data = commandData(c);
    const envelopeId = id ?? optionalString(c, 'id') ?? ctx.nextId();
    return toFrame({ type: c.type, id: envelopeId, data });
  };

  // ---- Subscriptions ----

  /** `resource` and its id from `"workspace:ws-123"`, or from `"workspace"` + `{workspace_id}`. */
  const readTopic = (topic: string, params: unknown): { resource: string; resourceId: string | undefined } => {
    const colon = topic.indexOf(':');
    const resource = colon === -1 ? topic : topic.slice(0, colon);
    if (resource === '') throw invalid('Hexabase subscribe needs a topic like "workspace:ws-123"');
    const fromTopic = colon === -1 ? '' : topic.slice(colon + 1);
    const p = asRecord(params);
    const resourceId = fromTopic !== '' ? fromTopic : pickString(p, `${resource}_id`, `${resource}Id`, 'id');
    return { resource, resourceId };
  };

  const subscriptions: SubscriptionCodec = {
    subscribe: (topic, params, id) => {
      const { resource, resourceId } = readTopic(topic, params);
      const data: UnknownRecord = { resource };
      if (resourceId !== undefined) data[`${resource}_id`] = resourceId;
      const p = asRecord(params);
      const events = Array.isArray(params) ? params : p?.events;
      if (events !== undefined) {
        if (!Array.isArray(events) || !events.every((e) => typeof e === 'string')) {
          throw invalid('Hexabase subscribe events must be an array of strings');
        }
        data.events = events;
      }
      // Any other filter the caller passes goes along as is (ids already set above win).
      if (p !== undefined) {
        for (const [k, v] of Object.entries(p)) {
          if (k !== 'events' && k !== 'id' && k !== `${resource}Id` && !Object.hasOwn(data, k)) {
            Object.defineProperty(data, k, { value: v, enumerable: true, writable: true, configurable: true });
          }
        }
      }
      return toFrame({ type: 'subscribe', id, data });
    },
    // Without the server's subscription id there is nothing to name: the registry just forgets it.
    unsubscribe: (_topic, _params, ref, id) =>
      ref === undefined ? undefined : toFrame({ type: 'unsubscribe', id, data: { subscription_id: ref } }),
    awaitsReply: true,
    ref: (replyData) => {
      const rec = asRecord(replyData);
      return pickString(rec, 'subscription_id', 'subscriptionId') ?? pickString(asRecord(rec?.data), 'subscription_id');
    },
    max: HEXABASE_MAX_SUBSCRIPTIONS,
  };

  // ---- Decoding ----

  const raw = (message: unknown, at: number): OpstreamEvent[] => [{ kind: 'raw', at, data: message }];

  const resourceEvent = (
    resource: string,
    id: string,
    change: string,
    at: number,
    data: unknown,
    status: string | undefined,
    previous: string | undefined,
  ): ResourceEvent => {
    const event: ResourceEvent = { kind: 'resource', resource, id, change, at, data };
    if (status !== undefined) event.status = status;
    if (previous !== undefined) event.previous = previous;
    return event;
  };

  const metricsEvent = (source: string, at: number, groups: unknown): MetricsEvent | undefined => {
    const rec = asRecord(groups);
    if (rec === undefined) return undefined;
    const values = readValues(rec);
    return Object.keys(values).length === 0 ? undefined : { kind: 'metrics', source, at, values };
  };

  const workspaceEvent = (change: string, data: UnknownRecord, at: number, message: unknown): OpstreamEvent[] => {
    const ws = pickString(data, 'workspace_id', 'workspaceId') ?? pickString(asRecord(data.workspace), 'id');
    if (change === 'alert_triggered') {
      const alert = asRecord(pick(data, 'alert'));
      if (alert === undefined) return raw(message, at);
      const alertType = pickString(alert, 'type', 'name');
      const id = pickString(alert, 'id', 'alert_id') ?? `${ws ?? 'workspace'}:${alertType ?? 'alert'}:${at}`;
      const title = pickString(alert, 'title', 'summary') ?? alertType ?? pickString(alert, 'description') ?? 'Alert';
      return [{ kind: 'alert', id, severity: mapSeverity(pick(alert, 'severity', 'level')), title, at, data }];
    }
    if (ws === undefined) return raw(message, at);
    const status = pickString(data, 'new_status', 'newStatus', 'status');
    const previous = pickString(data, 'previous_status', 'previousStatus', 'old_status');
    const events: OpstreamEvent[] = [resourceEvent('workspace', ws, change, at, data, status, previous)];
    if (change === 'resource_updated') {
      const metrics = metricsEvent(`workspace:${ws}`, at, pick(data, 'resources', 'metrics'));
      if (metrics !== undefined) events.push(metrics);
    }
    return events;
  };

  const provisioningEvent = (change: string, data: UnknownRecord, at: number, message: unknown): OpstreamEvent[] => {
    const ws = pickString(data, 'workspace_id', 'workspaceId');
    const operationId = pickString(data, 'task_id', 'taskId') ?? (ws === undefined ? undefined : `provisioning:${ws}`);
    if (operationId === undefined) return raw(message, at);
    const stage = pickString(data, 'stage', 'step');
    const text = pickString(data, 'message');
    const said = text === undefined ? undefined : redact(text);
    switch (change) {
      case 'started': {
        const event = provisioningOperation(operationId, 'start', at, stage, said);
        event.status = 'running';
        return [event];
      }
      case 'progress': {
        const event = provisioningOperation(operationId, 'progress', at, stage, said);
        event.status = 'running';
        const progress = readProgress(pick(data, 'progress', 'percent', 'percentage'));
        if (progress !== undefined) event.progress = progress;
        return [event];
      }
      case 'completed': {
        const event = provisioningOperation(operationId, 'complete', at, stage, said);
        event.status = 'succeeded';
        event.progress = 100;
        event.result = data;
        const url = pickString(data, 'api_endpoint', 'apiEndpoint', 'url');
        if (url !== undefined) event.url = url;
        return [event];
      }
      case 'failed': {
        const event = provisioningOperation(operationId, 'complete', at, stage, said);
        event.status = 'failed';
        event.result = data;
        event.error = readError(data, 'PROVISIONING_FAILED', 'Provisioning failed');
        if (event.message === undefined) event.message = event.error.message;
        return [event];
      }
    }
    return raw(message, at);
  };

  const projectEvent = (change: string, data: UnknownRecord, at: number, message: unknown): OpstreamEvent[] => {
    const project = asRecord(data.project);
    const id = pickString(project, 'id') ?? pickString(data, 'project_id', 'projectId');
    if (id === undefined) return raw(message, at);
    const status = pickString(project, 'status') ?? pickString(data, 'new_status', 'status');
    return [resourceEvent('project', id, change, at, data, status, pickString(data, 'previous_status'))];
  };

  const organizationEvent = (change: string, data: UnknownRecord, at: number, message: unknown): OpstreamEvent[] => {
    const id = pickString(data, 'organization_id', 'organizationId') ?? pickString(asRecord(data.organization), 'id');
    if (id === undefined) return raw(message, at);
    // A plan change reads as a status change: "standard" -> "pro".
    const billing = asRecord(data.billing);
    const status = pickString(billing, 'new_plan', 'plan') ?? pickString(data, 'new_status', 'status');
    const previous = pickString(billing, 'previous_plan') ?? pickString(data, 'previous_status');
    return [resourceEvent('organization', id, change, at, data, status, previous)];
  };

  const monitoringEvent = (change: string, data: UnknownRecord, at: number, message: unknown): OpstreamEvent[] => {
    const ws = pickString(data, 'workspace_id', 'workspaceId');
    if (ws === undefined) return raw(message, at);
    if (change === 'health_changed') {
      // Health belongs to a component of the workspace, not to the workspace's own status.
      const component = pickString(data, 'component');
      const resource = component === undefined ? 'workspace' : 'component';
      const id = component === undefined ? ws : `${ws}/${component}`;
      const status = pickString(data, 'new_status', 'newStatus', 'status');
      const previous = pickString(data, 'previous_status', 'previousStatus');
      return [resourceEvent(resource, id, 'health_changed', at, data, status, previous)];
    }
    const metrics = metricsEvent(`workspace:${ws}`, at, pick(data, 'metrics', 'resources'));
    return metrics === undefined ? raw(message, at) : [metrics];
  };

  // The last stream id seen and its log stream name (see logEvent).
  let lastStreamId: string | undefined;
  let lastStream = '';

  const logEvent = (msg: UnknownRecord, data: UnknownRecord, now: number): OpstreamEvent[] => {
    // The per-line path: named reads throughout (see `own`).
    const at = parseTime(timeField(data) ?? timeField(msg), now);
    const streamId =
      nonEmpty(own(data, 'stream_id', data.stream_id) ?? own(data, 'streamId', data.streamId)) ??
      nonEmpty(own(msg, 'stream_id', msg.stream_id) ?? own(msg, 'id', msg.id));
    if (streamId === undefined) return raw(msg, at);
    const text = own(data, 'message', data.message) ?? own(data, 'line', data.line) ?? own(data, 'log', data.log);
    const line = asString(text) ?? (text === undefined ? '' : (safeJson(text) ?? ''));
    const level = nonEmpty(own(data, 'level', data.level) ?? own(data, 'severity', data.severity));
    // Lines of one stream arrive back to back: reuse its name instead of building it per line.
    if (streamId !== lastStreamId) {
      lastStreamId = streamId;
      lastStream = hexabaseLogStream(streamId);
    }
    const stream = lastStream;
    return [level === undefined ? { kind: 'log', stream, line, at } : { kind: 'log', stream, line, at, level }];
  };

  const decode = (message: unknown, ctx: ProtocolContext): OpstreamEvent[] => {
    const now = ctx.now();
    const msg = asRecord(message);
    if (msg === undefined) return raw(message, now);
    const type = asString(msg.type);
    // Lenient: fields may come flat on the envelope instead of under `data`.
    const data = asRecord(msg.data) ?? msg;
    if (type === 'log_entry') return logEvent(msg, data, now);
    const at = parseTime(timeField(msg), now);
    if (type === undefined) return raw(message, at);

    switch (type) {
      case 'auth_result':
      case 'ping':
      case 'pong':
      case 'unsubscribe_result':
        // Consumed by control().
        return [];
      case 'subscribe_result': {
        if (isSuccess(msg)) return [];
        const error = readError(msg, 'SUBSCRIPTION_FAILED', 'Hexabase subscribe_result refused');
        return [{ kind: 'error', code: error.code, message: error.message, at }];
      }
      case 'error': {
        const error = readError(msg, 'UNKNOWN_ERROR', 'Hexabase server error');
        const event: ErrorEvent = { kind: 'error', code: error.code, message: error.message, at };
        return [event];
      }
      case 'workspace_status': {
        const ws = pickString(data, 'workspace_id', 'workspaceId');
        if (ws === undefined) return raw(message, at);
        return [resourceEvent('workspace', ws, 'status', at, data, pickString(data, 'status'), undefined)];
      }
    }

    // The documented event types as sent: no split, no substrings.
    switch (type) {
      case 'workspace.status_changed':
        return workspaceEvent('status_changed', data, at, message);
      case 'workspace.resource_updated':
        return workspaceEvent('resource_updated', data, at, message);
      case 'workspace.alert_triggered':
        return workspaceEvent('alert_triggered', data, at, message);
      case 'provisioning.progress':
        return provisioningEvent('progress', data, at, message);
      case 'provisioning.started':
        return provisioningEvent('started', data, at, message);
      case 'provisioning.completed':
        return provisioningEvent('completed', data, at, message);
      case 'provisioning.failed':
        return provisioningEvent('failed', data, at, message);
      case 'monitoring.metrics_update':
        return monitoringEvent('metrics_update', data, at, message);
      case 'monitoring.health_changed':
        return monitoringEvent('health_changed', data, at, message);
    }

    // Event types are `<family>.<change>`; tolerate ':' or '/' as the separator.
    const sep = separatorAt(type);
    if (sep > 0) {
      const family = type.slice(0, sep);
      const change = type.slice(sep + 1);
      if (change !== '') {
        switch (family) {
          case 'workspace':
            return workspaceEvent(change, data, at, message);
          case 'provisioning':
            return provisioningEvent(change, data, at, message);
          case 'project':
            return projectEvent(change, data, at, message);
          case 'organization':
            return organizationEvent(change, data, at, message);
          case 'monitoring':
            return monitoringEvent(change, data, at, message);
        }
      }
    }
    return raw(message, at);
  };

  // ---- Control ----

  const control = (message: unknown): ControlSignal | undefined => {
    const msg = asRecord(message);
    if (msg === undefined) return undefined;
    const type = msg.type;
    const id = asString(msg.id);
    switch (type) {
      case 'ping':
        return { type: 'answer', frame: PONG_FRAME };
      case 'pong':
        return { type: 'pong' };
      case 'auth_result':
        return isSuccess(msg)
          ? { type: 'auth', ok: true }
          : { type: 'auth', ok: false, error: readError(msg, 'INVALID_TOKEN', 'Authentication failed') };
      case 'error': {
        const error = readError(msg, 'UNKNOWN_ERROR', 'Hexabase server error');
        if (id !== undefined && id !== '') return { type: 'reply', id, ok: false, error };
        return FATAL_CODES.has(error.code) ? { type: 'fatal', error } : undefined;
      }
    }
    // The id test first: event frames carry none, and it spares hashing their type for the Set.
    if (id === undefined || id === '' || typeof type !== 'string' || !REPLY_TYPES.has(type)) return undefined;
    if (!isSuccess(msg)) {
      const code = type === 'subscribe_result' ? 'SUBSCRIPTION_FAILED' : 'REQUEST_FAILED';
      return { type: 'reply', id, ok: false, error: readError(msg, code, `Hexabase ${type} refused`) };
    }
    return { type: 'reply', id, ok: true, data: replyData(msg) };
  };

  return {
    name: 'hexabase',
    key: `hexabase#${fingerprint(token)}`,
    secrets: [token],
    // The connection enforces it both ways.
    maxMessageBytes: HEXABASE_MAX_MESSAGE_BYTES,
    heartbeat: { ...HEARTBEAT },
    subscriptions,
    handshake: () => ({ frames: [JSON.stringify({ type: 'auth', token })], awaitAuth: true, timeoutMs: authTimeoutMs }),
    decode: (message, ctx) => {
      try {
        return decode(message, ctx);
      } catch {
        // Belt and braces (e.g. hostile getters): a frame never breaks the stream.
        return [{ kind: 'raw', at: ctx.now(), data: message }];
      }
    },
    encode: (command, ctx) => encodeWithId(command, undefined, ctx),
    encodeRequest: (command, id, ctx) => {
      const type = asRecord(command)?.type;
      if (type === 'stream_logs' || type === 'stop_stream') {
        // The server never replies to these: a request would only time out.
        throw new OpstreamError('unsupported', `Hexabase ${type} has no reply: send it instead of requesting it`);
      }
      return encodeWithId(command, id, ctx);
    },
    control: (message) => {
      try {
        return control(message);
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * `success: true` (or "true") succeeds, `false` fails; a frame without the flag succeeds unless
 * it carries an `error`, so a server that drops the flag does not fail the auth step.
 */
function isSuccess(msg: UnknownRecord): boolean {
  const flag = asBoolean(msg.success) ?? (msg.success === 'true' ? true : msg.success === 'false' ? false : undefined);
  if (flag !== undefined) return flag;
  return msg.error === undefined || msg.error === null;
}

/** A reply's payload: its `data`, plus fields the server put beside it (`subscription_id`). */
function replyData(msg: UnknownRecord): unknown {
  const rest: UnknownRecord = {};
  for (const k of Object.keys(msg)) {
    if (ENVELOPE_KEYS.has(k)) continue;
    // Plain assignment makes the same own property, except for "__proto__", which it would treat as the prototype.
    if (k === '__proto__') Object.defineProperty(rest, k, { value: msg[k], enumerable: true, writable: true, configurable: true });
    else rest[k] = msg[k];
  }
  const data = msg.data;
  if (data === undefined || data === null) return rest;
  if (!isRecord(data)) return Object.keys(rest).length === 0 ? data : { ...rest, data };
  return Object.keys(rest).length === 0 ? data : { ...rest, ...data };
}
