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
// A switch rather than a Set: frames bring fresh strings, and a Set would hash each one.
const isSuccessWord = (s: string): boolean => {
  switch (s) {
    case 'success':
    case 'succeeded':
    case 'successful':
    case 'ok':
    case 'passed':
      return true;
    default:
      return false;
  }
};

const opTypeOf = (value: unknown): BackendImOperationType | undefined => {
  const s = asString(value)?.trim().toLowerCase();
  if (s === undefined) return undefined;
  const underscore = s.indexOf('_');
  const head = underscore === -1 ? s : s.slice(0, underscore);
  return head === 'namespace' || head === 'test' || head === 'deploy' ? head : undefined;
};

// Frames drift between fields: the first one that is neither undefined nor null wins (`a ?? b ?? c`).
// Readers below treat null like undefined; where a value is kept as is, `?? undefined` drops a null.

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
  return rec ? nonEmpty(rec.id ?? rec.name ?? rec.step) : nonEmpty(value);
};

const mapStatus = (value: unknown): OperationStatus | undefined => {
  if (typeof value === 'boolean') return value ? 'succeeded' : 'failed';
  // The documented spelling needs no normalizing.
  if (typeof value === 'string' && isSuccessWord(value)) return 'succeeded';
  const s = asString(value)?.trim().toLowerCase();
  if (s === undefined || s === '') return undefined;
  return isSuccessWord(s) ? 'succeeded' : 'failed';
};

// Read-only stand-in for a missing update body (never handed out).
const EMPTY: UnknownRecord = Object.freeze({});

const invalid = (message: string): OpstreamError => new OpstreamError('invalid_command', message);

/** Whether `event` carries start-frame field `key` (`timeKey`: the field `at` was read from). */
const carried = (event: OperationEvent, key: string, value: unknown, timeKey: string | undefined): boolean => {
  switch (key) {
    case 'message':
      return event.message !== undefined;
    case 'progress':
      return event.progress !== undefined;
    case 'step':
      return event.step !== undefined;
    case 'description':
      return event.step?.description !== undefined;
    default:
      return key === timeKey && !Number.isNaN(parseTime(value, Number.NaN));
  }
};

/**
 * A start frame's own fields (`commit`, `test_cmd`, `namespace`... the document says "etc."), as sent,
 * for the event's `data`; undefined when there are none. A field is left out only when the event
 * carries its value (`at`, `message`, `progress`, `step`): one it could not use stays, so nothing is
 * lost.
 */
const startDetails = (body: UnknownRecord, event: OperationEvent): UnknownRecord | undefined => {
  const timeKey = body.timestamp != null ? 'timestamp' : body.time != null ? 'time' : undefined;
  let out: UnknownRecord | undefined;
  for (const key in body) {
    if (!Object.hasOwn(body, key)) continue;
    const value = body[key];
    if (carried(event, key, value, timeKey)) continue;
    out ??= {};
    // A sent "__proto__" key stays a plain field (an assignment would set the prototype).
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
};

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
// The keys of UPDATE_PHASES, as a switch (see isSuccessWord).
const isUpdateType = (s: string): s is UpdateType => {
  switch (s) {
    case 'start':
    case 'step':
    case 'command':
    case 'output':
    case 'error':
    case 'log':
    case 'result':
    case 'transition':
    case 'complete':
    case 'status':
    case 'url':
      return true;
    default:
      return false;
  }
};

/** `update_type` as documented (exact lookup), else trimmed and lower-cased; undefined when unknown. */
const readUpdateType = (value: unknown): UpdateType | undefined => {
  if (typeof value === 'string' && isUpdateType(value)) return value;
  const s = asString(value)?.trim().toLowerCase();
  return s !== undefined && isUpdateType(s) ? s : undefined;
};

/** What a frame's `type` names: an operation's update or completion, or an `error`. */
type FrameKind = { op: BackendImOperationType; complete: boolean } | 'error';

const KINDS = {
  namespace_update: { op: 'namespace', complete: false },
  namespace_complete: { op: 'namespace', complete: true },
  test_update: { op: 'test', complete: false },
  test_complete: { op: 'test', complete: true },
  deploy_update: { op: 'deploy', complete: false },
  deploy_complete: { op: 'deploy', complete: true },
} as const satisfies Record<string, FrameKind>;

const frameKindOf = (type: string): FrameKind | undefined => {
  // A switch on the exact strings: cheaper than hashing each frame's fresh type string.
  switch (type) {
    case 'error':
      return 'error';
    case 'namespace_update':
      return KINDS.namespace_update;
    case 'namespace_complete':
      return KINDS.namespace_complete;
    case 'test_update':
      return KINDS.test_update;
    case 'test_complete':
      return KINDS.test_complete;
    case 'deploy_update':
      return KINDS.deploy_update;
    case 'deploy_complete':
      return KINDS.deploy_complete;
    default:
      return undefined;
  }
};

/** The frame's kind: the documented spelling is matched as is, anything else trimmed and lower-cased first. */
const readFrameKind = (value: unknown): FrameKind | undefined => {
  const exact = typeof value === 'string' ? frameKindOf(value) : undefined;
  if (exact !== undefined) return exact;
  const s = asString(value)?.trim().toLowerCase();
  return s === undefined ? undefined : frameKindOf(s);
};

interface InFlight {
  id: string;
  /** Start order, for "the latest operation". */
  seq: number;
}

/** Backend.im test & deploy: `namespace_setup`, `test_request`, `deploy_request` and their streamed updates. */
export function backendIm(options: BackendImOptions = {}): ProtocolAdapter<BackendImCommand> {
  const defaultProjectType = nonEmpty(options.projectType) ?? BACKENDIM_DEFAULTS.projectType;
  const defaultTestCommand = nonEmpty(options.testCommand) ?? BACKENDIM_DEFAULTS.testCommand;

  // Frames carry no operation id: each type has at most one operation in flight on this connection.
  // One variable per type rather than a Map keyed by type: read on every frame, without hashing.
  let namespaceOp: InFlight | undefined;
  let testOp: InFlight | undefined;
  let deployOp: InFlight | undefined;
  let seq = 0;

  const inFlight = (type: BackendImOperationType): InFlight | undefined =>
    type === 'namespace' ? namespaceOp : type === 'test' ? testOp : deployOp;
  const setInFlight = (type: BackendImOperationType, op: InFlight | undefined): void => {
    if (type === 'namespace') namespaceOp = op;
    else if (type === 'test') testOp = op;
    else deployOp = op;
  };

  const begin = (type: BackendImOperationType, id: string): string => {
    setInFlight(type, { id, seq: ++seq });
    return id;
  };
  const current = (type: BackendImOperationType, ctx: ProtocolContext): string =>
    inFlight(type)?.id ?? begin(type, ctx.nextId());
  /** The type whose operation started last. */
  const latest = (): BackendImOperationType | undefined => {
    let best: BackendImOperationType | undefined;
    let bestSeq = -1;
    if (namespaceOp !== undefined && namespaceOp.seq > bestSeq) {
      best = 'namespace';
      bestSeq = namespaceOp.seq;
    }
    if (testOp !== undefined && testOp.seq > bestSeq) {
      best = 'test';
      bestSeq = testOp.seq;
    }
    if (deployOp !== undefined && deployOp.seq > bestSeq) best = 'deploy';
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
    const updateType = readUpdateType(payload.update_type ?? payload.updateType);
    if (updateType === undefined) return [{ kind: 'raw', at: now, data: frame }];

    // Documented: update_data.data holds the fields; drift: update_data holds them directly.
    const updateData = payload.update_data ?? payload.updateData ?? payload.data ?? undefined;
    const wrapper = asRecord(updateData);
    // `'data' in wrapper` only when the plain read finds nothing (a present `data` is the usual case).
    const wrapped = wrapper?.data;
    const inner = wrapped !== undefined || (wrapper !== undefined && 'data' in wrapper) ? wrapped : updateData;
    const body = asRecord(inner) ?? EMPTY;
    const text = asString(inner);

    const at = parseTime(body.timestamp ?? body.time ?? wrapper?.timestamp ?? payload.timestamp ?? frame.timestamp, now);
    const event: OperationEvent = {
      kind: 'operation',
      operationId: current(opType, ctx),
      operationType: opType,
      phase: UPDATE_PHASES[updateType],
      at,
    };

    const stepId = readStepId(body.step ?? (updateType === 'step' ? (body.id ?? body.name) : undefined));
    if (stepId !== undefined) {
      const description = asString(body.description);
      event.step = description === undefined ? { id: stepId } : { id: stepId, description };
    }
    const message = asString(body.message);
    if (message !== undefined) event.message = message;
    const progress = asNumber(body.progress);
    if (progress !== undefined && progress >= 0 && progress <= 100) event.progress = progress;

    switch (updateType) {
      case 'start': {
        event.status = 'running';
        const details = startDetails(body, event);
        if (details !== undefined) event.data = details;
        break;
      }
      case 'step':
        // A step without an id still has something to say.
        if (stepId === undefined) {
          const description = asString(body.description ?? text);
          if (description !== undefined && message === undefined) event.message = description;
        }
        break;
      case 'command': {
        const command = readCommand(body.command ?? body.cmd) ?? text;
        if (command !== undefined) event.command = command;
        break;
      }
      case 'output': {
        const stdout = asString(body.stdout ?? body.output) ?? text;
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
          code: nonEmpty(body.code ?? errorRec?.code) ?? 'operation_error',
          message: errMessage,
        };
        break;
      }
      case 'log':
      case 'status': {
        const line = message ?? asString(body.log ?? body.line ?? body.status) ?? text;
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
          const status = mapStatus(body.status ?? body.success);
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
      at: parseTime(payload.timestamp ?? frame.timestamp, now),
    };
    // Missing status: outcome unknown, so no status is claimed.
    const status = mapStatus(frame.status ?? payload.status ?? payload.success);
    if (status !== undefined) event.status = status;
    const message = asString(payload.message ?? frame.message);
    if (message !== undefined) event.message = message;
    const url = nonEmpty(payload.url ?? frame.url);
    if (url !== undefined) {
      event.url = url;
      event.result = { url };
    }
    if (status === 'failed') {
      event.error = {
        code: nonEmpty(payload.code ?? frame.code) ?? 'operation_failed',
        message: message ?? `${opType} failed`,
      };
    }
    setInFlight(opType, undefined);
    return [event];
  };

  const decodeError = (frame: UnknownRecord, payload: UnknownRecord, now: number): OpstreamEvent[] => {
    const code = nonEmpty(payload.code ?? frame.code) ?? 'unknown_error';
    const errorRec = asRecord(payload.error);
    const message =
      asString(payload.message ?? frame.message) ??
      asString(payload.error) ??
      asString(errorRec?.message) ??
      code;
    // The document's client reads payload.context; otherwise blame the latest operation started.
    const named = opTypeOf(payload.context ?? payload.operation ?? payload.operation_type ?? frame.context);
    const target = named ?? latest();
    const op = target === undefined ? undefined : inFlight(target);
    const event: OpstreamEvent = {
      kind: 'error',
      code,
      message,
      at: parseTime(payload.timestamp ?? frame.timestamp, now),
    };
    if (op !== undefined && target !== undefined) {
      event.operationId = op.id;
      setInFlight(target, undefined);
    }
    return [event];
  };

  const decodeFrame = (message: unknown, ctx: ProtocolContext): OpstreamEvent[] => {
    const now = ctx.now();
    const frame = asRecord(message);
    if (frame === undefined) return [{ kind: 'raw', at: now, data: message }];
    const kind = readFrameKind(frame.type);
    // Drift: without a payload object its fields sit at the top level.
    const payload = asRecord(frame.payload) ?? frame;
    if (kind === 'error') return decodeError(frame, payload, now);
    if (kind === undefined) return [{ kind: 'raw', at: now, data: message }];
    return kind.complete
      ? decodeComplete(frame, payload, kind.op, now, ctx)
      : decodeUpdate(frame, payload, kind.op, now, ctx);
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
