import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OpstreamError } from '../../src/core/errors';
import type { OpstreamEvent } from '../../src/core/events';
import { mist, mistContainerLogStream, MIST_PATHS, mistDeploymentStatus } from '../../src/protocols/mist';
import type { MistOptions } from '../../src/protocols/mist';
import type { ProtocolAdapter, ProtocolContext } from '../../src/protocols/types';
import { assertValidEvents } from '../support/validateEvent';

const NOW = 1_700_000_000_000;
const makeCtx = (): ProtocolContext => {
  let n = 0;
  return { now: () => NOW, nextId: () => 'id-' + ++n };
};

const fixtureDir = new URL('../fixtures/mist/', import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, fixtureDir), 'utf8'));

const logs = () => mist({ endpoint: 'container-logs', appId: 1 });
const deployment = () => mist({ endpoint: 'deployment', deploymentId: 15 });
const metrics = () => mist({ endpoint: 'metrics' });

/** Decodes and checks every event against the validator. */
const decode = (adapter: ProtocolAdapter<never>, frame: unknown, ctx = makeCtx()): OpstreamEvent[] => {
  const events = adapter.decode(frame, ctx);
  assertValidEvents(events);
  return events;
};

const utc = (iso: string) => Date.parse(iso);

describe('mist fixtures (every JSON example in mist.md)', () => {
  it('has a fixture for each of the 8 documented examples', () => {
    expect(readdirSync(fixtureDir).sort()).toEqual([
      'in.container_end.json',
      'in.container_error.json',
      'in.container_log.json',
      'in.container_status.json',
      'in.deployment_error.json',
      'in.deployment_log.json',
      'in.deployment_status.json',
      'in.metrics.json',
    ]);
  });

  it('container status -> resource event', () => {
    const [event, ...rest] = decode(logs(), fixture('in.container_status.json'));
    expect(rest).toEqual([]);
    expect(event).toEqual({
      kind: 'resource',
      resource: 'container',
      id: 'mist-app-1',
      change: 'status',
      status: 'running',
      at: Date.UTC(2025, 0, 15, 10, 30, 0),
      data: { container: 'mist-app-1', state: 'running', status: 'Up 2 hours' },
    });
  });

  it('container log -> log event on container:<appId>', () => {
    expect(decode(logs(), fixture('in.container_log.json'))).toEqual([
      {
        kind: 'log',
        stream: 'container:1',
        line: '2025-01-15 10:30:01 [INFO] Server listening on port 3000',
        at: Date.UTC(2025, 0, 15, 10, 30, 1),
      },
    ]);
  });

  it('container error -> error event', () => {
    expect(decode(logs(), fixture('in.container_error.json'))).toEqual([
      { kind: 'error', code: 'not_found', message: 'Container not found', at: Date.UTC(2025, 0, 15, 10, 30, 5) },
    ]);
  });

  it('container end -> end control, no events', () => {
    const adapter = logs();
    const frame = fixture('in.container_end.json');
    expect(adapter.control?.(frame, makeCtx())).toEqual({ type: 'end', reason: 'Log stream ended' });
    expect(decode(adapter, frame)).toEqual([]);
  });

  it('deployment status -> operation step with stage, progress and running status', () => {
    expect(decode(deployment(), fixture('in.deployment_status.json'))).toEqual([
      {
        kind: 'operation',
        operationId: '15',
        operationType: 'deployment',
        phase: 'step',
        at: Date.UTC(2025, 0, 15, 10, 30, 15),
        step: { id: 'building_image', description: 'Building Docker image...', status: 'running' },
        status: 'running',
        progress: 50,
        message: 'Building Docker image...',
      },
    ]);
  });

  it('deployment log -> operation log with the line as message', () => {
    expect(decode(deployment(), fixture('in.deployment_log.json'))).toEqual([
      {
        kind: 'operation',
        operationId: '15',
        operationType: 'deployment',
        phase: 'log',
        at: Date.UTC(2025, 0, 15, 10, 30, 16),
        message: 'Step 3/8 : COPY package*.json ./',
      },
    ]);
  });

  it('deployment error -> operation error', () => {
    expect(decode(deployment(), fixture('in.deployment_error.json'))).toEqual([
      {
        kind: 'operation',
        operationId: '15',
        operationType: 'deployment',
        phase: 'error',
        at: Date.UTC(2025, 0, 15, 10, 30, 30),
        message: 'Docker build failed: exit code 1',
        error: { code: 'deployment_error', message: 'Docker build failed: exit code 1' },
      },
    ]);
  });

  it('metrics -> one system sample with every numeric leaf, timestamp excluded', () => {
    expect(decode(metrics(), fixture('in.metrics.json'))).toEqual([
      {
        kind: 'metrics',
        source: 'system',
        at: Date.UTC(2025, 0, 15, 10, 30, 0),
        values: {
          'cpu.usage': 25.5,
          'cpu.cores': 4,
          'memory.used': 4294967296,
          'memory.total': 17179869184,
          'memory.percent': 25,
          'disk.used': 53687091200,
          'disk.total': 536870912000,
          'disk.percent': 10,
          'docker.containers_running': 5,
          'docker.containers_total': 8,
          'docker.images': 12,
        },
      },
    ]);
  });

  it('no control signal for ordinary documented frames', () => {
    const ctx = makeCtx();
    for (const name of ['in.container_status.json', 'in.container_log.json', 'in.container_error.json']) {
      expect(logs().control?.(fixture(name), ctx)).toBeUndefined();
    }
    for (const name of ['in.deployment_status.json', 'in.deployment_log.json', 'in.deployment_error.json']) {
      expect(deployment().control?.(fixture(name), ctx)).toBeUndefined();
    }
    expect(metrics().control?.(fixture('in.metrics.json'), ctx)).toBeUndefined();
  });
});

describe('mist factory, url and key', () => {
  it('is push-only: pushOnly and encode throws unsupported', () => {
    const adapter = logs();
    expect(adapter.pushOnly).toBe(true);
    expect(adapter.name).toBe('mist');
    let thrown: unknown;
    try {
      adapter.encode(undefined as never, makeCtx());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OpstreamError);
    expect((thrown as OpstreamError).code).toBe('unsupported');
  });

  it('declares no heartbeat (idle log streams are normal)', () => {
    expect(logs().heartbeat).toBeUndefined();
    expect(logs().ping).toBeUndefined();
  });

  it('throws invalid_command at factory time when the id is missing or unusable', () => {
    const cases: MistOptions[] = [
      { endpoint: 'container-logs' },
      { endpoint: 'container-logs', appId: '' },
      { endpoint: 'container-logs', appId: '  ' },
      { endpoint: 'container-logs', appId: Number.NaN },
      { endpoint: 'container-logs', deploymentId: 15 },
      { endpoint: 'deployment' },
      { endpoint: 'deployment', appId: 1 },
      { endpoint: 'bogus' as never },
    ];
    for (const options of cases) {
      expect(() => mist(options)).toThrow(OpstreamError);
      try {
        mist(options);
      } catch (error) {
        expect((error as OpstreamError).code).toBe('invalid_command');
      }
    }
    expect(() => mist(undefined as never)).toThrow(OpstreamError);
  });

  it('appends the documented path and id, as in the document example URLs', () => {
    expect(logs().url?.('wss://mist.example.com')).toBe('wss://mist.example.com/ws/container/logs?appId=1');
    expect(deployment().url?.('wss://mist.example.com/')).toBe(
      'wss://mist.example.com/ws/deployment/logs?deploymentId=15',
    );
    expect(metrics().url?.('wss://mist.example.com')).toBe('wss://mist.example.com/ws/metrics');
    expect(MIST_PATHS).toEqual({
      'container-logs': '/ws/container/logs',
      deployment: '/ws/deployment/logs',
      metrics: '/ws/metrics',
    });
  });

  it('keeps a path prefix and existing query, replaces a duplicate id, drops fragments', () => {
    expect(logs().url?.('ws://localhost:8080/mist')).toBe('ws://localhost:8080/mist/ws/container/logs?appId=1');
    expect(logs().url?.('ws://localhost:8080/mist/?x=1')).toBe(
      'ws://localhost:8080/mist/ws/container/logs?x=1&appId=1',
    );
    expect(logs().url?.('wss://mist.example.com/ws/container/logs?appId=9#frag')).toBe(
      'wss://mist.example.com/ws/container/logs?appId=1',
    );
    expect(metrics().url?.('ws://h/ws/metrics/?a=b')).toBe('ws://h/ws/metrics?a=b');
  });

  it('does not double an endpoint path the URL already ends with', () => {
    expect(logs().url?.('ws://localhost:8080/ws/container/logs')).toBe(
      'ws://localhost:8080/ws/container/logs?appId=1',
    );
    expect(metrics().url?.('ws://localhost:8080/ws/metrics')).toBe('ws://localhost:8080/ws/metrics');
  });

  it('URL-encodes the id and honours custom paths and id params', () => {
    const adapter = mist({ endpoint: 'container-logs', appId: 'a b&c=d/é' });
    expect(adapter.url?.('ws://h')).toBe('ws://h/ws/container/logs?appId=a%20b%26c%3Dd%2F%C3%A9');
    const custom = mist({
      endpoint: 'deployment',
      deploymentId: 7,
      paths: { deployment: 'api/deployments/logs/stream/' },
      idParams: { deployment: 'id' },
    });
    expect(custom.url?.('ws://h')).toBe('ws://h/api/deployments/logs/stream?id=7');
    expect(mist({ endpoint: 'metrics', paths: { metrics: '/api/ws/stats' } }).url?.('ws://h')).toBe(
      'ws://h/api/ws/stats',
    );
  });

  it('keys one socket per endpoint and id', () => {
    expect(logs().key).toBe('container-logs:1');
    expect(mist({ endpoint: 'container-logs', appId: '2' }).key).toBe('container-logs:2');
    expect(deployment().key).toBe('deployment:15');
    expect(metrics().key).toBe('metrics');
    expect(mistContainerLogStream(42)).toBe('container:42');
  });

  it('each call returns a fresh adapter (no shared state)', () => {
    const a = logs();
    const b = logs();
    expect(a).not.toBe(b);
    decode(a, fixture('in.container_status.json'));
    const [event] = decode(b, fixture('in.container_status.json'));
    expect(event).not.toHaveProperty('previous');
  });
});

describe('mist container logs', () => {
  it('keeps ANSI escapes and large lines untouched', () => {
    const ansi = '\u001b[31mERROR\u001b[0m \u001b[38;5;208morange\u001b[0m \u001b[38;2;1;2;3mrgb\u001b[0m';
    const [event] = decode(logs(), { type: 'log', data: { line: ansi } });
    expect(event).toMatchObject({ kind: 'log', line: ansi, at: NOW });
    const big = 'x'.repeat(1024 * 1024 - 1) + '\u001b[0m';
    const [large] = decode(logs(), JSON.parse(JSON.stringify({ type: 'log', data: { line: big } })));
    expect((large as { line: string }).line.length).toBe(big.length);
    expect((large as { line: string }).line).toBe(big);
  });

  it('reads stdout/stderr from data.stream (the server sends it) and ignores other values', () => {
    expect(decode(logs(), { type: 'log', data: { line: 'a', stream: 'stderr' } })[0]).toMatchObject({
      source: 'stderr',
    });
    expect(decode(logs(), { type: 'log', data: { line: 'a', stream: 'stdout' } })[0]).toMatchObject({
      source: 'stdout',
    });
    expect(decode(logs(), { type: 'log', data: { line: 'a', stream: 'tty' } })[0]).not.toHaveProperty('source');
  });

  it('keeps empty lines and accepts a bare string data', () => {
    expect(decode(logs(), { type: 'log', data: { line: '' } })[0]).toMatchObject({ kind: 'log', line: '' });
    expect(decode(logs(), { type: 'log', data: 'plain' })[0]).toMatchObject({ kind: 'log', line: 'plain' });
  });

  it('a log frame without any line is raw, not dropped', () => {
    const frame = { type: 'log', data: { line: { nested: true } } };
    expect(decode(logs(), frame)).toEqual([{ kind: 'raw', at: NOW, data: frame }]);
  });

  it('tracks the previous container state', () => {
    const adapter = logs();
    decode(adapter, fixture('in.container_status.json'));
    const [event] = decode(adapter, { type: 'status', data: { container: 'mist-app-1', state: 'exited' } });
    expect(event).toMatchObject({ kind: 'resource', status: 'exited', previous: 'running' });
  });

  it('status without container name falls back to the app id; wrong types are skipped', () => {
    const [event] = decode(logs(), { type: 'status', data: { container: 5.5, state: ['x'] } });
    expect(event).toMatchObject({ kind: 'resource', id: '5.5', change: 'status' });
    expect(event).not.toHaveProperty('status');
    const [noName] = decode(logs(), { type: 'status', data: { state: 'running' } });
    expect(noName).toMatchObject({ id: 'app:1', status: 'running' });
  });

  it('classifies documented error scenarios', () => {
    const code = (message: string) => (decode(logs(), { type: 'error', data: { message } })[0] as { code: string }).code;
    expect(code('Permission denied')).toBe('permission_denied');
    expect(code('Container is not running (state: exited)')).toBe('container_not_running');
    expect(code('Application not found')).toBe('not_found');
    expect(code('failed to read log header: EOF')).toBe('server_error');
    expect(decode(logs(), { type: 'error', data: { message: 'x', code: 'E42' } })[0]).toMatchObject({ code: 'E42' });
  });

  it('an error without a message still reports an error', () => {
    expect(decode(logs(), { type: 'error' })).toEqual([
      { kind: 'error', code: 'server_error', message: 'Mist reported an error', at: NOW },
    ]);
  });

  it('end without data still ends; unknown types and untyped objects are raw', () => {
    expect(logs().control?.({ type: 'end' }, makeCtx())).toEqual({ type: 'end' });
    expect(logs().control?.({ type: 'END', data: { message: 'bye' } }, makeCtx())).toEqual({
      type: 'end',
      reason: 'bye',
    });
    const unknown = { type: 'heartbeat', timestamp: 1736937000 };
    expect(decode(logs(), unknown)).toEqual([{ kind: 'raw', at: 1736937000_000, data: unknown }]);
    const sample = fixture('in.metrics.json');
    expect(decode(logs(), sample)).toEqual([{ kind: 'raw', at: NOW, data: sample }]);
    expect(decode(logs(), { type: 3, data: {} })[0]).toMatchObject({ kind: 'raw' });
  });

  it('ignores extra fields', () => {
    const [event] = decode(logs(), { type: 'log', extra: { a: 1 }, data: { line: 'hi', color: true, seq: 4 } });
    expect(event).toEqual({ kind: 'log', stream: 'container:1', line: 'hi', at: NOW });
  });
});

describe('mist timestamps', () => {
  const at = (timestamp: unknown) =>
    decode(logs(), { type: 'log', timestamp, data: { line: 'x' } })[0]?.at;

  it('reads ISO with and without fractions and offsets', () => {
    expect(at('2025-01-15T10:30:00Z')).toBe(Date.UTC(2025, 0, 15, 10, 30, 0));
    expect(at('2025-01-15T10:30:00.250Z')).toBe(Date.UTC(2025, 0, 15, 10, 30, 0, 250));
    expect(at('2025-01-15T16:00:00+05:30')).toBe(Date.UTC(2025, 0, 15, 10, 30, 0));
    // Go's time.Time marshals with nanoseconds and a local offset.
    expect(at('2025-01-15T12:30:00.123456789+02:00')).toBe(Date.UTC(2025, 0, 15, 10, 30, 0, 123));
  });

  it('reads epoch seconds, epoch ms and numeric strings', () => {
    const ms = Date.UTC(2025, 0, 15, 10, 30, 0);
    expect(at(ms / 1000)).toBe(ms);
    expect(at(ms)).toBe(ms);
    expect(at(String(ms / 1000))).toBe(ms);
    expect(at(String(ms))).toBe(ms);
  });

  it('falls back to the arrival time for missing or unreadable timestamps', () => {
    expect(at(undefined)).toBe(NOW);
    expect(at('yesterday-ish')).toBe(NOW);
    expect(at({ t: 1 })).toBe(NOW);
    expect(at(Number.NaN)).toBe(NOW);
  });

  it('uses data.timestamp when the envelope has none (deployment log updates carry one)', () => {
    const [event] = decode(deployment(), { type: 'log', data: { line: 'x', timestamp: '2025-01-15T10:30:16Z' } });
    expect(event?.at).toBe(utc('2025-01-15T10:30:16Z'));
  });
});

describe('mist deployment', () => {
  const status = (data: Record<string, unknown>) => ({ type: 'status', timestamp: '2025-01-15T10:30:15Z', data });

  it('maps every documented status of the status flow', () => {
    expect(mistDeploymentStatus('pending')).toBe('pending');
    expect(mistDeploymentStatus('building')).toBe('running');
    expect(mistDeploymentStatus('deploying')).toBe('running');
    expect(mistDeploymentStatus('success')).toBe('succeeded');
    expect(mistDeploymentStatus('failed')).toBe('failed');
    expect(mistDeploymentStatus('cancelled')).toBe('cancelled');
    expect(mistDeploymentStatus('SUCCESS')).toBe('succeeded');
    expect(mistDeploymentStatus('warming_up')).toBe('running');
  });

  it('walks the documented stages: step on each new stage, progress otherwise, complete once', () => {
    const adapter = deployment();
    const frames = [
      status({ status: 'pending', stage: '', progress: 0, message: 'Deployment queued' }),
      status({ status: 'building', stage: 'cloning_repo', progress: 10, message: 'Cloning Git repository' }),
      status({ status: 'building', stage: 'building_image', progress: 25 }),
      status({ status: 'building', stage: 'building_image', progress: 60 }),
      status({ status: 'deploying', stage: 'stopping_old', progress: 75 }),
      status({ status: 'deploying', stage: 'starting_new', progress: 90 }),
      status({ status: 'success', stage: 'completed', progress: 100, message: 'Deployment finished' }),
      status({ status: 'success', stage: 'completed', progress: 100 }),
    ];
    const events = frames.flatMap((f) => decode(adapter, f));
    expect(events.map((e) => (e.kind === 'operation' ? [e.phase, e.status, e.step?.id, e.progress] : e.kind))).toEqual([
      ['progress', 'pending', undefined, 0],
      ['step', 'running', 'cloning_repo', 10],
      ['step', 'running', 'building_image', 25],
      ['progress', 'running', 'building_image', 60],
      ['step', 'running', 'stopping_old', 75],
      ['step', 'running', 'starting_new', 90],
      ['complete', 'succeeded', 'completed', 100],
      ['progress', 'succeeded', 'completed', 100],
    ]);
    expect(events[6]).toMatchObject({
      operationId: '15',
      operationType: 'deployment',
      message: 'Deployment finished',
      step: { id: 'completed', status: 'succeeded', description: 'Deployment finished' },
    });
    expect(events[0]).toMatchObject({ message: 'Deployment queued' });
  });

  it('a failed deployment completes with its error_message', () => {
    const [event] = decode(
      deployment(),
      status({ status: 'failed', stage: 'building_image', progress: 50, error_message: 'exit code 1' }),
    );
    expect(event).toMatchObject({
      phase: 'complete',
      status: 'failed',
      step: { id: 'building_image', status: 'failed' },
      error: { code: 'deployment_failed', message: 'exit code 1' },
    });
  });

  it('the final status ends the stream (the server closes a second later)', () => {
    const adapter = deployment();
    expect(adapter.control?.(status({ status: 'success', progress: 100 }), makeCtx())).toEqual({
      type: 'end',
      reason: 'deployment succeeded',
    });
    expect(adapter.control?.(status({ status: 'failed' }), makeCtx())).toEqual({
      type: 'end',
      reason: 'deployment failed',
    });
    expect(adapter.control?.(status({ status: 'deploying' }), makeCtx())).toBeUndefined();
    expect(adapter.control?.(status({ status: 7 }), makeCtx())).toBeUndefined();
    // decode still reports the completion for the same frame
    expect(decode(adapter, status({ status: 'success' }))[0]).toMatchObject({ phase: 'complete' });
  });

  it('clamps progress, reads numeric strings, skips wrong types', () => {
    const read = (progress: unknown) =>
      (decode(deployment(), status({ status: 'building', progress }))[0] as { progress?: number }).progress;
    expect(read(150)).toBe(100);
    expect(read(-5)).toBe(0);
    expect(read('42.5')).toBe(42.5);
    expect(read('lots')).toBeUndefined();
    expect(read(null)).toBeUndefined();
  });

  it('missing optional fields: status only, progress only', () => {
    expect(decode(deployment(), { type: 'status', data: { status: 'deploying' } })).toEqual([
      { kind: 'operation', operationId: '15', operationType: 'deployment', phase: 'progress', at: NOW, status: 'running' },
    ]);
    expect(decode(deployment(), { type: 'progress', data: { progress: 30 } })).toEqual([
      { kind: 'operation', operationId: '15', operationType: 'deployment', phase: 'progress', at: NOW, progress: 30 },
    ]);
  });

  it('status frames carrying nothing usable, and unknown types, are raw', () => {
    const empty = { type: 'status', data: { status: { nested: 1 }, stage: [] } };
    expect(decode(deployment(), empty)).toEqual([{ kind: 'raw', at: NOW, data: empty }]);
    const noData = { type: 'status', data: 'building' };
    expect(decode(deployment(), noData)).toEqual([{ kind: 'raw', at: NOW, data: noData }]);
    const unknown = { type: 'rollback', data: {} };
    expect(decode(deployment(), unknown)).toEqual([{ kind: 'raw', at: NOW, data: unknown }]);
    expect(decode(deployment(), fixture('in.metrics.json'))[0]).toMatchObject({ kind: 'raw' });
  });

  it('uses the configured deployment id even when the frame names another', () => {
    const [event] = decode(deployment(), status({ deployment_id: 99, status: 'building' }));
    expect(event).toMatchObject({ operationId: '15' });
  });
});

describe('mist metrics', () => {
  it('reads the server drift: epoch-seconds timestamp, top-level numbers, disk arrays, numeric strings', () => {
    const frame = {
      timestamp: 1736937000,
      cpuUsage: 12.5,
      memory: { total: 100, used: '40' },
      disk: [{ name: '/dev/sda1', totalSpace: 500, usedSpace: 100 }],
      loadAverage: { oneMinute: 0.5 },
      cpuTemperature: 0,
      hostname: 'box',
    };
    expect(decode(metrics(), frame)).toEqual([
      {
        kind: 'metrics',
        source: 'system',
        at: 1736937000_000,
        values: {
          cpuUsage: 12.5,
          'memory.total': 100,
          'memory.used': 40,
          'disk.0.totalSpace': 500,
          'disk.0.usedSpace': 100,
          'loadAverage.oneMinute': 0.5,
          cpuTemperature: 0,
        },
      },
    ]);
  });

  it('no timestamp -> arrival time; ms and ISO with offset', () => {
    expect(decode(metrics(), { cpu: { usage: 1 } })[0]).toMatchObject({ at: NOW, values: { 'cpu.usage': 1 } });
    expect(decode(metrics(), { timestamp: 1736937000123, cpu: 1 })[0]?.at).toBe(1736937000123);
    expect(decode(metrics(), { timestamp: '2025-01-15T11:30:00.5+01:00', cpu: 1 })[0]?.at).toBe(
      Date.UTC(2025, 0, 15, 10, 30, 0, 500),
    );
  });

  it('skips non-finite and non-numeric leaves', () => {
    const [event] = decode(metrics(), { a: 'n/a', b: true, c: null, d: { e: 3 } });
    expect(event).toEqual({ kind: 'metrics', source: 'system', at: NOW, values: { 'd.e': 3 } });
  });

  it('a sample without numbers, typed frames and non-objects are raw', () => {
    for (const frame of [{ timestamp: 1736937000 }, {}, { type: 'hello', cpu: 1 }, [1, 2], 42, 'text', null]) {
      const events = decode(metrics(), frame);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ kind: 'raw', data: frame });
    }
  });

  it('tolerates an enveloped sample and error frames', () => {
    expect(decode(metrics(), { type: 'metrics', timestamp: 1736937000, data: { cpu: 3 } })).toEqual([
      { kind: 'metrics', source: 'system', at: 1736937000_000, values: { cpu: 3 } },
    ]);
    expect(decode(metrics(), { type: 'error', data: { message: 'Permission denied' } })).toEqual([
      { kind: 'error', code: 'permission_denied', message: 'Permission denied', at: NOW },
    ]);
  });
});

describe('mist robustness', () => {
  it('never throws on hostile frames', () => {
    const hostile = {
      get type(): string {
        throw new Error('boom');
      },
    };
    const nested: Record<string, unknown> = {};
    let cur = nested;
    for (let i = 0; i < 10_000; i++) {
      const next: Record<string, unknown> = {};
      cur.x = next;
      cur = next;
    }
    for (const adapter of [logs(), deployment(), metrics()]) {
      for (const frame of [hostile, nested, { type: 'status', data: nested }, undefined, Symbol('s')]) {
        expect(() => decode(adapter, frame)).not.toThrow();
        expect(() => adapter.control?.(frame, makeCtx())).not.toThrow();
        expect(decode(adapter, frame).length).toBeGreaterThan(0);
      }
    }
  });
});
