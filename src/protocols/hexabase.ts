import { OpstreamError } from '../core/errors';
import { redactSecrets } from '../core/redact';
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
  asText,
  childName,
  childNamesOf,
  flattenInto,
  inheritsNothing,
  isRecord,
  parseQuantity,
  parseTime,
  fingerprint,
} from './fields';
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
  asText(pick(rec, a, b, c));


/**
 * `value`, read by the caller as `rec.<key>`, when it is neither undefined nor null and an own property:
 * the same answer as `pick(rec, key)`, but a named read (`rec.timestamp`) is much cheaper for V8 than a
 * computed one (`rec[key]`). Used on the fields every frame reads.
 */
const own = (rec: UnknownRecord | undefined, key: string, value: unknown): unknown =>
  value !== undefined && value !== null && Object.hasOwn(rec!, key) ? value : undefined;

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
  // The documented spellings as sent, without lower-casing.
  if (value === 'warning' || value === 'critical' || value === 'info') return value;
  const s = asString(value)?.toLowerCase();
  return (s !== undefined && Object.hasOwn(SEVERITY, s) ? SEVERITY[s] : undefined) ?? 'warning';
};

const PERCENT_KEY = /percent|ratio|utili[sz]ation/i;
// Field names repeat in every sample ("used", "limit", "percentage"): remember the regex's answer per name.
const percentKeys = new Map<string, boolean>();
const isPercentKey = (field: string): boolean => {
  // The documented fields first, without a lookup.
  switch (field) {
    case 'used':
    case 'limit':
      return false;
    case 'percentage':
      return true;
  }
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

// How `quantity` scales a plain number under a `unit`, worked out once per unit string (units repeat in every
// frame): UNSCALED (as is), MILLI (divide by 1000), a factor > 0, or GENERAL (only the full reading can tell).
const UNSCALED = -2;
const GENERAL = -1;
const MILLI = 0;
const unitFactors = new Map<string, number>();

const unitFactor = (unit: string): number => {
  let factor = unitFactors.get(unit);
  if (factor === undefined) {
    factor = readUnitFactor(unit);
    if (unitFactors.size >= 256) unitFactors.clear();
    unitFactors.set(unit, factor);
  }
  return factor;
};

const readUnitFactor = (unit: string): number => {
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
      return UNSCALED;
    case 'millicore':
    case 'millicores':
      return MILLI;
  }
  if (u === 'm') return MILLI;
  // Letters (and "/s") only: `${n}${u}` then reads as the number n with suffix u whatever n is, and its value is
  // n times that of `1${u}` (or n itself when the suffix is unknown).
  if (!/^[a-zA-Z%]*(\/s)?$/.test(u)) return GENERAL;
  return parseQuantity(`1${u}`)?.value ?? UNSCALED;
};

/** A number in base units: the value's own suffix wins ("5Gi"), else the sibling `unit` ("Mi", "cores"). */
const quantity = (value: unknown, unit: string, factor: number): number | undefined => {
  if (typeof value === 'string' && hasUnitChar(value)) return parseQuantity(value)?.value;
  const n = asNumber(value);
  if (n === undefined || factor === UNSCALED) return n;
  if (factor === MILLI) return n / 1000;
  // n as parseQuantity(`${n}${unit}`) reads it back: the text of -0 is "0".
  const scaled = factor === GENERAL ? parseQuantity(`${n}${unit.trim()}`)?.value : (n === 0 ? 0 : n) * factor;
  return scaled !== undefined && Number.isFinite(scaled) ? scaled : n;
};

/**
 * Numbers of a `{cpu: {used, limit, unit, percentage}, ...}` map into `out` under dotted names (`cpu.used`),
 * scaled by each group's `unit`; other shapes are flattened as they are. Returns how many values were stored
 * (see flattenInto).
 */
const readValues = (groups: UnknownRecord, out: Record<string, number>): number => {
  // for-in as in flattenInto: values read straight from the object, inherited keys skipped unless there can be none.
  const plain = inheritsNothing(groups);
  let count = 0;
  for (const name in groups) {
    if (!plain && !Object.hasOwn(groups, name)) continue;
    const group = groups[name];
    const rec = asRecord(group);
    const unit = rec === undefined ? undefined : asString(rec.unit);
    count =
      rec === undefined || unit === undefined
        ? flattenInto(group, name, out, 1, count)
        : readGroup(rec, name, unit, out, count);
  }
  return count;
};

/** One `{used, limit, unit, percentage}` group into `out`, whose first `count` values are already there. */
const readGroup = (
  rec: UnknownRecord,
  name: string,
  unit: string,
  out: Record<string, number>,
  count: number,
): number => {
  const dotted = childNamesOf(name);
  const factor = unitFactor(unit);
  const plain = inheritsNothing(rec);
  let i = -1;
  for (const field in rec) {
    if (!plain && !Object.hasOwn(rec, field)) continue;
    i++;
    if (field === 'unit') continue;
    const value = rec[field];
    const n = isPercentKey(field) ? asNumber(value) : quantity(value, unit, factor);
    // Dotted names are never `__proto__`: every store adds a value.
    if (n !== undefined) {
      out[childName(dotted, name, i, field)] = n;
      count++;
    }
    else if (typeof value === 'object') count = flattenInto(value, childName(dotted, name, i, field), out, 2, count);
  }
  return count;
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

// ---- Decoding ----
// Module functions rather than closures per adapter: every adapter shares one compiled decoder, which stays
// optimized when an adapter is dropped (a closure's optimized code goes with the last adapter holding it).

/** One connection's decoding state. */
interface HexabaseDecoder {
  /** Redacted from every server text echoed into events and errors. */
  token: string;
  /** The last log stream id seen and its stream name (see logEvent). */
  lastStreamId: string | undefined;
  lastStream: string;
}

// Server text is echoed into events and errors; make sure it can never carry the token.
const redact = (token: string, text: string): string => redactSecrets(text, [token], REDACTED);

/** `{code, message}` from `{error: {code, message}}`, `{error: "text"}` or top-level `code`/`message`. */
const readError = (
  d: HexabaseDecoder,
  msg: UnknownRecord,
  fallbackCode: string,
  fallbackMessage: string,
): EventError => {
  // pickString(...) of each field, with named reads (see `own`).
  const nested = asRecord(msg.error);
  const code =
    asText(own(nested, 'code', nested?.code)) ??
    asText(own(msg, 'code', msg.code) ?? own(msg, 'error_code', msg.error_code)) ??
    fallbackCode;
  const message =
    asText(own(nested, 'message', nested?.message) ?? own(nested, 'description', nested?.description)) ??
    asText(own(msg, 'error', msg.error)) ??
    asText(own(msg, 'message', msg.message)) ??
    fallbackMessage;
  return { code: redact(d.token, code), message: redact(d.token, message) };
};

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
  const values: Record<string, number> = {};
  // A count of 0 can still leave a value (under `__proto__` when Node runs with --disable-proto=delete).
  if (readValues(rec, values) === 0 && Object.keys(values).length === 0) return undefined;
  return { kind: 'metrics', source, at, values };
};

// The per-frame readers below read the documented fields by name, `own(rec, key, rec.key)` for `pick(rec, key)`
// and `asText(...)` for `pickString`: each read site then sees a few shapes and stays fast (see `own`).

const workspaceEvent = (change: string, data: UnknownRecord, at: number, message: unknown): OpstreamEvent[] => {
  const ws =
    asText(own(data, 'workspace_id', data.workspace_id) ?? own(data, 'workspaceId', data.workspaceId)) ??
    pickString(asRecord(data.workspace), 'id');
  if (change === 'alert_triggered') {
    const alert = asRecord(own(data, 'alert', data.alert));
    if (alert === undefined) return raw(message, at);
    const alertType = asText(own(alert, 'type', alert.type) ?? own(alert, 'name', alert.name));
    const id =
      asText(own(alert, 'id', alert.id) ?? own(alert, 'alert_id', alert.alert_id)) ??
      `${ws ?? 'workspace'}:${alertType ?? 'alert'}:${at}`;
    const title =
      asText(own(alert, 'title', alert.title) ?? own(alert, 'summary', alert.summary)) ??
      alertType ??
      asText(own(alert, 'description', alert.description)) ??
      'Alert';
    const severity = mapSeverity(own(alert, 'severity', alert.severity) ?? own(alert, 'level', alert.level));
    return [{ kind: 'alert', id, severity, title, at, data }];
  }
  if (ws === undefined) return raw(message, at);
  const status = asText(
    own(data, 'new_status', data.new_status) ??
      own(data, 'newStatus', data.newStatus) ??
      own(data, 'status', data.status),
  );
  const previous = asText(
    own(data, 'previous_status', data.previous_status) ??
      own(data, 'previousStatus', data.previousStatus) ??
      own(data, 'old_status', data.old_status),
  );
  const events: OpstreamEvent[] = [resourceEvent('workspace', ws, change, at, data, status, previous)];
  if (change === 'resource_updated') {
    const groups = own(data, 'resources', data.resources) ?? own(data, 'metrics', data.metrics);
    const metrics = metricsEvent(`workspace:${ws}`, at, groups);
    if (metrics !== undefined) events.push(metrics);
  }
  return events;
};

const provisioningEvent = (
  d: HexabaseDecoder,
  change: string,
  data: UnknownRecord,
  at: number,
  message: unknown,
): OpstreamEvent[] => {
  const ws = asText(own(data, 'workspace_id', data.workspace_id) ?? own(data, 'workspaceId', data.workspaceId));
  const operationId =
    asText(own(data, 'task_id', data.task_id) ?? own(data, 'taskId', data.taskId)) ??
    (ws === undefined ? undefined : `provisioning:${ws}`);
  if (operationId === undefined) return raw(message, at);
  const stage = asText(own(data, 'stage', data.stage) ?? own(data, 'step', data.step));
  const text = asText(own(data, 'message', data.message));
  const said = text === undefined ? undefined : redact(d.token, text);
  switch (change) {
    case 'started': {
      const event = provisioningOperation(operationId, 'start', at, stage, said);
      event.status = 'running';
      return [event];
    }
    case 'progress': {
      const event = provisioningOperation(operationId, 'progress', at, stage, said);
      event.status = 'running';
      const progress = readProgress(
        own(data, 'progress', data.progress) ??
          own(data, 'percent', data.percent) ??
          own(data, 'percentage', data.percentage),
      );
      if (progress !== undefined) event.progress = progress;
      return [event];
    }
    case 'completed': {
      const event = provisioningOperation(operationId, 'complete', at, stage, said);
      event.status = 'succeeded';
      event.progress = 100;
      event.result = data;
      const url = asText(
        own(data, 'api_endpoint', data.api_endpoint) ??
          own(data, 'apiEndpoint', data.apiEndpoint) ??
          own(data, 'url', data.url),
      );
      if (url !== undefined) event.url = url;
      return [event];
    }
    case 'failed': {
      const event = provisioningOperation(operationId, 'complete', at, stage, said);
      event.status = 'failed';
      event.result = data;
      event.error = readError(d, data, 'PROVISIONING_FAILED', 'Provisioning failed');
      if (event.message === undefined) event.message = event.error.message;
      return [event];
    }
  }
  return raw(message, at);
};

const projectEvent = (change: string, data: UnknownRecord, at: number, message: unknown): OpstreamEvent[] => {
  const project = asRecord(data.project);
  const id =
    asText(own(project, 'id', project?.id)) ??
    asText(own(data, 'project_id', data.project_id) ?? own(data, 'projectId', data.projectId));
  if (id === undefined) return raw(message, at);
  const status =
    asText(own(project, 'status', project?.status)) ??
    asText(own(data, 'new_status', data.new_status) ?? own(data, 'status', data.status));
  const previous = asText(own(data, 'previous_status', data.previous_status));
  return [resourceEvent('project', id, change, at, data, status, previous)];
};

const organizationEvent = (change: string, data: UnknownRecord, at: number, message: unknown): OpstreamEvent[] => {
  const id =
    asText(own(data, 'organization_id', data.organization_id) ?? own(data, 'organizationId', data.organizationId)) ??
    pickString(asRecord(data.organization), 'id');
  if (id === undefined) return raw(message, at);
  // A plan change reads as a status change: "standard" -> "pro".
  const billing = asRecord(data.billing);
  const status =
    asText(own(billing, 'new_plan', billing?.new_plan) ?? own(billing, 'plan', billing?.plan)) ??
    asText(own(data, 'new_status', data.new_status) ?? own(data, 'status', data.status));
  const previous =
    asText(own(billing, 'previous_plan', billing?.previous_plan)) ??
    asText(own(data, 'previous_status', data.previous_status));
  return [resourceEvent('organization', id, change, at, data, status, previous)];
};

const monitoringEvent = (change: string, data: UnknownRecord, at: number, message: unknown): OpstreamEvent[] => {
  const ws = asText(own(data, 'workspace_id', data.workspace_id) ?? own(data, 'workspaceId', data.workspaceId));
  if (ws === undefined) return raw(message, at);
  if (change === 'health_changed') {
    // Health belongs to a component of the workspace, not to the workspace's own status.
    const component = asText(own(data, 'component', data.component));
    const resource = component === undefined ? 'workspace' : 'component';
    const id = component === undefined ? ws : `${ws}/${component}`;
    const status = asText(
      own(data, 'new_status', data.new_status) ??
        own(data, 'newStatus', data.newStatus) ??
        own(data, 'status', data.status),
    );
    const previous = asText(
      own(data, 'previous_status', data.previous_status) ?? own(data, 'previousStatus', data.previousStatus),
    );
    return [resourceEvent(resource, id, 'health_changed', at, data, status, previous)];
  }
  const groups = own(data, 'metrics', data.metrics) ?? own(data, 'resources', data.resources);
  const metrics = metricsEvent(`workspace:${ws}`, at, groups);
  return metrics === undefined ? raw(message, at) : [metrics];
};

const logEvent = (d: HexabaseDecoder, msg: UnknownRecord, data: UnknownRecord, now: number): OpstreamEvent[] => {
  // The per-line path: named reads throughout (see `own`).
  const at = parseTime(timeField(data) ?? timeField(msg), now);
  const streamId =
    asText(own(data, 'stream_id', data.stream_id) ?? own(data, 'streamId', data.streamId)) ??
    asText(own(msg, 'stream_id', msg.stream_id) ?? own(msg, 'id', msg.id));
  if (streamId === undefined) return raw(msg, at);
  const text = own(data, 'message', data.message) ?? own(data, 'line', data.line) ?? own(data, 'log', data.log);
  const line = asString(text) ?? (text === undefined ? '' : (safeJson(text) ?? ''));
  const level = asText(own(data, 'level', data.level) ?? own(data, 'severity', data.severity));
  // Lines of one stream arrive back to back: reuse its name instead of building it per line.
  if (streamId !== d.lastStreamId) {
    d.lastStreamId = streamId;
    d.lastStream = hexabaseLogStream(streamId);
  }
  const stream = d.lastStream;
  return [level === undefined ? { kind: 'log', stream, line, at } : { kind: 'log', stream, line, at, level }];
};

const decodeFrame = (d: HexabaseDecoder, message: unknown, ctx: ProtocolContext): OpstreamEvent[] => {
  const now = ctx.now();
  const msg = asRecord(message);
  if (msg === undefined) return raw(message, now);
  const type = asString(msg.type);
  // Lenient: fields may come flat on the envelope instead of under `data`.
  const data = asRecord(msg.data) ?? msg;
  if (type === 'log_entry') return logEvent(d, msg, data, now);
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
      const error = readError(d, msg, 'SUBSCRIPTION_FAILED', 'Hexabase subscribe_result refused');
      return [{ kind: 'error', code: error.code, message: error.message, at }];
    }
    case 'error': {
      const error = readError(d, msg, 'UNKNOWN_ERROR', 'Hexabase server error');
      const event: ErrorEvent = { kind: 'error', code: error.code, message: error.message, at };
      return [event];
    }
    case 'workspace_status': {
      const ws = asText(own(data, 'workspace_id', data.workspace_id) ?? own(data, 'workspaceId', data.workspaceId));
      if (ws === undefined) return raw(message, at);
      const status = asText(own(data, 'status', data.status));
      return [resourceEvent('workspace', ws, 'status', at, data, status, undefined)];
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
      return provisioningEvent(d, 'progress', data, at, message);
    case 'provisioning.started':
      return provisioningEvent(d, 'started', data, at, message);
    case 'provisioning.completed':
      return provisioningEvent(d, 'completed', data, at, message);
    case 'provisioning.failed':
      return provisioningEvent(d, 'failed', data, at, message);
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
          return provisioningEvent(d, change, data, at, message);
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

const controlFrame = (d: HexabaseDecoder, message: unknown): ControlSignal | undefined => {
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
        : { type: 'auth', ok: false, error: readError(d, msg, 'INVALID_TOKEN', 'Authentication failed') };
    case 'error': {
      const error = readError(d, msg, 'UNKNOWN_ERROR', 'Hexabase server error');
      if (id !== undefined && id !== '') return { type: 'reply', id, ok: false, error };
      return FATAL_CODES.has(error.code) ? { type: 'fatal', error } : undefined;
    }
  }
  // The id test first: event frames carry none, and it spares hashing their type for the Set.
  if (id === undefined || id === '' || typeof type !== 'string' || !REPLY_TYPES.has(type)) return undefined;
  if (!isSuccess(msg)) {
    const code = type === 'subscribe_result' ? 'SUBSCRIPTION_FAILED' : 'REQUEST_FAILED';
    return { type: 'reply', id, ok: false, error: readError(d, msg, code, `Hexabase ${type} refused`) };
  }
  return { type: 'reply', id, ok: true, data: replyData(msg) };
};

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

  const decoder: HexabaseDecoder = { token, lastStreamId: undefined, lastStream: '' };

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
        return decodeFrame(decoder, message, ctx);
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
        return controlFrame(decoder, message);
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
