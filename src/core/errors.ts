/** Every failure the kit reports carries one of these codes. */
export type OpstreamErrorCode =
  | 'connect_timeout'
  | 'socket_error'
  | 'connection_closed'
  | 'heartbeat_timeout'
  | 'retries_exhausted'
  | 'auth_failed'
  | 'auth_timeout'
  | 'malformed_frame'
  | 'frame_too_large'
  | 'unexpected_binary'
  | 'queue_overflow'
  | 'request_timeout'
  | 'request_failed'
  | 'subscription_failed'
  | 'subscription_limit'
  | 'unsupported'
  | 'protocol_error'
  | 'invalid_command'
  | 'stream_ended'
  | 'operation_failed'
  | 'operation_cancelled'
  | 'operation_running';

export interface OpstreamErrorOptions {
  /** Machine-readable detail from the server or the socket (close code, server error code). */
  detail?: unknown;
  cause?: unknown;
}

/** The one error type the kit throws, rejects with and reports. Never carries a token. */
export class OpstreamError extends Error {
  override readonly name = 'OpstreamError';
  readonly code: OpstreamErrorCode;
  readonly detail: unknown;

  constructor(code: OpstreamErrorCode, message: string, options: OpstreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options.detail;
  }
}

export const isOpstreamError = (value: unknown): value is OpstreamError =>
  value instanceof OpstreamError;
