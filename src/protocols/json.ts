import { OpstreamError } from '../core/errors';
import type { OpstreamEvent } from '../core/events';
import { asRecord, asString, parseTime } from './fields';
import type { ControlSignal, HeartbeatOptions, ProtocolAdapter } from './types';

/** Any JSON object; `type` names it. */
export type JsonCommand = Record<string, unknown>;

export interface JsonOptions {
  /** Sent as `{type:'auth', token}` on every open; the server answers `auth_ok` or `auth_error`. */
  token?: string;
  /** Send `{type:'ping'}` and expect `{type:'pong'}`; true uses 15 s + 10 s. */
  ping?: boolean | HeartbeatOptions;
}

const DEFAULT_PING: HeartbeatOptions = { intervalMs: 15_000, timeoutMs: 10_000 };

/**
 * A small generic JSON protocol, for tests and for servers that need no adapter of their own.
 * Requests are `{id, ...command}` answered by `{id, result}` or `{id, error:{code,message}}`;
 * subscriptions are `{type:'subscribe'|'unsubscribe', topic, params}`; other objects become
 * `message` events on the channel named by their `channel` or `type`.
 */
export function json(options: JsonOptions = {}): ProtocolAdapter<JsonCommand> {
  const { token } = options;
  const heartbeat = options.ping === true ? DEFAULT_PING : options.ping || undefined;
  const encode = (command: JsonCommand): string => {
    if (asRecord(command) === undefined) throw new OpstreamError('invalid_command', 'a command must be an object');
    return JSON.stringify(command);
  };
  const adapter: ProtocolAdapter<JsonCommand> = {
    name: 'json',
    secrets: token === undefined ? [] : [token],
    ...(heartbeat === undefined ? {} : { heartbeat, ping: () => '{"type":"ping"}' }),
    subscriptions: {
      subscribe: (topic, params) => JSON.stringify({ type: 'subscribe', topic, params }),
      unsubscribe: (topic, params) => JSON.stringify({ type: 'unsubscribe', topic, params }),
    },
    encode,
    encodeRequest: (command, id) => encode({ ...command, id }),
    decode(message, ctx): OpstreamEvent[] {
      const m = asRecord(message);
      const at = parseTime(m?.at ?? m?.timestamp, ctx.now());
      if (m === undefined) return [{ kind: 'raw', at, data: message }];
      const type = asString(m.type);
      if (type === 'pong' || type === 'ping' || type === 'auth_ok' || type === 'auth_error') return [];
      if (m.id !== undefined && ('result' in m || 'error' in m)) return [];
      const channel = asString(m.channel) ?? type;
      if (channel === undefined) return [{ kind: 'raw', at, data: message }];
      return [{ kind: 'message', channel, at, data: 'data' in m ? m.data : message }];
    },
    control(message): ControlSignal | undefined {
      const m = asRecord(message);
      if (m === undefined) return undefined;
      const type = m.type;
      if (type === 'pong') return { type: 'pong' };
      if (type === 'ping') return { type: 'answer', frame: '{"type":"pong"}' };
      if (type === 'auth_ok') return { type: 'auth', ok: true };
      if (type === 'auth_error') return { type: 'auth', ok: false, error: readError(m.error) };
      const id = asString(m.id);
      if (id === undefined) return undefined;
      if ('error' in m && m.error != null) return { type: 'reply', id, ok: false, error: readError(m.error) };
      if ('result' in m) return { type: 'reply', id, ok: true, data: m.result };
      return undefined;
    },
  };
  if (token !== undefined) {
    adapter.handshake = () => ({ frames: [JSON.stringify({ type: 'auth', token })], awaitAuth: true });
  }
  return adapter;
}

const readError = (value: unknown): { code: string; message: string } => {
  const e = asRecord(value);
  return {
    code: asString(e?.code) ?? 'error',
    message: asString(e?.message) ?? (typeof value === 'string' ? value : 'request failed'),
  };
};
