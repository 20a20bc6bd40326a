import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsotelError } from '../errors/isotel-error.js';
import { backoffDelay, backoffPolicy, parseRetryAfter } from './backoff.js';

describe('backoffDelay', () => {
  it('stays within [0, min(max, base * factor^attempt)) for every attempt and random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (attempt, r, base, extra) => {
          const policy = backoffPolicy({ baseMs: base, maxMs: base + extra });
          const delay = backoffDelay(attempt, policy, () => r);
          // mathematically 0 * 2^attempt is 0; in floats 2 ** 1024 is Infinity and 0 * Infinity NaN
          const ceiling = base === 0 ? 0 : Math.min(policy.maxMs, base * 2 ** attempt);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(ceiling);
          if (ceiling > 0) expect(delay).toBeLessThan(ceiling);
        },
      ),
      // a zero base at an attempt where 2 ** attempt overflows (once gave a NaN delay)
      { examples: [[1024, 0, 0, 0]] },
    );
  });

  it('grows the ceiling exponentially until the cap', () => {
    const policy = backoffPolicy({ baseMs: 100, maxMs: 1000 });
    const almostOne = () => 0.999999;
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, policy, almostOne))).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('spreads clients with full jitter: a zero draw retries at once', () => {
    expect(backoffDelay(5, backoffPolicy(), () => 0)).toBe(0);
  });

  it('treats a broken random source as zero rather than exceeding the cap', () => {
    expect(backoffDelay(1, backoffPolicy({ baseMs: 10, maxMs: 10 }), () => 7)).toBe(0);
    expect(backoffDelay(1, backoffPolicy(), () => Number.NaN)).toBe(0);
  });

  it('rejects inconsistent options with invalid_argument', () => {
    for (const bad of [{ baseMs: -1 }, { baseMs: 10, maxMs: 5 }, { factor: 0.5 }, { maxMs: Number.NaN }]) {
      let thrown: unknown;
      try {
        backoffPolicy(bad);
      } catch (error) {
        thrown = error;
      }
      expect(isIsotelError(thrown, 'invalid_argument')).toBe(true);
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent or unreadable values', () => {
    for (const value of [null, undefined, '', 'soon', '-5', '1.5', '12abc']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });

  it('caps absurd waits at one day', () => {
    expect(parseRetryAfter('999999999', now)).toBe(86_400_000);
  });

  it('never throws and never returns a negative or non-finite wait', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const ms = parseRetryAfter(value, now);
        if (ms !== undefined) {
          expect(Number.isFinite(ms)).toBe(true);
          expect(ms).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
