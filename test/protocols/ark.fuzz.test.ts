import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ark } from '../../src/protocols/ark';
import type { ProtocolContext } from '../../src/protocols/types';
import { validateEvent } from '../support/validateEvent';

const NOW = 1_700_000_000_000;
const FIXTURES = join(import.meta.dirname, '../fixtures/ark');
const fixtures: unknown[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as unknown);

const makeCtx = (): ProtocolContext => {
  let n = 0;
  return { now: () => NOW, nextId: () => 'id-' + (++n) };
};

const EVENT_NAMES = [
  'job:created', 'job:progress', 'job:completed', 'job:failed', 'job:cancelled',
  'instance:created', 'instance:updated', 'instance:status_changed', 'instance:deleted', 'instance:log',
  'agent:registered', 'agent:heartbeat', 'agent:offline', 'system:error',
];

/** Decodes and checks: never throws, at least one event, every event valid. */
const check = (frame: unknown): void => {
  const adapter = ark();
  const events = adapter.decode(frame, makeCtx());
  expect(Array.isArray(events)).toBe(true);
  // No frame carries "nothing" and there is no control(): every frame yields an event.
  expect(events.length).toBeGreaterThan(0);
  for (const event of events) {
    // No JSON.stringify here: frames can be too deep to print.
    expect(validateEvent(event)).toEqual([]);
  }
  expect(adapter.control).toBeUndefined();
};

const clone = (v: unknown): unknown => structuredClone(v);

/** Mutations of a real frame: drop keys, replace values, wrap and unwrap. */
const mutated = (base: unknown): fc.Arbitrary<unknown> => {
  const frame = base as { event: string; data: Record<string, unknown> };
  const dataKeys = Object.keys(frame.data);
  const anyKey = fc.oneof(fc.constantFrom(...dataKeys, 'jobId', 'instanceId', 'agentId', 'status', 'percent'), fc.string());
  return fc.oneof(
    // drop data keys
    fc.subarray(dataKeys).map((drop) => {
      const f = clone(frame) as typeof frame;
      for (const k of drop) delete f.data[k];
      return f;
    }),
    // replace data values with random JSON
    fc.dictionary(anyKey, fc.jsonValue(), { maxKeys: 4 }).map((patch) => {
      const f = clone(frame) as typeof frame;
      Object.assign(f.data, patch);
      return f;
    }),
    // replace envelope fields
    fc.record({ event: fc.oneof(fc.constantFrom(...EVENT_NAMES), fc.jsonValue()), data: fc.jsonValue() }, { requiredKeys: [] }).map(
      (patch) => ({ ...(clone(frame) as object), ...patch }),
    ),
    // same data under another event name (fields of one event read by another's decoder)
    fc.constantFrom(...EVENT_NAMES).map((event) => ({ ...(clone(frame) as object), event })),
    // wrap / unwrap
    fc.constantFrom<unknown>(
      [clone(frame)],
      { data: clone(frame) },
      { event: frame.event, data: { data: clone(frame.data) } },
      clone(frame.data),
      { event: frame.event, ...(clone(frame.data) as object) },
      JSON.stringify(frame),
    ),
  );
};

describe('ark: fuzz', () => {
  it('decode never throws on anything', () => {
    fc.assert(fc.property(fc.anything(), check), { numRuns: 500 });
  });

  it('decode never throws on JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 500 });
  });

  it('decode never throws on {event, data} with documented names and random data', () => {
    const frame = fc.record({
      event: fc.constantFrom(...EVENT_NAMES),
      data: fc.dictionary(
        fc.constantFrom('jobId', 'instanceId', 'agentId', 'status', 'percent', 'message', 'error', 'result',
          'timestamp', 'level', 'context', 'previousStatus', 'completedAt', 'reason', 'code'),
        fc.oneof(fc.jsonValue(), fc.anything()),
      ),
    });
    fc.assert(fc.property(frame, check), { numRuns: 500 });
  });

  it('decode never throws on mutated fixtures', () => {
    const frames = fixtures.filter((f) => {
      const r = f as { data?: unknown };
      return typeof r.data === 'object' && r.data !== null;
    });
    expect(frames.length).toBeGreaterThan(10);
    fc.assert(fc.property(fc.constantFrom(...frames).chain(mutated), check), { numRuns: 500 });
  });

  it('deeply nested frames do not blow the stack', () => {
    let deep: unknown = { jobId: 'j' };
    for (let i = 0; i < 10_000; i++) deep = { data: deep, result: deep };
    check({ event: 'job:completed', data: { jobId: 'j', result: deep } });
    check({ event: 'system:error', data: { error: deep, context: deep } });
    check(deep);
  });
});
