import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backendIm } from '../../src/protocols/backendIm';
import type { ProtocolContext } from '../../src/protocols/types';
import { validateEvent } from '../support/validateEvent';

const dir = new URL('../fixtures/backendim/', import.meta.url);
const incoming = readdirSync(dir)
  .filter((f) => f.startsWith('in.'))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as unknown);

const ctx = (): ProtocolContext => {
  let n = 0;
  return { now: () => 1_700_000_000_000, nextId: () => `id-${++n}` };
};

// One adapter across runs so in-flight state is exercised too.
const adapter = backendIm();
const c = ctx();

const check = (frame: unknown) => {
  const events = adapter.decode(frame, c);
  expect(Array.isArray(events)).toBe(true);
  // Every frame yields something (raw at worst): nothing is dropped silently.
  expect(events.length).toBeGreaterThan(0);
  for (const event of events) expect(validateEvent(event)).toEqual([]);
};

// Replace, drop or wrap a value at a random path of a fixture.
const mutate = (value: unknown, path: readonly number[], op: number, replacement: unknown): unknown => {
  if (typeof value !== 'object' || value === null) return op === 2 ? { data: value } : replacement;
  const entries = Object.entries(value);
  if (entries.length === 0 || path.length === 0) {
    if (op === 0) return replacement;
    if (op === 1) return undefined;
    if (op === 2) return { data: value };
    return Object.values(value)[0];
  }
  const i = (path[0] ?? 0) % entries.length;
  const out: Record<string, unknown> = Array.isArray(value) ? ({ ...value } as Record<string, unknown>) : { ...value };
  const key = entries[i]?.[0] ?? '';
  const next = mutate(out[key], path.slice(1), op, replacement);
  if (next === undefined) delete out[key];
  else out[key] = next;
  return out;
};

describe('backendIm fuzz', () => {
  it('decode never throws on anything and emits only valid events', () => {
    fc.assert(fc.property(fc.anything(), check), { numRuns: 500 });
  });

  it('decode never throws on JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 500 });
  });

  it('mutated fixtures decode to valid events', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...incoming),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.integer({ min: 0, max: 3 }),
        fc.jsonValue(),
        (frame, path, op, replacement) => check(mutate(frame, path, op, replacement)),
      ),
      { numRuns: 500 },
    );
  });

  it('frames with documented types and random payloads decode to valid events', () => {
    const types = ['namespace', 'test', 'deploy'].flatMap((t) => [`${t}_update`, `${t}_complete`]).concat('error');
    const updateTypes = ['start', 'step', 'command', 'output', 'error', 'log', 'result', 'transition', 'complete', 'status', 'url'];
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.constantFrom(...updateTypes),
        fc.dictionary(fc.constantFrom('step', 'description', 'timestamp', 'message', 'stdout', 'stderr', 'command', 'from', 'to', 'url', 'status', 'progress', 'code', 'context'), fc.jsonValue()),
        fc.boolean(),
        (type, update_type, data, wrap) =>
          check({
            type,
            status: data.status,
            payload: { update_type, update_data: wrap ? { data } : data, ...data },
          }),
      ),
      { numRuns: 500 },
    );
  });
});
