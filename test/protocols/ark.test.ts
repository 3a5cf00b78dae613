import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpstreamError } from '../../src/core/errors';
import type { OpstreamEvent } from '../../src/core/events';
import { ark, arkInstanceLogStream } from '../../src/protocols/ark';
import type { ArkCommand } from '../../src/protocols/ark';
import type { ProtocolContext } from '../../src/protocols/types';
import { assertValidEvents } from '../support/validateEvent';

const NOW = 1_700_000_000_000;
const FIXTURES = join(import.meta.dirname, '../fixtures/ark');

const makeCtx = (): ProtocolContext => {
  let n = 0;
  return { now: () => NOW, nextId: () => 'id-' + (++n) };
};

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/** Decodes one frame with a fresh adapter and checks every event against the validator. */
const decode = (frame: unknown): OpstreamEvent[] => {
  const events = ark().decode(frame, makeCtx());
  assertValidEvents(events);
  return events;
};

const one = (frame: unknown): OpstreamEvent => {
  const events = decode(frame);
  expect(events).toHaveLength(1);
  return events[0]!;
};

const utc = (h: number, m: number, s = 0, ms = 0) => Date.UTC(2024, 0, 15, h, m, s, ms);
const JOB = '550e8400-e29b-41d4-a716-446655440000';
const INSTANCE = '770e8400-e29b-41d4-a716-446655440002';
const AGENT = '880e8400-e29b-41d4-a716-446655440003';

// Expected events per fixture, written from the document (and, for contract.*, from the
// payload types in packages/contracts/src/ws-events.ts that the document points to).
const EXPECTED: Record<string, (frame: unknown) => OpstreamEvent[]> = {
  // A template, not a real event: "event:name" is no documented name.
  'in.message_format.json': (frame) => [{ kind: 'raw', at: NOW, data: frame }],
  'in.job_progress.json': () => [
    {
      kind: 'operation',
      operationId: JOB,
      operationType: 'job',
      phase: 'progress',
      status: 'running',
      progress: 45,
      message: 'Installing server files...',
      at: utc(10, 30),
    },
  ],
  'in.job_completed.json': () => [
    {
      kind: 'operation',
      operationId: JOB,
      operationType: 'job',
      phase: 'complete',
      status: 'succeeded',
      result: {
        buildId: '12345678',
        installPath: 'D:\\Ark ASA ASM\\runtime\\cache\\server_builds\\ASA\\12345678',
      },
      at: utc(10, 35),
    },
  ],
  'in.instance_status_changed.json': (frame) => [
    {
      kind: 'resource',
      resource: 'instance',
      id: INSTANCE,
      change: 'status_changed',
      status: 'RUNNING',
      at: utc(10, 40),
      data: (frame as { data: unknown }).data,
    },
  ],
  'in.wscat_job_progress_25.json': () => [
    {
      kind: 'operation',
      operationId: '...',
      operationType: 'job',
      phase: 'progress',
      status: 'running',
      progress: 25,
      message: 'Downloading files...',
      at: utc(10, 30),
    },
  ],
  'in.wscat_job_progress_50.json': () => [
    {
      kind: 'operation',
      operationId: '...',
      operationType: 'job',
      phase: 'progress',
      status: 'running',
      progress: 50,
      message: 'Extracting files...',
      at: utc(10, 31),
    },
  ],
  'in.wscat_job_completed.json': () => [
    {
      kind: 'operation',
      operationId: '...',
      operationType: 'job',
      phase: 'complete',
      status: 'succeeded',
      result: {},
      at: utc(10, 35),
    },
  ],
  // The job's type and instance have no normalized field: they ride in `data` for consoles to show.
  'contract.job_created.json': () => [
    {
      kind: 'operation',
      operationId: JOB,
      operationType: 'job',
      phase: 'start',
      status: 'pending',
      at: utc(10, 29),
      data: { jobType: 'INSTALL_SERVER', instanceId: INSTANCE },
    },
  ],
  'contract.job_failed.json': () => [
    {
      kind: 'operation',
      operationId: JOB,
      operationType: 'job',
      phase: 'error',
      status: 'failed',
      error: { code: 'job_failed', message: 'SteamCMD exited with code 8' },
      at: utc(10, 33),
    },
  ],
  'contract.job_cancelled.json': () => [
    { kind: 'operation', operationId: JOB, operationType: 'job', phase: 'complete', status: 'cancelled', at: utc(10, 34) },
  ],
  'contract.instance_created.json': () => [
    {
      kind: 'resource',
      resource: 'instance',
      id: INSTANCE,
      change: 'created',
      at: utc(10, 20),
      data: { instanceId: INSTANCE, name: 'The Island PvE', gameType: 'ASA', createdAt: '2024-01-15T10:20:00.000Z' },
    },
  ],
  'contract.instance_updated.json': () => [
    {
      kind: 'resource',
      resource: 'instance',
      id: INSTANCE,
      change: 'updated',
      at: utc(10, 21),
      data: { instanceId: INSTANCE, updatedAt: '2024-01-15T10:21:00.000Z' },
    },
  ],
  'contract.instance_deleted.json': () => [
    {
      kind: 'resource',
      resource: 'instance',
      id: INSTANCE,
      change: 'deleted',
      at: utc(11, 0),
      data: { instanceId: INSTANCE, deletedAt: '2024-01-15T11:00:00.000Z' },
    },
  ],
  'contract.instance_log.json': () => [
    {
      kind: 'log',
      stream: `instance:${INSTANCE}`,
      line: 'Server tick took 212 ms',
      level: 'WARN',
      at: utc(10, 41),
    },
  ],
  'contract.agent_registered.json': () => [
    {
      kind: 'resource',
      resource: 'agent',
      id: AGENT,
      change: 'registered',
      at: utc(9, 0),
      data: { agentId: AGENT, hostname: 'ark-host-01', registeredAt: '2024-01-15T09:00:00.000Z' },
    },
  ],
  'contract.agent_heartbeat.json': () => [
    {
      kind: 'resource',
      resource: 'agent',
      id: AGENT,
      change: 'heartbeat',
      status: 'ONLINE',
      at: utc(10, 42),
      data: { agentId: AGENT, status: 'ONLINE', timestamp: '2024-01-15T10:42:00.000Z' },
    },
  ],
  // lastSeenAt is not when the agent went offline: the event keeps its arrival time.
  'contract.agent_offline.json': () => [
    {
      kind: 'resource',
      resource: 'agent',
      id: AGENT,
      change: 'offline',
      at: NOW,
      data: { agentId: AGENT, lastSeenAt: '2024-01-15T10:42:00.000Z' },
    },
  ],
  'contract.system_error.json': () => [
    {
      kind: 'error',
      code: 'system_error',
      message: 'Database connection lost',
      operationId: JOB,
      at: utc(10, 45),
    },
  ],
};

describe('ark: fixtures', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();

  it('has an expectation for every fixture and a fixture for every expectation', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it('covers every event name the document lists', () => {
    const names = new Set(files.map((f) => (fixture(f) as { event: string }).event));
    for (const name of [
      'job:created', 'job:progress', 'job:completed', 'job:failed', 'job:cancelled',
      'instance:created', 'instance:updated', 'instance:status_changed', 'instance:deleted', 'instance:log',
      'agent:registered', 'agent:heartbeat', 'agent:offline', 'system:error',
    ]) {
      expect(names.has(name), name).toBe(true);
    }
  });

  it.each(files)('decodes %s', (file) => {
    const frame = fixture(file);
    const expected = EXPECTED[file];
    expect(expected, `no expectation for ${file}`).toBeDefined();
    expect(decode(frame)).toEqual(expected!(frame));
  });

  it('the doc has no outgoing examples: encode refuses every command', () => {
    const adapter = ark();
    expect(() => adapter.encode(undefined as unknown as ArkCommand, makeCtx())).toThrowError(OpstreamError);
    try {
      adapter.encode({ type: 'anything' } as unknown as ArkCommand, makeCtx());
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(OpstreamError);
      expect((error as OpstreamError).code).toBe('unsupported');
      expect((error as OpstreamError).message).toBe('ARK is push-only: the client never sends');
    }
  });
});

describe('ark: adapter shape', () => {
  it('is push-only with no auth, heartbeat or subscriptions', () => {
    const adapter = ark();
    expect(adapter.name).toBe('ark');
    expect(adapter.pushOnly).toBe(true);
    expect(adapter.heartbeat).toBeUndefined();
    expect(adapter.subscriptions).toBeUndefined();
    expect(adapter.handshake).toBeUndefined();
    expect(adapter.ping).toBeUndefined();
    expect(adapter.control).toBeUndefined();
    expect(adapter.secrets).toBeUndefined();
  });

  it('takes its reconnect defaults from the doc example (10 tries, 2 s doubling to 30 s)', () => {
    expect(ark().reconnect).toEqual({ minDelayMs: 2000, maxDelayMs: 30000, factor: 2, maxRetries: 10 });
  });

  it('returns a fresh adapter per call', () => {
    expect(ark()).not.toBe(ark());
  });

  it('adds the documented /ws path to a bare origin only', () => {
    const adapter = ark();
    expect(adapter.url!('ws://localhost:3000')).toBe('ws://localhost:3000/ws');
    expect(adapter.url!('ws://localhost:3000/')).toBe('ws://localhost:3000/ws');
    expect(adapter.url!('ws://localhost:3000/?x=1')).toBe('ws://localhost:3000/ws?x=1');
    expect(adapter.url!('ws://control-plane.example.com:3000/ws')).toBe('ws://control-plane.example.com:3000/ws');
    expect(adapter.url!('wss://proxy.example.com/ark/ws')).toBe('wss://proxy.example.com/ark/ws');
    expect(adapter.url!('not a url')).toBe('not a url');
    expect(ark({ path: '/events' }).url!('ws://h:1')).toBe('ws://h:1/events');
  });

  it('keys the adapter by its path', () => {
    expect(ark().key).toBe('/ws');
    expect(ark({ path: '/events' }).key).toBe('/events');
  });

  it('builds instance log stream names', () => {
    expect(arkInstanceLogStream('abc')).toBe('instance:abc');
  });
});

const progress = (data: Record<string, unknown>) => ({ event: 'job:progress', data: { jobId: 'j1', ...data } });

describe('ark: jobs', () => {
  it.each([
    ['CREATED', 'pending'],
    ['QUEUED', 'pending'],
    ['RUNNING', 'running'],
    ['running', 'running'],
    [' Queued ', 'pending'],
    ['COMPLETED', 'succeeded'],
    ['FAILED', 'failed'],
    ['CANCELLED', 'cancelled'],
    ['canceled', 'cancelled'],
    ['SOMETHING_NEW', 'running'],
    [7, 'running'],
    [null, 'running'],
  ])('job:progress status %j -> %s', (status, expected) => {
    expect(one(progress({ status }))).toMatchObject({ kind: 'operation', phase: 'progress', status: expected });
  });

  it('job:created reads QUEUED as pending and defaults to pending', () => {
    expect(one({ event: 'job:created', data: { jobId: 'j1', status: 'QUEUED' } })).toMatchObject({ phase: 'start', status: 'pending' });
    expect(one({ event: 'job:created', data: { jobId: 'j1', status: 'RUNNING' } })).toMatchObject({ phase: 'start', status: 'running' });
  });

  it('job:created keeps jobType and instanceId in data, each only when sent, in any spelling the ids accept', () => {
    expect(one({ event: 'job:created', data: { jobId: 'j1', jobType: 'BACKUP_INSTANCE' } })).toMatchObject({
      data: { jobType: 'BACKUP_INSTANCE' },
    });
    expect(one({ event: 'job:created', data: { jobId: 'j1', instance_id: 'i1', job_type: 'START_INSTANCE' } })).toMatchObject({
      data: { jobType: 'START_INSTANCE', instanceId: 'i1' },
    });
    // Flattened into the envelope: read from the envelope, without its event name.
    expect(one({ event: 'job:created', jobId: 'j1', jobType: 'UPDATE_SERVER' })).toMatchObject({ data: { jobType: 'UPDATE_SERVER' } });
    expect(one({ event: 'job:created', data: { jobId: 'j1' } })).not.toHaveProperty('data');
    expect(one({ event: 'job:created', data: { jobId: 'j1', jobType: '', instanceId: { id: 'i' } } })).not.toHaveProperty('data');
    // Normalizing the name still reaches the same decoder.
    expect(one({ event: ' JOB:Created ', data: { jobId: 'j1', instanceId: 'i2' } })).toMatchObject({ data: { instanceId: 'i2' } });
    // Later job events are about progress; only the created frame is read for details.
    expect(one(progress({ jobType: 'X', instanceId: 'i1' }))).not.toHaveProperty('data');
  });

  it('terminal events keep their status whatever the payload says', () => {
    expect(one({ event: 'job:completed', data: { jobId: 'j', status: 'RUNNING' } })).toMatchObject({ status: 'succeeded' });
    expect(one({ event: 'job:failed', data: { jobId: 'j', status: 'RUNNING', error: 'x' } })).toMatchObject({ status: 'failed' });
    expect(one({ event: 'job:cancelled', data: { jobId: 'j', status: 'COMPLETED' } })).toMatchObject({ status: 'cancelled' });
  });

  it.each([
    [45, 45],
    [0, 0],
    [100, 100],
    [150, 100],
    [-5, 0],
    [12.5, 12.5],
    [0.5, 0.5], // the doc only shows 0..100 percents: fractions are not rescaled
    ['45', 45],
    ['45%', 45],
    [' 60 ', 60],
    ['1e3', 100],
  ])('percent %j -> %j', (percent, expected) => {
    expect(one(progress({ percent }))).toMatchObject({ progress: expected });
  });

  it.each([['abc'], [{}], [[]], [true], [null], ['45MB'], ['']])('unreadable percent %j is left out', (percent) => {
    const event = one(progress({ percent }));
    expect(event.kind).toBe('operation');
    expect(event).not.toHaveProperty('progress');
  });

  it('reads renamed percent fields', () => {
    expect(one(progress({ progress: 30 }))).toMatchObject({ progress: 30 });
    expect(one(progress({ progressPercent: 70 }))).toMatchObject({ progress: 70 });
  });

  it('missing optional fields: only jobId is needed', () => {
    expect(one({ event: 'job:progress', data: { jobId: 'j1' } })).toEqual({
      kind: 'operation',
      operationId: 'j1',
      operationType: 'job',
      phase: 'progress',
      status: 'running',
      at: NOW,
    });
  });

  it('extra fields are ignored', () => {
    expect(one(progress({ percent: 5, eta: 12, nested: { a: [1, 2] }, message: 'm' }))).toEqual({
      kind: 'operation',
      operationId: 'j1',
      operationType: 'job',
      phase: 'progress',
      status: 'running',
      progress: 5,
      message: 'm',
      at: NOW,
    });
  });

  it('job:completed without result carries no result', () => {
    expect(one({ event: 'job:completed', data: { jobId: 'j1' } })).not.toHaveProperty('result');
    expect(one({ event: 'job:completed', data: { jobId: 'j1', result: null } })).toMatchObject({ result: null });
  });

  it('job:failed error as a string, an object, or missing', () => {
    expect(one({ event: 'job:failed', data: { jobId: 'j', error: 'boom' } })).toMatchObject({
      error: { code: 'job_failed', message: 'boom' },
    });
    expect(one({ event: 'job:failed', data: { jobId: 'j', error: { code: 'E_DISK', message: 'disk full' } } })).toMatchObject({
      error: { code: 'E_DISK', message: 'disk full' },
    });
    expect(one({ event: 'job:failed', data: { jobId: 'j', code: 'E_NET', error: 'unreachable' } })).toMatchObject({
      error: { code: 'E_NET', message: 'unreachable' },
    });
    expect(one({ event: 'job:failed', data: { jobId: 'j', error: 42 } })).toMatchObject({
      error: { code: 'job_failed', message: '42' },
    });
    expect(one({ event: 'job:failed', data: { jobId: 'j' } })).toMatchObject({
      phase: 'error',
      status: 'failed',
      error: { code: 'job_failed', message: 'Job failed' },
    });
    expect(one({ event: 'job:failed', data: { jobId: 'j', error: [1] } })).toMatchObject({
      error: { code: 'job_failed', message: 'Job failed' },
    });
  });

  it('job:cancelled keeps a reason as its message', () => {
    expect(one({ event: 'job:cancelled', data: { jobId: 'j', reason: 'user' } })).toMatchObject({ message: 'user' });
  });

  it('a numeric job id is read as a string; a missing or wrong-typed one makes the frame raw', () => {
    expect(one({ event: 'job:progress', data: { jobId: 42 } })).toMatchObject({ operationId: '42' });
    expect(one({ event: 'job:progress', data: { job_id: 'snake' } })).toMatchObject({ operationId: 'snake' });
    for (const jobId of [undefined, '', {}, [], null, true]) {
      const frame = { event: 'job:progress', data: { jobId, percent: 3 } };
      expect(decode(frame)).toEqual([{ kind: 'raw', at: NOW, data: frame }]);
    }
  });

  it('wrong-typed message is left out', () => {
    expect(one(progress({ message: { text: 'x' } }))).not.toHaveProperty('message');
  });
});

describe('ark: timestamps', () => {
  const at = (timestamp: unknown) => one(progress({ timestamp })).at;

  it.each([
    ['2024-01-15T10:30:00.000Z', utc(10, 30)],
    ['2024-01-15T10:30:00Z', utc(10, 30)],
    ['2024-01-15T10:30:00.123456Z', utc(10, 30, 0, 123)],
    ['2024-01-15T12:30:00+02:00', utc(10, 30)],
    ['2024-01-15T05:30:00.5-05:00', utc(10, 30, 0, 500)],
    [1705314600, utc(10, 30)],
    [1705314600.25, utc(10, 30, 0, 250)],
    [1705314600000, utc(10, 30)],
    ['1705314600', utc(10, 30)],
    ['1705314600000', utc(10, 30)],
  ])('%j', (value, expected) => {
    expect(at(value)).toBe(expected);
  });

  it.each([[undefined], ['garbage'], [''], [{}], [null], [true]])('unreadable %j -> arrival time', (value) => {
    expect(at(value)).toBe(NOW);
  });

  it('falls back from the named field to timestamp, then to the envelope', () => {
    expect(one({ event: 'job:completed', data: { jobId: 'j', timestamp: 1705314600 } }).at).toBe(utc(10, 30));
    expect(one({ event: 'job:completed', data: { jobId: 'j', completedAt: 'bad', timestamp: 1705314600 } }).at).toBe(utc(10, 30));
    expect(one({ event: 'job:completed', timestamp: 1705314600, data: { jobId: 'j' } }).at).toBe(utc(10, 30));
    expect(one({ event: 'agent:offline', data: { agentId: 'a', offlineAt: 1705314600 } }).at).toBe(utc(10, 30));
  });
});

describe('ark: instances and agents', () => {
  it('status_changed with a previous status', () => {
    expect(
      one({ event: 'instance:status_changed', data: { instanceId: 'i1', status: 'STOPPED', previousStatus: 'RUNNING' } }),
    ).toMatchObject({ kind: 'resource', resource: 'instance', id: 'i1', change: 'status_changed', status: 'STOPPED', previous: 'RUNNING' });
  });

  it('wrong-typed status and previous are left out; data is kept whole', () => {
    const data = { instanceId: 'i1', status: { s: 1 }, previousStatus: [] };
    const event = one({ event: 'instance:status_changed', data });
    expect(event).not.toHaveProperty('status');
    expect(event).not.toHaveProperty('previous');
    expect(event).toMatchObject({ data });
  });

  it('an instance or agent event without an id is raw', () => {
    for (const frame of [
      { event: 'instance:updated', data: { updatedAt: 'x' } },
      { event: 'agent:heartbeat', data: { agentId: { id: 1 }, status: 'ONLINE' } },
      { event: 'instance:deleted' },
    ]) {
      expect(decode(frame)).toEqual([{ kind: 'raw', at: NOW, data: frame }]);
    }
  });

  it('instance:log: level optional, empty line kept, missing line raw', () => {
    expect(one({ event: 'instance:log', data: { instanceId: 'i1', message: 'hello' } })).toEqual({
      kind: 'log',
      stream: 'instance:i1',
      line: 'hello',
      at: NOW,
    });
    expect(one({ event: 'instance:log', data: { instanceId: 'i1', message: '' } })).toMatchObject({ line: '' });
    expect(one({ event: 'instance:log', data: { instanceId: 'i1', message: 'x', level: { l: 1 } } })).not.toHaveProperty('level');
    expect(one({ event: 'instance:log', data: { instanceId: 'i1', line: 'renamed' } })).toMatchObject({ line: 'renamed' });
    const noLine = { event: 'instance:log', data: { instanceId: 'i1', message: { m: 1 } } };
    expect(decode(noLine)).toEqual([{ kind: 'raw', at: NOW, data: noLine }]);
    const noInstance = { event: 'instance:log', data: { message: 'orphan' } };
    expect(decode(noInstance)).toEqual([{ kind: 'raw', at: NOW, data: noInstance }]);
  });
});

describe('ark: system errors', () => {
  it('error as an object, missing, and context without a job', () => {
    expect(one({ event: 'system:error', data: { error: { code: 'DB', message: 'down' } } })).toEqual({
      kind: 'error',
      code: 'DB',
      message: 'down',
      at: NOW,
    });
    expect(one({ event: 'system:error', data: {} })).toEqual({ kind: 'error', code: 'system_error', message: 'System error', at: NOW });
    expect(one({ event: 'system:error', data: { error: 'x', context: { jobId: 5 } } })).toMatchObject({ operationId: '5' });
    expect(one({ event: 'system:error', data: { error: 'x', context: 'nope' } })).not.toHaveProperty('operationId');
  });

  it('system:error without data still reports an error', () => {
    expect(one({ event: 'system:error' })).toMatchObject({ kind: 'error', code: 'system_error' });
  });
});

describe('ark: unknown and malformed frames become raw', () => {
  it.each([
    [null],
    [42],
    ['job:progress'],
    [true],
    [[{ event: 'job:progress', data: { jobId: 'j' } }]],
    [{}],
    [{ data: { jobId: 'j' } }],
    [{ event: 7, data: {} }],
    [{ event: { name: 'job:progress' }, data: {} }],
    [{ event: 'job:started', data: { jobId: 'j' } }],
    [{ event: 'job:constructor', data: { jobId: 'j' } }],
    [{ event: 'instance:__proto__', data: { instanceId: 'i' } }],
    [{ event: 'instance:toString', data: { instanceId: 'i' } }],
    [{ event: 'agent:created', data: { agentId: 'a' } }],
    [{ event: 'system:warning', data: { error: 'x' } }],
    [{ event: 'backup:completed', data: {} }],
    [{ event: 'job', data: { jobId: 'j' } }],
  ])('%j', (frame) => {
    expect(decode(frame)).toEqual([{ kind: 'raw', at: NOW, data: frame }]);
  });

  it('lenient envelope: case, a `type` key, and a payload flattened into the envelope', () => {
    expect(one({ event: 'JOB:Progress', data: { jobId: 'j', percent: 1 } })).toMatchObject({ kind: 'operation', progress: 1 });
    expect(one({ type: 'job:progress', data: { jobId: 'j' } })).toMatchObject({ kind: 'operation', operationId: 'j' });
    expect(one({ event: 'job:progress', jobId: 'flat', percent: 9 })).toMatchObject({ operationId: 'flat', progress: 9 });
    expect(one({ event: 'job:progress', data: 'oops', jobId: 'flat' })).toMatchObject({ operationId: 'flat' });
  });
});
