import { forwardRef, useId, useState, type HTMLAttributes } from 'react';
import { isUsable, useConnectionText, type ControlsConnection } from './ConnectionNotice';
import { defaultOperationControlsLabels, type OperationControlsLabels } from './labels';
import { useMergedLabels } from './useMergedLabels';
import { useStartTracker, type ControlsFailure } from './useStartTracker';
import { parseParams } from './validation';

const GENERIC_CONTROLS_NAME = 'GenericOperationControls';

/** One startable operation type. */
export interface OperationSpec {
  readonly type: string;
  /** Display name; default: `labels.operationName(type)`. */
  readonly label?: string;
  readonly description?: string;
  /** Show a JSON params editor (default true). */
  readonly params?: boolean;
  /** Initial params shown in the editor. */
  readonly defaultParams?: Record<string, unknown>;
}

export interface GenericOperationControlsProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children' | 'onError'> {
  /** The operation types offered, e.g. `adapter.operations.types`. */
  operations: readonly (string | OperationSpec)[];
  /** Starts one; return a promise of its end to have it tracked (running state, failure shown). */
  onStart: (type: string, params: Record<string, unknown> | undefined) => unknown;
  /** Operation types running now (besides those whose start promise is pending). */
  running?: readonly string[];
  /** The connection; starts are disabled unless it is open. Omit when the caller handles it. */
  connection?: ControlsConnection;
  /** The failure to show; omit to show the latest rejected start, null to show none. */
  error?: ControlsFailure | null;
  /** Offer a cancel button for running operations (protocols with a cancel command). */
  canCancel?: boolean;
  onCancel?: (type: string) => void;
  labels?: Partial<OperationControlsLabels>;
  /** Clock for the reconnect countdown (epoch ms). */
  now?: () => number;
}

const NONE: readonly string[] = [];
const specOf = (entry: string | OperationSpec): OperationSpec => (typeof entry === 'string' ? { type: entry } : entry);

/** Start buttons for any protocol's operation types, each with an optional JSON params editor and cancel. */
export const GenericOperationControls = forwardRef<HTMLDivElement, GenericOperationControlsProps>(
  function GenericOperationControls(
    {
      operations,
      onStart,
      running = NONE,
      connection,
      error,
      canCancel = false,
      onCancel,
      labels: labelOverrides,
      now = Date.now,
      className,
      ...rest
    },
    ref,
  ) {
    const labels = useMergedLabels(defaultOperationControlsLabels, labelOverrides);
    const id = useId();
    const specs = operations.map(specOf);
    const [texts, setTexts] = useState<Readonly<Record<string, string>>>(() =>
      Object.fromEntries(specs.map((s) => [s.type, s.defaultParams === undefined ? '' : JSON.stringify(s.defaultParams, null, 2)])),
    );
    const [errors, setErrors] = useState<Readonly<Record<string, string | undefined>>>({});
    const tracker = useStartTracker(onStart);
    const failure = error === undefined ? tracker.failure : (error ?? undefined);
    const usable = isUsable(connection);
    const connectionText = useConnectionText(connection, labels, now);
    const busy = new Set<string>([...tracker.pending, ...running]);
    const nameOf = (spec: OperationSpec) => spec.label ?? labels.operationName(spec.type);
    const statusId = `${id}-status`;
    const statusText = [connectionText, ...[...busy].map((t) => labels.running(labels.operationName(t)))]
      .filter(Boolean)
      .join(' · ');

    const validate = (type: string) => {
      const parsed = parseParams(texts[type] ?? '', labels);
      setErrors((e) => ({ ...e, [type]: parsed.ok ? undefined : parsed.message }));
      return parsed;
    };

    const start = (spec: OperationSpec, editorId: string) => {
      const parsed = spec.params === false ? ({ ok: true, value: undefined } as const) : validate(spec.type);
      if (!parsed.ok) {
        document.getElementById(editorId)?.focus();
        return;
      }
      tracker.start(spec.type, parsed.value);
    };

    return (
      <div
        {...rest}
        ref={ref}
        role="group"
        aria-label={rest['aria-label'] ?? labels.operations}
        className={className === undefined ? 'opstream-controls' : `opstream-controls ${className}`}
        data-state={!usable ? 'disconnected' : busy.size > 0 ? 'running' : 'ready'}
      >
        <ul className="opstream-controls__operations">
          {specs.map((spec, index) => {
            const editorId = `${id}-${index}-params`;
            const hintId = `${editorId}-hint`;
            const errorId = `${editorId}-error`;
            const message = errors[spec.type];
            const isBusy = busy.has(spec.type);
            return (
              <li key={spec.type} className="opstream-controls__operation" data-type={spec.type} data-state={isBusy ? 'running' : undefined}>
                <div className="opstream-controls__operation-head">
                  <span className="opstream-controls__operation-name">{nameOf(spec)}</span>
                  {spec.description === undefined ? null : (
                    <span className="opstream-controls__hint">{spec.description}</span>
                  )}
                </div>
                {spec.params === false ? null : (
                  <div className="opstream-controls__field" data-invalid={message === undefined ? undefined : ''}>
                    <label htmlFor={editorId}>{labels.params}</label>
                    <textarea
                      id={editorId}
                      className="opstream-input opstream-controls__mono"
                      rows={3}
                      spellCheck={false}
                      value={texts[spec.type] ?? ''}
                      aria-invalid={message === undefined ? undefined : true}
                      aria-describedby={message === undefined ? hintId : `${errorId} ${hintId}`}
                      onChange={(event) => {
                        const text = event.target.value;
                        setTexts((t) => ({ ...t, [spec.type]: text }));
                        if (message !== undefined) {
                          const parsed = parseParams(text, labels);
                          setErrors((e) => ({ ...e, [spec.type]: parsed.ok ? undefined : parsed.message }));
                        }
                      }}
                      onBlur={() => validate(spec.type)}
                    />
                    {message === undefined ? null : (
                      <p id={errorId} className="opstream-controls__error">
                        {message}
                      </p>
                    )}
                    <p id={hintId} className="opstream-controls__hint">
                      {labels.paramsHint}
                    </p>
                  </div>
                )}
                <div className="opstream-controls__actions">
                  <button
                    type="button"
                    className="opstream-button opstream-controls__primary"
                    data-state={isBusy ? 'running' : undefined}
                    disabled={!usable || isBusy}
                    aria-describedby={statusText === '' ? undefined : statusId}
                    onClick={() => start(spec, editorId)}
                  >
                    {labels.start(nameOf(spec))}
                  </button>
                  {canCancel && onCancel !== undefined && isBusy ? (
                    <button type="button" className="opstream-button" onClick={() => onCancel(spec.type)}>
                      {labels.cancel(nameOf(spec))}
                    </button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
        {failure === undefined ? null : (
          <div className="opstream-controls__notice" role="alert" data-kind="error">
            <p>
              {labels.failed(labels.operationName(failure.type), failure.message)}{' '}
              <code className="opstream-controls__code">{failure.code}</code>
            </p>
          </div>
        )}
        <p id={statusId} className="opstream-controls__status" role="status">
          {statusText}
        </p>
      </div>
    );
  },
);
GenericOperationControls.displayName = GENERIC_CONTROLS_NAME;
