import type { OpstreamError } from '../core/errors';
import type { EventError, OpstreamEvent } from '../core/events';

/** A text frame as it goes on the wire. */
export type Frame = string;

/** What the connection lends an adapter while it decodes or encodes. */
export interface ProtocolContext {
  /** Injected clock (epoch ms): the arrival time for frames that carry none. */
  now(): number;
  /** A fresh id, unique for this connection (for envelopes that need one). */
  nextId(): string;
}

/**
 * What a frame means to the connection itself (as opposed to the events it carries).
 * An adapter's `control` returns one of these, or undefined for ordinary frames.
 */
export type ControlSignal =
  | { type: 'auth'; ok: true }
  | { type: 'auth'; ok: false; error: EventError }
  | { type: 'pong' }
  | { type: 'reply'; id: string; ok: true; data: unknown }
  | { type: 'reply'; id: string; ok: false; error: EventError }
  /** The server asked for an answer (e.g. JSON ping -> pong): sent at once, ahead of the queue. */
  | { type: 'answer'; frame: Frame }
  /** The stream is finished (Mist `end`): close and do not reconnect. */
  | { type: 'end'; reason?: string }
  /** A protocol error that must not be retried (bad credentials, policy). */
  | { type: 'fatal'; error: EventError };

export interface CloseInfo {
  code: number;
  reason: string;
  /** Whether the socket reached `open` before it closed (false for a refused upgrade). */
  opened: boolean;
  /** Description of the socket error seen before the close, if any (no URL, no token). */
  error?: string;
}

export interface HeartbeatOptions {
  /** Expected traffic interval (ms): a ping is sent this often when the protocol has one. */
  intervalMs: number;
  /** Extra grace (ms): nothing received for interval + timeout means the link is dead. */
  timeoutMs: number;
}

export interface ReconnectOptions {
  /** First delay ceiling (ms). */
  minDelayMs: number;
  /** Largest delay ceiling (ms). */
  maxDelayMs: number;
  factor: number;
  /** Attempts after a loss before giving up (`failed`). Infinity retries forever. */
  maxRetries: number;
  /** The retry counter resets only after the link stayed open this long (ms). */
  minUptimeMs: number;
}

export interface SubscriptionCodec {
  /** Frame that subscribes `topic`. `id` is fresh per send (for request/reply protocols). */
  subscribe(topic: string, params: unknown, id: string): Frame;
  /** Frame that unsubscribes; `ref` is the server's id for the subscription, when it gave one. */
  unsubscribe(topic: string, params: unknown, ref: string | undefined, id: string): Frame | undefined;
  /** True when the server replies to a subscribe by id (the connection then awaits the reply). */
  awaitsReply?: boolean;
  /** The server's subscription id, read from the reply's data. */
  ref?(replyData: unknown): string | undefined;
  /** Most live subscriptions the server accepts per connection; more are refused client-side. */
  max?: number;
}

/** How a protocol starts (and maybe cancels) long-running operations, for `useOperation`. */
export interface OperationCodec<Command> {
  /** Operation types the client can start (e.g. namespace, test, deploy). */
  readonly types: readonly string[];
  /** The command that starts an operation of `type`; its events carry `operationId`. */
  start(type: string, params: unknown, operationId: string): Command;
  /** The command that cancels an operation, when the protocol has one. */
  cancel?(operation: { id: string; type: string }): Command;
  /** False when the server runs one operation of a type at a time per connection. */
  readonly concurrent?: boolean;
  /** Server error codes that mean "run this operation type first" (namespace_required -> namespace). */
  readonly prerequisites?: Readonly<Record<string, string>>;
}

/**
 * A protocol adapter: pure functions from frames to normalized events and from commands to frames,
 * plus the hooks the connection calls for auth, heartbeats, requests and subscriptions.
 * Adapters never throw from `decode` or `control`.
 */
export interface ProtocolAdapter<Command = unknown> {
  readonly name: string;
  /** Distinguishes differently configured adapters in the shared-connection registry. Never a secret. */
  readonly key?: string;
  /** `json` (default): the connection parses text frames before `decode`. `text`: raw strings. */
  readonly format?: 'json' | 'text';
  /** What to do with binary frames: report them as `unexpected_binary` (default) or decode as UTF-8 text. */
  readonly binary?: 'error' | 'text';
  /** Strings to redact from logs, previews and errors (tokens). */
  readonly secrets?: readonly string[];
  /** True when the client never sends (push-only protocols): `send` returns an `unsupported` error. */
  readonly pushOnly?: boolean;
  readonly heartbeat?: HeartbeatOptions;
  /** Largest frame this protocol legitimately sends (default 1 MiB); the user's option wins. */
  readonly maxMessageBytes?: number;
  /** Protocol-specific reconnect defaults (the user's options override them). */
  readonly reconnect?: Partial<ReconnectOptions>;
  readonly subscriptions?: SubscriptionCodec;
  readonly operations?: OperationCodec<Command>;

  /** Final URL to open (e.g. adds the token to the query). Default: unchanged. */
  url?(url: string): string;
  decode(message: unknown, ctx: ProtocolContext): OpstreamEvent[];
  /** Command to frame. May throw an OpstreamError (`invalid_command`, `unsupported`). */
  encode(command: Command, ctx: ProtocolContext): Frame;
  /** Command to frame carrying the correlation id `id`, for `request()`. */
  encodeRequest?(command: Command, id: string, ctx: ProtocolContext): Frame;
  control?(message: unknown, ctx: ProtocolContext): ControlSignal | undefined;
  /** Frames sent first on every open; when `awaitAuth`, nothing else goes out before an `auth` signal. */
  handshake?(ctx: ProtocolContext): { frames: Frame[]; awaitAuth: boolean; timeoutMs?: number } | undefined;
  /** Heartbeat frame sent every `heartbeat.intervalMs` (omit when the server pings). */
  ping?(ctx: ProtocolContext): Frame;
  /** Classify a close: an error here ends the connection in `failed` instead of retrying. */
  fatal?(close: CloseInfo): OpstreamError | undefined;
}

export type CommandOf<A> = A extends ProtocolAdapter<infer C> ? C : never;
