import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseUnitOf, convert, resolveUnit, type Unit, ucumUnit, unitRatio } from './units.js';

const TIME: Unit[] = ['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour'];
const BYTES: Unit[] = [
  'byte',
  'kilobyte',
  'megabyte',
  'gigabyte',
  'terabyte',
  'kibibyte',
  'mebibyte',
  'gibibyte',
  'tebibyte',
];
const via = (value: number, from: Unit, to: Unit) => convert(value, resolveUnit('m.x', { from, to }).ratio);

describe('unit conversion', () => {
  it('is exact where the result is representable', () => {
    expect(via(1_234_567, 'microsecond', 'nanosecond')).toBe(1_234_567_000);
    expect(via(1, 'nanosecond', 'second')).toBe(1e-9);
    expect(via(10, 'nanosecond', 'second')).toBe(1e-8);
    expect(via(1500, 'millisecond', 'second')).toBe(1.5);
    expect(via(3, 'second', 'millisecond')).toBe(3000);
    expect(via(2, 'hour', 'nanosecond')).toBe(7.2e12);
    expect(via(90, 'minute', 'hour')).toBe(1.5);
  });

  it('uses SI multiples for kilobyte and friends, IEC multiples for kibibyte and friends', () => {
    expect(via(76_000_000, 'byte', 'kilobyte')).toBe(76_000);
    expect(via(76_000_000, 'byte', 'megabyte')).toBe(76);
    expect(via(76_000_000, 'byte', 'kibibyte')).toBe(74_218.75);
    expect(via(1, 'gibibyte', 'byte')).toBe(1_073_741_824);
    expect(via(1, 'terabyte', 'gigabyte')).toBe(1000);
    expect(via(1, 'tebibyte', 'mebibyte')).toBe(1024 ** 2);
    expect(via(125, 'kibibyte', 'kilobyte')).toBe(128);
  });

  it('is one correctly rounded operation when converting to a larger unit', () => {
    // value / denominator: IEEE division rounds once, so this is the nearest double to the true quotient
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
        fc.constantFrom(...TIME),
        fc.constantFrom(...TIME),
        (v, from, to) => {
          const r = unitRatio(from, to);
          if (r === undefined) throw new Error('time units convert');
          if (r.numerator === 1) expect(via(v, from, to)).toBe(v / r.denominator);
          else if (r.denominator === 1 && Number.isSafeInteger(v * r.numerator)) {
            // to a smaller unit: an exact integer, checked in BigInt
            expect(BigInt(via(v, from, to))).toBe(BigInt(v) * BigInt(r.numerator));
          }
        },
      ),
    );
  });

  it('round-trips integers through a smaller unit and back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.constantFrom(...BYTES),
        fc.constantFrom(...BYTES),
        (v, a, b) => {
          const r = unitRatio(a, b);
          if (r === undefined || r.denominator !== 1) return;
          expect(via(via(v, a, b), b, a)).toBe(v);
        },
      ),
    );
  });

  it('reduces every ratio and keeps it within safe integers', () => {
    for (const group of [TIME, BYTES]) {
      for (const from of group) {
        for (const to of group) {
          const r = unitRatio(from, to);
          expect(r).toBeDefined();
          const { numerator, denominator } = r as { numerator: number; denominator: number };
          expect(Number.isSafeInteger(numerator) && Number.isSafeInteger(denominator)).toBe(true);
          let [a, b] = [numerator, denominator];
          while (b !== 0) [a, b] = [b, a % b];
          expect(a).toBe(1);
        }
      }
    }
    expect(unitRatio('second', 'byte')).toBeUndefined();
  });

  it('names UCUM codes and base units as OpenTelemetry and Prometheus expect', () => {
    expect(ucumUnit('kilobyte')).toBe('kBy');
    expect(ucumUnit('kibibyte')).toBe('KiBy');
    expect(ucumUnit('megabyte')).toBe('MBy');
    expect(ucumUnit('microsecond')).toBe('us');
    expect(ucumUnit('request')).toBe('request');
    expect(baseUnitOf('millisecond')).toEqual({ base: 'second', ratio: { numerator: 1, denominator: 1000 } });
    expect(baseUnitOf('mebibyte')).toEqual({ base: 'byte', ratio: { numerator: 1024 ** 2, denominator: 1 } });
    expect(baseUnitOf('request')).toBeUndefined();
  });
});
