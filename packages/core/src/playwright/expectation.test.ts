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
