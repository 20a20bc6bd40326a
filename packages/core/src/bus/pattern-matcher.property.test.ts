import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidName, matches, matchName, parsePattern } from './pattern.js';

// The obviously-correct reference: match the first pattern segment and recurse on the rest.
// `**` either matches nothing (skip it) or swallows one more name segment (keep it).
function reference(pattern: readonly string[], name: readonly string[]): boolean {
  if (pattern.length === 0) return name.length === 0;
  const [head, ...rest] = pattern;
  if (head === '**') return reference(rest, name) || (name.length > 0 && reference(pattern, name.slice(1)));
  if (name.length === 0) return false;
  return (head === '*' || head === name[0]) && reference(rest, name.slice(1));
}

// A small alphabet so random names and patterns actually collide.
const segment = fc.constantFrom('a', 'b', 'c', 'ab');
const name = fc.array(segment, { minLength: 1, maxLength: 7 });
const pattern = fc.array(fc.oneof(segment, fc.constant('*'), fc.constant('**')), { minLength: 1, maxLength: 6 });

describe('the pattern matcher agrees with a recursive reference matcher', () => {
  it('matchName(pattern, name) === reference(pattern, name) for random patterns and names', () => {
    fc.assert(
      fc.property(pattern, name, (p, n) => {
        expect(matchName(p, n.join('.'))).toBe(reference(p, n));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads any string as split(".") does, empty segments included', () => {
    const anyName = fc.array(fc.constantFrom('a', 'b', 'ab', ''), { minLength: 1, maxLength: 7 });
    fc.assert(
      fc.property(pattern, anyName, (p, n) => {
        expect(matchName(p, n.join('.'))).toBe(reference(p, n));
      }),
      { numRuns: 3000 },
    );
  });

  it('matches(patternString, nameString) agrees too, through parsing', () => {
    fc.assert(
      fc.property(pattern, name, (p, n) => {
        expect(matches(p.join('.'), n.join('.'))).toBe(reference(p, n));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds matches often enough to be meaningful (the generators are not trivially disjoint)', () => {
    const samples = fc.sample(fc.tuple(pattern, name), { numRuns: 2000, seed: 42 });
    const hits = samples.filter(([p, n]) => reference(p, n)).length;
    expect(hits).toBeGreaterThan(100);
    expect(hits).toBeLessThan(1900);
  });

  it('pins the documented examples', () => {
    expect(matches('checkout.**', 'checkout')).toBe(true);
    expect(matches('checkout.**', 'checkout.a.b')).toBe(true);
    expect(matches('checkout.*', 'checkout')).toBe(false);
    expect(matches('checkout.*', 'checkout.a.b')).toBe(false);
    expect(matches('**', 'anything.at.all')).toBe(true);
    expect(matches('**.stop', 'stop')).toBe(true);
    expect(matches('a.**.z', 'a.z')).toBe(true);
    expect(matches('a.**.z', 'a.b.c.z')).toBe(true);
  });
});

describe('a valid pattern without wildcards is an exact name', () => {
  const realSegment = fc.stringMatching(/^[A-Za-z0-9_-]{1,6}$/);
  const exactName = fc.array(realSegment, { minLength: 1, maxLength: 5 }).map((s) => s.join('.'));

  it('is parsed as exact and matches itself', () => {
    fc.assert(
      fc.property(exactName, (n) => {
        expect(isValidName(n)).toBe(true);
        expect(parsePattern(n).exact).toBe(true);
        expect(matches(n, n)).toBe(true);
      }),
    );
  });

  it('matches no other name', () => {
    fc.assert(
      fc.property(exactName, exactName, (p, n) => {
        fc.pre(p !== n);
        expect(matches(p, n)).toBe(false);
        expect(matchName(p.split('.'), n)).toBe(false);
      }),
    );
  });
});
