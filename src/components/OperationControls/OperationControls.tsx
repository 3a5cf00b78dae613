import { forwardRef, useCallback, useEffect, useRef, useState, type ForwardedRef } from 'react';
import type { BackendImCommand } from '../../protocols/backendIm';
import { useOperation, type UseOperationOptions } from '../../react/useOperation';
import { useSocket } from '../../react/useSocket';
import { BackendImForm, type BackendImFormProps } from './BackendImForm';
import { GenericOperationControls, type GenericOperationControlsProps, type OperationSpec } from './GenericOperationControls';
import type { BackendImAction } from './validation';

const OPERATION_CONTROLS_NAME = 'OperationControls';

interface ConnectedProps {
  /** Called when an operation starts (e.g. to show its StepTimeline). */
  onOperationStart?: (operationId: string, type: string) => void;
}

type Wired = 'onStart' | 'running' | 'connection' | 'canCancel' | 'onCancel';

export interface BackendImControlsProps extends ConnectedProps, Omit<BackendImFormProps, Wired | 'prerequisites'> {
  kind: 'backendim';
  /** The Backend.im connection: `{ url, protocol: backendIm() }` (shared with every hook on that URL). */
  socket: UseOperationOptions<BackendImCommand>;
}

export interface GenericControlsProps extends ConnectedProps, Omit<GenericOperationControlsProps, Wired | 'operations'> {
  kind: 'generic';
  /** Any protocol whose adapter has an `operations` codec. */
  socket: UseOperationOptions<unknown>;
  /** The types offered; default: every type of the adapter's operations codec. */
  operations?: readonly (string | OperationSpec)[];
}

export type OperationControlsProps = BackendImControlsProps | GenericControlsProps;

/**
 * Operation controls wired to a connection with `useOperation`: the Backend.im form
 * (`kind="backendim"`) or start buttons for any protocol's operation types (`kind="generic"`).
 * Disabled while the connection is not open or the operation runs; cancel where the protocol can.
 */
export const OperationControls = forwardRef<HTMLElement, OperationControlsProps>(function OperationControls(props, ref) {
  return props.kind === 'backendim' ? (
    <BackendImControls {...props} forwardedRef={ref as ForwardedRef<HTMLFormElement>} />
  ) : (
    <GenericControls {...props} forwardedRef={ref as ForwardedRef<HTMLDivElement>} />
  );
});
OperationControls.displayName = OPERATION_CONTROLS_NAME;

// ---------------------------------------------------------------------------------------------
// Backend.im
// ---------------------------------------------------------------------------------------------

function BackendImControls({
  kind: _kind,
  socket,
  onOperationStart,
  forwardedRef,
  ...formProps
}: BackendImControlsProps & { forwardedRef: ForwardedRef<HTMLFormElement> }) {
  // One hook per type; all three share the one connection for this URL.
  const namespace = useOperation('namespace', socket);
  const test = useOperation('test', socket);
  const deploy = useOperation('deploy', socket);
  const ops = { namespace, test, deploy };
  useStartedCallback(onOperationStart, [
    ['namespace', namespace.operationId],
    ['test', test.operationId],
    ['deploy', deploy.operationId],
  ]);

  const starters = useRef({ namespace: namespace.start, test: test.start, deploy: deploy.start });
  const cancels = useRef({ namespace: namespace.cancel, test: test.cancel, deploy: deploy.cancel });
  useEffect(() => {
    starters.current = { namespace: namespace.start, test: test.start, deploy: deploy.start };
    cancels.current = { namespace: namespace.cancel, test: test.cancel, deploy: deploy.cancel };
  });
  const onStart = useCallback(
    (type: BackendImAction, params: Record<string, string>) =>
      // Each hook takes its own type's params; the form sends exactly those fields.
      starters.current[type](params as never),
    [],
  );
  const onCancel = useCallback((type: BackendImAction) => void cancels.current[type](), []);
  const running = (Object.keys(ops) as BackendImAction[]).filter((t) => ops[t].isPending);

  return (
    <BackendImForm
      {...formProps}
      ref={forwardedRef}
      onStart={onStart}
      running={running}
      connection={namespace.socket.snapshot}
      canCancel={namespace.canCancel}
      onCancel={onCancel}
      prerequisites={socket.protocol.operations?.prerequisites ?? {}}
    />
  );
}

// ---------------------------------------------------------------------------------------------
// Generic
// ---------------------------------------------------------------------------------------------

interface RunnerState {
  start: (params: unknown) => Promise<unknown>;
  cancel: () => unknown;
  isPending: boolean;
  operationId: string | undefined;
  canCancel: boolean;
}

/** Holds `useOperation(type)` for one type (hooks cannot be called in a loop) and reports it up. */
function OperationRunner({
  type,
  socket,
  report,
}: {
  type: string;
  socket: UseOperationOptions<unknown>;
  report: (type: string, state: RunnerState | undefined) => void;
}) {
  const op = useOperation<unknown>(type, socket);
  const { start, cancel, isPending, operationId, canCancel } = op;
  useEffect(() => {
    report(type, { start, cancel, isPending, operationId, canCancel });
  }, [report, type, start, cancel, isPending, operationId, canCancel]);
  useEffect(() => () => report(type, undefined), [report, type]);
  return null;
}

function GenericControls({
  kind: _kind,
  socket,
  operations,
  onOperationStart,
  forwardedRef,
  ...rest
}: GenericControlsProps & { forwardedRef: ForwardedRef<HTMLDivElement> }) {
  const specs = operations ?? socket.protocol.operations?.types ?? [];
  const types = specs.map((s) => (typeof s === 'string' ? s : s.type));
  const [runners, setRunners] = useState<Readonly<Record<string, RunnerState>>>({});
  const report = useCallback((type: string, state: RunnerState | undefined) => {
    setRunners((current) => {
      if (state === undefined) {
        if (!(type in current)) return current;
        const next = { ...current };
        delete next[type];
        return next;
      }
      return { ...current, [type]: state };
    });
  }, []);
  useStartedCallback(
    onOperationStart,
    types.map((t) => [t, runners[t]?.operationId]),
  );

  const latest = useRef(runners);
  useEffect(() => {
    latest.current = runners;
  });
  const onStart = useCallback((type: string, params: Record<string, unknown> | undefined) => {
    const runner = latest.current[type];
    return runner === undefined ? Promise.reject(new Error(`${type}: not ready yet`)) : runner.start(params);
  }, []);
  const onCancel = useCallback((type: string) => void latest.current[type]?.cancel(), []);
  // The same shared connection as the runners'.
  const connection = useSocket(socket).snapshot;

  return (
    <>
      {types.map((type) => (
        <OperationRunner key={type} type={type} socket={socket} report={report} />
      ))}
      <GenericOperationControls
        {...rest}
        ref={forwardedRef}
        operations={specs}
        onStart={onStart}
        running={types.filter((t) => runners[t]?.isPending === true)}
        connection={connection}
        canCancel={Object.values(runners).some((r) => r.canCancel)}
        onCancel={onCancel}
      />
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Calls `callback(id, type)` once for each operation id seen for a type. */
function useStartedCallback(
  callback: ((operationId: string, type: string) => void) | undefined,
  current: readonly (readonly [string, string | undefined])[],
) {
  const latest = useRef(callback);
  const seen = useRef(new Map<string, string>());
  useEffect(() => {
    latest.current = callback;
  });
  const key = current.map(([t, id]) => `${t}=${id ?? ''}`).join('&');
  useEffect(() => {
    for (const [type, id] of current) {
      if (id === undefined || seen.current.get(type) === id) continue;
      seen.current.set(type, id);
      latest.current?.(id, type);
    }
    // `key` is `current` by value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}
