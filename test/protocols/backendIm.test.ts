import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OpstreamError } from '../../src/core/errors';
import type { OpstreamEvent } from '../../src/core/events';
import {
  BACKENDIM_DEFAULTS,
  backendIm,
  backendImOperationType,
  type BackendImCommand,
} from '../../src/protocols/backendIm';
import type { ProtocolContext } from '../../src/protocols/types';
import { assertValidEvents } from '../support/validateEvent';

const NOW = 1_700_000_000_000;
const DOC_TIME = 1_684_154_096_000; // 2023-05-15T12:34:56Z

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/backendim/${name}.json`, import.meta.url), 'utf8'));

const makeCtx = (): ProtocolContext => {
  let n = 0;
  return { now: () => NOW, nextId: () => `id-${++n}` };
};

// A fresh adapter and ctx; `decode` validates every event it returns.
const setup = (options?: Parameters<typeof backendIm>[0]) => {
  const adapter = backendIm(options);
  const ctx = makeCtx();
  return {
    adapter,
    ctx,
    decode(frame: unknown): OpstreamEvent[] {
      const events = adapter.decode(frame, ctx);
      assertValidEvents(events);
      return events;
    },
    encode: (command: BackendImCommand) => JSON.parse(adapter.encode(command, ctx)) as unknown,
  };
};

const update = (type: string, updateType: string, data: unknown) => ({
  type,
  status: 'partial',
  payload: { update_type: updateType, update_data: { data } },
});

const invalidCommand = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OpstreamError);
    expect((err as OpstreamError).code).toBe('invalid_command');
    return (err as OpstreamError).message;
  }
  throw new Error('expected invalid_command');
};

describe('backendIm encode (outgoing document examples)', () => {
  it('namespace_setup: minimal and explicit commands both equal the document example', () => {
    const { encode } = setup();
    const doc = fixture('out.namespace_setup');
    expect(encode({ type: 'namespace_setup', projectId: 'my-project-id' })).toEqual(doc);
    expect(encode({ type: 'namespace_setup', projectId: 'my-project-id', projectType: 'fastapi' })).toEqual(doc);
  });

  it('test_request: defaults fill testCommand, projectType and the fastapi startCommand', () => {
    const { encode } = setup();
    const doc = fixture('out.test_request');
    const base = {
      type: 'test_request',
      projectId: 'my-project-id',
      repoURL: 'https://git.example.com/my-repo.git',
      commitHash: 'abc123def456',
    } as const;
    expect(encode(base)).toEqual(doc);
    expect(
      encode({
        ...base,
        projectType: 'fastapi',
        testCommand: 'pytest tests/',
        startCommand: 'uvicorn main:app --host 0.0.0.0 --port $DEPLOY_PORT',
      }),
    ).toEqual(doc);
  });

  it('deploy_request: minimal and explicit commands equal the document example (no testCommand)', () => {
    const { encode } = setup();
    const doc = fixture('out.deploy_request');
    const base = {
      type: 'deploy_request',
      projectId: 'my-project-id',
      repoURL: 'https://git.example.com/my-repo.git',
      commitHash: 'abc123def456',
    } as const;
    expect(encode(base)).toEqual(doc);
    expect(
      encode({ ...base, projectType: 'fastapi', startCommand: 'uvicorn main:app --host 0.0.0.0 --port $DEPLOY_PORT' }),
    ).toEqual(doc);
    expect(doc).not.toHaveProperty('testCommand');
  });

  it('keeps explicit values, treats empty optional strings as absent, never sends operationId', () => {
    const { encode } = setup();
    expect(
      encode({
        type: 'test_request',
        projectId: 'p',
        repoURL: 'git@example.com:r.git',
        commitHash: 'c0ffee',
        testCommand: 'pytest -x',
        startCommand: '',
        operationId: 'op-1',
      }),
    ).toEqual({
      type: 'test_request',
      projectId: 'p',
      repoURL: 'git@example.com:r.git',
      commitHash: 'c0ffee',
      projectType: 'fastapi',
      testCommand: 'pytest -x',
      startCommand: BACKENDIM_DEFAULTS.startCommand,
    });
  });

  it('options change the defaults; the uvicorn start command is only assumed for fastapi', () => {
    const custom = setup({ projectType: 'django', testCommand: 'python manage.py test' });
    expect(custom.encode({ type: 'test_request', projectId: 'p', repoURL: 'r', commitHash: 'c' })).toEqual({
      type: 'test_request',
      projectId: 'p',
      repoURL: 'r',
      commitHash: 'c',
      projectType: 'django',
      testCommand: 'python manage.py test',
    });
    const omit = setup({ startCommand: false });
    expect(omit.encode({ type: 'deploy_request', projectId: 'p', repoURL: 'r', commitHash: 'c' })).toEqual({
      type: 'deploy_request',
      projectId: 'p',
      repoURL: 'r',
      commitHash: 'c',
      projectType: 'fastapi',
    });
    const start = setup({ startCommand: 'gunicorn app:app' });
    expect(start.encode({ type: 'deploy_request', projectId: 'p', repoURL: 'r', commitHash: 'c' })).toMatchObject({
      startCommand: 'gunicorn app:app',
    });
    expect(custom.adapter.key).not.toBe(omit.adapter.key);
  });

  it('rejects invalid commands with invalid_command', () => {
    const { adapter, ctx } = setup();
    const enc = (c: unknown) => () => adapter.encode(c as BackendImCommand, ctx);
    expect(invalidCommand(enc(null))).toMatch(/command object/);
    expect(invalidCommand(enc({ type: 'cancel', projectId: 'p' }))).toMatch(/command type/);
    expect(invalidCommand(enc({ type: 'namespace_setup' }))).toMatch(/projectId is required/);
    expect(invalidCommand(enc({ type: 'namespace_setup', projectId: '  ' }))).toMatch(/projectId/);
    expect(invalidCommand(enc({ type: 'test_request', projectId: 'p', commitHash: 'c' }))).toMatch(/repoURL/);
    expect(invalidCommand(enc({ type: 'deploy_request', projectId: 'p', repoURL: 'r' }))).toMatch(/commitHash/);
    expect(
      invalidCommand(enc({ type: 'test_request', projectId: 'p', repoURL: 'r', commitHash: 'c', testCommand: 3 })),
    ).toMatch(/testCommand must be a string/);
    expect(invalidCommand(enc({ type: 'namespace_setup', projectId: 7 }))).toMatch(/projectId/);
  });

  it('a rejected command does not start an operation', () => {
    const { adapter, ctx, decode } = setup();
    expect(() => adapter.encode({ type: 'test_request', projectId: 'p' } as BackendImCommand, ctx)).toThrow();
    expect(decode(fixture('in.test_update'))[0]).toMatchObject({ operationId: 'id-1' });
  });

  it('backendImOperationType maps commands to operation types', () => {
    expect(backendImOperationType({ type: 'namespace_setup' })).toBe('namespace');
    expect(backendImOperationType({ type: 'test_request' })).toBe('test');
    expect(backendImOperationType({ type: 'deploy_request' })).toBe('deploy');
  });
});

describe('backendIm decode (incoming document examples)', () => {
  it.each([
    ['in.namespace_update', 'namespace', 'namespace_check', 'Checking if namespace exists'],
    ['in.test_update', 'test', 'test_execution', 'Running tests'],
    ['in.deploy_update', 'deploy', 'deploy_start', 'Starting deployment'],
  ])('%s -> one step event with the server time', (name, operationType, id, description) => {
    const { decode } = setup();
    const events = decode(fixture(name));
    expect(events).toEqual([
      { kind: 'operation', operationId: 'id-1', operationType, phase: 'step', at: DOC_TIME, step: { id, description } },
    ]);
  });

  it.each([
    ['in.namespace_complete', 'namespace', 'Namespace setup completed'],
    ['in.mock.namespace_complete', 'namespace', 'Namespace setup completed'],
    ['in.test_complete', 'test', 'Test execution completed'],
  ])('%s -> complete, succeeded, with the message', (name, operationType, message) => {
    const { decode } = setup();
    expect(decode(fixture(name))).toEqual([
      { kind: 'operation', operationId: 'id-1', operationType, phase: 'complete', at: NOW, status: 'succeeded', message },
    ]);
  });

  it('in.deploy_complete -> complete with the url as url and result', () => {
    const { decode } = setup();
    expect(decode(fixture('in.deploy_complete'))).toEqual([
      {
        kind: 'operation',
        operationId: 'id-1',
        operationType: 'deploy',
        phase: 'complete',
        at: NOW,
        status: 'succeeded',
        message: 'Deployment completed',
        url: 'http://im-my-project-id.backend.im',
        result: { url: 'http://im-my-project-id.backend.im' },
      },
    ]);
  });

  it.each(['in.error', 'in.error_response_example'])('%s -> one error event (no operation in flight)', (name) => {
    const { decode } = setup();
    expect(decode(fixture(name))).toEqual([
      {
        kind: 'error',
        code: 'namespace_required',
        message: 'Namespace does not exist. Call namespace_setup first',
        at: NOW,
      },
    ]);
  });

  it('mock server frames: start then step attach to the namespace operation started by encode', () => {
    const { adapter, ctx, decode } = setup();
    adapter.encode({ type: 'namespace_setup', projectId: 'my-project-id', operationId: 'ns-1' }, ctx);
    // The start frame's own fields have no normalized home: they are kept in `data`, as sent.
    expect(decode(fixture('in.mock.namespace_update.start'))).toEqual([
      {
        kind: 'operation',
        operationId: 'ns-1',
        operationType: 'namespace',
        phase: 'start',
        at: NOW,
        status: 'running',
        data: { namespace: 'im-my-project-id', project_type: 'fastapi' },
      },
    ]);
    expect(decode(fixture('in.mock.namespace_update.step'))).toEqual([
      {
        kind: 'operation',
        operationId: 'ns-1',
        operationType: 'namespace',
        phase: 'step',
        at: 1_704_164_645_678,
        step: { id: 'namespace_check', description: 'Checking if namespace exists' },
      },
    ]);
    expect(decode(fixture('in.mock.namespace_complete'))[0]).toMatchObject({ operationId: 'ns-1', phase: 'complete' });
  });
});

describe('backendIm update types', () => {
  it('maps every documented update_type to its phase and fields', () => {
    const { adapter, ctx, decode } = setup();
    adapter.encode({ type: 'test_request', projectId: 'p', repoURL: 'r', commitHash: 'c', operationId: 'op-t' }, ctx);
    const one = (updateType: string, data: unknown) => {
      const events = decode(update('test_update', updateType, data));
      expect(events).toHaveLength(1);
      return events[0];
    };
    const base = { kind: 'operation', operationId: 'op-t', operationType: 'test', at: NOW };
    expect(one('start', { commit: 'c', test_cmd: 'pytest tests/', namespace: 'im-p' })).toEqual({
      ...base,
      phase: 'start',
      status: 'running',
      data: { commit: 'c', test_cmd: 'pytest tests/', namespace: 'im-p' },
    });
    expect(one('command', { command: 'git clone r' })).toEqual({ ...base, phase: 'command', command: 'git clone r' });
    expect(one('output', { stdout: '3 passed', stderr: 'warning: x' })).toEqual({
      ...base,
      phase: 'output',
      stdout: '3 passed',
      stderr: 'warning: x',
    });
    expect(one('error', { message: 'tests failed', step: 'test_execution' })).toEqual({
      ...base,
      phase: 'error',
      message: 'tests failed',
      step: { id: 'test_execution' },
      error: { code: 'operation_error', message: 'tests failed' },
    });
    expect(one('log', { message: 'Cloning repository' })).toEqual({
      ...base,
      phase: 'log',
      message: 'Cloning repository',
    });
    expect(one('transition', { from: 'test', to: 'deploy' })).toEqual({
      ...base,
      phase: 'transition',
      from: 'test',
      to: 'deploy',
    });
    expect(one('result', { passed: 12, failed: 0 })).toEqual({
      ...base,
      phase: 'result',
      result: { passed: 12, failed: 0 },
    });
    expect(one('complete', { status: 'success', duration: 4.2 })).toEqual({
      ...base,
      phase: 'complete',
      status: 'succeeded',
      result: { status: 'success', duration: 4.2 },
    });
  });

  it('a start frame keeps its own fields in data, as sent, but not the ones the event carries', () => {
    const { decode } = setup();
    const start = (data: unknown) => decode(update('deploy_update', 'start', data))[0];
    const fields = { commit: 'abc123def456', namespace: 'im-p', image: 'registry/im-p/app:abc123d', replicas: 2, env: { A: '1' } };
    expect(start({ ...fields, timestamp: '2023-05-15T12:34:56Z', message: 'Deploying' })).toEqual({
      kind: 'operation',
      operationId: 'id-1',
      operationType: 'deploy',
      phase: 'start',
      status: 'running',
      at: DOC_TIME,
      message: 'Deploying',
      data: fields,
    });
    // Nothing of its own (or no object at all): no data.
    expect(start({ timestamp: '2023-05-15T12:34:56Z' })).not.toHaveProperty('data');
    expect(start({})).not.toHaveProperty('data');
    expect(start('starting')).not.toHaveProperty('data');
    // A "__proto__" key from JSON stays a plain field.
    const data = (start(JSON.parse('{"__proto__": {"polluted": true}, "commit": "c"}')) as { data: object }).data;
    expect(Object.keys(data)).toEqual(['__proto__', 'commit']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('a start frame keeps in data the fields the event could not use', () => {
    const { decode } = setup();
    const start = (data: unknown) => decode(update('deploy_update', 'start', data))[0] as { data?: unknown };
    // A description without a step, a message that is not text, a progress out of range, a second
    // time field and an unparseable one: none reaches the event's own fields, so all stay in data.
    expect(start({ description: 'Deploying app', commit: 'c' }).data).toEqual({ description: 'Deploying app', commit: 'c' });
    expect(start({ message: { text: 'x' }, progress: 150 }).data).toEqual({ message: { text: 'x' }, progress: 150 });
    expect(start({ timestamp: '2023-05-15T12:34:56Z', time: 'later' }).data).toEqual({ time: 'later' });
    expect(start({ timestamp: 'soon' }).data).toEqual({ timestamp: 'soon' });
    // The ones it used are not repeated.
    expect(start({ step: 'rollout', description: 'Rolling out', progress: 10, message: 'go' })).not.toHaveProperty('data');
  });

  it('an update_type complete does not end the operation; *_complete does', () => {
    const { decode } = setup();
    const a = decode(update('deploy_update', 'complete', {}))[0];
    const b = decode(fixture('in.deploy_complete'))[0];
    const c = decode(fixture('in.deploy_update'))[0];
    expect(a).toMatchObject({ operationId: 'id-1' });
    expect(b).toMatchObject({ operationId: 'id-1', phase: 'complete' });
    expect(c).toMatchObject({ operationId: 'id-2', phase: 'step' });
  });

  it('namespace "status" and "url" updates', () => {
    const { decode } = setup();
    expect(decode(update('namespace_update', 'status', { status: 'Active' }))[0]).toEqual({
      kind: 'operation',
      operationId: 'id-1',
      operationType: 'namespace',
      phase: 'log',
      at: NOW,
      message: 'Active',
    });
    expect(decode(update('namespace_update', 'url', { url: 'http://im-p.backend.im' }))[0]).toEqual({
      kind: 'operation',
      operationId: 'id-1',
      operationType: 'namespace',
      phase: 'result',
      at: NOW,
      url: 'http://im-p.backend.im',
      result: { url: 'http://im-p.backend.im' },
    });
  });

  it('deploy result with url', () => {
    const { decode } = setup();
    expect(decode(update('deploy_update', 'result', { url: 'http://x.backend.im', port: 8000 }))[0]).toMatchObject({
      phase: 'result',
      url: 'http://x.backend.im',
      result: { url: 'http://x.backend.im', port: 8000 },
    });
  });

  it('an unknown or missing update_type becomes a raw event, and starts no operation', () => {
    const { decode } = setup();
    const frame = update('test_update', 'heartbeat', { n: 1 });
    expect(decode(frame)).toEqual([{ kind: 'raw', at: NOW, data: frame }]);
    const noType = { type: 'test_update', status: 'partial', payload: {} };
    expect(decode(noType)).toEqual([{ kind: 'raw', at: NOW, data: noType }]);
    expect(decode(fixture('in.test_update'))[0]).toMatchObject({ operationId: 'id-1' });
  });

  it('keeps one operation per type in flight, independently', () => {
    const { adapter, ctx, decode } = setup();
    adapter.encode({ type: 'namespace_setup', projectId: 'p', operationId: 'ns' }, ctx);
    adapter.encode({ type: 'deploy_request', projectId: 'p', repoURL: 'r', commitHash: 'c' }, ctx);
    expect(decode(fixture('in.deploy_update'))[0]).toMatchObject({ operationId: 'id-1', operationType: 'deploy' });
    expect(decode(fixture('in.namespace_update'))[0]).toMatchObject({ operationId: 'ns', operationType: 'namespace' });
    expect(decode(fixture('in.test_update'))[0]).toMatchObject({ operationId: 'id-2', operationType: 'test' });
  });
});

describe('backendIm error frames', () => {
  const err = (code: unknown, message: unknown, extra: Record<string, unknown> = {}) => ({
    type: 'error',
    status: 'error',
    payload: { code, message, ...extra },
  });

  it.each(['invalid_message_format', 'namespace_required', 'namespace_check_failed', 'unknown_message_type', 'quota'])(
    '%s is tied to the latest operation in flight and ends it',
    (code) => {
      const { adapter, ctx, decode } = setup();
      adapter.encode({ type: 'namespace_setup', projectId: 'p', operationId: 'ns' }, ctx);
      adapter.encode({ type: 'test_request', projectId: 'p', repoURL: 'r', commitHash: 'c', operationId: 't' }, ctx);
      expect(decode(err(code, 'boom'))).toEqual([{ kind: 'error', code, message: 'boom', at: NOW, operationId: 't' }]);
      // The test op is gone: its next frame starts a new one; the namespace op is untouched.
      expect(decode(fixture('in.test_update'))[0]).toMatchObject({ operationId: 'id-1' });
      expect(decode(fixture('in.namespace_update'))[0]).toMatchObject({ operationId: 'ns' });
    },
  );

  it('an operation started by a server frame counts as in flight', () => {
    const { decode } = setup();
    decode(fixture('in.deploy_update'));
    expect(decode(fixture('in.error'))).toEqual([
      {
        kind: 'error',
        code: 'namespace_required',
        message: 'Namespace does not exist. Call namespace_setup first',
        at: NOW,
        operationId: 'id-1',
      },
    ]);
  });

  it('payload.context names the operation (as the document client reads it)', () => {
    const { adapter, ctx, decode } = setup();
    adapter.encode({ type: 'namespace_setup', projectId: 'p', operationId: 'ns' }, ctx);
    adapter.encode({ type: 'deploy_request', projectId: 'p', repoURL: 'r', commitHash: 'c', operationId: 'd' }, ctx);
    expect(decode(err('namespace_check_failed', 'k8s down', { context: 'namespace' }))[0]).toMatchObject({
      operationId: 'ns',
    });
    // Named type with nothing in flight: no operation id (and the deploy op is not blamed).
    expect(decode(err('x', 'y', { context: 'test' }))[0]).not.toHaveProperty('operationId');
    expect(decode(err('x', 'y'))[0]).toMatchObject({ operationId: 'd' });
  });

  it('unknown or missing code becomes unknown_error; message kept or defaulted', () => {
    const { decode } = setup();
    expect(decode(err(undefined, 'something broke'))).toEqual([
      { kind: 'error', code: 'unknown_error', message: 'something broke', at: NOW },
    ]);
    expect(decode(err(42, { nested: true }))).toEqual([{ kind: 'error', code: '42', message: '42', at: NOW }]);
    expect(decode({ type: 'error', message: 'flat' })).toEqual([
      { kind: 'error', code: 'unknown_error', message: 'flat', at: NOW },
    ]);
    expect(decode({ type: 'error', payload: { code: 'bad', error: 'as error field' } })[0]).toMatchObject({
      code: 'bad',
      message: 'as error field',
    });
  });
});

describe('backendIm drift', () => {
  it('update_data without the inner data wrapper', () => {
    const { decode } = setup();
    const frame = {
      type: 'test_update',
      status: 'partial',
      payload: { update_type: 'output', update_data: { stdout: 'ok', timestamp: 1_684_154_096 } },
    };
    expect(decode(frame)).toEqual([
      { kind: 'operation', operationId: 'id-1', operationType: 'test', phase: 'output', at: DOC_TIME, stdout: 'ok' },
    ]);
  });

  it('string data for log, output and command updates', () => {
    const { decode } = setup();
    expect(decode(update('test_update', 'log', 'plain line'))[0]).toMatchObject({ phase: 'log', message: 'plain line' });
    expect(decode(update('test_update', 'output', 'out'))[0]).toMatchObject({ phase: 'output', stdout: 'out' });
    expect(decode(update('test_update', 'command', ['pytest', 'tests/']))[0]).not.toHaveProperty('command');
    expect(decode(update('test_update', 'command', { command: ['pytest', 'tests/'] }))[0]).toMatchObject({
      command: 'pytest tests/',
    });
  });

  it('payload missing: update and complete fields at the top level, or nothing at all', () => {
    const { decode } = setup();
    expect(
      decode({ type: 'deploy_update', update_type: 'log', update_data: { data: { message: 'flat' } } })[0],
    ).toMatchObject({ phase: 'log', message: 'flat', operationId: 'id-1' });
    expect(decode({ type: 'deploy_complete', status: 'success' })).toEqual([
      { kind: 'operation', operationId: 'id-1', operationType: 'deploy', phase: 'complete', at: NOW, status: 'succeeded' },
    ]);
    expect(decode({ type: 'test_complete' })).toEqual([
      { kind: 'operation', operationId: 'id-2', operationType: 'test', phase: 'complete', at: NOW },
    ]);
  });

  it.each([
    ['SUCCESS', 'succeeded'],
    ['Success', 'succeeded'],
    [' success ', 'succeeded'],
    ['error', 'failed'],
    ['failed', 'failed'],
    ['FAILURE', 'failed'],
  ])('complete status %j -> %s', (status, expected) => {
    const { decode } = setup();
    const event = decode({ type: 'test_complete', status, payload: { message: 'done' } })[0];
    expect(event).toMatchObject({ phase: 'complete', status: expected, message: 'done' });
    if (expected === 'failed') expect(event).toMatchObject({ error: { code: 'operation_failed', message: 'done' } });
    else expect(event).not.toHaveProperty('error');
  });

  it('type in another case is still recognised', () => {
    const { decode } = setup();
    expect(decode({ ...(fixture('in.test_complete') as object), type: 'TEST_COMPLETE' })[0]).toMatchObject({
      kind: 'operation',
      operationType: 'test',
      status: 'succeeded',
    });
  });

  it.each([
    ['2023-05-15T12:34:56Z', DOC_TIME],
    ['2023-05-15T12:34:56.123Z', DOC_TIME + 123],
    ['2023-05-15T12:34:56.123456+02:00', DOC_TIME - 7_200_000 + 123],
    [1_684_154_096, DOC_TIME],
    [1_684_154_096_500, DOC_TIME + 500],
    ['1684154096', DOC_TIME],
    ['1684154096.25', DOC_TIME + 250],
    ['not a time', NOW],
    [{ t: 1 }, NOW],
    [null, NOW],
  ])('timestamp %j -> %d', (timestamp, at) => {
    const { decode } = setup();
    const events = decode(update('test_update', 'step', { step: 's', timestamp }));
    expect(events[0]).toMatchObject({ at });
  });

  it('wrong field types are dropped, not trusted', () => {
    const { decode } = setup();
    const events = decode(
      update('test_update', 'step', { step: { nested: [] }, description: { x: 1 }, message: ['a'], progress: 900 }),
    );
    expect(events).toEqual([{ kind: 'operation', operationId: 'id-1', operationType: 'test', phase: 'step', at: NOW }]);
    expect(decode(update('test_update', 'transition', { from: 1, to: null }))[0]).toEqual({
      kind: 'operation',
      operationId: 'id-1',
      operationType: 'test',
      phase: 'transition',
      at: NOW,
      from: '1',
    });
    expect(decode({ type: 'deploy_complete', status: 'success', payload: { url: 7, message: {} } })[0]).toEqual({
      kind: 'operation',
      operationId: 'id-2',
      operationType: 'deploy',
      phase: 'complete',
      at: NOW,
      status: 'succeeded',
      url: '7',
      result: { url: '7' },
    });
  });

  it('extra fields are ignored; step objects and progress are read', () => {
    const { decode } = setup();
    expect(
      decode({
        ...update('deploy_update', 'step', { step: { id: 'build', x: 1 }, description: 'Build', progress: '40', extra: 1 }),
        id: 'zzz',
        meta: { a: 1 },
      }),
    ).toEqual([
      {
        kind: 'operation',
        operationId: 'id-1',
        operationType: 'deploy',
        phase: 'step',
        at: NOW,
        step: { id: 'build', description: 'Build' },
        progress: 40,
      },
    ]);
  });

  it.each([
    null,
    42,
    'text',
    [1, 2],
    {},
    { type: 'pong' },
    { type: 'build_update', payload: {} },
    { type: 7 },
    { type: 'test_started' },
  ])('unknown frame %j -> raw', (frame) => {
    const { decode } = setup();
    expect(decode(frame)).toEqual([{ kind: 'raw', at: NOW, data: frame }]);
  });

  it('deeply nested junk neither throws nor is dropped', () => {
    const { decode } = setup();
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { data: deep };
    expect(decode({ type: 'test_update', payload: { update_type: 'result', update_data: deep } })[0]).toMatchObject({
      phase: 'result',
    });
    expect(decode(deep)[0]).toMatchObject({ kind: 'raw' });
  });
});

describe('backendIm operations codec (for useOperation)', () => {
  it('builds the request that starts each operation type, carrying the operation id', () => {
    const { adapter, ctx } = setup();
    const ops = adapter.operations!;
    expect(ops.types).toEqual(['namespace', 'test', 'deploy']);
    const test = ops.start('test', { projectId: 'p', repoURL: 'https://git.example/r.git', commitHash: 'abc' }, 'op-9');
    expect(test).toMatchObject({ type: 'test_request', operationId: 'op-9' });
    expect(JSON.parse(adapter.encode(test, ctx))).toEqual({
      type: 'test_request',
      projectId: 'p',
      repoURL: 'https://git.example/r.git',
      commitHash: 'abc',
      projectType: 'fastapi',
      testCommand: 'pytest tests/',
      startCommand: BACKENDIM_DEFAULTS.startCommand,
    });
    // Frames carry no id: later updates of that type belong to the operation the client started.
    const [event] = adapter.decode(update('test_update', 'step', { step: 'clone' }), ctx);
    expect(event).toMatchObject({ kind: 'operation', operationId: 'op-9', operationType: 'test' });
    expect(ops.start('namespace', { projectId: 'p' }, 'op-1')).toMatchObject({ type: 'namespace_setup' });
    expect(ops.start('deploy', {}, 'op-2')).toMatchObject({ type: 'deploy_request' });
    expect(invalidCommand(() => ops.start('cleanup', {}, 'x'))).toMatch(/no "cleanup" operation/);
    expect(ops.concurrent).toBe(false);
    expect(ops.prerequisites).toEqual({ namespace_required: 'namespace' });
    expect(ops.cancel).toBeUndefined();
  });
});
