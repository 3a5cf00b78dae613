import { useMutation } from '@tanstack/react-query';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Connection, SendResult } from '../core/connection';
import { OpstreamError, type OpstreamErrorCode } from '../core/errors';
import type { EventError, OperationStatus } from '../core/events';
import type { OperationState, OpstreamStore, StepState } from '../core/store';
import { TERMINAL } from '../core/terminal';
import type {
  BackendImCommand,
  BackendImDeployRequest,
  BackendImNamespaceSetup,
  BackendImTestRequest,
} from '../protocols/backendIm';
import { useOpstreamContext } from './OpstreamContext';
import { useOperationState } from './useOperationState';
import { noConnection, useSocket, type SocketApi, type UseSocketOptions } from './useSocket';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

type StartFields<C> = Omit<C, 'type' | 'operationId'>;

/** What `start(params)` takes per Backend.im operation type. */
export interface BackendImOperationParams {
  namespace: StartFields<BackendImNamespaceSetup>;
  test: StartFields<BackendImTestRequest>;
  deploy: StartFields<BackendImDeployRequest>;
}

/** The params of `start` for an operation type: typed for the protocols the kit knows, else `unknown`. */
export type OperationParams<Command, Type extends string> = [Command] extends [never]
  ? unknown
  : [Command] extends [BackendImCommand]
    ? string extends Type
      ? BackendImOperationParams[keyof BackendImOperationParams]
      : Type extends keyof BackendImOperationParams
        ? BackendImOperationParams[Type]
        : never
    : unknown;

export type UseOperationOptions<Command> = UseSocketOptions<Command>;

/** An operation the server wants run first, e.g. Backend.im `namespace_required` -> `namespace`. */
export interface OperationPrerequisite {
  /** The operation type to run first. */
  readonly type: string;
  /** The server's error code that asked for it. */
  readonly code: string;
  /**
   * Runs the prerequisite (params default to the failed start's), then the failed start again
   * with its params; settles like `start`.
   */
  run(params?: unknown): Promise<OperationState>;
}

export interface UseOperationResult<Params, Command> {
  /**
   * Starts an operation; settles when it ends: resolves with its final state when it succeeds,
   * rejects with an OpstreamError (detail: the server's `{code, message}`) when it fails or is
   * cancelled. Never an unhandled rejection when the caller ignores the promise.
   */
  start(params: Params): Promise<OperationState>;
  /** Live state of the latest started operation. */
  readonly operation: OperationState | undefined;
  readonly operationId: string | undefined;
  /** The operation's status; 'idle' before the first start. */
  readonly status: OperationStatus | 'idle';
  readonly steps: readonly StepState[];
  /** 0..100 */
  readonly progress: number | undefined;
  readonly result: unknown;
  /** The deploy URL, when the operation produced one. */
  readonly url: string | undefined;
  /** Why the latest start failed (server error, send error, lost connection). */
  readonly error: OpstreamError | null;
  /** The log stream with the operation's output (`op:<id>`). */
  readonly stream: string | undefined;
  /** Asks the server to cancel the running operation (protocols with a cancel command only). */
  cancel(): SendResult;
  readonly canCancel: boolean;
  /** Set when the failure means "run this other operation first". */
  readonly prerequisite: OperationPrerequisite | undefined;
  /** react-query mutation state of the latest start. */
  readonly isIdle: boolean;
  readonly isPending: boolean;
  readonly isSuccess: boolean;
  readonly isError: boolean;
  /** The final state of the latest successful start. */
  readonly data: OperationState | undefined;
  /** Forgets the latest start (mutation state and operation view). */
  reset(): void;
  /** The held connection (its state disables controls while disconnected). */
  readonly socket: SocketApi<Command>;
}

// ---------------------------------------------------------------------------------------------
// Running one operation
// ---------------------------------------------------------------------------------------------

const EMPTY_STEPS: readonly StepState[] = Object.freeze([]);
const noop = () => {};

let counter = 0;
// Unique within the page (the store is per page); no crypto needed.
const nextOperationId = (): string => `op-${Date.now().toString(36)}-${(++counter).toString(36)}`;

// Operation ids in flight per connection and type, for protocols that run one at a time.
const running = new WeakMap<Connection<never>, Map<string, string>>();

const runningOf = (connection: Connection<never>): Map<string, string> => {
  let byType = running.get(connection);
  if (byType === undefined) {
    byType = new Map();
    running.set(connection, byType);
  }
  return byType;
};

/** The operation of `type` still running on `connection`, if any (the store says when it ended). */
const busyWith = (connection: Connection<never>, store: OpstreamStore, type: string): string | undefined => {
  const id = running.get(connection)?.get(type);
  if (id === undefined) return undefined;
  const status = store.getState().operations[id]?.status;
  return status === undefined || TERMINAL.has(status) ? undefined : id;
};

const busyError = (type: string, id: string): OpstreamError =>
  new OpstreamError('operation_running', `a ${type} operation is already running (${id}): the server runs one at a time`, {
    detail: { code: 'operation_running', message: `${type} already running`, operationId: id },
  });

const operationError = (op: OperationState): OpstreamError => {
  const detail: EventError = op.error ?? {
    code: op.status === 'cancelled' ? 'operation_cancelled' : 'operation_failed',
    message: op.message ?? `${op.type} ${op.status}`,
  };
  const code: OpstreamErrorCode = op.status === 'cancelled' ? 'operation_cancelled' : 'operation_failed';
  return new OpstreamError(code, `${op.type} ${op.status}: ${detail.message}`, { detail });
};

const asOpstreamError = (error: unknown): OpstreamError =>
  error instanceof OpstreamError
    ? error
    : new OpstreamError('invalid_command', `cannot build the command: ${String(error)}`, { cause: error });

/** The server's error code behind a failed start, when there is one. */
const serverCode = (error: OpstreamError | null): string | undefined => {
  const detail = error?.detail;
  if (typeof detail !== 'object' || detail === null) return undefined;
  const code = (detail as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
};

interface Flight {
  /** Stops listening without settling (the component is gone). */
  detach(): void;
}

/** An operation ready to send, or why it cannot start. */
type Prepared<Command> =
  | { ok: true; connection: Connection<Command>; id: string; type: string; params: unknown; command: Command }
  | { ok: false; error: OpstreamError; busy: boolean };

const refuse = <Command,>(error: OpstreamError, busy = false): Prepared<Command> => ({ ok: false, error, busy });

/**
 * Everything up to the send, synchronously: checks, the command, the store entry and the
 * one-at-a-time reservation, so a second start in the same tick already sees the first.
 */
function prepare<Command>(
  connection: Connection<Command> | null,
  store: OpstreamStore,
  type: string,
  params: unknown,
): Prepared<Command> {
  if (connection === null) {
    return refuse(noConnection());
  }
  const { protocol } = connection;
  const codec = protocol.operations;
  if (codec === undefined) return refuse(new OpstreamError('unsupported', `${protocol.name} has no operations to start`));
  if (!codec.types.includes(type)) {
    return refuse(new OpstreamError('invalid_command', `${protocol.name} has no "${type}" operation`));
  }
  const { state } = connection.getSnapshot();
  if (state === 'closed' || state === 'failed') {
    return refuse(new OpstreamError('connection_closed', `cannot start ${type}: the connection is ${state}`));
  }
  const link = connection as unknown as Connection<never>;
  if (codec.concurrent === false) {
    const busy = busyWith(link, store, type);
    if (busy !== undefined) return refuse(busyError(type, busy), true);
  }
  const id = nextOperationId();
  let command: Command;
  try {
    command = codec.start(type, params, id);
  } catch (error) {
    return refuse(asOpstreamError(error));
  }
  store.trackOperation(id, type);
  if (codec.concurrent === false) runningOf(link).set(type, id);
  return { ok: true, connection, id, type, params, command };
}

/** Sends a prepared operation and settles once, when the store sees it end or the connection ends. */
function follow<Command>(
  prepared: Prepared<Command>,
  store: OpstreamStore,
  flights: Set<Flight>,
): Promise<OperationState> {
  if (!prepared.ok) return Promise.reject(prepared.error);
  const { connection, id, type, command } = prepared;
  return new Promise<OperationState>((resolve, reject) => {
    let done = false;
    let stopStore = noop;
    let stopConnection = noop;
    const flight: Flight = {
      detach() {
        if (done) return;
        done = true;
        stopStore();
        stopConnection();
      },
    };
    const release = () => {
      flight.detach();
      flights.delete(flight);
    };
    // Failures the server never reports: the store hears of them too, so the timeline shows them.
    const failHere = (error: OpstreamError) => {
      if (done) return;
      release();
      reject(error);
      store.ingest([{ kind: 'error', code: error.code, message: error.message, at: Date.now(), operationId: id }]);
    };
    const check = (op: OperationState | undefined) => {
      if (done || op === undefined || !TERMINAL.has(op.status)) return;
      release();
      if (op.status === 'succeeded') resolve(op);
      else reject(operationError(op));
    };

    flights.add(flight);
    stopStore = store.subscribe((s) => check(s.operations[id]));
    stopConnection = connection.subscribe(() => {
      const snapshot = connection.getSnapshot();
      if (snapshot.state !== 'closed' && snapshot.state !== 'failed') return;
      failHere(
        new OpstreamError('connection_closed', `connection ${snapshot.state} during ${type}: ${snapshot.reason.message}`, {
          cause: snapshot.reason.error,
        }),
      );
    });
    // It may have ended between prepare and now (the link went down in between).
    check(store.getState().operations[id]);
    const { state } = connection.getSnapshot();
    if (state === 'closed' || state === 'failed') {
      failHere(new OpstreamError('connection_closed', `cannot start ${type}: the connection is ${state}`));
      return;
    }
    const sent = connection.send(command);
    if (!sent.ok) failHere(sent.error);
  });
}

// ---------------------------------------------------------------------------------------------
// useOperation
// ---------------------------------------------------------------------------------------------

interface Current {
  id: string;
  type: string;
  params: unknown;
}

/**
 * Starts long-running operations (Backend.im namespace / test / deploy) and follows the latest
 * one live. `start` is a react-query mutation that settles on the operation's completion event.
 */
export function useOperation<Command, Type extends string = string, Params = OperationParams<Command, Type>>(
  type: Type,
  options: UseOperationOptions<Command>,
): UseOperationResult<Params, Command> {
  const { store, queryClient } = useOpstreamContext();
  const socket = useSocket<Command>(options);
  const { connection } = socket;
  const codec = options.protocol.operations;
  const instance = useId();
  const [flights] = useState(() => new Set<Flight>());
  const [current, setCurrent] = useState<Current | undefined>(undefined);

  // Read at start time, never during render.
  const link = useRef(connection);
  useEffect(() => {
    link.current = connection;
  });

  const mutationKey = useMemo(() => ['opstream', 'operation', instance], [instance]);
  const mutation = useMutation<OperationState, OpstreamError, Prepared<Command>>(
    {
      mutationKey,
      mutationFn: (prepared) => follow(prepared, store, flights),
      // The connection has its own offline handling: never park a start in react-query's.
      networkMode: 'always',
      retry: false,
    },
    queryClient,
  );
  const { mutateAsync, reset: resetMutation } = mutation;

  const launch = useCallback(
    (startType: string, params: unknown): Promise<OperationState> => {
      const prepared = prepare(link.current, store, startType, params);
      let promise: Promise<OperationState>;
      if (!prepared.ok && prepared.busy) {
        // Refused outside the mutation, so the running operation's pending state stays on screen.
        promise = Promise.reject(prepared.error);
      } else {
        // A start that could not even be sent shows no operation, only its error.
        setCurrent(prepared.ok ? { id: prepared.id, type: startType, params } : undefined);
        promise = mutateAsync(prepared);
      }
      // Fire-and-forget callers must not cause an unhandled rejection; awaiting callers still see it.
      promise.catch(noop);
      return promise;
    },
    [mutateAsync, store],
  );

  const start = useCallback((params: Params): Promise<OperationState> => launch(type, params), [launch, type]);

  // On unmount: stop listening; the promises stay pending rather than rejecting into the void.
  useEffect(
    () => () => {
      for (const flight of flights) flight.detach();
      flights.clear();
      const cache = queryClient.getMutationCache();
      for (const pending of cache.findAll({ mutationKey, exact: true, status: 'pending' })) cache.remove(pending);
    },
    [flights, queryClient, mutationKey],
  );

  const cancel = useCallback((): SendResult => {
    const held = link.current;
    const ops = held?.protocol.operations;
    if (held === null || ops?.cancel === undefined) {
      return { ok: false, error: new OpstreamError('unsupported', 'this protocol cannot cancel operations') };
    }
    const status = current === undefined ? undefined : store.getState().operations[current.id]?.status;
    if (current === undefined || status === undefined || TERMINAL.has(status)) {
      return { ok: false, error: new OpstreamError('invalid_command', 'no running operation to cancel') };
    }
    return held.send(ops.cancel({ id: current.id, type: current.type }));
  }, [current, store]);

  const reset = useCallback(() => {
    resetMutation();
    setCurrent(undefined);
  }, [resetMutation]);

  const code = serverCode(mutation.error);
  const prerequisites = codec?.prerequisites;
  const prerequisiteType =
    code !== undefined && prerequisites !== undefined && Object.hasOwn(prerequisites, code)
      ? prerequisites[code]
      : undefined;
  const prerequisite = useMemo((): OperationPrerequisite | undefined => {
    if (prerequisiteType === undefined || code === undefined || current === undefined) return undefined;
    const failed = current;
    return {
      type: prerequisiteType,
      code,
      run(params) {
        const chain = launch(prerequisiteType, params ?? failed.params).then(() => launch(failed.type, failed.params));
        chain.catch(noop);
        return chain;
      },
    };
  }, [prerequisiteType, code, current, launch]);

  const operation = useOperationState(current?.id ?? '');
  return {
    start,
    operation,
    operationId: current?.id,
    status: operation?.status ?? 'idle',
    steps: operation?.steps ?? EMPTY_STEPS,
    progress: operation?.progress,
    result: operation?.result,
    url: operation?.url,
    error: mutation.error,
    stream: operation?.stream,
    cancel,
    canCancel: codec?.cancel !== undefined,
    prerequisite,
    isIdle: mutation.isIdle,
    isPending: mutation.isPending,
    isSuccess: mutation.isSuccess,
    isError: mutation.isError,
    data: mutation.data,
    reset,
    socket,
  };
}
