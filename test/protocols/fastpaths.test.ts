/**
 * The per-frame fast paths (hand-written parsers, exact-spelling switches, name caches) must answer exactly
 * like the general code they sit in front of. Each is checked against the plain reference it replaces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ark } from '../../src/protocols/ark';
import { backendIm } from '../../src/protocols/backendIm';
import { flattenNumbers, parseIsoFast, parseQuantity, parseTime } from '../../src/protocols/fields';
import { hexabase } from '../../src/protocols/hexabase';
import { mist } from '../../src/protocols/mist';
import { nexus } from '../../src/protocols/nexus';
import type { MetricsEvent } from '../../src/core/events';
import type { ProtocolContext } from '../../src/protocols/types';

const NOW = 1_700_000_000_000;
const makeCtx = (): ProtocolContext => {
  let n = 0;
  return { now: () => NOW, nextId: () => `id-${++n}` };
};

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('parseIsoFast', () => {
  // Near-ISO strings: every field sometimes out of range, optional fractions of any length, all zone forms.
  const isoish = fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 61 }),
      second: fc.integer({ min: 0, max: 61 }),
      fraction: fc.option(fc.stringMatching(/^\d{0,12}$/), { nil: undefined }),
      zone: fc.constantFrom('Z', 'z', '', '+05:30', '-08:00', '+23:59', '+24:00', '-00:00', '+0530', '+5:30'),
    })
    .map(
      (t) =>
        `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}` +
        `${t.fraction === undefined ? '' : `.${t.fraction}`}${t.zone}`,
    );

  it('agrees with Date.parse whenever it answers, and answers for every valid canonical date', () => {
    fc.assert(
      fc.property(isoish, (s) => {
        const fast = parseIsoFast(s);
        if (!Number.isNaN(fast)) expect(fast).toBe(Date.parse(s));
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        expect(parseIsoFast(iso)).toBe(d.getTime());
        expect(parseIsoFast(iso.replace('.000Z', 'Z'))).toBe(Date.parse(iso.replace('.000Z', 'Z')));
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['2024-02-29T23:59:59.999Z', Date.parse('2024-02-29T23:59:59.999Z')],
    ['2024-01-15T10:41:00.1Z', Date.parse('2024-01-15T10:41:00.1Z')],
    ['2024-01-15T10:41:00.123456789Z', Date.parse('2024-01-15T10:41:00.123456789Z')],
    ['2024-01-15T10:41:00-08:00', Date.parse('2024-01-15T10:41:00-08:00')],
    ['0000-01-01T00:00:00Z', Date.parse('0000-01-01T00:00:00Z')],
  ])('reads %s like Date.parse', (s, expected) => {
    expect(parseIsoFast(s)).toBe(expected);
  });

  // Shapes it leaves to Date.parse (which may or may not read them): parseTime still gives Date.parse's answer.
  it.each([
    '2023-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-01-15T24:00:00Z',
    '2024-01-15T10:41:00z',
    '2024-01-15t10:41:00Z',
    '2024-01-15T10:41:00',
    '2024-01-15T10:41Z',
    '2024-01-15T10:41:00.Z',
    '2024-01-15T10:41:00+0530',
    ' 2024-01-15T10:41:00Z',
  ])('leaves %j to Date.parse', (s) => {
    expect(parseIsoFast(s)).toBeNaN();
    const expected = Date.parse(s);
    expect(parseTime(s, 42)).toBe(Number.isNaN(expected) ? 42 : expected);
  });
});

describe('parseQuantity fast path', () => {
  // The regex reader it sits in front of, as it was.
  const BYTES: Record<string, number> = {
    b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2,
    gi: 1024 ** 3, gib: 1024 ** 3, ti: 1024 ** 4, tib: 1024 ** 4,
  };
  const SI: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  const reference = (value: string) => {
    const match = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-zA-Z%]*)(\/s)?\s*$/.exec(value);
    if (!match) return undefined;
    const n = Number(match[1]);
    const suffix = match[2] ?? '';
    const rate = match[3] === undefined ? '' : '/s';
    if (!Number.isFinite(n)) return undefined;
    if (suffix === '%') return rate === '' ? { value: n, unit: '%' } : undefined;
    if (suffix === 'm' && rate === '') return { value: n / 1000, unit: '' };
    const bytes = BYTES[suffix.toLowerCase()];
    if (bytes !== undefined) return { value: n * bytes, unit: `B${rate}` };
    const si = SI[suffix];
    if (si !== undefined) return { value: n * si, unit: rate };
    return undefined;
  };

  it('matches the regex reader on number-and-unit strings', () => {
    const quantityish = fc
      .tuple(
        fc.stringMatching(/^-?\d{0,4}(\.\d{0,3})?(e[+-]?\d{0,3})?$/),
        fc.constantFrom('', ' ', '  '),
        fc.oneof(fc.stringMatching(/^[a-zA-Z%]{0,4}$/), fc.constantFrom('Mi', 'KiB', 'MB', 'm', 'M', 'k', '%', 'e', 'e5')),
        fc.constantFrom('', '/s', '/', '/S', ' '),
      )
      .map(([n, space, unit, rate]) => `${n}${space}${unit}${rate}`);
    fc.assert(
      fc.property(fc.oneof(quantityish, fc.string()), (s) => {
        expect(parseQuantity(s)).toEqual(reference(s));
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads the documented units as the regex reader did', () => {
    for (const s of ['1.2MB/s', '512Mi', '250m', '3k', '2GiB']) {
      expect(parseQuantity(s)).toEqual(reference(s));
    }
  });

  it('does not take inherited object names for units (the old tables did, yielding NaN)', () => {
    for (const s of ['5constructor', '5Constructor/s', '5toString', '5valueOf', '5__proto__']) {
      expect(parseQuantity(s)).toBeUndefined();
    }
  });
});

/** flattenNumbers as it was first written (an Object.entries walk): what the fast paths must match. */
const reference = (value: unknown, prefix = '', out: Record<string, number> = {}, depth = 0): Record<string, number> => {
  if (depth > 8) return out;
  if (typeof value === 'number' || typeof value === 'string') {
    const n = typeof value === 'number' ? (Number.isFinite(value) ? value : undefined) : parseQuantity(value)?.value;
    if (n !== undefined && prefix !== '') out[prefix] = n;
    return out;
  }
  if (typeof value !== 'object' || value === null) return out;
  for (const [k, v] of Object.entries(value)) reference(v, prefix === '' ? k : `${prefix}.${k}`, out, depth + 1);
  return out;
};

describe('flattenNumbers name cache', () => {

  it('names every leaf like the plain walk, whatever order keys come in from one sample to the next', () => {
    const sample = fc.dictionary(
      fc.constantFrom('cpu', 'memory', 'disk', '0', '__proto__', 'a.b', ''),
      fc.oneof(fc.double(), fc.constantFrom('3.2', '1.2MB/s', 'x'), fc.dictionary(fc.constantFrom('used', 'total', 'percent', '1', ''), fc.double())),
    );
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 5 }), (samples) => {
        for (const s of samples) {
          const got = flattenNumbers(s);
          const want = reference(s);
          expect(Object.keys(got)).toEqual(Object.keys(want));
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('exact-spelling fast paths decode like the normalized spellings', () => {
  it('ark: "job:progress" and " JOB:Progress " give the same event', () => {
    const frame = (event: string) => ({
      event,
      data: { jobId: 'j1', status: 'RUNNING', percent: 45, message: 'm', timestamp: '2024-01-15T10:30:00.000Z' },
    });
    expect(ark().decode(frame('job:progress'), makeCtx())).toEqual(ark().decode(frame(' JOB:Progress '), makeCtx()));
  });

  it('ark: an unreadable time field falls through to the next one, then to the envelope', () => {
    const [event] = ark().decode(
      { event: 'job:completed', data: { jobId: 'j1', completedAt: 'soon', at: '2024-01-15T10:35:00Z' } },
      makeCtx(),
    );
    expect(event).toMatchObject({ at: Date.parse('2024-01-15T10:35:00Z') });
    const [fromEnvelope] = ark().decode(
      { event: 'agent:offline', timestamp: '2024-01-15T10:42:00Z', data: { agentId: 'a1', lastSeenAt: '2024-01-15T10:00:00Z' } },
      makeCtx(),
    );
    expect(fromEnvelope).toMatchObject({ at: Date.parse('2024-01-15T10:42:00Z') });
  });

  it('backendIm: " Test_Update " decodes like "test_update"; a null body keeps no result', () => {
    const frame = (type: string) => ({
      type,
      payload: { update_type: 'step', update_data: { data: { step: 's1', timestamp: '2023-05-15T12:34:56Z' } } },
    });
    expect(backendIm().decode(frame(' Test_Update '), makeCtx())).toEqual(backendIm().decode(frame('test_update'), makeCtx()));
    const [event] = backendIm().decode({ type: 'test_update', payload: { update_type: 'result', data: null } }, makeCtx());
    expect(event).not.toHaveProperty('result');
    const [wrapped] = backendIm().decode(
      { type: 'test_update', payload: { update_type: 'result', update_data: { data: undefined, url: 'u' } } },
      makeCtx(),
    );
    expect(wrapped).not.toHaveProperty('url');
  });

  it('backendIm: an error ends the operation started last', () => {
    const adapter = backendIm();
    const ctx = makeCtx();
    adapter.decode({ type: 'deploy_update', payload: { update_type: 'start' } }, ctx);
    adapter.decode({ type: 'test_update', payload: { update_type: 'start' } }, ctx);
    expect(adapter.decode({ type: 'error', payload: { code: 'x' } }, ctx)[0]).toMatchObject({ operationId: 'id-2' });
    expect(adapter.decode({ type: 'error', payload: { code: 'x' } }, ctx)[0]).toMatchObject({ operationId: 'id-1' });
    expect(adapter.decode({ type: 'error', payload: { code: 'x' } }, ctx)[0]).not.toHaveProperty('operationId');
  });

  it('hexabase: "workspace.status_changed" and "workspace:status_changed" give the same event', () => {
    const frame = (type: string) => ({
      type,
      timestamp: '2024-01-20T10:00:00Z',
      data: { workspace_id: 'ws-1', previous_status: 'a', new_status: 'b' },
    });
    const decode = (f: unknown) => hexabase({ token: 't0k3n' }).decode(f, makeCtx());
    expect(decode(frame('workspace.status_changed'))).toEqual(decode(frame('workspace:status_changed')));
  });

  it('hexabase: log lines of one stream share the stream name; inherited fields are not read', () => {
    const adapter = hexabase({ token: 't0k3n' });
    const ctx = makeCtx();
    const line = (stream_id: string) => ({ type: 'log_entry', data: { stream_id, message: 'x' } });
    expect(adapter.decode(line('s1'), ctx)[0]).toMatchObject({ stream: 'logs:s1' });
    expect(adapter.decode(line('s2'), ctx)[0]).toMatchObject({ stream: 'logs:s2' });
    const inherited = Object.create({ timestamp: '2024-01-20T10:00:00Z', level: 'warn' }) as Record<string, unknown>;
    inherited.stream_id = 's3';
    inherited.message = 'y';
    expect(adapter.decode({ type: 'log_entry', data: inherited }, ctx)).toEqual([
      { kind: 'log', stream: 'logs:s3', line: 'y', at: NOW },
    ]);
  });

  it('hexabase: a reply keeps a "__proto__" field as data, not as a prototype', () => {
    const reply = hexabase({ token: 't0k3n' }).control?.(
      JSON.parse('{"type":"subscribe_result","id":"r1","success":true,"__proto__":{"x":1},"subscription_id":"s1"}'),
      makeCtx(),
    );
    expect(reply).toMatchObject({ type: 'reply', ok: true });
    const data = (reply as { data: Record<string, unknown> }).data;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.hasOwn(data, '__proto__')).toBe(true);
    expect(data.subscription_id).toBe('s1');
  });

  it('nexus: error fallbacks are still redacted', () => {
    const adapter = nexus({ token: 'error' });
    expect(adapter.decode({ type: 'error' }, makeCtx())).toEqual([
      { kind: 'error', code: 'protocol_[redacted]', message: 'Nexus server [redacted]', at: NOW },
    ]);
  });

  it('mist metrics: samples whose keys change order still get the right names', () => {
    const adapter = mist({ endpoint: 'metrics' });
    const ctx = makeCtx();
    expect(adapter.decode({ cpu: { usage: 1, cores: 2 }, disk: { used: 3 } }, ctx)[0]).toMatchObject({
      values: { 'cpu.usage': 1, 'cpu.cores': 2, 'disk.used': 3 },
    });
    const [event] = adapter.decode({ disk: { used: 4 }, cpu: { cores: 5, usage: 6 } }, ctx);
    expect(event).toMatchObject({ values: { 'disk.used': 4, 'cpu.cores': 5, 'cpu.usage': 6 } });
    expect(Object.keys((event as { values: object }).values)).toEqual(['disk.used', 'cpu.cores', 'cpu.usage']);
  });
});

describe('for-in walks list exactly the own enumerable keys', () => {
  const withProto = <T extends object>(proto: object | null, own: T): T => Object.assign(Object.create(proto) as T, own);
  const same = (value: unknown) => {
    const got = flattenNumbers(value);
    expect(Object.keys(got)).toEqual(Object.keys(reference(value)));
    expect(got).toEqual(reference(value));
  };

  it('skips inherited keys of other prototypes, reads null-prototype objects and arrays', () => {
    same({ cpu: withProto({ inherited: 1 }, { usage: 2 }) });
    same(withProto({ cpu: { usage: 1 } }, { disk: { used: 3 } }));
    same({ cpu: withProto(null, { usage: 4, cores: '2' }), list: [1, { a: 2 }, 'x'] });
  });

  it('skips keys a script added to Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 7;
    try {
      expect(flattenNumbers({ cpu: { usage: 1 } })).toEqual({ 'cpu.usage': 1 });
      same({ cpu: { usage: 1 }, disk: [2] });
      const adapter = mist({ endpoint: 'metrics' });
      expect(adapter.decode({ cpu: { usage: 1 } }, makeCtx())[0]).toMatchObject({ values: { 'cpu.usage': 1 } });
      expect(adapter.decode({ name: 'no numbers' }, makeCtx())[0]).toMatchObject({ kind: 'raw' });
    } finally {
      delete proto.polluted;
    }
  });

  it('a "__proto__" key adds no value (JSON makes it an own key; assigning a number to it is a no-op)', () => {
    const sample = JSON.parse('{"__proto__": 5, "cpu": {"__proto__": 6, "usage": 1}}') as unknown;
    same(sample);
    const adapter = mist({ endpoint: 'metrics' });
    expect(adapter.decode(JSON.parse('{"__proto__": 5}'), makeCtx())[0]).toMatchObject({ kind: 'raw' });
    expect(adapter.decode(sample, makeCtx())[0]).toMatchObject({ kind: 'metrics', values: { 'cpu.usage': 1 } });
  });

  it('names stay right when two sample shapes alternate under one prefix', () => {
    for (let i = 0; i < 3; i++) {
      expect(flattenNumbers({ cpu: { instant: 1, average_5m: 2 } })).toEqual({ 'cpu.instant': 1, 'cpu.average_5m': 2 });
      expect(flattenNumbers({ cpu: { used: 3, limit: 4 }, memory: { used: 5 } })).toEqual({
        'cpu.used': 3,
        'cpu.limit': 4,
        'memory.used': 5,
      });
    }
  });
});

describe('hexabase: metric groups scaled by their unit like the general reader', () => {
  // The reader readGroup replaced: each number scaled through its group's unit on its own.
  const PERCENT = /percent|ratio|utili[sz]ation/i;
  const num = (value: unknown): number | undefined => {
    if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    return Number.isFinite(Number(value)) ? Number(value) : undefined;
  };
  const referenceQuantity = (value: unknown, unit: string): number | undefined => {
    if (typeof value === 'string' && /[a-z%]/i.test(value)) return parseQuantity(value)?.value;
    const n = num(value);
    if (n === undefined) return undefined;
    const u = unit.trim();
    const lower = u.toLowerCase();
    if (['', 'core', 'cores', 'cpu', 'cpus', 'vcpu', 'byte', 'bytes', '%', 'percent'].includes(lower)) return n;
    if (lower === 'millicore' || lower === 'millicores' || u === 'm') return n / 1000;
    const scaled = parseQuantity(`${n}${u}`)?.value;
    return scaled !== undefined && Number.isFinite(scaled) ? scaled : n;
  };
  const referenceValues = (groups: Record<string, Record<string, unknown>>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [name, group] of Object.entries(groups)) {
      const unit = group.unit as string;
      for (const [field, value] of Object.entries(group)) {
        if (field === 'unit') continue;
        const n = PERCENT.test(field) ? num(value) : referenceQuantity(value, unit);
        if (n !== undefined) out[`${name}.${field}`] = n;
      }
    }
    return out;
  };

  it('matches for any unit spelling, including ones only the general reader can tell', () => {
    const units = fc.constantFrom(
      ...['Mi', ' Mi ', 'Gi', 'MB/s', 'cores', 'CPU', 'm', 'M', 'millicores', '%', 'percent', 'e', 'E3', '/s', 'k'],
      ...['Ki B', '5', 'constructor', 'bytes', ''],
    );
    const texts = fc.constantFrom('3.2', '12288', '5Gi', '75%', '', 'x', '1e3', '-2', null);
    const values = fc.oneof(fc.double(), fc.integer(), texts);
    const group = fc.record(
      { unit: units, used: values, limit: values, percentage: values, utilization: values, other: values },
      { requiredKeys: ['unit'] },
    );
    const adapter = hexabase({ token: 't0k3n' });
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('cpu', 'memory', 'disk'), group, { minKeys: 1 }), (resources) => {
        const frame = { type: 'workspace.resource_updated', data: { workspace_id: 'w', resources } };
        const metrics = adapter.decode(frame, makeCtx()).find((e): e is MetricsEvent => e.kind === 'metrics');
        const want = referenceValues(resources);
        if (Object.keys(want).length === 0) expect(metrics).toBeUndefined();
        else expect(metrics).toMatchObject({ values: want });
        if (metrics !== undefined) expect(Object.keys(metrics.values)).toEqual(Object.keys(want));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('hexabase: named reads keep the lenient field rules', () => {
  const decode = (data: unknown, type = 'workspace.status_changed') =>
    hexabase({ token: 't0k3n' }).decode({ type, timestamp: '2024-01-20T10:00:00Z', data }, makeCtx());

  it('an empty documented field hides its drift spelling; null and undefined do not', () => {
    expect(decode({ workspace_id: 'w', new_status: '', status: 'x' })[0]).not.toHaveProperty('status');
    const drift = { workspace_id: 'w', new_status: null, newStatus: 'b', status: 'c' };
    expect(decode(drift)[0]).toMatchObject({ status: 'b' });
    expect(decode({ workspaceId: 'w2', previous_status: 7 })[0]).toMatchObject({ id: 'w2', previous: '7' });
    expect(decode({ workspace_id: '', workspaceId: 'w3', workspace: { id: 'w4' } })[0]).toMatchObject({ id: 'w4' });
  });

  it('inherited fields are not read; extra fields change nothing', () => {
    const data = Object.assign(Object.create({ workspace_id: 'inherited', new_status: 'inherited' }) as object, {
      workspaceId: 'own',
    });
    expect(decode(data)[0]).toEqual({
      kind: 'resource',
      resource: 'workspace',
      id: 'own',
      change: 'status_changed',
      at: Date.parse('2024-01-20T10:00:00Z'),
      data,
    });
    const extra = { workspace_id: 'w', new_status: 'active', unknown: { deep: 1 }, level: 'x' };
    expect(decode(extra)[0]).toMatchObject({ id: 'w', status: 'active' });
  });

  it('alerts: documented severities as sent, others lower-cased, level as drift', () => {
    const alert = (a: object) => decode({ workspace_id: 'w', alert: a }, 'workspace.alert_triggered')[0];
    expect(alert({ id: 'a', severity: 'critical' })).toMatchObject({ severity: 'critical', title: 'Alert' });
    expect(alert({ id: 'a', severity: ' Critical' })).toMatchObject({ severity: 'warning' });
    expect(alert({ id: 'a', severity: 'HIGH' })).toMatchObject({ severity: 'critical' });
    const at = Date.parse('2024-01-20T10:00:00Z');
    expect(alert({ level: 'info', name: 'n' })).toMatchObject({ severity: 'info', title: 'n', id: `w:n:${at}` });
  });

  it('errors: a nested code wins, an empty one falls back to the top level', () => {
    const adapter = hexabase({ token: 't0k3n' });
    const error = (frame: object) => adapter.decode({ type: 'error', ...frame }, makeCtx())[0];
    expect(error({ error: { code: 'N', message: 'm' }, code: 'T' })).toMatchObject({ code: 'N', message: 'm' });
    const fallback = { error: { code: '', description: 'd' }, error_code: 'E' };
    expect(error(fallback)).toMatchObject({ code: 'E', message: 'd' });
    const text = { code: 'UNKNOWN_ERROR', message: 'plain [redacted] text' };
    expect(error({ error: 'plain t0k3n text' })).toMatchObject(text);
  });
});
