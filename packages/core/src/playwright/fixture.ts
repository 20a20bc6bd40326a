import { test as base } from '@playwright/test';
import { attachTelemetry, type PageTelemetry } from './page-telemetry.js';

/** The fixtures {@link test} adds to Playwright's. */
export interface TelemetryFixtures {
  /** The default-bus events of every page of the test's context, recorded from each page's first event. */
  telemetry: PageTelemetry;
}

/**
 * Fixture definitions to merge into your own `test.extend`, when you already extend Playwright's
 * `test`.
 *
 * @example
 * import { test as base } from '@playwright/test'
 * export const test = base.extend<TelemetryFixtures & MyFixtures>({ ...telemetryFixtures, ...myFixtures })
 */
export const telemetryFixtures: Parameters<typeof base.extend<TelemetryFixtures>>[0] = {
  telemetry: async ({ context }, use) => {
    const telemetry = await attachTelemetry(context);
    await use(telemetry);
    // waits the test left pending must not fire into the next test of the worker
    telemetry.dispose('the test ended');
  },
};

/**
 * Playwright's `test` with a `telemetry` fixture that reads the events your app emits in the page.
 *
 * @example
 * import { expect, test } from '@isotel/core/playwright'
 *
 * test('placing an order is traced', async ({ page, telemetry }) => {
 *   await page.goto('/')
 *   await page.getByRole('button', { name: 'Place order' }).click()
 *   const stop = await telemetry.waitForEvent('checkout.order.stop', { metadata: { outcome: 'ok' } })
 *   expect(stop.measurements.duration).toBeGreaterThan(0)
 * })
 */
export const test = base.extend<TelemetryFixtures>(telemetryFixtures);
