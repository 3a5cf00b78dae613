import { OpstreamError } from '../core/errors';
import { redactSecrets } from '../core/redact';
import type { ErrorEvent, OpstreamEvent } from '../core/events';
import { asRecord, asString, isRecord, parseTime, fingerprint } from './fields';
import type { UnknownRecord } from './fields';
import type {
  CloseInfo,
  ControlSignal,
  Frame,
  HeartbeatOptions,
  ProtocolAdapter,
  ProtocolContext,
  ReconnectOptions,
} from './types';

/** What a Nexus client can send: the document's `{action, channel, filters, payload}` frames. */
export type NexusCommand =
  | { action: 'subscribe'; channel: string; filters?: Record<string, unknown> }
  | { action: 'unsubscribe'; channel: string }
  | { action: 'publish'; channel: string; payload?: unknown }
  | { action: 'ping' };

export interface NexusOptions {
  /** JWT sent as `?token=` on every connect; the server refuses the upgrade without a valid one. */
  token: string;
  /** Query parameter that carries the token. Default `token`. */
  tokenParam?: string;
  /** App-level `ping` cadence and grace; `false` sends no pings. Default 30 s / 10 s. */
  heartbeat?: Partial<HeartbeatOptions> | false;
}

// The document's server pings every 30 s (HEARTBEAT_INTERVAL); we mirror it with JSON pings
// because browser JS never sees protocol-level pings.
const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 30_000, timeoutMs: 10_000 };

// The document's browser client: 5 attempts, 1 s doubling up to 30 s.
const DEFAULT_RECONNECT: Partial<ReconnectOptions> = {
  minDelayMs: 1_000,
  maxDelayMs: 30_000,
  factor: 2,
  maxRetries: 5,
};

const PING_FRAME: Frame = '{"action":"ping"}';
const REDACTED = '[redacted]';

const invalid = (message: string): OpstreamError => new OpstreamError('invalid_command', message);

const readChannel = (command: UnknownRecord): string => {
  const channel = command.channel;
  if (typeof channel !== 'string' || channel === '') {
    throw invalid(`Nexus ${String(command.action)} needs a non-empty channel string`);
  }
  return channel;
};

const stringify = (frame: UnknownRecord): Frame => {
  try {
    return JSON.stringify(frame);
  } catch {
    throw invalid(`Nexus ${String(frame.action)} payload is not JSON-serializable`);
  }
};

const subscribeFrame = (channel: string, filters: unknown): Frame => {
  // Omitted filters and `{}` mean the same to the server (`filters || {}`); omit to match the
  // document's bare `{"action":"subscribe","channel":...}` examples.
  if (filters === undefined || filters === null) return stringify({ action: 'subscribe', channel });
  if (!isRecord(filters)) throw invalid('Nexus subscribe filters must be an object');
  return stringify({ action: 'subscribe', channel, filters });
};

const encodeCommand = (command: unknown): Frame => {
  const c = asRecord(command);
  if (c === undefined) throw invalid('Nexus command must be an object with an action');
  switch (c.action) {
    case 'subscribe':
      return subscribeFrame(readChannel(c), c.filters);
    case 'unsubscribe':
      return stringify({ action: 'unsubscribe', channel: readChannel(c) });
    case 'publish': {
      const channel = readChannel(c);
      return c.payload === undefined
        ? stringify({ action: 'publish', channel })
        : stringify({ action: 'publish', channel, payload: c.payload });
    }
    case 'ping':
      return PING_FRAME;
    default:
      throw invalid(`Unknown Nexus action: ${typeof c.action === 'string' ? c.action.slice(0, 64) : typeof c.action}`);
  }
};

/** Puts `token` in `param`, keeping every other query pair byte-for-byte and the hash. */
const withToken = (url: string, param: string, token: string): string => {
  const hashAt = url.indexOf('#');
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt === -1 ? '' : beforeHash.slice(queryAt + 1);
  const pair = `${encodeURIComponent(param)}=${encodeURIComponent(token)}`;
  const pairs: string[] = [];
  let placed = false;
  for (const part of query.split('&')) {
    if (part === '') continue;
    if (pairName(part) === param) {
      // Replace the first token in place, drop duplicates.
      if (!placed) pairs.push(pair);
      placed = true;
    } else pairs.push(part);
  }
  if (!placed) pairs.push(pair);
  return `${base}?${pairs.join('&')}${hash}`;
};

const pairName = (part: string): string => {
  const eq = part.indexOf('=');
  const raw = (eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};


const STATUS_RE = /\b(401|403)\b/;

// ---- Decoding ----
// Module functions rather than closures per adapter: every adapter shares one compiled decoder, which stays
// optimized when an adapter is dropped (a closure's optimized code goes with the last adapter holding it).

/** What decoding needs from one adapter: its secrets and the error fallbacks, redacted once. */
interface NexusDecoder {
  secrets: readonly string[];
  defaultCode: string;
  defaultMessage: string;
}

/** Server text is echoed into events; make sure it can never carry a secret. */
const redact = (secrets: readonly string[], text: string): string => redactSecrets(text, secrets, REDACTED);

const errorEvent = (d: NexusDecoder, msg: UnknownRecord, at: number): ErrorEvent => {
  const nested = asRecord(msg.error);
  const code = asString(msg.code) ?? asString(nested?.code);
  const text = asString(msg.message) ?? asString(nested?.message) ?? asString(msg.error);
  return {
    kind: 'error',
    code: code === undefined ? d.defaultCode : redact(d.secrets, code),
    message: text === undefined ? d.defaultMessage : redact(d.secrets, text),
    at,
  };
};

// `type` is read first and each case reads its own fields: a field read then only ever sees frames of one type
// (one or two shapes), which keeps V8's inline caches monomorphic instead of megamorphic across all frames.
const decodeFrame = (d: NexusDecoder, message: unknown, ctx: ProtocolContext): OpstreamEvent[] => {
  const now = ctx.now();
  const msg = asRecord(message);
  if (msg === undefined) return [{ kind: 'raw', at: now, data: message }];
  const type = msg.type;
  switch (type) {
    case 'message':
    case 'broadcast': {
      const at = parseTime(msg.timestamp ?? msg.time ?? msg.ts, now);
      const channel = asString(msg.channel);
      if (channel === undefined) return [{ kind: 'raw', at, data: message }];
      // The server renames `payload` to `data`; accept either.
      const data = Object.hasOwn(msg, 'data') ? msg.data : Object.hasOwn(msg, 'payload') ? msg.payload : null;
      const from = asString(msg.from);
      return [from === undefined ? { kind: 'message', channel, at, data } : { kind: 'message', channel, at, data, from }];
    }
    case 'subscribed':
    case 'unsubscribed': {
      const at = parseTime(msg.timestamp ?? msg.time ?? msg.ts, now);
      const channel = asString(msg.channel);
      if (channel === undefined) return [{ kind: 'raw', at, data: message }];
      return [{ kind: 'resource', resource: 'channel', id: channel, change: type, at, data: msg }];
    }
    case 'connected': {
      const at = parseTime(msg.timestamp ?? msg.time ?? msg.ts, now);
      const id = asString(msg.userId) ?? asString(msg.user_id) ?? 'session';
      return [{ kind: 'resource', resource: 'session', id, change: 'connected', at, data: msg }];
    }
    case 'pong':
      // Consumed by control(); carries nothing else.
      return [];
    case 'error':
      return [errorEvent(d, msg, parseTime(msg.timestamp ?? msg.time ?? msg.ts, now))];
  }
  return [{ kind: 'raw', at: parseTime(msg.timestamp ?? msg.time ?? msg.ts, now), data: message }];
};

const controlFrame = (message: unknown): ControlSignal | undefined =>
  isRecord(message) && message.type === 'pong' ? { type: 'pong' } : undefined;

/** Adapter for the Nexus API: JWT in `?token=`, channel subscribe/unsubscribe/publish, JSON ping/pong. */
export function nexus(options: NexusOptions): ProtocolAdapter<NexusCommand> {
  const token = (options as Partial<NexusOptions> | undefined)?.token;
  if (typeof token !== 'string' || token === '') {
    throw new OpstreamError('auth_failed', 'nexus() needs a non-empty token: the server refuses connections without one');
  }
  const tokenParam = options.tokenParam ?? 'token';
  const encodedToken = encodeURIComponent(token);
  const secrets = encodedToken === token ? [token] : [token, encodedToken];
  // The fallbacks are constants: redacted once here rather than on every error frame.
  const decoder: NexusDecoder = {
    secrets,
    defaultCode: redact(secrets, 'protocol_error'),
    defaultMessage: redact(secrets, 'Nexus server error'),
  };

  const fatal = (close: CloseInfo): OpstreamError | undefined => {
    if (!close.opened && typeof close.error === 'string') {
      const status = STATUS_RE.exec(close.error)?.[1];
      if (status !== undefined) {
        return new OpstreamError(
          'auth_failed',
          `Nexus refused the connection (HTTP ${status}): check the token`,
          { detail: { status: Number(status) } },
        );
      }
    }
    const reason = close.reason === '' ? '' : `: ${redact(secrets, close.reason).slice(0, 123)}`;
    if (close.code === 4001 || close.code === 4003) {
      return new OpstreamError('auth_failed', `Nexus closed the connection (${close.code})${reason}`, {
        detail: { code: close.code },
      });
    }
    if (close.code === 1008) {
      return new OpstreamError('protocol_error', `Nexus closed the connection: policy violation (1008)${reason}`, {
        detail: { code: close.code },
      });
    }
    return undefined;
  };

  const heartbeat = options.heartbeat === false ? undefined : { ...DEFAULT_HEARTBEAT, ...options.heartbeat };

  return {
    name: 'nexus',
    key: `${tokenParam}#${fingerprint(token)}`,
    secrets,
    reconnect: { ...DEFAULT_RECONNECT },
    subscriptions: {
      subscribe: (topic, params) => {
        if (topic === '') throw invalid('Nexus subscribe needs a non-empty channel string');
        return subscribeFrame(topic, params);
      },
      unsubscribe: (topic) => {
        if (topic === '') throw invalid('Nexus unsubscribe needs a non-empty channel string');
        return stringify({ action: 'unsubscribe', channel: topic });
      },
    },
    url: (url) => withToken(url, tokenParam, token),
    decode: (message, ctx) => {
      try {
        return decodeFrame(decoder, message, ctx);
      } catch {
        // Belt and braces (e.g. hostile getters): a frame never breaks the stream.
        return [{ kind: 'raw', at: ctx.now(), data: message }];
      }
    },
    encode: (command) => encodeCommand(command),
    control: (message) => {
      try {
        return controlFrame(message);
      } catch {
        return undefined;
      }
    },
    fatal,
    ...(heartbeat === undefined ? {} : { heartbeat, ping: () => PING_FRAME }),
  };
}
