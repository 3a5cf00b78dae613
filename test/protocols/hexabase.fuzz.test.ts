import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexabase } from '../../src/protocols/hexabase';
import type { ControlSignal, ProtocolContext } from '../../src/protocols/types';
import { validateEvent } from '../support/validateEvent';

const FIXTURES = join(import.meta.dirname, '../fixtures/hexabase');
const incoming: unknown[] = readdirSync(FIXTURES)
  .filter((name) => name.startsWith('in.'))
  .map((name) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown);

const TOKEN = 'fuzz-secret-token-123';
const adapter = hexabase({ token: TOKEN });
let n = 0;
const ctx: ProtocolContext = { now: () => 1_700_000_000_000, nextId: () => `id-${++n}` };

const SIGNAL_TYPES = new Set(['auth', 'pong', 'reply', 'answer', 'end', 'fatal']);

/** decode and control never throw, every event is valid, no output carries the token it was not given. */
const check = (message: unknown): void => {
  const events = adapter.decode(message, ctx);
  expect(Array.isArray(events)).toBe(true);
  for (const event of events) expect(validateEvent(event)).toEqual([]);
  const signal: ControlSignal | undefined = adapter.control?.(message, ctx);
  if (signal !== undefined) {
    expect(SIGNAL_TYPES.has(signal.type)).toBe(true);
    if ('error' in signal) {
      expect(typeof signal.error.code).toBe('string');
      expect(typeof signal.error.message).toBe('string');
    }
    if (signal.type === 'reply') expect(typeof signal.id === 'string' && signal.id !== '').toBe(true);
  }
};

// Frames shaped like the protocol's, with random contents, reach deeper than pure noise.
const types = fc.constantFrom(
  'auth_result', 'subscribe_result', 'unsubscribe_result', 'workspace_status', 'log_entry', 'ping', 'pong', 'error',
  'workspace.status_changed', 'workspace.resource_updated', 'workspace.alert_triggered', 'provisioning.progress',
  'provisioning.completed', 'provisioning.failed', 'provisioning.started', 'project.created',
  'project.resource_quota_exceeded', 'organization.member_added', 'organization.billing_updated',
  'monitoring.metrics_update', 'monitoring.health_changed', 'workspace:', '.x',
);
const shaped = fc.record(
  { type: types, id: fc.jsonValue(), timestamp: fc.jsonValue(), success: fc.jsonValue(), data: fc.jsonValue(), error: fc.jsonValue() },
  { requiredKeys: ['type'] },
);

type Json = unknown;

/** One random structural change to a JSON value: drop a key, replace a value, wrap or unwrap. */
const mutate = (value: Json, path: number[], replacement: Json, op: number): Json => {
  if (typeof value !== 'object' || value === null) return op % 2 === 0 ? replacement : [value];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return replacement;
  const [head = 0, ...rest] = path;
  const index = head % entries.length;
  const [key, child] = entries[index] ?? ['0', null];
  if (rest.length === 0 || typeof child !== 'object' || child === null) {
    const out: Record<string, Json> = Array.isArray(value) ? { ...value } : { ...(value as Record<string, Json>) };
    switch (op % 4) {
      case 0:
        delete out[key];
        break;
      case 1:
        out[key] = replacement;
        break;
      case 2:
        out[key] = [child];
        break;
      default:
        out[key] = Array.isArray(child) ? child[0] : { value: child };
    }
    return Array.isArray(value) ? Object.values(out) : out;
  }
  const copy: Record<string, Json> = { ...(value as Record<string, Json>) };
  copy[key] = mutate(child, rest, replacement, op);
  return Array.isArray(value) ? Object.values(copy) : copy;
};

describe('hexabase fuzz', () => {
  it('anything into decode and control', () => {
    fc.assert(fc.property(fc.anything(), (message) => check(message)), { numRuns: 500 });
  });

  it('any JSON value into decode and control', () => {
    fc.assert(fc.property(fc.jsonValue(), (message) => check(message)), { numRuns: 500 });
  });

  it('protocol-shaped frames with random fields', () => {
    fc.assert(fc.property(shaped, (message) => check(message)), { numRuns: 500 });
  });

  it('mutated document fixtures', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...incoming),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.jsonValue(),
        fc.nat(),
        fc.nat({ max: 3 }),
        (doc, path, replacement, op, times) => {
          let message: Json = doc;
          for (let i = 0; i <= times; i++) message = mutate(message, path, replacement, op + i);
          check(message);
          // Wrapped and unwrapped forms of the same frame.
          check({ data: message });
          check(typeof message === 'object' && message !== null && 'data' in message ? message.data : message);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('deeply nested frames', () => {
    let deep: Json = { type: 'monitoring.metrics_update', data: { workspace_id: 'w', metrics: {} } };
    let cursor = (deep as { data: { metrics: Record<string, Json> } }).data.metrics;
    for (let i = 0; i < 5000; i++) {
      const next: Record<string, Json> = { v: i };
      cursor.x = next;
      cursor = next;
    }
    check(deep);
    deep = { type: 'log_entry', data: { stream_id: 's', message: deep } };
    check(deep);
  });

  it('hostile getters do not escape', () => {
    const hostile = {
      type: 'workspace.status_changed',
      get data(): never {
        throw new Error('boom');
      },
    };
    expect(() => check(hostile)).not.toThrow();
    expect(adapter.decode(hostile, ctx)).toEqual([{ kind: 'raw', at: 1_700_000_000_000, data: hostile }]);
  });

  it('encode either returns JSON or throws an OpstreamError', () => {
    fc.assert(
      fc.property(
        fc.record({ type: fc.constantFrom('get_workspace_status', 'stream_logs', 'stop_stream', 'x'), workspace_id: fc.anything(), namespace: fc.anything(), pod: fc.anything(), stream_id: fc.anything(), follow: fc.anything(), tail_lines: fc.anything(), id: fc.anything() }, { requiredKeys: ['type'] }),
        (command) => {
          let frame: string | undefined;
          try {
            frame = adapter.encode(command as never, ctx);
          } catch (error) {
            expect((error as { name?: unknown }).name).toBe('OpstreamError');
            return;
          }
          const parsed = JSON.parse(frame) as Record<string, unknown>;
          expect(parsed.type).toBe(command.type);
          expect(typeof parsed.id).toBe('string');
        },
      ),
      { numRuns: 500 },
    );
  });
});
