import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepEqual, meetsExpectation } from './expectation.js';
import type { BridgedEvent } from './page-bridge.js';

const event = (measurements: Record<string, number>, metadata: Record<string, unknown>): BridgedEvent => ({
  seq: 0,
  name: 'checkout.order.stop',
  measurements,
  metadata,
  loadId: 'l',
  time: 0,
  url: '',
});

describe('an event meets an expectation when it contains the expected keys', () => {
  it('ignores keys the expectation does not name', () => {
    const e = event({ duration: 12 }, { outcome: 'ok', orderId: 'o-1', items: [{ sku: 'a' }] });
    expect(meetsExpectation(e, { metadata: { outcome: 'ok' } })).toBe(true);
    expect(meetsExpectation(e, { metadata: { items: [{ sku: 'a' }] } })).toBe(true);
    expect(meetsExpectation(e, { metadata: { outcome: 'failed' } })).toBe(false);
    expect(meetsExpectation(e, { metadata: { missing: null } })).toBe(false);
  });

  it('applies predicates to measurements and metadata', () => {
    const e = event({ duration: 12 }, { orderId: 'o-1' });
    expect(meetsExpectation(e, { measurements: { duration: (d) => typeof d === 'number' && d > 10 } })).toBe(true);
    expect(meetsExpectation(e, { measurements: { duration: (d) => typeof d === 'number' && d > 20 } })).toBe(false);
    expect(meetsExpectation(e, { metadata: { orderId: (id) => String(id).startsWith('o-') } })).toBe(true);
  });

  it('applies predicates nested in objects and arrays, at any depth', () => {
    const e = event({}, { order: { id: 'o-1', total: 12 }, items: [{ sku: 'a', qty: 2 }] });
    const id = (v: unknown) => typeof v === 'string' && v.startsWith('o-');
    expect(meetsExpectation(e, { metadata: { order: { id, total: 12 } } })).toBe(true);
    expect(meetsExpectation(e, { metadata: { order: { id: () => false, total: 12 } } })).toBe(false);
    expect(
      meetsExpectation(e, { metadata: { items: [{ sku: 'a', qty: (q) => typeof q === 'number' && q > 1 }] } }),
    ).toBe(true);
    // inside objects and arrays the comparison stays exact: the same keys, the same length
    expect(meetsExpectation(e, { metadata: { order: { id } } })).toBe(false);
    expect(meetsExpectation(e, { metadata: { items: [() => true, () => true] } })).toBe(false);
  });

  it('a predicate in place of any part of a value decides that part as equality would', () => {
    // every leaf of `b` becomes `(actual) => deepEqual(actual, leaf)`
    const predicated = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(predicated);
      if (v !== null && typeof v === 'object')
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, predicated(x)]));
      return (actual: unknown) => deepEqual(actual, v);
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const e = event({}, { value: a });
        expect(meetsExpectation(e, { metadata: { value: predicated(a) } })).toBe(true);
        expect(meetsExpectation(e, { metadata: { value: predicated(b) } })).toBe(deepEqual(a, b));
      }),
    );
  });

  it('deepEqual agrees with JSON equality on JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        // Keys in a different order are still equal; JSON.stringify is order-sensitive, so sort.
        const canonical = (v: unknown): string =>
          JSON.stringify(v, (_k, x) =>
            x && typeof x === 'object' && !Array.isArray(x)
              ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : 1)))
              : x,
          );
        expect(deepEqual(a, b)).toBe(canonical(a) === canonical(b));
        expect(deepEqual(a, structuredClone(a))).toBe(true);
      }),
    );
  });
});
