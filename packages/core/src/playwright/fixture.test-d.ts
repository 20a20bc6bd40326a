import { describe, expectTypeOf, it } from 'vitest';
import { type EventExpectation, type PageEvent, type PageTelemetry, type TelemetryFixtures, test } from './index.js';

describe('the Playwright fixture is typed for its users', () => {
  it('gives tests a PageTelemetry named telemetry', () => {
    expectTypeOf<TelemetryFixtures['telemetry']>().toEqualTypeOf<PageTelemetry>();
    test('typed', async ({ telemetry, page }) => {
      expectTypeOf(telemetry.waitForEvent('a.b')).toEqualTypeOf<Promise<PageEvent>>();
      expectTypeOf(telemetry.events('a.*')).toEqualTypeOf<PageEvent[]>();
      expectTypeOf(telemetry.expectNoEvent('a.b', { within: 100, page })).toEqualTypeOf<Promise<void>>();
    });
  });

  it('types predicate arguments as unknown and accepts values read from other events', () => {
    const fromAnotherEvent: unknown = 'o-1';
    const expectation: EventExpectation = {
      metadata: { orderId: fromAnotherEvent, items: [1, 2], nested: { ok: true } },
      measurements: {
        duration: (d) => {
          expectTypeOf(d).toEqualTypeOf<unknown>();
          return typeof d === 'number';
        },
      },
    };
    expectTypeOf(expectation).toMatchTypeOf<EventExpectation>();
  });

  it('types nested predicate arguments as unknown, in objects and in arrays', () => {
    const expectation: EventExpectation = {
      metadata: {
        order: {
          id: (id) => {
            expectTypeOf(id).toEqualTypeOf<unknown>();
            return typeof id === 'string' && id.startsWith('o-');
          },
        },
        items: [{ sku: 'a', qty: (q) => typeof q === 'number' && q > 0 }],
      },
    };
    expectTypeOf(expectation).toMatchTypeOf<EventExpectation>();
  });

  it('reads measurements as numbers and metadata as unknown', () => {
    expectTypeOf<PageEvent['measurements']>().toEqualTypeOf<Record<string, number>>();
    expectTypeOf<PageEvent['metadata']>().toEqualTypeOf<Record<string, unknown>>();
  });
});
