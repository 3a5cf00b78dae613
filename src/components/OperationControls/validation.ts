import type { BackendImField, OperationControlsLabels } from './labels';

/** The Backend.im operation types the form starts. */
export type BackendImAction = 'namespace' | 'test' | 'deploy';

export type BackendImValues = Record<BackendImField, string>;

export type FieldErrors = Partial<Record<BackendImField, string>>;

/** Documented defaults (protocols/backendim.md). */
export const BACKENDIM_FORM_DEFAULTS: BackendImValues = {
  projectId: '',
  projectType: 'fastapi',
  repoURL: '',
  commitHash: '',
  testCommand: 'pytest tests/',
  startCommand: 'uvicorn main:app --host 0.0.0.0 --port $DEPLOY_PORT',
};

/** What each operation sends, hence what it validates. */
export const FIELDS_FOR: Readonly<Record<BackendImAction, readonly BackendImField[]>> = {
  namespace: ['projectId', 'projectType'],
  test: ['projectId', 'projectType', 'repoURL', 'commitHash', 'testCommand', 'startCommand'],
  deploy: ['projectId', 'projectType', 'repoURL', 'commitHash', 'startCommand'],
};

// It becomes a Kubernetes namespace `im-<id>`: a DNS label of at most 63 characters.
const PROJECT_ID = /^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/;
const COMMIT = /^[0-9a-f]{7,40}$/i;
const SCP_LIKE = /^git@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?:[A-Za-z0-9._~/-]+$/;

/** http(s) URLs with a host, or scp-like `git@host:owner/repo(.git)`. */
export function isRepoURL(value: string): boolean {
  if (SCP_LIKE.test(value)) return true;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The message for one field, or undefined when it is fine. Empty is an error only when `required`. */
export function validateField(
  field: BackendImField,
  raw: string,
  required: boolean,
  labels: OperationControlsLabels,
): string | undefined {
  const value = raw.trim();
  if (value === '') return required ? labels.required(labels[field]) : undefined;
  switch (field) {
    case 'projectId':
      return PROJECT_ID.test(value) ? undefined : labels.projectIdInvalid;
    case 'repoURL':
      return isRepoURL(value) ? undefined : labels.repoURLInvalid;
    case 'commitHash':
      return COMMIT.test(value) ? undefined : labels.commitHashInvalid;
    default:
      return undefined;
  }
}

/** Every message for the fields `action` sends. */
export function validateFor(action: BackendImAction, values: BackendImValues, labels: OperationControlsLabels): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of FIELDS_FOR[action]) {
    const message = validateField(field, values[field], true, labels);
    if (message !== undefined) errors[field] = message;
  }
  return errors;
}

/** What `onStart` receives for each operation (trimmed; only the fields it sends). */
export function paramsFor(action: BackendImAction, values: BackendImValues): Record<string, string> {
  const params: Record<string, string> = {};
  for (const field of FIELDS_FOR[action]) params[field] = values[field].trim();
  return params;
}

/** Parses the generic params editor: empty means none; anything else must be a JSON object. */
export function parseParams(
  text: string,
  labels: OperationControlsLabels,
): { ok: true; value: Record<string, unknown> | undefined } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: labels.paramsInvalid(error instanceof Error ? error.message : String(error)) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: labels.paramsNotObject };
  return { ok: true, value: value as Record<string, unknown> };
}
