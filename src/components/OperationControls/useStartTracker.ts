import { useCallback, useState } from 'react';

/** Why the latest start failed, as the form shows it. */
export interface ControlsFailure {
  /** The operation type that failed. */
  readonly type: string;
  /** The server's error code (e.g. namespace_required), else the kit's. */
  readonly code: string;
  readonly message: string;
}

/** Starts an operation; a returned promise tells the form when it ends and why it failed. */
export type StartHandler = (type: string, params: Record<string, unknown> | undefined) => unknown;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Reads an OpstreamError (detail: the server's {code, message}), any Error, or a plain object. */
export function toFailure(type: string, error: unknown): ControlsFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown; detail?: unknown };
  const detail = (typeof e.detail === 'object' && e.detail !== null ? e.detail : {}) as { code?: unknown; message?: unknown };
  return {
    type,
    code: str(detail.code) ?? str(e.code) ?? 'error',
    message: str(detail.message) ?? str(e.message) ?? String(error),
  };
}

/**
 * Tracks the promises `onStart` returns: which types are in flight and the latest failure.
 * A new start clears the failure.
 */
export function useStartTracker(onStart: StartHandler) {
  const [pending, setPending] = useState<ReadonlySet<string>>(() => new Set());
  const [failure, setFailure] = useState<ControlsFailure | undefined>(undefined);

  const settle = useCallback((type: string) => {
    setPending((current) => {
      if (!current.has(type)) return current;
      const next = new Set(current);
      next.delete(type);
      return next;
    });
  }, []);

  /** Calls onStart; returns a promise of the operation's end, or undefined when onStart returned none. */
  const start = useCallback(
    (type: string, params: Record<string, unknown> | undefined): Promise<unknown> | undefined => {
      setFailure(undefined);
      let result: unknown;
      try {
        result = onStart(type, params);
      } catch (error) {
        setFailure(toFailure(type, error));
        return undefined;
      }
      if (!isThenable(result)) return undefined;
      setPending((current) => new Set(current).add(type));
      const tracked = Promise.resolve(result).then(
        (value) => {
          settle(type);
          return value;
        },
        (error: unknown) => {
          settle(type);
          setFailure(toFailure(type, error));
          throw error;
        },
      );
      // The form shows the failure; a click handler must not surface it as an unhandled rejection.
      tracked.catch(() => {});
      return tracked;
    },
    [onStart, settle],
  );

  return { start, pending, failure, clearFailure: useCallback(() => setFailure(undefined), []) };
}
