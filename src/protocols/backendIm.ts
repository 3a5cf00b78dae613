import { OpstreamError } from '../core/errors';
import type { OperationEvent, OperationStatus, OpstreamEvent } from '../core/events';
import { asNumber, asRecord, asString, parseTime, type UnknownRecord } from './fields';
import type { ProtocolAdapter, ProtocolContext } from './types';

/** The three long-running operations Backend.im streams. */
export type BackendImOperationType = 'namespace' | 'test' | 'deploy';

interface BackendImCommandBase {
  projectId: string;
  /** Defaults to the adapter's `projectType` ("fastapi"). */
  projectType?: string;
  /** Client-side id for the operation this command starts; never sent. Default: `ctx.nextId()`. */
  operationId?: string;
}

export interface BackendImNamespaceSetup extends BackendImCommandBase {
  type: 'namespace_setup';
}

export interface BackendImTestRequest extends BackendImCommandBase {
  type: 'test_request';
  repoURL: string;
  commitHash: string;
  /** Defaults to the adapter's `testCommand` ("pytest tests/"). */
  testCommand?: string;
  /** Defaults to the adapter's `startCommand`. */
  startCommand?: string;
}

export interface BackendImDeployRequest extends BackendImCommandBase {
  type: 'deploy_request';
  repoURL: string;
  commitHash: string;
  /** Defaults to the adapter's `startCommand`. */
  startCommand?: string;
}

export type BackendImCommand = BackendImNamespaceSetup | BackendImTestRequest | BackendImDeployRequest;

export interface BackendImOptions {
  /** Project type sent when a command has none. Default "fastapi" (the only one documented). */
  projectType?: string;
  /** Test command sent when a test_request has none. Default "pytest tests/" (documented). */
  testCommand?: string;
  /**
   * Start command sent when a command has none; `false` leaves it out. Default: the documented
   * client's uvicorn command when the project type is "fastapi", otherwise left out.
   */
  startCommand?: string | false;
}

/** Documented defaults (the start command is the one the document's client code always sends). */
export const BACKENDIM_DEFAULTS = {
  projectType: 'fastapi',
  testCommand: 'pytest tests/',
  startCommand: 'uvicorn main:app --host 0.0.0.0 --port $DEPLOY_PORT',
} as const;

/** Which operation a command starts. */
export function backendImOperationType(command: Pick<BackendImCommand, 'type'>): BackendImOperationType {
  switch (command.type) {
    case 'namespace_setup':
      return 'namespace';
    case 'test_request':
      return 'test';
    default:
      return 'deploy';
  }
}

// Status strings meaning success; anything else on a *_complete is a failure.
const SUCCESS = new Set(['success', 'succeeded', 'successful', 'ok', 'passed']);

const opTypeOf = (value: unknown): BackendImOperationType | undefined => {
  const s = asString(value)?.trim().toLowerCase();
  if (s === undefined) return undefined;
  const head = s.split('_')[0];
  return head === 'namespace' || head === 'test' || head === 'deploy' ? head : undefined;
};

// First value that is neither undefined nor null (frames drift between fields).
const first = (...values: unknown[]): unknown => values.find((v) => v !== undefined && v !== null);

const nonEmpty = (value: unknown): string | undefined => {
  const s = asString(value);
  return s === undefined || s.trim() === '' ? undefined : s;
};

// A command as a string; an argv array is joined with spaces.
const readCommand = (value: unknown): string | undefined => {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
    return value.join(' ');
  }
  return asString(value);
};

// Step id from `step` (a string, or an object drifting in with an id/name).
const readStepId = (value: unknown): string | undefined => {
  const rec = asRecord(value);
  return rec ? nonEmpty(first(rec.id, rec.name, rec.step)) : nonEmpty(value);
};

const mapStatus = (value: unknown): OperationStatus | undefined => {
  if (typeof value === 'boolean') return value ? 'succeeded' : 'failed';
  const s = asString(value)?.trim().toLowerCase();
  if (s === undefined || s === '') return undefined;
  return SUCCESS.has(s) ? 'succeeded' : 'failed';
};

const invalid = (message: string): OpstreamError => new OpstreamError('invalid_command', message);

const UPDATE_PHASES = {
  start: 'start',
  step: 'step',
  command: 'command',
  output: 'output',
  error: 'error',
  log: 'log',
  result: 'result',
  transition: 'transition',
  complete: 'complete',
  // Namespace-only update types: a status line is informational, a URL is a result.
  status: 'log',
  url: 'result',
} as const satisfies Record<string, OperationEvent['phase']>;

type UpdateType = keyof typeof UPDATE_PHASES;
const isUpdateType = (s: string): s is UpdateType => Object.prototype.hasOwnProperty.call(UPDATE_PHASES, s);

/** Backend.im test & deploy: `namespace_setup`, `test_request`, `deploy_request` and their streamed updates. */
export function backendIm(options: BackendImOptions = {}): ProtocolAdapter<BackendImCommand> {
  const defaultProjectType = nonEmpty(options.projectType) ?? BACKENDIM_DEFAULTS.projectType;
  const defaultTestCommand = nonEmpty(options.testCommand) ?? BACKENDIM_DEFAULTS.testCommand;

  // Frames carry no operation id: each type has at most one operation in flight on this connection.
  const inFlight = new Map<BackendImOperationType, { id: string; seq: number }>();
  let seq = 0;

  const begin = (type: BackendImOperationType, id: string): string => {
    inFlight.set(type, { id, seq: ++seq });
    return id;
  };
  const current = (type: BackendImOperationType, ctx: ProtocolContext): string =>
    inFlight.get(type)?.id ?? begin(type, ctx.nextId());
  const latest = (): BackendImOperationType | undefined => {
    let best: BackendImOperationType | undefined;
    let bestSeq = -1;
    for (const [type, op] of inFlight) {
      if (op.seq > bestSeq) {
        best = type;
        bestSeq = op.seq;
      }
    }
    return best;
  };

  const startCommandFor = (projectType: string): string | undefined => {
    if (options.startCommand === false) return undefined;
    const configured = nonEmpty(options.startCommand);
    if (configured !== undefined) return configured;
    // The uvicorn default only makes sense for FastAPI projects.
    return projectType === 'fastapi' ? BACKENDIM_DEFAULTS.startCommand : undefined;
  };

  const encode = (command: BackendImCommand, ctx: ProtocolContext): string => {
    const cmd = asRecord(command);
    if (cmd === undefined) throw invalid('backendim: a command object is required');
    const type = asString(cmd.type);
    if (type !== 'namespace_setup' && type !== 'test_request' && type !== 'deploy_request') {
      throw invalid('backendim: command type must be namespace_setup, test_request or deploy_request');
    }
    const required = (key: string): string => {
      const v = cmd[key];
      if (typeof v !== 'string' || v.trim() === '') throw invalid(`backendim ${type}: ${key} is required`);
      return v;
    };
    // Empty strings count as absent so a cleared form field falls back to the default.
    const optional = (key: string): string | undefined => {
      const v = cmd[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string') throw invalid(`backendim ${type}: ${key} must be a string`);
      return v.trim() === '' ? undefined : v;
    };

    const projectId = required('projectId');
    const frame: Record<string, string> = { type, projectId };
    if (type !== 'namespace_setup') {
      frame.repoURL = required('repoURL');
      frame.commitHash = required('commitHash');
    }
    const projectType = optional('projectType') ?? defaultProjectType;
    frame.projectType = projectType;
    if (type === 'test_request') frame.testCommand = optional('testCommand') ?? defaultTestCommand;
    if (type !== 'namespace_setup') {
      const startCommand = optional('startCommand') ?? startCommandFor(projectType);
      if (startCommand !== undefined) frame.startCommand = startCommand;
    }
    const operationId = optional('operationId') ?? ctx.nextId();
    const text = JSON.stringify(frame);
    begin(backendImOperationType({ type }), operationId);
    return text;
  };

  const decodeUpdate = (
    frame: UnknownRecord,
    payload: UnknownRecord,
    opType: BackendImOperationType,
    now: number,
    ctx: ProtocolContext,
  ): OpstreamEvent[] => {
    const updateType = asString(first(payload.update_type, payload.updateType))?.trim().toLowerCase();
    if (updateType === undefined || !isUpdateType(updateType)) return [{ kind: 'raw', at: now, data: frame }];

    // Documented: update_data.data holds the fields; drift: update_data holds them directly.
    const updateData = first(payload.update_data, payload.updateData, payload.data);
    const wrapper = asRecord(updateData);
    const inner = wrapper !== undefined && 'data' in wrapper ? wrapper.data : updateData;
    const body = asRecord(inner) ?? {};
    const text = asString(inner);

    const at = parseTime(
      first(body.timestamp, body.time, wrapper?.timestamp, payload.timestamp, frame.timestamp),
      now,
    );
    const event: OperationEvent = {
      kind: 'operation',
      operationId: current(opType, ctx),
      operationType: opType,
      phase: UPDATE_PHASES[updateType],
      at,
    };

    const stepId = readStepId(first(body.step, updateType === 'step' ? first(body.id, body.name) : undefined));
    if (stepId !== undefined) {
      const description = asString(body.description);
      event.step = description === undefined ? { id: stepId } : { id: stepId, description };
    }
    const message = asString(body.message);
    if (message !== undefined) event.message = message;
    const progress = asNumber(body.progress);
    if (progress !== undefined && progress >= 0 && progress <= 100) event.progress = progress;

    switch (updateType) {
      case 'start':
        event.status = 'running';
        break;
      case 'step':
        // A step without an id still has something to say.
        if (stepId === undefined) {
          const description = asString(first(body.description, text));
          if (description !== undefined && message === undefined) event.message = description;
        }
        break;
      case 'command': {
        const command = readCommand(first(body.command, body.cmd)) ?? text;
        if (command !== undefined) event.command = command;
        break;
      }
      case 'output': {
        const stdout = asString(first(body.stdout, body.output)) ?? text;
        const stderr = asString(body.stderr);
        if (stdout !== undefined) event.stdout = stdout;
        if (stderr !== undefined) event.stderr = stderr;
        break;
      }
      case 'error': {
        const errorRec = asRecord(body.error);
        const errMessage =
          message ?? asString(body.error) ?? asString(errorRec?.message) ?? text ?? `${opType} error`;
        event.message = errMessage;
        event.error = {
          code: nonEmpty(first(body.code, errorRec?.code)) ?? 'operation_error',
          message: errMessage,
        };
        break;
      }
      case 'log':
      case 'status': {
        const line = message ?? asString(first(body.log, body.line, body.status)) ?? text;
        if (line !== undefined) event.message = line;
        break;
      }
      case 'transition': {
        const from = asString(body.from);
        const to = asString(body.to);
        if (from !== undefined) event.from = from;
        if (to !== undefined) event.to = to;
        break;
      }
      case 'result':
      case 'url':
      case 'complete': {
        const url = asString(body.url) ?? (updateType === 'url' ? text : undefined);
        if (url !== undefined) event.url = url;
        const result = asRecord(inner) ?? (url !== undefined ? { url } : inner);
        if (result !== undefined) event.result = result;
        if (updateType === 'complete') {
          const status = mapStatus(first(body.status, body.success));
          if (status !== undefined) event.status = status;
        }
        break;
      }
    }
    return [event];
  };

  const decodeComplete = (
    frame: UnknownRecord,
    payload: UnknownRecord,
    opType: BackendImOperationType,
    now: number,
    ctx: ProtocolContext,
  ): OpstreamEvent[] => {
    const event: OperationEvent = {
      kind: 'operation',
      operationId: current(opType, ctx),
      operationType: opType,
      phase: 'complete',
      at: parseTime(first(payload.timestamp, frame.timestamp), now),
    };
    // Missing status: outcome unknown, so no status is claimed.
    const status = mapStatus(first(frame.status, payload.status, payload.success));
    if (status !== undefined) event.status = status;
    const message = asString(first(payload.message, frame.message));
    if (message !== undefined) event.message = message;
    const url = nonEmpty(first(payload.url, frame.url));
    if (url !== undefined) {
      event.url = url;
      event.result = { url };
    }
    if (status === 'failed') {
      event.error = {
        code: nonEmpty(first(payload.code, frame.code)) ?? 'operation_failed',
        message: message ?? `${opType} failed`,
      };
    }
    inFlight.delete(opType);
    return [event];
  };

  const decodeError = (frame: UnknownRecord, payload: UnknownRecord, now: number): OpstreamEvent[] => {
    const code = nonEmpty(first(payload.code, frame.code)) ?? 'unknown_error';
    const errorRec = asRecord(payload.error);
    const message =
      asString(first(payload.message, frame.message)) ??
      asString(payload.error) ??
      asString(errorRec?.message) ??
      code;
    // The document's client reads payload.context; otherwise blame the latest operation started.
    const named = opTypeOf(first(payload.context, payload.operation, payload.operation_type, frame.context));
    const target = named ?? latest();
    const op = target === undefined ? undefined : inFlight.get(target);
    const event: OpstreamEvent = {
      kind: 'error',
      code,
      message,
      at: parseTime(first(payload.timestamp, frame.timestamp), now),
    };
    if (op !== undefined && target !== undefined) {
      event.operationId = op.id;
      inFlight.delete(target);
    }
    return [event];
  };

  const decodeFrame = (message: unknown, ctx: ProtocolContext): OpstreamEvent[] => {
    const now = ctx.now();
    const frame = asRecord(message);
    if (frame === undefined) return [{ kind: 'raw', at: now, data: message }];
    const type = asString(frame.type)?.trim().toLowerCase();
    // Drift: without a payload object its fields sit at the top level.
    const payload = asRecord(frame.payload) ?? frame;
    if (type === 'error') return decodeError(frame, payload, now);
    const match = type === undefined ? null : /^(namespace|test|deploy)_(update|complete)$/.exec(type);
    const opType = opTypeOf(match?.[1]);
    if (match === null || opType === undefined) return [{ kind: 'raw', at: now, data: message }];
    return match[2] === 'update'
      ? decodeUpdate(frame, payload, opType, now, ctx)
      : decodeComplete(frame, payload, opType, now, ctx);
  };

  return {
    name: 'backendim',
    key: `backendim:${defaultProjectType}:${defaultTestCommand}:${String(options.startCommand ?? '')}`,
    decode(message, ctx) {
      try {
        return decodeFrame(message, ctx);
      } catch {
        // Safety net for exotic objects (e.g. throwing getters); frames from JSON.parse never get here.
        return [{ kind: 'raw', at: ctx.now(), data: message }];
      }
    },
    encode,
    operations: {
      types: ['namespace', 'test', 'deploy'],
      start: (type, params, operationId) => {
        const command = { ...asRecord(params), operationId };
        if (type === 'namespace') return { ...command, type: 'namespace_setup' } as BackendImCommand;
        if (type === 'test') return { ...command, type: 'test_request' } as BackendImCommand;
        if (type === 'deploy') return { ...command, type: 'deploy_request' } as BackendImCommand;
        throw new OpstreamError('invalid_command', `Backend.im has no "${type}" operation`);
      },
      // The server runs one operation of each type at a time and has no cancel message.
      concurrent: false,
      prerequisites: { namespace_required: 'namespace' },
    },
  };
}
