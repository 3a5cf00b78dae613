import {
  forwardRef,
  useId,
  useRef,
  useState,
  type ChangeEvent,
  type FormEvent,
  type FormHTMLAttributes,
} from 'react';
import { isUsable, useConnectionText, type ControlsConnection } from './ConnectionNotice';
import { defaultOperationControlsLabels, type BackendImField, type OperationControlsLabels } from './labels';
import { useMergedLabels } from './useMergedLabels';
import { useStartTracker, type ControlsFailure } from './useStartTracker';
import {
  BACKENDIM_FORM_DEFAULTS,
  FIELDS_FOR,
  paramsFor,
  validateField,
  validateFor,
  type BackendImAction,
  type BackendImValues,
  type FieldErrors,
} from './validation';

const BACKENDIM_FORM_NAME = 'BackendImForm';

export interface BackendImFormProps
  extends Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit' | 'children' | 'defaultValue' | 'onError'> {
  /**
   * Starts an operation. Return a promise that settles when it ends (as `useOperation().start`
   * does) and the form tracks it: disabled while it runs, its failure shown; rejections are handled.
   */
  onStart: (type: BackendImAction, params: Record<string, string>) => unknown;
  /** Initial values over the documented defaults (fastapi, pytest tests/, uvicorn…). */
  defaultValues?: Partial<BackendImValues>;
  /** Called with all values after each edit. */
  onValuesChange?: (values: BackendImValues) => void;
  /** Choices of the project type select. Default ["fastapi"], the only documented type. */
  projectTypes?: readonly string[];
  /** Operation types running now (besides those whose start promise is pending). */
  running?: readonly string[];
  /** The connection; actions are disabled unless it is open. Omit when the caller handles it. */
  connection?: ControlsConnection;
  /** The failure to show; omit to show the latest rejected start, null to show none. */
  error?: ControlsFailure | null;
  /** Server error codes that mean "run this first". Default: namespace_required -> namespace. */
  prerequisites?: Readonly<Record<string, string>>;
  /** Offer a cancel button for running operations (Backend.im has no cancel message). */
  canCancel?: boolean;
  onCancel?: (type: BackendImAction) => void;
  labels?: Partial<OperationControlsLabels>;
  /** Clock for the reconnect countdown (epoch ms). */
  now?: () => number;
}

const ACTIONS: readonly BackendImAction[] = ['namespace', 'test', 'deploy'];
const FIELD_ORDER: readonly BackendImField[] = ['projectId', 'projectType', 'repoURL', 'commitHash', 'testCommand', 'startCommand'];
const DEFAULT_PREREQUISITES: Readonly<Record<string, string>> = { namespace_required: 'namespace' };
const DEFAULT_PROJECT_TYPES: readonly string[] = ['fastapi'];
const NONE: readonly string[] = [];

const isAction = (type: string): type is BackendImAction => (ACTIONS as readonly string[]).includes(type);

/**
 * The Backend.im form: project, repository, commit and commands, with "Set up namespace",
 * "Run tests" and "Deploy". Validates on blur and on each action; runs the namespace-first flow.
 */
export const BackendImForm = forwardRef<HTMLFormElement, BackendImFormProps>(function BackendImForm(
  {
    onStart,
    defaultValues,
    onValuesChange,
    projectTypes = DEFAULT_PROJECT_TYPES,
    running = NONE,
    connection,
    error,
    prerequisites = DEFAULT_PREREQUISITES,
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
  const [values, setValues] = useState<BackendImValues>(() => ({ ...BACKENDIM_FORM_DEFAULTS, ...defaultValues }));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [edited, setEdited] = useState<ReadonlySet<BackendImField>>(() => new Set());
  // The action last tried decides which empty fields count as missing on blur.
  const [lastAction, setLastAction] = useState<BackendImAction | undefined>(undefined);
  const [retry, setRetry] = useState<BackendImAction | undefined>(undefined);
  const inputs = useRef<Partial<Record<BackendImField, HTMLInputElement | HTMLSelectElement | null>>>({});
  const tracker = useStartTracker(onStart as (type: string, params: unknown) => unknown);

  const failure = error === undefined ? tracker.failure : (error ?? undefined);
  const usable = isUsable(connection);
  const connectionText = useConnectionText(connection, labels, now);
  const busy = new Set<string>([...tracker.pending, ...running]);

  const required = (field: BackendImField) => (lastAction === undefined ? field === 'projectId' : FIELDS_FOR[lastAction].includes(field));

  const onChange = (field: BackendImField) => (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    const next = { ...values, [field]: event.target.value };
    setValues(next);
    setEdited((current) => (current.has(field) ? current : new Set(current).add(field)));
    // A shown error follows the value as it is fixed.
    if (errors[field] !== undefined) setErrors((e) => withError(e, field, validateField(field, next[field], required(field), labels)));
    onValuesChange?.(next);
  };

  const onBlur = (field: BackendImField) => () => {
    if (!edited.has(field) && lastAction === undefined) return;
    setErrors((e) => withError(e, field, validateField(field, values[field], required(field), labels)));
  };

  // Validates the fields `action` sends; focuses the first wrong one. True when all are fine.
  const check = (action: BackendImAction): boolean => {
    setLastAction(action);
    const found = validateFor(action, values, labels);
    setErrors((current) => {
      const next: FieldErrors = { ...current };
      for (const field of FIELDS_FOR[action]) delete next[field];
      return { ...next, ...found };
    });
    const first = FIELD_ORDER.find((field) => found[field] !== undefined);
    if (first !== undefined) inputs.current[first]?.focus();
    return first === undefined;
  };

  const run = (action: BackendImAction) => {
    setRetry(undefined);
    if (!check(action)) return;
    tracker.start(action, paramsFor(action, values));
  };

  const prerequisite = failure === undefined ? undefined : prerequisites[failure.code];
  const runPrerequisite = () => {
    if (failure === undefined || prerequisite === undefined || !isAction(prerequisite) || !isAction(failure.type)) return;
    const failed = failure.type;
    if (!check(failed)) return;
    const done = tracker.start(prerequisite, paramsFor(prerequisite, values));
    // A promise: retry when the prerequisite succeeds. No promise: let the user retry.
    if (done === undefined) setRetry(failed);
    else done.then(() => tracker.start(failed, paramsFor(failed, values)), () => {});
  };

  const field = (name: BackendImField, hint?: string) => {
    const message = errors[name];
    const hintId = hint === undefined ? undefined : `${id}-${name}-hint`;
    const errorId = message === undefined ? undefined : `${id}-${name}-error`;
    const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
    return {
      control: {
        id: `${id}-${name}`,
        name,
        value: values[name],
        onChange: onChange(name),
        onBlur: onBlur(name),
        'aria-invalid': message === undefined ? undefined : true,
        'aria-describedby': describedBy,
        ref: (el: HTMLInputElement | HTMLSelectElement | null) => {
          inputs.current[name] = el;
        },
      },
      after: (
        <>
          {message === undefined ? null : (
            <p id={errorId} className="opstream-controls__error">
              {message}
            </p>
          )}
          {hint === undefined ? null : (
            <p id={hintId} className="opstream-controls__hint">
              {hint}
            </p>
          )}
        </>
      ),
    };
  };

  const textField = (name: BackendImField, hint: string | undefined, extra: { mono?: boolean; maxLength?: number; required?: boolean } = {}) => {
    const f = field(name, hint);
    return (
      <div className="opstream-controls__field" data-field={name} data-invalid={errors[name] === undefined ? undefined : ''}>
        <label htmlFor={f.control.id}>{labels[name]}</label>
        <input
          {...f.control}
          ref={f.control.ref}
          type="text"
          className={extra.mono === true ? 'opstream-input opstream-controls__mono' : 'opstream-input'}
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="off"
          maxLength={extra.maxLength}
          aria-required={extra.required === true ? true : undefined}
        />
        {f.after}
      </div>
    );
  };

  const typeField = field('projectType');
  const statusId = `${id}-status`;
  const statusText = [connectionText, ...[...busy].map((t) => labels.running(labels.operationName(t)))].filter(Boolean).join(' · ');
  const actionLabel: Record<BackendImAction, string> = {
    namespace: labels.namespaceAction,
    test: labels.testAction,
    deploy: labels.deployAction,
  };

  return (
    <form
      {...rest}
      ref={ref}
      className={className === undefined ? 'opstream-controls' : `opstream-controls ${className}`}
      aria-label={rest['aria-label'] ?? labels.form}
      noValidate
      data-state={!usable ? 'disconnected' : busy.size > 0 ? 'running' : 'ready'}
      onSubmit={(event: FormEvent) => event.preventDefault()}
    >
      <div className="opstream-controls__fields">
        {textField('projectId', labels.projectIdHint, { required: true, maxLength: 60 })}
        <div className="opstream-controls__field" data-field="projectType">
          <label htmlFor={typeField.control.id}>{labels.projectType}</label>
          <select {...typeField.control} ref={typeField.control.ref} className="opstream-input">
            {(projectTypes.includes(values.projectType) ? projectTypes : [values.projectType, ...projectTypes]).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          {typeField.after}
        </div>
        {textField('repoURL', labels.repoURLHint)}
        {textField('commitHash', labels.commitHashHint, { mono: true, maxLength: 40 })}
        {textField('testCommand', labels.testCommandHint, { mono: true })}
        {textField('startCommand', labels.startCommandHint, { mono: true })}
      </div>

      {failure === undefined ? null : prerequisite !== undefined && isAction(prerequisite) && isAction(failure.type) ? (
        <div className="opstream-controls__notice" role="alert" data-kind="prerequisite">
          <p>
            {labels.prerequisiteMessage(prerequisite, failure.type)}{' '}
            <code className="opstream-controls__code">{failure.code}</code>
          </p>
          <button
            type="button"
            className="opstream-button opstream-controls__primary"
            disabled={!usable || busy.has(prerequisite)}
            onClick={runPrerequisite}
          >
            {labels.prerequisiteAction(prerequisite, failure.type)}
          </button>
        </div>
      ) : (
        <div className="opstream-controls__notice" role="alert" data-kind="error">
          <p>
            {labels.failed(labels.operationName(failure.type), failure.message)}{' '}
            <code className="opstream-controls__code">{failure.code}</code>
          </p>
        </div>
      )}
      {retry === undefined || failure !== undefined ? null : (
        <div className="opstream-controls__notice" data-kind="retry">
          <button
            type="button"
            className="opstream-button"
            disabled={!usable || busy.size > 0}
            onClick={() => run(retry)}
          >
            {labels.retry(labels.operationName(retry))}
          </button>
        </div>
      )}

      <div className="opstream-controls__actions">
        {ACTIONS.map((action) => (
          <span key={action} className="opstream-controls__action">
            <button
              type="button"
              className={action === 'deploy' ? 'opstream-button opstream-controls__primary' : 'opstream-button'}
              data-action={action}
              data-state={busy.has(action) ? 'running' : undefined}
              disabled={!usable || busy.has(action)}
              aria-describedby={statusText === '' ? undefined : statusId}
              onClick={() => run(action)}
            >
              {actionLabel[action]}
            </button>
            {canCancel && onCancel !== undefined && busy.has(action) ? (
              <button type="button" className="opstream-button" onClick={() => onCancel(action)}>
                {labels.cancel(labels.operationName(action))}
              </button>
            ) : null}
          </span>
        ))}
      </div>
      {/* Always present, so screen readers hear when it changes. */}
      <p id={statusId} className="opstream-controls__status" role="status">
        {statusText}
      </p>
    </form>
  );
});
BackendImForm.displayName = BACKENDIM_FORM_NAME;

function withError(errors: FieldErrors, field: BackendImField, message: string | undefined): FieldErrors {
  if (errors[field] === message) return errors;
  const next = { ...errors };
  if (message === undefined) delete next[field];
  else next[field] = message;
  return next;
}
