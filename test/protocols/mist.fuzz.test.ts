import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mist } from '../../src/protocols/mist';
import type { ProtocolAdapter, ProtocolContext } from '../../src/protocols/types';
import { validateEvent } from '../support/validateEvent';

const ctx: ProtocolContext = { now: () => 1_700_000_000_000, nextId: () => 'id' };

const fixtureDir = new URL('../fixtures/mist/', import.meta.url);
const fixtures = readdirSync(fixtureDir)
  .filter((name) => name.startsWith('in.'))
  .map((name) => JSON.parse(readFileSync(new URL(name, fixtureDir), 'utf8')) as unknown);

const adapters = (): ProtocolAdapter<never>[] => [
  mist({ endpoint: 'container-logs', appId: 1 }),
  mist({ endpoint: 'deployment', deploymentId: 15 }),
  mist({ endpoint: 'metrics' }),
];

/** Decodes and controls the frame on every endpoint; returns the problems found. */
const check = (frame: unknown, list: ProtocolAdapter<never>[]): string[] => {
  const problems: string[] = [];
  for (const adapter of list) {
    const events = adapter.decode(frame, ctx);
    if (!Array.isArray(events)) problems.push('decode returned a non-array');
    for (const event of events) problems.push(...validateEvent(event));
    adapter.control?.(frame, ctx);
  }
  return problems;
};

/** A fixture mutated: keys dropped, values replaced by random JSON, wrapped or unwrapped. */
const mutate = (value: unknown, rand: () => number, anyValue: () => unknown, depth = 0): unknown => {
  const r = rand();
  if (depth > 0 && r < 0.08) return anyValue();
  if (r < 0.04) return [value];
  if (r < 0.06) return { data: value };
  if (typeof value !== 'object' || value === null) return r < 0.3 ? anyValue() : value;
  if (Array.isArray(value)) return value.map((v) => mutate(v, rand, anyValue, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = rand();
    if (p < 0.15) continue; // drop the key
    if (p < 0.2 && typeof v === 'object' && v !== null) return v; // unwrap
    out[k] = p < 0.35 ? anyValue() : mutate(v, rand, anyValue, depth + 1);
  }
  if (rand() < 0.1) out[`extra${depth}`] = anyValue();
  return out;
};

describe('mist fuzz', () => {
  it('decode/control never throw and emit only valid events for fc.anything()', () => {
    const list = adapters();
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true }), (v) => {
        expect(check(v, list)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('decode/control never throw and emit only valid events for fc.jsonValue()', () => {
    const list = adapters();
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(check(JSON.parse(JSON.stringify(v)) as unknown, list)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('typed envelopes with random data stay valid', () => {
    const list = adapters();
    const frame = fc.record(
      {
        type: fc.constantFrom('status', 'log', 'error', 'end', 'progress', 'metrics', 'STATUS', 'other'),
        timestamp: fc.oneof(fc.jsonValue(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
        data: fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              status: fc.oneof(fc.constantFrom('pending', 'building', 'deploying', 'success', 'failed'), fc.jsonValue()),
              stage: fc.oneof(fc.constantFrom('cloning_repo', 'building_image', 'completed'), fc.jsonValue()),
              progress: fc.oneof(fc.double(), fc.jsonValue()),
              line: fc.oneof(fc.string(), fc.jsonValue()),
              state: fc.jsonValue(),
              container: fc.jsonValue(),
              message: fc.jsonValue(),
              stream: fc.jsonValue(),
              error_message: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(frame, (f) => {
        expect(check(f, list)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('mutated fixtures stay valid', () => {
    const list = adapters();
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        fc.infiniteStream(fc.jsonValue({ maxDepth: 2 })),
        (base, rands, values) => {
          const rand = () => rands.next().value as number;
          const anyValue = () => values.next().value as unknown;
          expect(check(mutate(base, rand, anyValue), list)).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
