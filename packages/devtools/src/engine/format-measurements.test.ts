import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMeasurements } from './format-value.js';

describe('formatMeasurements summarises an event on one line', () => {
  it('writes key=value pairs with clock noise rounded away', () => {
    expect(formatMeasurements({ duration: 80.60000000149012, monotonicTime: 3714.400000002235 })).toBe(
      'duration=80.6 monotonicTime=3714.4',
    );
    expect(formatMeasurements({ systemTime: 1795324700563.8, count: 1 })).toBe('systemTime=1795324700563.8 count=1');
    expect(formatMeasurements({ ratio: 0.000123456, tiny: -0.5556 })).toBe('ratio=0.000123 tiny=-0.556');
    expect(formatMeasurements({})).toBe('');
  });

  it('shows what is not a finite number as it is', () => {
    expect(formatMeasurements({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: 'x', d: 10n })).toBe(
      'a=NaN b=Infinity c=x d=10n',
    );
    expect(formatMeasurements(undefined)).toBe('undefined');
  });

  it('keeps integers exact and fractions within a thousandth (or three significant digits below 1)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const shown = Number(formatMeasurements({ v: value }).slice(2));
        if (Number.isInteger(value)) expect(shown === value).toBe(true);
        else if (Math.abs(value) >= 1)
          expect(Math.abs(shown - value)).toBeLessThanOrEqual(0.0005 + Math.abs(value) * 1e-15);
        else expect(Math.abs(shown - value)).toBeLessThanOrEqual(Math.abs(value) * 0.005);
      }),
    );
  });
});
