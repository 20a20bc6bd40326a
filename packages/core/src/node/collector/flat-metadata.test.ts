import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeMetadata } from '../../sanitize/sanitize-metadata.js';
import { isFlatSafeMetadata, sanitizeRemoteMetadata } from './flat-metadata.js';

// Objects as JSON.parse makes them from client metadata, biased towards the flat common case.
const jsonPrimitive = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 1000, maxLength: 1100 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(-0),
);
const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype'));
const metadata = fc.oneof(
  fc.dictionary(key, jsonPrimitive, { maxKeys: 80 }),
  fc.dictionary(key, fc.jsonValue({ maxDepth: 8 }), { maxKeys: 10 }),
);

describe('the flat-metadata fast path', () => {
  it('only skips sanitizeMetadata when it would return the same object', () => {
    fc.assert(
      fc.property(metadata, (input) => {
        const parsed = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
        if (isFlatSafeMetadata(parsed)) expect(sanitizeMetadata(parsed)).toEqual(parsed);
        expect(sanitizeRemoteMetadata(structuredClone(parsed))).toEqual(sanitizeMetadata(parsed));
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it('takes the fast path for typical flat metadata and not for nested, long or hostile input', () => {
    expect(isFlatSafeMetadata({ route: '/checkout', outcome: 'ok', attempt: 1, retried: false, ref: null })).toBe(true);
    expect(isFlatSafeMetadata({ user: { id: 1 } })).toBe(false);
    expect(isFlatSafeMetadata({ blob: 'x'.repeat(5000) })).toBe(false);
    expect(isFlatSafeMetadata(JSON.parse('{"__proto__": 1}'))).toBe(false);
    expect(isFlatSafeMetadata({ n: Number.POSITIVE_INFINITY })).toBe(false);
  });
});
