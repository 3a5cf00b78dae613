import { describe, expect, it } from 'vitest';
import { asNumber, asString, flattenNumbers, parseQuantity, parseTime } from '../../src/protocols/fields';

const FALLBACK = 42;

describe('parseTime', () => {
  it.each([
    ['2024-01-20T10:00:00Z', 1_705_744_800_000],
    ['2024-01-20T10:00:00.123Z', 1_705_744_800_123],
    ['2024-01-20T11:00:00+01:00', 1_705_744_800_000],
    [1_705_744_800, 1_705_744_800_000],
    [1_705_744_800_123, 1_705_744_800_123],
    ['1705744800', 1_705_744_800_000],
    [' 1705744800123 ', 1_705_744_800_123],
    [1_705_744_800.5, 1_705_744_800_500],
  ])('reads %j', (input, expected) => {
    expect(parseTime(input, FALLBACK)).toBe(expected);
  });

  it.each([[''], ['  '], ['yesterday'], ['0x1f'], ['1e3'], [null], [undefined], [{}], [Number.NaN], [Infinity]])(
    'falls back on %j',
    (input) => {
      expect(parseTime(input, FALLBACK)).toBe(FALLBACK);
    },
  );

  it('gives the same answer for a repeated string (remembered parse)', () => {
    expect(parseTime('2024-01-20T10:00:00Z', 1)).toBe(parseTime('2024-01-20T10:00:00Z', 2));
    expect(parseTime('nope', 1)).toBe(1);
    expect(parseTime('nope', 2)).toBe(2);
  });
});

describe('quantities and numbers', () => {
  it.each([
    ['3.2', { value: 3.2, unit: '' }],
    ['1.2MB/s', { value: 1_200_000, unit: 'B/s' }],
    ['512Mi', { value: 512 * 1024 ** 2, unit: 'B' }],
    ['75%', { value: 75, unit: '%' }],
    ['250m', { value: 0.25, unit: '' }],
    ['2k', { value: 2000, unit: '' }],
  ])('parseQuantity(%j)', (input, expected) => {
    expect(parseQuantity(input)).toEqual(expected);
  });

  it('refuses what is not a quantity', () => {
    expect(parseQuantity('fast')).toBeUndefined();
    expect(parseQuantity('5 parsecs')).toBeUndefined();
    // Inherited names are not units.
    expect(parseQuantity('5constructor')).toBeUndefined();
    expect(parseQuantity('5toString')).toBeUndefined();
    expect(flattenNumbers({ cpu: '5constructor' })).toEqual({});
    expect(parseQuantity({})).toBeUndefined();
  });

  it('asNumber / asString never trust the type', () => {
    expect(asNumber('12')).toBe(12);
    expect(asNumber('')).toBeUndefined();
    expect(asNumber(Number.NaN)).toBeUndefined();
    expect(asString(5)).toBe('5');
    expect(asString({})).toBeUndefined();
  });

  it('flattenNumbers keeps every numeric leaf under dotted names', () => {
    expect(flattenNumbers({ cpu: { usage: 12, cores: '4' }, disk: [{ used: 1 }], name: 'x', ok: true })).toEqual({
      'cpu.usage': 12,
      'cpu.cores': 4,
      'disk.0.used': 1,
    });
  });
});
