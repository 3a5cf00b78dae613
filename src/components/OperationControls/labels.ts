/** The Backend.im form's fields. */
export type BackendImField = 'projectId' | 'projectType' | 'repoURL' | 'commitHash' | 'testCommand' | 'startCommand';

/** Every UI string of OperationControls; pass a partial record to translate or reword. */
export interface OperationControlsLabels {
  /** Accessible name of the Backend.im form. */
  form: string;
  /** Accessible name of the generic controls. */
  operations: string;
  projectId: string;
  projectType: string;
  repoURL: string;
  commitHash: string;
  testCommand: string;
  startCommand: string;
  projectIdHint: string;
  repoURLHint: string;
  commitHashHint: string;
  testCommandHint: string;
  startCommandHint: string;
  /** Button text per Backend.im operation type. */
  namespaceAction: string;
  testAction: string;
  deployAction: string;
  /** Generic: the start button of an operation type. */
  start: (name: string) => string;
  /** Generic: label of the params editor. */
  params: string;
  paramsHint: string;
  paramsInvalid: (reason: string) => string;
  paramsNotObject: string;
  /** A noun for an operation type, for messages ("deploy" -> "Deploy"). */
  operationName: (type: string) => string;
  required: (field: string) => string;
  projectIdInvalid: string;
  repoURLInvalid: string;
  commitHashInvalid: string;
  idle: string;
  connecting: string;
  reconnectingIn: (seconds: number) => string;
  reconnecting: string;
  disconnected: string;
  connectionFailed: (reason: string) => string;
  running: (name: string) => string;
  failed: (name: string, message: string) => string;
  cancel: (name: string) => string;
  /** The namespace-first flow: why, and the button that runs the prerequisite then the failed operation. */
  prerequisiteMessage: (prerequisite: string, failed: string) => string;
  prerequisiteAction: (prerequisite: string, failed: string) => string;
  retry: (name: string) => string;
}

const NAMES: Readonly<Record<string, string>> = { namespace: 'namespace setup', test: 'tests', deploy: 'deploy' };
const capital = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

export const defaultOperationControlsLabels: OperationControlsLabels = {
  form: 'Backend.im test and deploy',
  operations: 'Operations',
  projectId: 'Project ID',
  projectType: 'Project type',
  repoURL: 'Repository URL',
  commitHash: 'Commit',
  testCommand: 'Test command',
  startCommand: 'Start command',
  projectIdHint: 'Lowercase letters, digits and hyphens; it names the namespace (im-<project>).',
  repoURLHint: 'https://… or git@host:owner/repo.git',
  commitHashHint: '7 to 40 hexadecimal characters.',
  testCommandHint: 'Runs in the project’s test environment.',
  startCommandHint: 'The app must listen on $DEPLOY_PORT.',
  namespaceAction: 'Set up namespace',
  testAction: 'Run tests',
  deployAction: 'Deploy',
  start: (name) => `Start ${name}`,
  params: 'Parameters (JSON)',
  paramsHint: 'Optional. A JSON object.',
  paramsInvalid: (reason) => `Not valid JSON: ${reason}`,
  paramsNotObject: 'Parameters must be a JSON object, like {"key": "value"}.',
  operationName: (type) => capital(NAMES[type] ?? type),
  required: (field) => `${field} is required.`,
  projectIdInvalid: 'Use lowercase letters, digits and hyphens (not at the start or end), at most 60.',
  repoURLInvalid: 'Enter an http(s) URL or a git@host:owner/repo address.',
  commitHashInvalid: 'A commit is 7 to 40 hexadecimal characters (0–9, a–f).',
  idle: 'Not connected.',
  connecting: 'Connecting…',
  reconnectingIn: (s) => `Disconnected — reconnecting in ${s} s`,
  reconnecting: 'Disconnected — reconnecting…',
  disconnected: 'Disconnected.',
  connectionFailed: (reason) => `Connection failed: ${reason}`,
  running: (name) => `${name} running…`,
  failed: (name, message) => `${name} failed: ${message}`,
  cancel: (name) => `Cancel ${name.toLowerCase()}`,
  prerequisiteMessage: (prerequisite, failed) =>
    prerequisite === 'namespace'
      ? `This project has no namespace yet. Set it up first, then ${failed === 'deploy' ? 'deploy' : 'run the tests'} again.`
      : `${capital(NAMES[prerequisite] ?? prerequisite)} must run first.`,
  prerequisiteAction: (prerequisite, failed) =>
    prerequisite === 'namespace'
      ? `Set up namespace, then ${failed === 'deploy' ? 'deploy' : 'run tests'}`
      : `Run ${NAMES[prerequisite] ?? prerequisite}, then retry`,
  retry: (name) => `Retry ${name.toLowerCase()}`,
};
