import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuantileSketch } from './quantile-sketch.js';

function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

const values = fc.array(
  fc.oneof(
    fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
    fc.double({ min: -1e6, max: -1e-6, noNaN: true }),
    fc.constant(0),
  ),
  { minLength: 1, maxLength: 400 },
);
const quantile = fc.double({ min: 0, max: 1, noNaN: true });

describe('QuantileSketch', () => {
  it('answers every quantile within its relative accuracy of the true value at that rank', () => {
    fc.assert(
      fc.property(values, quantile, (xs, q) => {
        const sketch = new QuantileSketch({ relativeAccuracy: 0.01 });
        for (const x of xs) sketch.accept(x);
        const truth = exactQuantile(
          [...xs].sort((a, b) => a - b),
          q,
        );
        const got = sketch.getValueAtQuantile(q);
        expect(Math.abs(got - truth)).toBeLessThanOrEqual(Math.abs(truth) * 0.01 + 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('merged sketches answer like one sketch that saw every value', () => {
    fc.assert(
      fc.property(values, values, quantile, (a, b, q) => {
        const left = new QuantileSketch();
        const right = new QuantileSketch();
        const whole = new QuantileSketch();
        for (const x of a) {
          left.accept(x);
          whole.accept(x);
        }
        for (const x of b) {
          right.accept(x);
          whole.accept(x);
        }
        left.merge(right);
        expect(left.count).toBe(whole.count);
        expect(left.getValueAtQuantile(q)).toBe(whole.getValueAtQuantile(q));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps its memory bounded however wide the range of values', () => {
    const sketch = new QuantileSketch({ relativeAccuracy: 0.01, maxBuckets: 128 });
    for (let e = -9; e <= 12; e += 0.01) sketch.accept(10 ** e);
    expect(sketch.bucketCount).toBeLessThanOrEqual(128);
    // the top of the distribution keeps its accuracy when low buckets are folded
    const p99 = sketch.getValueAtQuantile(0.99);
    expect(Math.abs(p99 - 10 ** (-9 + 0.99 * 21)) / p99).toBeLessThan(0.05);
  });

  it('ignores non-finite values and answers NaN when empty', () => {
    const sketch = new QuantileSketch();
    sketch.accept(Number.NaN);
    sketch.accept(Number.POSITIVE_INFINITY);
    expect(sketch.count).toBe(0);
    expect(sketch.getValueAtQuantile(0.5)).toBeNaN();
    expect(() => new QuantileSketch({ relativeAccuracy: 0 })).toThrow(RangeError);
  });
});
