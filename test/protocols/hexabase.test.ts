import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpstreamError } from '../../src/core/errors';
import type { OpstreamEvent } from '../../src/core/events';
import {
  HEXABASE_MAX_MESSAGE_BYTES,
  HEXABASE_MAX_SUBSCRIPTIONS,
  HEXABASE_URLS,
  hexabase,
  hexabaseLogStream,
} from '../../src/protocols/hexabase';
import type { HexabaseCommand } from '../../src/protocols/hexabase';
import type { ProtocolContext } from '../../src/protocols/types';
import { assertValidEvents } from '../support/validateEvent';

const FIXTURES = join(import.meta.dirname, '../fixtures/hexabase');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Record<string, unknown>;

const NOW = 1_700_000_000_000;
// 2024-01-20T10:00:00Z, the document's timestamp everywhere.
const DOC_AT = 1_705_744_800_000;
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.secret-token-value.sig';

const makeCtx = (): ProtocolContext => {
  let n = 0;
  return { now: () => NOW, nextId: () => `id-${++n}` };
};

const setup = () => {
  const adapter = hexabase({ token: TOKEN });
  const ctx = makeCtx();
  const decode = (message: unknown): OpstreamEvent[] => {
    const events = adapter.decode(message, ctx);
    assertValidEvents(events);
    return events;
  };
  const control = (message: unknown) => adapter.control?.(message, ctx);
  return { adapter, ctx, decode, control };
};

describe('hexabase: adapter shape', () => {
  it('authenticates with the documented auth frame, awaits the result, redacts the token', () => {
    const { adapter, ctx } = setup();
    const hs = adapter.handshake?.(ctx);
    expect(hs).toEqual({ frames: [expect.any(String)], awaitAuth: true, timeoutMs: 10_000 });
    expect(JSON.parse(hs?.frames[0] ?? '')).toEqual({ ...fixture('out.auth'), token: TOKEN });
    expect(adapter.secrets).toEqual([TOKEN]);
    expect(adapter.name).toBe('hexabase');
    expect(adapter.key).not.toContain(TOKEN);
    expect(adapter.key).not.toBe(hexabase({ token: 'other-token' }).key);
  });

  it('reproduces the document auth frame byte for byte', () => {
    const adapter = hexabase({ token: 'your-jwt-token' });
    const hs = adapter.handshake?.(makeCtx());
    expect(JSON.parse(hs?.frames[0] ?? '')).toEqual(fixture('out.auth'));
  });

  it('honours authTimeoutMs', () => {
    expect(hexabase({ token: TOKEN, authTimeoutMs: 2500 }).handshake?.(makeCtx())?.timeoutMs).toBe(2500);
  });

  it('has no client ping: the server pings every 30 s', () => {
    const { adapter } = setup();
    expect(adapter.ping).toBeUndefined();
    expect(adapter.heartbeat).toEqual({ intervalMs: 30_000, timeoutMs: 15_000 });
  });

  it('exports the document limits', () => {
    expect(HEXABASE_MAX_MESSAGE_BYTES).toBe(1_000_000);
    expect(HEXABASE_MAX_SUBSCRIPTIONS).toBe(100);
    expect(setup().adapter.subscriptions?.max).toBe(100);
    expect(setup().adapter.subscriptions?.awaitsReply).toBe(true);
    expect(HEXABASE_URLS.production).toBe('wss://api.hexabase.ai/ws');
  });

  it('refuses to build without a token', () => {
    expect(() => hexabase({ token: '' })).toThrow(OpstreamError);
    expect(() => hexabase(undefined as never)).toThrow(OpstreamError);
  });

  it('returns a fresh adapter per call', () => {
    expect(hexabase({ token: TOKEN })).not.toBe(hexabase({ token: TOKEN }));
  });
});

describe('hexabase: outgoing document examples', () => {
  const encodeWith = (command: HexabaseCommand, ids: string[]): unknown => {
    const { adapter } = setup();
    const ctx: ProtocolContext = { now: () => NOW, nextId: () => ids.shift() ?? 'exhausted' };
    return JSON.parse(adapter.encode(command, ctx));
  };

  it('get_workspace_status', () => {
    expect(encodeWith({ type: 'get_workspace_status', workspace_id: 'ws-123' }, ['cmd-123'])).toEqual(
      fixture('out.get_workspace_status'),
    );
  });

  it('get_workspace_status through encodeRequest uses the given id', () => {
    const { adapter, ctx } = setup();
    const frame = adapter.encodeRequest?.({ type: 'get_workspace_status', workspace_id: 'ws-123' }, 'cmd-123', ctx);
    expect(JSON.parse(frame ?? '')).toEqual(fixture('out.get_workspace_status'));
  });

  it('stream_logs with every field', () => {
    const command: HexabaseCommand = {
      type: 'stream_logs',
      workspace_id: 'ws-123',
      namespace: 'frontend',
      pod: 'api-server-abc123',
      container: 'api',
      follow: true,
      tail_lines: 100,
    };
    expect(encodeWith(command, ['cmd-124'])).toEqual(fixture('out.stream_logs'));
  });

  it('stream_logs fills the documented defaults (follow true, tail_lines 100)', () => {
    const command: HexabaseCommand = {
      type: 'stream_logs',
      workspace_id: 'ws-123',
      namespace: 'frontend',
      pod: 'api-server-abc123',
      container: 'api',
    };
    expect(encodeWith(command, ['cmd-124'])).toEqual(fixture('out.stream_logs'));
  });

  it('stream_logs with a caller-chosen id (the stream id)', () => {
    const command: HexabaseCommand = {
      type: 'stream_logs',
      id: 'cmd-124',
      workspace_id: 'ws-123',
      namespace: 'frontend',
      pod: 'api-server-abc123',
      container: 'api',
    };
    expect(encodeWith(command, [])).toEqual(fixture('out.stream_logs'));
    expect(hexabaseLogStream('cmd-124')).toBe('logs:cmd-124');
  });

  it('stop_stream', () => {
    expect(encodeWith({ type: 'stop_stream', stream_id: 'cmd-124' }, ['cmd-125'])).toEqual(fixture('out.stop_stream'));
  });

  it('subscribe to workspace, organization and project events (topic "<resource>:<id>")', () => {
    const subs = setup().adapter.subscriptions;
    const cases: [string, string[], string, string][] = [
      ['workspace:ws-123', ['status_changed', 'resource_updated', 'alert_triggered'], 'sub-123', 'out.subscribe_workspace'],
      ['organization:org-123', ['member_added', 'member_removed', 'billing_updated'], 'sub-124', 'out.subscribe_organization'],
      ['project:proj-123', ['created', 'updated', 'deleted', 'resource_quota_exceeded'], 'sub-125', 'out.subscribe_project'],
    ];
    for (const [topic, events, id, name] of cases) {
      expect(JSON.parse(subs?.subscribe(topic, { events }, id) ?? '')).toEqual(fixture(name));
    }
  });

  it('subscribe also accepts the id in params and events as an array', () => {
    const subs = setup().adapter.subscriptions;
    const events = ['status_changed', 'resource_updated', 'alert_triggered'];
    expect(JSON.parse(subs?.subscribe('workspace', { workspace_id: 'ws-123', events }, 'sub-123') ?? '')).toEqual(
      fixture('out.subscribe_workspace'),
    );
    expect(JSON.parse(subs?.subscribe('workspace:ws-123', events, 'sub-123') ?? '')).toEqual(
      fixture('out.subscribe_workspace'),
    );
  });

  it('subscribe without events omits them (all events of the resource)', () => {
    const subs = setup().adapter.subscriptions;
    expect(JSON.parse(subs?.subscribe('workspace:ws-9', undefined, 's1') ?? '')).toEqual({
      type: 'subscribe',
      id: 's1',
      data: { resource: 'workspace', workspace_id: 'ws-9' },
    });
  });

  it('subscribe refuses an empty topic and non-string events', () => {
    const subs = setup().adapter.subscriptions;
    expect(() => subs?.subscribe('', undefined, 's1')).toThrow(OpstreamError);
    expect(() => subs?.subscribe('workspace:ws-1', { events: [1] }, 's1')).toThrow(OpstreamError);
  });

  it('unsubscribe uses the server subscription id read from subscribe_result', () => {
    const { adapter, control } = setup();
    const subs = adapter.subscriptions;
    const reply = control(fixture('in.subscribe_result'));
    expect(reply).toEqual({ type: 'reply', id: 'sub-123', ok: true, data: { subscription_id: 'subscription-uuid' } });
    const ref = reply?.type === 'reply' && reply.ok ? subs?.ref?.(reply.data) : undefined;
    expect(ref).toBe('subscription-uuid');
    expect(JSON.parse(subs?.unsubscribe('workspace:ws-123', undefined, ref, 'unsub-123') ?? '')).toEqual(
      fixture('out.unsubscribe'),
    );
    expect(subs?.unsubscribe('workspace:ws-123', undefined, undefined, 'unsub-1')).toBeUndefined();
  });

  it('ref reads drifted replies (id inside data, camelCase)', () => {
    const ref = setup().adapter.subscriptions?.ref;
    expect(ref?.({ subscriptionId: 'a' })).toBe('a');
    expect(ref?.({ data: { subscription_id: 'b' } })).toBe('b');
    expect(ref?.('nope')).toBeUndefined();
  });

  it('pong answer to the server ping is the documented frame', () => {
    const signal = setup().control(fixture('in.ping'));
    expect(signal).toEqual({ type: 'answer', frame: '{"type":"pong"}' });
    expect(signal?.type === 'answer' ? JSON.parse(signal.frame) : undefined).toEqual(fixture('out.pong'));
  });

  it('every command follows the documented client envelope {type, id, data}', () => {
    const generic = fixture('out.message_format');
    const { adapter, ctx } = setup();
    const frames = [
      adapter.encode({ type: 'get_workspace_status', workspace_id: 'w' }, ctx),
      adapter.encode({ type: 'stop_stream', stream_id: 's' }, ctx),
      adapter.encode({ type: 'stream_logs', workspace_id: 'w', namespace: 'n', pod: 'p' }, ctx),
    ];
    const ids = frames.map((f) => {
      const parsed = JSON.parse(f) as Record<string, unknown>;
      expect(Object.keys(parsed).sort()).toEqual(Object.keys(generic).sort());
      return parsed.id;
    });
    expect(ids).toEqual(['id-1', 'id-2', 'id-3']);
  });
});

describe('hexabase: command validation', () => {
  const { adapter, ctx } = setup();
  const bad: [string, unknown][] = [
    ['missing workspace_id', { type: 'get_workspace_status' }],
    ['empty workspace_id', { type: 'get_workspace_status', workspace_id: '' }],
    ['numeric workspace_id', { type: 'get_workspace_status', workspace_id: 12 }],
    ['stream_logs without pod', { type: 'stream_logs', workspace_id: 'w', namespace: 'n' }],
    ['stream_logs without namespace', { type: 'stream_logs', workspace_id: 'w', pod: 'p' }],
    ['stream_logs bad follow', { type: 'stream_logs', workspace_id: 'w', namespace: 'n', pod: 'p', follow: 'yes' }],
    ['stream_logs negative tail', { type: 'stream_logs', workspace_id: 'w', namespace: 'n', pod: 'p', tail_lines: -1 }],
    ['stream_logs fractional tail', { type: 'stream_logs', workspace_id: 'w', namespace: 'n', pod: 'p', tail_lines: 1.5 }],
    ['stop_stream without stream_id', { type: 'stop_stream' }],
    ['unknown type', { type: 'reboot' }],
    ['not an object', 'get_workspace_status'],
    ['null', null],
  ];
  for (const [label, command] of bad) {
    it(`rejects ${label} with invalid_command`, () => {
      let error: unknown;
      try {
        adapter.encode(command as HexabaseCommand, ctx);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OpstreamError);
      expect((error as OpstreamError).code).toBe('invalid_command');
    });
  }

  it('declares the 1 MB message limit for the connection to enforce both ways', () => {
    expect(adapter.maxMessageBytes).toBe(1_000_000);
  });

  it('refuses to request commands the server never answers', () => {
    const request = () =>
      adapter.encodeRequest?.({ type: 'stream_logs', workspace_id: 'w', namespace: 'n', pod: 'p' }, 'r1', ctx);
    expect(request).toThrow(OpstreamError);
    try {
      request();
    } catch (e) {
      expect((e as OpstreamError).code).toBe('unsupported');
    }
  });
});

describe('hexabase: control signals', () => {
  it('auth_result success', () => {
    expect(setup().control(fixture('in.auth_result'))).toEqual({ type: 'auth', ok: true });
  });

  it('auth_result failure carries the server text under INVALID_TOKEN', () => {
    expect(setup().control(fixture('in.auth_result_failed'))).toEqual({
      type: 'auth',
      ok: false,
      error: { code: 'INVALID_TOKEN', message: 'Invalid token' },
    });
  });

  it('auth_result failure with a structured error keeps its code', () => {
    expect(
      setup().control({ type: 'auth_result', success: false, error: { code: 'TOKEN_EXPIRED', message: 'expired' } }),
    ).toEqual({ type: 'auth', ok: false, error: { code: 'TOKEN_EXPIRED', message: 'expired' } });
  });

  it('never echoes the token in an auth failure', () => {
    const signal = setup().control({ type: 'auth_result', success: false, error: `bad token ${TOKEN}` });
    expect(JSON.stringify(signal)).not.toContain(TOKEN);
    expect(signal).toEqual({ type: 'auth', ok: false, error: { code: 'INVALID_TOKEN', message: 'bad token [redacted]' } });
  });

  it('auth_result drift: "false" string fails, missing flag without error succeeds', () => {
    const { control } = setup();
    expect(control({ type: 'auth_result', success: 'false' })).toMatchObject({ type: 'auth', ok: false });
    expect(control({ type: 'auth_result', user_id: 'u' })).toEqual({ type: 'auth', ok: true });
    expect(control({ type: 'auth_result', error: 'nope' })).toMatchObject({ type: 'auth', ok: false });
  });

  it('workspace_status answers the get_workspace_status request by id', () => {
    const doc = fixture('in.workspace_status');
    expect(setup().control(doc)).toEqual({ type: 'reply', id: 'cmd-123', ok: true, data: doc.data });
  });

  it('subscribe_result failure is a failed reply', () => {
    expect(setup().control({ type: 'subscribe_result', id: 'sub-9', success: false, error: 'no access' })).toEqual({
      type: 'reply',
      id: 'sub-9',
      ok: false,
      error: { code: 'SUBSCRIPTION_FAILED', message: 'no access' },
    });
  });

  it('error frames with an id fail the matching request', () => {
    expect(setup().control(fixture('in.error'))).toEqual({
      type: 'reply',
      id: 'message-id-if-applicable',
      ok: false,
      error: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', message: 'Maximum number of subscriptions (100) exceeded' },
    });
  });

  it('AUTH_REQUIRED and INVALID_TOKEN without an id are fatal', () => {
    const { control } = setup();
    for (const code of ['AUTH_REQUIRED', 'INVALID_TOKEN']) {
      expect(control({ type: 'error', error: { code, message: 'm' } })).toEqual({
        type: 'fatal',
        error: { code, message: 'm' },
      });
    }
    expect(control({ type: 'error', error: { code: 'RATE_LIMIT_EXCEEDED', message: 'm' } })).toBeUndefined();
  });

  it('ordinary events are not control frames, even with an id', () => {
    const { control } = setup();
    expect(control(fixture('in.workspace.status_changed'))).toBeUndefined();
    expect(control({ ...fixture('in.log_entry'), id: 'cmd-124' })).toBeUndefined();
    expect(control({ type: 'workspace_status', data: {} })).toBeUndefined();
    expect(control(null)).toBeUndefined();
    expect(control('ping')).toBeUndefined();
  });

  it('a server pong is a pong', () => {
    expect(setup().control({ type: 'pong' })).toEqual({ type: 'pong' });
  });
});

describe('hexabase: incoming document examples', () => {
  it('control-only frames decode to nothing', () => {
    const { decode, control } = setup();
    for (const name of ['in.auth_result', 'in.auth_result_failed', 'in.ping', 'in.subscribe_result']) {
      expect(decode(fixture(name))).toEqual([]);
      expect(control(fixture(name))).toBeDefined();
    }
  });

  it('the generic envelope of an unknown type is raw', () => {
    const doc = fixture('in.message_format');
    expect(setup().decode(doc)).toEqual([{ kind: 'raw', at: DOC_AT, data: doc }]);
  });

  it('workspace.status_changed', () => {
    const doc = fixture('in.workspace.status_changed');
    expect(setup().decode(doc)).toEqual([
      {
        kind: 'resource',
        resource: 'workspace',
        id: 'ws-123',
        change: 'status_changed',
        status: 'active',
        previous: 'provisioning',
        at: DOC_AT,
        data: doc.data,
      },
    ]);
  });

  it('workspace.resource_updated: resource event plus metrics in base units', () => {
    const doc = fixture('in.workspace.resource_updated');
    expect(setup().decode(doc)).toEqual([
      { kind: 'resource', resource: 'workspace', id: 'ws-123', change: 'resource_updated', at: DOC_AT, data: doc.data },
      {
        kind: 'metrics',
        source: 'workspace:ws-123',
        at: DOC_AT,
        values: {
          'cpu.used': 3.2,
          'cpu.limit': 10,
          'cpu.percentage': 32,
          // 12288 Mi and 32768 Mi in bytes.
          'memory.used': 12288 * 1024 * 1024,
          'memory.limit': 32768 * 1024 * 1024,
          'memory.percentage': 37.5,
        },
      },
    ]);
  });

  it('workspace.alert_triggered', () => {
    const doc = fixture('in.workspace.alert_triggered');
    expect(setup().decode(doc)).toEqual([
      { kind: 'alert', id: 'alert-123', severity: 'warning', title: 'High Memory Usage', at: DOC_AT, data: doc.data },
    ]);
  });

  it('provisioning.progress', () => {
    expect(setup().decode(fixture('in.provisioning.progress'))).toEqual([
      {
        kind: 'operation',
        operationId: 'task-123',
        operationType: 'provisioning',
        phase: 'progress',
        status: 'running',
        progress: 45,
        step: { id: 'creating_vcluster' },
        message: 'Creating vCluster instance...',
        at: DOC_AT,
      },
    ]);
  });

  it('provisioning.completed', () => {
    const doc = fixture('in.provisioning.completed');
    expect(setup().decode(doc)).toEqual([
      {
        kind: 'operation',
        operationId: 'task-123',
        operationType: 'provisioning',
        phase: 'complete',
        status: 'succeeded',
        progress: 100,
        url: 'https://ws-123.api.hexabase.ai',
        result: doc.data,
        at: DOC_AT,
      },
    ]);
  });

  it('provisioning.failed', () => {
    const doc = fixture('in.provisioning.failed');
    expect(setup().decode(doc)).toEqual([
      {
        kind: 'operation',
        operationId: 'task-123',
        operationType: 'provisioning',
        phase: 'complete',
        status: 'failed',
        step: { id: 'resource_allocation' },
        message: 'Failed to allocate resources',
        error: { code: 'PROVISIONING_FAILED', message: 'Failed to allocate resources' },
        result: doc.data,
        at: DOC_AT,
      },
    ]);
  });

  it('project.created', () => {
    const doc = fixture('in.project.created');
    expect(setup().decode(doc)).toEqual([
      { kind: 'resource', resource: 'project', id: 'proj-123', change: 'created', at: DOC_AT, data: doc.data },
    ]);
  });

  it('project.resource_quota_exceeded', () => {
    const doc = fixture('in.project.resource_quota_exceeded');
    expect(setup().decode(doc)).toEqual([
      {
        kind: 'resource',
        resource: 'project',
        id: 'proj-123',
        change: 'resource_quota_exceeded',
        at: DOC_AT,
        data: doc.data,
      },
    ]);
  });

  it('organization.member_added', () => {
    const doc = fixture('in.organization.member_added');
    expect(setup().decode(doc)).toEqual([
      { kind: 'resource', resource: 'organization', id: 'org-123', change: 'member_added', at: DOC_AT, data: doc.data },
    ]);
  });

  it('organization.billing_updated: the plan change is the status change', () => {
    const doc = fixture('in.organization.billing_updated');
    expect(setup().decode(doc)).toEqual([
      {
        kind: 'resource',
        resource: 'organization',
        id: 'org-123',
        change: 'billing_updated',
        status: 'pro',
        previous: 'standard',
        at: DOC_AT,
        data: doc.data,
      },
    ]);
  });

  it('monitoring.metrics_update: numbers and rates in base units', () => {
    expect(setup().decode(fixture('in.monitoring.metrics_update'))).toEqual([
      {
        kind: 'metrics',
        source: 'workspace:ws-123',
        at: DOC_AT,
        values: {
          'cpu.instant': 2.5,
          'cpu.average_5m': 2.3,
          'cpu.average_1h': 2.1,
          'memory.instant': 8192,
          'memory.average_5m': 8000,
          'memory.average_1h': 7800,
          'network.ingress_rate': 1_200_000,
          'network.egress_rate': 800_000,
        },
      },
    ]);
  });

  it('monitoring.health_changed', () => {
    const doc = fixture('in.monitoring.health_changed');
    expect(setup().decode(doc)).toEqual([
      {
        kind: 'resource',
        resource: 'component',
        id: 'ws-123/api_server',
        change: 'health_changed',
        status: 'unhealthy',
        previous: 'healthy',
        at: DOC_AT,
        data: doc.data,
      },
    ]);
  });

  it('workspace_status reply also updates the workspace resource', () => {
    const doc = fixture('in.workspace_status');
    expect(setup().decode(doc)).toEqual([
      { kind: 'resource', resource: 'workspace', id: 'ws-123', change: 'status', status: 'active', at: DOC_AT, data: doc.data },
    ]);
  });

  it('log_entry', () => {
    expect(setup().decode(fixture('in.log_entry'))).toEqual([
      { kind: 'log', stream: 'logs:cmd-124', line: 'Request processed successfully', level: 'info', at: DOC_AT },
    ]);
  });

  it('error', () => {
    expect(setup().decode(fixture('in.error'))).toEqual([
      {
        kind: 'error',
        code: 'SUBSCRIPTION_LIMIT_EXCEEDED',
        message: 'Maximum number of subscriptions (100) exceeded',
        at: DOC_AT,
      },
    ]);
  });

  it('every documented error code becomes an error event', () => {
    const { decode } = setup();
    const codes = [
      'AUTH_REQUIRED',
      'INVALID_TOKEN',
      'PERMISSION_DENIED',
      'RESOURCE_NOT_FOUND',
      'SUBSCRIPTION_LIMIT_EXCEEDED',
      'INVALID_MESSAGE_FORMAT',
      'RATE_LIMIT_EXCEEDED',
      'MESSAGE_TOO_LARGE',
    ];
    for (const code of codes) {
      expect(decode({ type: 'error', timestamp: 1_705_744_800, error: { code, message: `m ${code}` } })).toEqual([
        { kind: 'error', code, message: `m ${code}`, at: DOC_AT },
      ]);
    }
  });

  it('has a test for every fixture', () => {
    // Guards against a document example being added without an expectation here.
    const names = readdirSync(FIXTURES).sort();
    expect(names).toHaveLength(30);
    expect(names.filter((n) => n.startsWith('in.'))).toHaveLength(20);
  });
});

describe('hexabase: drift', () => {
  const status = (timestamp: unknown) => ({
    type: 'workspace.status_changed',
    timestamp,
    data: { workspace_id: 'ws-1', new_status: 'active' },
  });
  const atOf = (events: OpstreamEvent[]) => events[0]?.at;

  it('timestamps: ISO with fractions and offsets, epoch s and ms, numeric strings', () => {
    const { decode } = setup();
    expect(atOf(decode(status('2024-01-20T10:00:00Z')))).toBe(DOC_AT);
    expect(atOf(decode(status('2024-01-20T10:00:00.250Z')))).toBe(DOC_AT + 250);
    expect(atOf(decode(status('2024-01-20T11:00:00+01:00')))).toBe(DOC_AT);
    expect(atOf(decode(status('2024-01-20T10:00:00.123456+00:00')))).toBe(DOC_AT + 123);
    expect(atOf(decode(status(1_705_744_800)))).toBe(DOC_AT);
    expect(atOf(decode(status(1_705_744_800.5)))).toBe(DOC_AT + 500);
    expect(atOf(decode(status(DOC_AT)))).toBe(DOC_AT);
    expect(atOf(decode(status('1705744800')))).toBe(DOC_AT);
    expect(atOf(decode(status(String(DOC_AT))))).toBe(DOC_AT);
  });

  it('missing or unreadable timestamps fall back to the arrival time', () => {
    const { decode } = setup();
    expect(atOf(decode(status(undefined)))).toBe(NOW);
    expect(atOf(decode(status('yesterday')))).toBe(NOW);
    expect(atOf(decode(status({ iso: 'x' })))).toBe(NOW);
  });

  it('log_entry prefers the line timestamp over the envelope one', () => {
    const { decode } = setup();
    const events = decode({
      type: 'log_entry',
      timestamp: '2024-01-20T10:00:05Z',
      data: { stream_id: 's', timestamp: '2024-01-20T10:00:00.5Z', message: 'x' },
    });
    expect(events[0]?.at).toBe(DOC_AT + 500);
  });

  it('missing optional fields', () => {
    const { decode } = setup();
    expect(decode({ type: 'workspace.status_changed', data: { workspace_id: 'ws-1' } })).toEqual([
      { kind: 'resource', resource: 'workspace', id: 'ws-1', change: 'status_changed', at: NOW, data: { workspace_id: 'ws-1' } },
    ]);
    expect(decode({ type: 'log_entry', data: { stream_id: 's' } })).toEqual([
      { kind: 'log', stream: 'logs:s', line: '', at: NOW },
    ]);
    expect(decode({ type: 'provisioning.progress', data: { task_id: 't' } })).toEqual([
      { kind: 'operation', operationId: 't', operationType: 'provisioning', phase: 'progress', status: 'running', at: NOW },
    ]);
    expect(decode({ type: 'workspace.alert_triggered', data: { workspace_id: 'ws-1', alert: { type: 'disk_full' } } })).toEqual([
      {
        kind: 'alert',
        id: 'ws-1:disk_full:1700000000000',
        severity: 'warning',
        title: 'disk_full',
        at: NOW,
        data: { workspace_id: 'ws-1', alert: { type: 'disk_full' } },
      },
    ]);
    expect(decode({ type: 'error' })).toEqual([
      { kind: 'error', code: 'UNKNOWN_ERROR', message: 'Hexabase server error', at: NOW },
    ]);
  });

  it('extra fields are kept in data and ignored otherwise', () => {
    const doc = fixture('in.workspace.status_changed');
    const data = { ...(doc.data as object), region: 'eu', nested: { a: 1 } };
    expect(setup().decode({ ...doc, data, extra: true })).toEqual([
      {
        kind: 'resource',
        resource: 'workspace',
        id: 'ws-123',
        change: 'status_changed',
        status: 'active',
        previous: 'provisioning',
        at: DOC_AT,
        data,
      },
    ]);
  });

  it('renamed-but-obvious fields (camelCase, flat envelope, ":" separator)', () => {
    const { decode } = setup();
    expect(
      decode({ type: 'provisioning.progress', data: { taskId: 't', workspaceId: 'w', stage: 's', progress: '45%' } }),
    ).toMatchObject([{ operationId: 't', progress: 45, step: { id: 's' } }]);
    expect(decode({ type: 'workspace:status_changed', workspace_id: 'ws-1', new_status: 'active' })).toMatchObject([
      { kind: 'resource', id: 'ws-1', change: 'status_changed', status: 'active' },
    ]);
    expect(decode({ type: 'log_entry', data: { streamId: 's', line: 'hello', level: 'warn' } })).toEqual([
      { kind: 'log', stream: 'logs:s', line: 'hello', level: 'warn', at: NOW },
    ]);
  });

  it('severities map onto info | warning | critical', () => {
    const { decode } = setup();
    const severity = (s: unknown) => {
      const [event] = decode({ type: 'workspace.alert_triggered', data: { alert: { id: 'a', title: 't', severity: s } } });
      return event?.kind === 'alert' ? event.severity : undefined;
    };
    expect(severity('info')).toBe('info');
    expect(severity('LOW')).toBe('info');
    expect(severity('warning')).toBe('warning');
    expect(severity('critical')).toBe('critical');
    expect(severity('error')).toBe('critical');
    expect(severity('High')).toBe('critical');
    expect(severity('bogus')).toBe('warning');
    expect(severity(3)).toBe('warning');
  });

  it('quantities: units in the value or beside it', () => {
    const [, metrics] = setup().decode({
      type: 'workspace.resource_updated',
      data: {
        workspace_id: 'w',
        resources: {
          cpu: { used: '250m', limit: 2, unit: 'cores' },
          gpu: { used: 500, unit: 'millicores' },
          memory: { used: '5Gi', limit: '4', unit: 'Gi', percentage: '37.5' },
          storage: { used: 10, unit: 'GB' },
          pods: { used: 4, unit: 'pods' },
          net: '1.2MB/s',
        },
      },
    });
    expect(metrics).toEqual({
      kind: 'metrics',
      source: 'workspace:w',
      at: NOW,
      values: {
        'cpu.used': 0.25,
        'cpu.limit': 2,
        'gpu.used': 0.5,
        'memory.used': 5 * 1024 ** 3,
        'memory.limit': 4 * 1024 ** 3,
        'memory.percentage': 37.5,
        'storage.used': 10e9,
        'pods.used': 4,
        net: 1_200_000,
      },
    });
  });

  it('progress is clamped to 0..100 and ignored when unreadable', () => {
    const { decode } = setup();
    const progress = (p: unknown) => {
      const [event] = decode({ type: 'provisioning.progress', data: { task_id: 't', progress: p } });
      return event?.kind === 'operation' ? event.progress : 'not an operation';
    };
    expect(progress(150)).toBe(100);
    expect(progress(-5)).toBe(0);
    expect(progress('abc')).toBeUndefined();
    expect(progress({})).toBeUndefined();
    expect(progress('12MB')).toBeUndefined();
  });

  it('unknown types become raw events', () => {
    const { decode } = setup();
    for (const message of [
      { type: 'billing.invoice_created', data: {} },
      { type: 'provisioning.paused', data: { task_id: 't' } },
      { type: 'workspace.' },
      { data: { workspace_id: 'w' } },
      { type: 42 },
    ]) {
      expect(decode(message)).toEqual([{ kind: 'raw', at: NOW, data: message }]);
    }
    expect(decode([1, 2])).toEqual([{ kind: 'raw', at: NOW, data: [1, 2] }]);
    expect(decode(null)).toEqual([{ kind: 'raw', at: NOW, data: null }]);
    expect(decode('hello')).toEqual([{ kind: 'raw', at: NOW, data: 'hello' }]);
  });

  it('wrong field types never leak into events', () => {
    const { decode } = setup();
    // An object id is not an id: the frame stays raw rather than inventing one.
    const a = { type: 'workspace.status_changed', data: { workspace_id: { id: 1 }, new_status: ['x'] } };
    expect(decode(a)).toEqual([{ kind: 'raw', at: NOW, data: a }]);
    expect(decode({ type: 'workspace.status_changed', data: { workspace_id: 7, new_status: ['x'], previous_status: {} } })).toEqual([
      {
        kind: 'resource',
        resource: 'workspace',
        id: '7',
        change: 'status_changed',
        at: NOW,
        data: { workspace_id: 7, new_status: ['x'], previous_status: {} },
      },
    ]);
    expect(decode({ type: 'log_entry', data: { stream_id: 's', message: { msg: 'structured' }, level: 3 } })).toEqual([
      { kind: 'log', stream: 'logs:s', line: '{"msg":"structured"}', level: '3', at: NOW },
    ]);
    expect(
      decode({ type: 'workspace.alert_triggered', data: { alert: { id: 'a', title: { t: 1 }, severity: null } } }),
    ).toMatchObject([{ kind: 'alert', id: 'a', title: 'Alert', severity: 'warning' }]);
    expect(decode({ type: 'error', error: { code: 5, message: ['x'] } })).toEqual([
      { kind: 'error', code: '5', message: 'Hexabase server error', at: NOW },
    ]);
    expect(decode({ type: 'monitoring.metrics_update', data: { workspace_id: 'w', metrics: { cpu: 'hot' } } })).toEqual([
      { kind: 'raw', at: NOW, data: { type: 'monitoring.metrics_update', data: { workspace_id: 'w', metrics: { cpu: 'hot' } } } },
    ]);
  });

  it('never puts the token into error events', () => {
    const events = setup().decode({ type: 'error', error: { code: 'INVALID_TOKEN', message: `token ${TOKEN} expired` } });
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    expect(events).toEqual([{ kind: 'error', code: 'INVALID_TOKEN', message: 'token [redacted] expired', at: NOW }]);
  });

  it('a failed subscribe_result is reported as an error event too', () => {
    expect(setup().decode({ type: 'subscribe_result', id: 's', success: false, error: { code: 'PERMISSION_DENIED', message: 'no' } })).toEqual([
      { kind: 'error', code: 'PERMISSION_DENIED', message: 'no', at: NOW },
    ]);
  });
});
