import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OpstreamEvent } from '../../src/core/events';
import { nexus } from '../../src/protocols/nexus';
import type { ProtocolContext } from '../../src/protocols/types';
import { validateEvent } from '../support/validateEvent';

const NOW = 1_700_000_000_000;
const TOKEN = 'fuzz.jwt.token';
const FIXTURES = new URL('../fixtures/nexus/', import.meta.url);
const RUNS = { numRuns: 500 };

const ctx: ProtocolContext = { now: () => NOW, nextId: () => 'id-fuzz' };
const adapter = nexus({ token: TOKEN });

const incoming: unknown[] = readdirSync(FIXTURES)
  .filter((f) => f.startsWith('in.') && f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as unknown);

/** Decode and control must not throw; every event must validate and never carry the token. */
const check = (frame: unknown): void => {
  const events: OpstreamEvent[] = adapter.decode(frame, ctx);
  expect(Array.isArray(events)).toBe(true);
  for (const event of events) expect(validateEvent(event)).toEqual([]);
  const signal = adapter.control?.(frame, ctx);
  expect(signal === undefined || signal.type === 'pong').toBe(true);
  // Empty output only when control() consumes the frame.
  if (events.length === 0) expect(signal).toEqual({ type: 'pong' });
  for (const event of events) {
    if (event.kind === 'error') expect(event.message).not.toContain(TOKEN);
  }
};

// Values that look like what a drifting Nexus server could send in a field.
const fieldValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom('message', 'broadcast', 'subscribed', 'unsubscribed', 'connected', 'pong', 'error', 'telemetry'),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer(),
  fc.double(),
  fc.constant(TOKEN),
);

type Mutation = (frame: Record<string, unknown>) => unknown;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((i): Mutation => (frame) => {
    const keys = Object.keys(frame);
    const copy = { ...frame };
    if (keys.length > 0) delete copy[keys[i % keys.length] as string];
    return copy;
  }),
  fc.tuple(fc.nat(), fieldValue).map(([i, value]): Mutation => (frame) => {
    const keys = Object.keys(frame);
    return keys.length === 0 ? frame : { ...frame, [keys[i % keys.length] as string]: value };
  }),
  fc
    .tuple(fc.constantFrom('type', 'channel', 'data', 'from', 'timestamp', 'message', 'userId', 'error'), fieldValue)
    .map(([key, value]): Mutation => (frame) => ({ ...frame, [key]: value })),
  fc.constantFrom<Mutation>(
    (frame) => [frame],
    (frame) => ({ data: frame }),
    (frame) => frame.data ?? frame,
    (frame) => JSON.stringify(frame),
    (frame) => ({ ...frame, type: frame.type === undefined ? undefined : [frame.type] }),
  ),
);

describe('nexus fuzz', () => {
  it('decode/control never throw on fc.anything()', () => {
    fc.assert(fc.property(fc.anything(), (value) => check(value)), RUNS);
  });

  it('decode/control never throw on fc.jsonValue()', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => check(value)), RUNS);
  });

  it('decode/control never throw on objects shaped like Nexus frames', () => {
    const frame = fc.record(
      {
        type: fc.oneof(fieldValue, fc.constantFrom('message', 'broadcast', 'subscribed', 'error', 'connected')),
        channel: fieldValue,
        data: fieldValue,
        from: fieldValue,
        timestamp: fieldValue,
        message: fieldValue,
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(fc.property(frame, (value) => check(value)), RUNS);
  });

  it('decode/control never throw on mutated fixtures', () => {
    expect(incoming.length).toBeGreaterThan(5);
    const fixture = fc.constantFrom(...incoming) as fc.Arbitrary<Record<string, unknown>>;
    fc.assert(
      fc.property(fixture, fc.array(mutation, { minLength: 1, maxLength: 4 }), (base, steps) => {
        let value: unknown = base;
        for (const step of steps) {
          value = typeof value === 'object' && value !== null && !Array.isArray(value)
            ? step(value as Record<string, unknown>)
            : value;
          check(value);
        }
      }),
      RUNS,
    );
  });

  it('encode either returns valid JSON or throws invalid_command', () => {
    const command = fc.record(
      {
        action: fc.oneof(fc.constantFrom('subscribe', 'unsubscribe', 'publish', 'ping'), fc.jsonValue()),
        channel: fieldValue,
        filters: fieldValue,
        payload: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(command, (value) => {
        let frame: string | undefined;
        try {
          frame = adapter.encode(value as never, ctx);
        } catch (error) {
          expect((error as { code?: unknown }).code).toBe('invalid_command');
          return;
        }
        const parsed = JSON.parse(frame) as Record<string, unknown>;
        expect(parsed.action).toBe(value.action);
      }),
      RUNS,
    );
  });
});
