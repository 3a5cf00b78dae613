import type {
  CloseInfo,
  ControlSignal,
  Frame,
  HeartbeatOptions,
  ProtocolAdapter,
  ProtocolContext,
  ReconnectOptions,
} from '../protocols/types';
import { DEFAULT_RECONNECT, backoffDelay } from './backoff';
import { browserEnvironment, type ConnectionEnvironment, type EnvironmentSignal } from './environment';
import { OpstreamError, type OpstreamErrorCode } from './errors';
import type { ErrorEvent, EventError, OpstreamEvent } from './events';
import { jsonKey } from './jsonKey';
import { previewText, redactSecrets, redactUrl } from './redact';
import { globalTimers } from './timers';

// ---------------------------------------------------------------------------------------------
// Platform pieces (injected; defaults are the globals)
// ---------------------------------------------------------------------------------------------

/** The part of the WebSocket API the connection uses (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type ConnectionState =
  | 'idle'
  | 'connecting'
  | 'authenticating'
  | 'open'
  | 'reconnecting'
  | 'closed'
  | 'failed';

export interface StateReason {
  /** What caused the transition, in words (no URL query, no token). */
  message: string;
  /** The WebSocket close code, when a close caused it. */
  code?: number;
  error?: OpstreamError;
}

export interface ConnectionSnapshot {
  readonly state: ConnectionState;
  readonly reason: StateReason;
  /** Consecutive failed attempts since the link was last up for `minUptimeMs`. */
  readonly attempt: number;
  /** When the next retry is due (epoch ms), or null (none scheduled, or waiting to come online). */
  readonly nextRetryAt: number | null;
  /** When this state began (epoch ms). */
  readonly since: number;
}

export interface ConnectionStats {
  framesIn: number;
  framesOut: number;
  /** Characters of text frames plus bytes of binary frames. */
  bytesIn: number;
  bytesOut: number;
  reconnects: number;
  /** Outgoing frames dropped by the queue's drop-oldest policy. */
  dropped: number;
  /** Error events reported (bad frames, overflows, failed subscriptions...). */
  errors: number;
  /** Round trip of the last ping, when the protocol has one. */
  latencyMs: number | null;
}

export type SendResult =
  | { ok: true; status: 'sent' | 'queued' }
  | { ok: false; error: OpstreamError };

export interface TopicHandle {
  readonly topic: string;
  /** Set when the subscription was refused (client-side limit, server error, unsupported). */
  readonly error: OpstreamError | undefined;
  /** Stops this handle's interest; the wire subscription ends when the last handle does. Idempotent. */
  unsubscribe(): void;
}

export interface QueueOptions {
  /** Most frames held while not open. */
  max: number;
  /** On overflow: drop the oldest frame (reported) or reject the new one. */
  overflow: 'drop-oldest' | 'reject';
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type ConnectionLogger = (level: LogLevel, message: string, data?: Record<string, unknown>) => void;

export interface ConnectionOptions<Command = unknown> {
  url: string;
  protocol: ProtocolAdapter<Command>;
  /** Give up on an opening socket after this long (ms). */
  connectTimeoutMs?: number;
  /** Backoff options (merged over the protocol's and the kit's defaults), or false for no retries. */
  reconnect?: Partial<ReconnectOptions> | false;
  /** Liveness check; defaults to the protocol's, false turns it off. */
  heartbeat?: HeartbeatOptions | false;
  queue?: Partial<QueueOptions>;
  /** Largest frame accepted or sent (default 1 MiB). */
  maxMessageBytes?: number;
  /** Default timeout for `request` (ms). */
  requestTimeoutMs?: number;
  /** How long to wait for the protocol's auth acknowledgement (ms) when it sets none. */
  authTimeoutMs?: number;
  WebSocket?: WebSocketConstructor;
  timers?: Timers;
  /** Clock, epoch ms. */
  now?: () => number;
  /** Random source in [0, 1) for jitter and ids. */
  random?: () => number;
  /** Online/offline/visibility signals; null turns them off. Default: the page's, when there is one. */
  environment?: ConnectionEnvironment | null;
  /** Debug logger; never receives tokens or query strings. */
  logger?: ConnectionLogger;
}

export interface RequestOptions {
  timeoutMs?: number;
}

export interface Connection<Command = unknown> {
  readonly protocol: ProtocolAdapter<Command>;
  /** The URL without query or credentials, safe to show. */
  readonly displayUrl: string;
  getSnapshot(): ConnectionSnapshot;
  /** Listens to state changes (the `useSyncExternalStore` contract). */
  subscribe(listener: () => void): () => void;
  /** Listens to decoded events and error reports, in arrival order. */
  onEvents(listener: (events: readonly OpstreamEvent[]) => void): () => void;
  connect(): void;
  /** Closes for good (no retry). Queued plain frames are kept for a later `connect`. */
  close(code?: number, reason?: string): void;
  /** Retry now: skips the backoff wait, or replaces the current socket. */
  reconnect(): void;
  send(command: Command): SendResult;
  request<T = unknown>(command: Command, options?: RequestOptions): Promise<T>;
  subscribeTopic(topic: string, params?: unknown): TopicHandle;
  getStats(): ConnectionStats;
  /** Closes and drops every listener. */
  destroy(): void;
}

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

const LEGAL: Record<ConnectionState, readonly ConnectionState[]> = {
  idle: ['connecting', 'closed'],
  connecting: ['authenticating', 'open', 'reconnecting', 'closed', 'failed'],
  authenticating: ['open', 'reconnecting', 'closed', 'failed'],
  open: ['reconnecting', 'closed', 'failed'],
  reconnecting: ['connecting', 'closed', 'failed'],
  closed: ['connecting'],
  failed: ['connecting', 'closed'],
};

export const isLegalTransition = (from: ConnectionState, to: ConnectionState): boolean =>
  LEGAL[from].includes(to);

/** Close codes that mean "do not try again": protocol error, unsupported or invalid data, policy. */
const FATAL_CLOSE_CODES = new Set([1002, 1003, 1007, 1008]);
// Codes the client uses when it drops a socket itself (browsers only allow 1000 and 3000-4999).
const CLOSE_NORMAL = 1000;
const CLOSE_CLIENT_ABORT = 4000;

const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
const NOOP = () => {};

interface QueueEntry {
  frame: Frame;
  requestId: string | undefined;
}

interface PendingRequest {
  resolve(data: unknown): void;
  reject(error: OpstreamError): void;
  timer: unknown;
  sent: boolean;
}

interface TopicEntry {
  topic: string;
  params: unknown;
  refs: number;
  ref: string | undefined;
}

const utf8Length = (text: string): number => {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
};

// Cheap bounds first: UTF-8 takes 1 to 3 bytes per UTF-16 unit.
const exceedsBytes = (text: string, max: number): boolean =>
  text.length > max ? true : text.length * 3 <= max ? false : utf8Length(text) > max;

const binaryLength = (data: unknown): number | undefined => {
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return undefined;
};

const describeSocketError = (event: unknown): string | undefined => {
  if (typeof event !== 'object' || event === null) return undefined;
  const message = (event as { message?: unknown }).message;
  return typeof message === 'string' && message !== '' ? message : undefined;
};

const topicKey = (topic: string, params: unknown): string => `${topic}\u0000${jsonKey(params)}`;

// ---------------------------------------------------------------------------------------------
// createConnection
// ---------------------------------------------------------------------------------------------

/** One WebSocket that survives real networks; see the README for the state machine. */
export function createConnection<Command = unknown>(
  options: ConnectionOptions<Command>,
): Connection<Command> {
  const adapter = options.protocol;
  const timers = options.timers ?? globalTimers;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  const env = options.environment === undefined ? browserEnvironment() : (options.environment ?? undefined);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const maxBytes = options.maxMessageBytes ?? adapter.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const authTimeoutMs = options.authTimeoutMs ?? 10_000;
  const retry: ReconnectOptions | false =
    options.reconnect === false ? false : { ...DEFAULT_RECONNECT, ...adapter.reconnect, ...options.reconnect };
  const heartbeat = options.heartbeat === false ? undefined : (options.heartbeat ?? adapter.heartbeat);
  const queueOptions: QueueOptions = { max: 1000, overflow: 'drop-oldest', ...options.queue };
  const secrets = adapter.secrets;
  const displayUrl = redactUrl(options.url);
  const logger = options.logger;

  let idCounter = 0;
  const idPrefix = Math.floor(random() * 36 ** 4).toString(36);
  const ctx: ProtocolContext = { now, nextId: () => `${idPrefix}-${++idCounter}` };

  const stateListeners = new Set<() => void>();
  const eventListeners = new Set<(events: readonly OpstreamEvent[]) => void>();
  const stats: ConnectionStats = {
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    reconnects: 0,
    dropped: 0,
    errors: 0,
    latencyMs: null,
  };

  let snapshot: ConnectionSnapshot = {
    state: 'idle',
    reason: { message: 'not connected yet' },
    attempt: 0,
    nextRetryAt: null,
    since: now(),
  };

  let socket: WebSocketLike | null = null;
  let opened = false;
  let openedAt = 0;
  let lastReceivedAt = 0;
  let nextPingAt = 0;
  let pingSentAt = 0;
  let socketError: string | undefined;
  // Set before we close a socket ourselves, to decide what follows the close.
  let endReason: { fatal?: OpstreamError; ended?: string } | undefined;
  let attempt = 0;
  let connectTimer: unknown;
  let authTimer: unknown;
  let retryTimer: unknown;
  let heartbeatTimer: unknown;
  let stopEnvironment: (() => void) | undefined;

  const queue: QueueEntry[] = [];
  const pending = new Map<string, PendingRequest>();
  const topics = new Map<string, TopicEntry>();

  // --- notifications ----------------------------------------------------------------------

  const log = (level: LogLevel, message: string, data?: Record<string, unknown>) => {
    if (logger === undefined) return;
    try {
      logger(level, redactSecrets(`[opstream ${adapter.name} ${displayUrl}] ${message}`, secrets), data);
    } catch {
      // A broken logger must not break the connection.
    }
  };

  const emit = (events: readonly OpstreamEvent[]) => {
    for (const listener of eventListeners) {
      try {
        listener(events);
      } catch (error) {
        log('error', 'event listener threw', { error: String(error) });
      }
    }
  };

  // Server text can echo a token back: redact before it reaches an error or a state reason.
  const serverError = (error: EventError): EventError => ({
    code: redactSecrets(error.code, secrets),
    message: redactSecrets(error.message, secrets),
  });

  const report = (code: OpstreamErrorCode, message: string, preview?: string) => {
    stats.errors++;
    const event: ErrorEvent = { kind: 'error', code, message: redactSecrets(message, secrets), at: now() };
    if (preview !== undefined) event.preview = preview;
    log('warn', `${code}: ${event.message}`);
    emit([event]);
  };

  const setSnapshot = (next: ConnectionSnapshot) => {
    snapshot = next;
    for (const listener of stateListeners) {
      try {
        listener();
      } catch (error) {
        log('error', 'state listener threw', { error: String(error) });
      }
    }
  };

  const transition = (state: ConnectionState, reason: StateReason, nextRetryAt: number | null = null) => {
    const from = snapshot.state;
    if (from !== state && !isLegalTransition(from, state)) {
      log('error', `illegal transition ${from} -> ${state} refused`);
      return;
    }
    log('info', `${from} -> ${state}: ${reason.message}`);
    setSnapshot({ state, reason, attempt, nextRetryAt, since: from === state ? snapshot.since : now() });
  };

  // --- timers -----------------------------------------------------------------------------

  const clear = (handle: unknown) => {
    if (handle !== undefined) timers.clearTimeout(handle);
  };

  const clearSocketTimers = () => {
    clear(connectTimer);
    clear(authTimer);
    clear(heartbeatTimer);
    connectTimer = authTimer = heartbeatTimer = undefined;
  };

  // --- environment ------------------------------------------------------------------------

  const onEnvironment = (signal: EnvironmentSignal) => {
    const { state } = snapshot;
    if (signal === 'offline') {
      if (state === 'reconnecting') {
        clear(retryTimer);
        retryTimer = undefined;
        transition('reconnecting', { message: 'offline: waiting for the network' });
      }
    } else if (state === 'reconnecting') {
      openSocket(signal === 'online' ? 'back online' : 'page visible again');
    } else if (signal === 'visible' && state === 'open') {
      checkHeartbeat();
    }
  };

  const startEnvironment = () => {
    if (env !== undefined && stopEnvironment === undefined) stopEnvironment = env.listen(onEnvironment);
  };

  const stopEnvironmentListening = () => {
    stopEnvironment?.();
    stopEnvironment = undefined;
  };

  // --- socket lifecycle -------------------------------------------------------------------

  const detach = (ws: WebSocketLike) => {
    // No-ops rather than null: the `ws` package throws on an 'error' event with no listener.
    ws.onopen = NOOP;
    ws.onmessage = NOOP;
    ws.onerror = NOOP;
    ws.onclose = NOOP;
  };

  const dropSocket = (code: number, reason: string) => {
    const ws = socket;
    if (ws === null) return;
    socket = null;
    detach(ws);
    try {
      ws.close(code, reason);
    } catch {
      // Closing a socket that is already gone is fine.
    }
  };

  const rawSend = (frame: Frame): boolean => {
    if (socket === null) return false;
    try {
      socket.send(frame);
    } catch (error) {
      log('warn', 'send failed', { error: String(error) });
      return false;
    }
    stats.framesOut++;
    stats.bytesOut += frame.length;
    return true;
  };

  function openSocket(why: string): void {
    clear(retryTimer);
    retryTimer = undefined;
    if (socket !== null) dropSocket(CLOSE_CLIENT_ABORT, 'replaced');
    clearSocketTimers();
    if (snapshot.state === 'reconnecting') stats.reconnects++;
    opened = false;
    socketError = undefined;
    endReason = undefined;
    transition('connecting', { message: why });
    startEnvironment();

    if (WS === undefined) {
      fail(new OpstreamError('unsupported', 'no WebSocket implementation: pass options.WebSocket'));
      return;
    }
    let ws: WebSocketLike;
    try {
      ws = new WS(adapter.url ? adapter.url(options.url) : options.url);
    } catch (error) {
      const message = error instanceof Error ? redactSecrets(error.message, secrets) : 'invalid URL';
      fail(new OpstreamError('socket_error', `cannot open ${displayUrl}: ${message}`, { cause: error }));
      return;
    }
    socket = ws;
    try {
      ws.binaryType = 'arraybuffer';
    } catch {
      // Some implementations fix the binary type; frames are still measured and reported.
    }
    ws.onopen = () => onOpen(ws);
    ws.onmessage = (event) => onMessage(ws, event.data);
    ws.onerror = (event) => {
      if (socket === ws) socketError = describeSocketError(event);
    };
    ws.onclose = (event) => {
      if (socket === ws) onSocketGone(event.code, event.reason);
    };
    connectTimer = timers.setTimeout(() => {
      if (socket !== ws || opened) return;
      const error = new OpstreamError('connect_timeout', `no connection within ${connectTimeoutMs} ms`);
      dropSocket(CLOSE_CLIENT_ABORT, 'connect timeout');
      lost({ message: error.message, error });
    }, connectTimeoutMs);
  }

  const onOpen = (ws: WebSocketLike) => {
    if (socket !== ws) return;
    clear(connectTimer);
    connectTimer = undefined;
    opened = true;
    openedAt = lastReceivedAt = now();
    pingSentAt = 0;
    nextPingAt = openedAt + (heartbeat?.intervalMs ?? 0);
    scheduleHeartbeat();
    let handshake: ReturnType<NonNullable<typeof adapter.handshake>>;
    try {
      handshake = adapter.handshake?.(ctx);
    } catch (error) {
      fail(new OpstreamError('protocol_error', 'the protocol failed to build its handshake', { cause: error }));
      return;
    }
    if (handshake !== undefined) for (const frame of handshake.frames) rawSend(frame);
    if (handshake?.awaitAuth === true) {
      transition('authenticating', { message: 'socket open, authenticating' });
      const timeoutMs = handshake.timeoutMs ?? authTimeoutMs;
      authTimer = timers.setTimeout(() => {
        if (socket !== ws || snapshot.state !== 'authenticating') return;
        const error = new OpstreamError('auth_timeout', `no auth answer within ${timeoutMs} ms`);
        dropSocket(CLOSE_CLIENT_ABORT, 'auth timeout');
        lost({ message: error.message, error });
      }, timeoutMs);
    } else {
      ready('socket open');
    }
  };

  // Auth done (or none): subscriptions first, then the queue in order, then new sends.
  const ready = (why: string) => {
    clear(authTimer);
    authTimer = undefined;
    transition('open', { message: why });
    for (const entry of topics.values()) sendSubscribe(entry);
    while (queue.length > 0 && socket !== null) {
      const entry = queue[0]!;
      if (!rawSend(entry.frame)) break;
      queue.shift();
      if (entry.requestId !== undefined) {
        const request = pending.get(entry.requestId);
        if (request !== undefined) request.sent = true;
      }
    }
  };

  /** The socket is gone (closed by the server, the network, or us after a fatal frame). */
  const onSocketGone = (code: number, reason: string) => {
    const wasOpened = opened;
    const ws = socket;
    if (ws !== null) detach(ws);
    socket = null;
    clearSocketTimers();
    rejectSent();
    const end = endReason;
    endReason = undefined;
    if (end?.fatal !== undefined) {
      fail(end.fatal, code);
      return;
    }
    if (end?.ended !== undefined) {
      closedFor({ message: `stream ended: ${end.ended}`, code });
      return;
    }
    const info: CloseInfo = { code, reason, opened: wasOpened };
    if (socketError !== undefined) info.error = redactSecrets(socketError, secrets);
    let fatal: OpstreamError | undefined;
    try {
      fatal = adapter.fatal?.(info);
    } catch {
      fatal = undefined;
    }
    if (fatal === undefined && FATAL_CLOSE_CODES.has(code)) {
      fatal = new OpstreamError('connection_closed', `server closed with ${code}${reason ? `: ${reason}` : ''}`, {
        detail: { code, reason },
      });
    }
    if (fatal !== undefined) {
      fail(fatal, code);
      return;
    }
    const detail = info.error ?? reason;
    const error = new OpstreamError(
      'connection_closed',
      `connection ${wasOpened ? 'lost' : 'failed'} (${code}${detail ? `: ${detail}` : ''})`,
      { detail: { code, reason } },
    );
    lost({ message: error.message, code, error });
  };

  /** Schedules a retry with backoff, or fails when the budget is spent. */
  const lost = (reason: StateReason) => {
    if (retry === false) {
      fail(reason.error ?? new OpstreamError('connection_closed', reason.message), reason.code);
      return;
    }
    if (opened && now() - openedAt >= retry.minUptimeMs) attempt = 0;
    opened = false;
    if (env !== undefined && !env.isOnline()) {
      transition('reconnecting', { ...reason, message: `${reason.message}; offline: waiting for the network` });
      return;
    }
    attempt++;
    if (attempt > retry.maxRetries) {
      attempt--;
      fail(
        new OpstreamError('retries_exhausted', `gave up after ${retry.maxRetries} retries: ${reason.message}`, {
          cause: reason.error,
        }),
        reason.code,
      );
      return;
    }
    const delay = backoffDelay(attempt, retry, random);
    transition('reconnecting', reason, now() + delay);
    retryTimer = timers.setTimeout(() => {
      retryTimer = undefined;
      if (snapshot.state === 'reconnecting') openSocket(`retry ${attempt}`);
    }, delay);
  };

  const fail = (error: OpstreamError, code?: number) => {
    dropSocket(CLOSE_NORMAL, 'failed');
    clearSocketTimers();
    clear(retryTimer);
    retryTimer = undefined;
    rejectSent();
    stopEnvironmentListening();
    const reason: StateReason = { message: error.message, error };
    if (code !== undefined) reason.code = code;
    transition('failed', reason);
  };

  const closedFor = (reason: StateReason) => {
    dropSocket(reason.code ?? CLOSE_NORMAL, 'closed');
    clearSocketTimers();
    clear(retryTimer);
    retryTimer = undefined;
    rejectSent();
    stopEnvironmentListening();
    transition('closed', reason);
  };

  // --- heartbeat --------------------------------------------------------------------------

  const scheduleHeartbeat = () => {
    if (heartbeat === undefined || socket === null) return;
    const deadline = lastReceivedAt + heartbeat.intervalMs + heartbeat.timeoutMs;
    const wake = adapter.ping ? Math.min(nextPingAt, deadline) : deadline;
    clear(heartbeatTimer);
    heartbeatTimer = timers.setTimeout(checkHeartbeat, Math.max(0, wake - now()));
  };

  // Timestamps, not timer counts: a throttled background tab still sees how long it has been.
  function checkHeartbeat(): void {
    heartbeatTimer = undefined;
    if (heartbeat === undefined || socket === null || !opened) return;
    const t = now();
    const silence = t - lastReceivedAt;
    if (silence >= heartbeat.intervalMs + heartbeat.timeoutMs) {
      const error = new OpstreamError('heartbeat_timeout', `nothing received for ${silence} ms`);
      dropSocket(CLOSE_CLIENT_ABORT, 'heartbeat timeout');
      clearSocketTimers();
      rejectSent();
      lost({ message: error.message, error });
      return;
    }
    if (adapter.ping && t >= nextPingAt) {
      try {
        if (rawSend(adapter.ping(ctx)) && pingSentAt === 0) pingSentAt = t;
      } catch (error) {
        log('warn', 'ping failed', { error: String(error) });
      }
      nextPingAt = t + heartbeat.intervalMs;
    }
    scheduleHeartbeat();
  }

  // --- incoming ---------------------------------------------------------------------------

  const onMessage = (ws: WebSocketLike, data: unknown) => {
    if (socket !== ws) return;
    lastReceivedAt = now();
    stats.framesIn++;
    let text: string;
    if (typeof data === 'string') {
      stats.bytesIn += data.length;
      text = data;
    } else {
      const size = binaryLength(data) ?? 0;
      stats.bytesIn += size;
      if (adapter.binary !== 'text' || !(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
        report('unexpected_binary', `unexpected binary frame (${size} bytes)`, `<binary ${size} bytes>`);
        return;
      }
      if (size > maxBytes) {
        report('frame_too_large', `incoming frame of ${size} bytes exceeds ${maxBytes}`, `<binary ${size} bytes>`);
        return;
      }
      text = new TextDecoder().decode(data);
    }
    if (exceedsBytes(text, maxBytes)) {
      report('frame_too_large', `incoming frame exceeds ${maxBytes} bytes`, previewText(text, secrets));
      return;
    }
    let message: unknown = text;
    if (adapter.format !== 'text') {
      try {
        message = JSON.parse(text);
      } catch {
        report('malformed_frame', 'incoming frame is not valid JSON', previewText(text, secrets));
        return;
      }
    }
    let signal: ControlSignal | undefined;
    try {
      signal = adapter.control?.(message, ctx);
    } catch (error) {
      report('protocol_error', `adapter control() threw: ${String(error)}`, previewText(text, secrets));
    }
    let events: OpstreamEvent[] | undefined;
    try {
      events = adapter.decode(message, ctx);
    } catch (error) {
      report('protocol_error', `adapter decode() threw: ${String(error)}`, previewText(text, secrets));
    }
    if (events !== undefined && events.length > 0) emit(events);
    if (signal !== undefined) onControl(ws, signal);
  };

  const onControl = (ws: WebSocketLike, signal: ControlSignal) => {
    switch (signal.type) {
      case 'auth':
        if (snapshot.state !== 'authenticating') return;
        if (signal.ok) ready('authenticated');
        else {
          const detail = serverError(signal.error);
          finish({ fatal: new OpstreamError('auth_failed', `authentication rejected: ${detail.message}`, { detail }) });
        }
        return;
      case 'pong':
        if (pingSentAt !== 0) {
          stats.latencyMs = now() - pingSentAt;
          pingSentAt = 0;
        }
        return;
      case 'answer':
        rawSend(signal.frame);
        return;
      case 'reply': {
        const request = pending.get(signal.id);
        if (request === undefined) return;
        pending.delete(signal.id);
        clear(request.timer);
        if (signal.ok) request.resolve(signal.data);
        else {
          const detail = serverError(signal.error);
          request.reject(new OpstreamError('request_failed', `${detail.code}: ${detail.message}`, { detail }));
        }
        return;
      }
      case 'end':
        if (socket === ws) finish({ ended: signal.reason ?? 'end of stream' });
        return;
      case 'fatal': {
        if (socket !== ws) return;
        const detail = serverError(signal.error);
        finish({ fatal: new OpstreamError('protocol_error', `${detail.code}: ${detail.message}`, { detail }) });
        return;
      }
    }
  };

  // Ends this socket for a reason the server gave: onSocketGone reads it and does not retry.
  const finish = (end: NonNullable<typeof endReason>) => {
    endReason = end;
    dropSocket(CLOSE_NORMAL, end.ended === undefined ? 'fatal' : 'stream ended');
    onSocketGone(CLOSE_NORMAL, end.ended ?? end.fatal?.message ?? '');
  };

  // --- outgoing ---------------------------------------------------------------------------

  const enqueue = (frame: Frame, requestId: string | undefined): SendResult => {
    if (queue.length >= queueOptions.max) {
      if (queueOptions.overflow === 'reject' || queueOptions.max <= 0) {
        const error = new OpstreamError('queue_overflow', `outgoing queue is full (${queueOptions.max} frames)`);
        report('queue_overflow', error.message, previewText(frame, secrets));
        return { ok: false, error };
      }
      const dropped = queue.shift()!;
      stats.dropped++;
      report('queue_overflow', 'outgoing queue full: dropped the oldest frame', previewText(dropped.frame, secrets));
      if (dropped.requestId !== undefined) {
        settleRequest(
          dropped.requestId,
          new OpstreamError('queue_overflow', 'request dropped from the full outgoing queue'),
        );
      }
    }
    queue.push({ frame, requestId });
    return { ok: true, status: 'queued' };
  };

  const sendFrame = (frame: Frame, requestId?: string): SendResult => {
    if (exceedsBytes(frame, maxBytes)) {
      const error = new OpstreamError('frame_too_large', `outgoing frame exceeds ${maxBytes} bytes`);
      report('frame_too_large', error.message, previewText(frame, secrets));
      return { ok: false, error };
    }
    if (snapshot.state === 'open' && rawSend(frame)) return { ok: true, status: 'sent' };
    return enqueue(frame, requestId);
  };

  const encodeWith = (encode: () => Frame): Frame | OpstreamError => {
    if (adapter.pushOnly === true) {
      return new OpstreamError('unsupported', `${adapter.name} is push-only: the client never sends`);
    }
    try {
      return encode();
    } catch (error) {
      if (error instanceof OpstreamError) return error;
      return new OpstreamError('invalid_command', `cannot encode command: ${String(error)}`, { cause: error });
    }
  };

  const settleRequest = (id: string, error: OpstreamError) => {
    const request = pending.get(id);
    if (request === undefined) return;
    pending.delete(id);
    clear(request.timer);
    request.reject(error);
  };

  // Requests already on the wire cannot be answered by a new socket.
  const rejectSent = () => {
    for (const [id, request] of pending) {
      if (request.sent) settleRequest(id, new OpstreamError('connection_closed', 'connection closed before the reply'));
    }
  };

  const sendSubscribe = (entry: TopicEntry) => {
    const codec = adapter.subscriptions;
    if (codec === undefined) return;
    entry.ref = undefined;
    const id = ctx.nextId();
    let frame: Frame;
    try {
      frame = codec.subscribe(entry.topic, entry.params, id);
    } catch (error) {
      report('subscription_failed', `cannot encode subscription to ${entry.topic}: ${String(error)}`);
      return;
    }
    if (codec.awaitsReply === true) {
      const timer = timers.setTimeout(() => {
        pending.delete(id);
        report('subscription_failed', `no reply to the subscription to ${entry.topic}`);
      }, requestTimeoutMs);
      pending.set(id, {
        sent: true,
        timer,
        resolve: (data) => {
          entry.ref = codec.ref?.(data);
        },
        reject: (error) => {
          if (error.code === 'connection_closed') return; // resent after reconnect
          report('subscription_failed', `subscription to ${entry.topic} refused: ${error.message}`);
        },
      });
    }
    rawSend(frame);
  };

  // --- public API -------------------------------------------------------------------------

  const connection: Connection<Command> = {
    protocol: adapter,
    displayUrl,
    getSnapshot: () => snapshot,
    subscribe(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onEvents(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    connect() {
      const { state } = snapshot;
      if (state === 'idle' || state === 'closed' || state === 'failed') {
        attempt = 0;
        openSocket('connect() called');
      }
    },
    close(code = CLOSE_NORMAL, reason = 'closed by the client') {
      if (snapshot.state === 'closed') return;
      for (const [id] of pending) settleRequest(id, new OpstreamError('connection_closed', 'connection closed by the client'));
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.requestId !== undefined) queue.splice(i, 1);
      closedFor({ message: reason, code });
    },
    reconnect() {
      const { state } = snapshot;
      if (state === 'reconnecting') {
        openSocket('reconnect() called');
        return;
      }
      attempt = 0;
      if (state === 'open' || state === 'connecting' || state === 'authenticating') {
        // Replace a live socket: pass through `reconnecting` so the state machine stays legal.
        dropSocket(CLOSE_CLIENT_ABORT, 'reconnect requested');
        clearSocketTimers();
        rejectSent();
        transition('reconnecting', { message: 'reconnect() called' });
      }
      openSocket('reconnect() called');
    },
    send(command) {
      const frame = encodeWith(() => adapter.encode(command, ctx));
      if (frame instanceof OpstreamError) return { ok: false, error: frame };
      return sendFrame(frame);
    },
    request<T>(command: Command, requestOptions: RequestOptions = {}): Promise<T> {
      const encodeRequest = adapter.encodeRequest;
      if (encodeRequest === undefined) {
        return Promise.reject(new OpstreamError('unsupported', `${adapter.name} has no request/reply`));
      }
      const id = ctx.nextId();
      const frame = encodeWith(() => encodeRequest(command, id, ctx));
      if (frame instanceof OpstreamError) return Promise.reject(frame);
      const timeoutMs = requestOptions.timeoutMs ?? requestTimeoutMs;
      return new Promise<T>((resolve, reject) => {
        const timer = timers.setTimeout(() => {
          const index = queue.findIndex((entry) => entry.requestId === id);
          if (index >= 0) queue.splice(index, 1);
          settleRequest(id, new OpstreamError('request_timeout', `no reply within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (data: unknown) => void, reject, timer, sent: false });
        const result = sendFrame(frame, id);
        if (!result.ok) settleRequest(id, result.error);
        else if (result.status === 'sent') pending.get(id)!.sent = true;
      });
    },
    subscribeTopic(topic, params) {
      const codec = adapter.subscriptions;
      const refused = (error: OpstreamError): TopicHandle => {
        report(error.code, error.message);
        return { topic, error, unsubscribe: NOOP };
      };
      if (codec === undefined) {
        return refused(new OpstreamError('unsupported', `${adapter.name} has no subscriptions`));
      }
      const key = topicKey(topic, params);
      let entry = topics.get(key);
      if (entry === undefined) {
        if (codec.max !== undefined && topics.size >= codec.max) {
          return refused(
            new OpstreamError('subscription_limit', `${adapter.name} allows at most ${codec.max} subscriptions`),
          );
        }
        entry = { topic, params, refs: 0, ref: undefined };
        topics.set(key, entry);
        if (snapshot.state === 'open') sendSubscribe(entry);
      }
      entry.refs++;
      const current = entry;
      let active = true;
      return {
        topic,
        error: undefined,
        unsubscribe() {
          if (!active) return;
          active = false;
          current.refs--;
          if (current.refs > 0 || topics.get(key) !== current) return;
          topics.delete(key);
          if (snapshot.state !== 'open') return;
          try {
            const frame = codec.unsubscribe(topic, params, current.ref, ctx.nextId());
            if (frame !== undefined) rawSend(frame);
          } catch (error) {
            report('protocol_error', `cannot encode unsubscribe from ${topic}: ${String(error)}`);
          }
        },
      };
    },
    getStats: () => ({ ...stats }),
    destroy() {
      connection.close(CLOSE_NORMAL, 'destroyed');
      stopEnvironmentListening();
      stateListeners.clear();
      eventListeners.clear();
    },
  };
  return connection;
}
