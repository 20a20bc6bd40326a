import { expect, type PageEvent, test } from '@isotel/core/playwright';
import type { Page } from '@playwright/test';
import { collectorUrl } from './playwright.config.js';

// User stories against the built playground (a coffee shop), read through the
// @isotel/core/playwright fixture.

async function addToCart(page: Page, product: string) {
  await page.getByRole('button', { name: `Add ${product} to cart` }).click();
}

const ORDER_TIMEOUT = 15_000;

/** The value of one series in the dev collector's Prometheus exposition (0 when absent). */
async function metric(series: string): Promise<number> {
  const text = await (await fetch(`${collectorUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

test('a shopper filters the list: each change emits an event and re-renders the profiled list', async ({
  page,
  telemetry,
}) => {
  await page.goto('/');
  await page.getByRole('searchbox', { name: 'Filter' }).fill('beans');
  const filter = await telemetry.waitForEvent('shop.product.filter', { metadata: { query: 'beans' } });
  expect(filter.measurements.results).toBe(3);
  await expect(page.getByRole('list', { name: 'Product list' }).getByRole('listitem')).toHaveCount(3);
  await telemetry.waitForEvent('react.render', { metadata: { id: 'product-list', phase: 'update' } });
});

test('placing an order is one span whose start and stop share ids, with a plausible duration', async ({
  page,
  telemetry,
}) => {
  await page.goto('/');
  await addToCart(page, 'Hand grinder');
  await page.getByRole('button', { name: 'Place order', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Order status' })).toContainText('confirmed', {
    timeout: ORDER_TIMEOUT,
  });

  const stop = await telemetry.waitForEvent('shop.checkout.order.stop');
  const start = await telemetry.waitForEvent('shop.checkout.order.start', {
    metadata: { spanId: stop.metadata.spanId },
  });
  expect(stop.metadata.spanId).toMatch(/^[0-9a-f]{16}$/);
  expect(start.metadata.orderId).toBe(stop.metadata.orderId);
  // the slow payment backend answers after 1.2 s; the whole order cannot be faster than that
  expect(stop.measurements.duration).toBeGreaterThanOrEqual(1200);
  expect(stop.measurements.duration).toBeLessThan(ORDER_TIMEOUT);
  expect(stop.time).toBeGreaterThanOrEqual(start.time);

  const payment = await telemetry.waitForEvent('shop.checkout.payment.stop');
  expect(payment.metadata.parentSpanId).toBe(stop.metadata.spanId);
  expect(payment.measurements.duration).toBeLessThanOrEqual(stop.measurements.duration as number);

  // the page aggregates its own metrics too
  const metrics = page.getByRole('region', { name: 'Shop metrics' });
  await expect(metrics.locator('dt:text-is("Orders placed") + dd')).toHaveText('1');
  await expect(metrics.locator('dt:text-is("Median order time") + dd')).toHaveText(/^\d+ ms$/);
});

test('a declined payment emits .exception with the error and the page says so', async ({ page, telemetry }) => {
  const failures = 'shop_checkout_order_exception_duration_total{backend="failing"}';
  const before = await metric(failures);
  await page.goto('/');
  await addToCart(page, 'Sencha green tea');
  await page.getByRole('button', { name: 'Place order (payment fails)' }).click();

  const payment = await telemetry.waitForEvent('shop.checkout.payment.exception', { timeout: ORDER_TIMEOUT });
  expect(payment.metadata.kind).toBe('error');
  expect(payment.metadata.error).toMatchObject({ name: 'PaymentDeclinedError' });
  const order = await telemetry.waitForEvent('shop.checkout.order.exception');
  expect(order.metadata.spanId).toBe(payment.metadata.parentSpanId);
  expect(order.measurements.duration).toBeGreaterThanOrEqual(payment.measurements.duration as number);
  await telemetry.expectNoEvent('shop.checkout.order.stop', { within: 300 });
  await expect(page.getByRole('status', { name: 'Order status' })).toContainText('declined');
  // shipped to the collector, the failure is counted in Prometheus
  await expect.poll(() => metric(failures), { timeout: 15_000 }).toBe(before + 1);
});

test('a product that fails to render is reported by the error boundary, and the list recovers', async ({
  page,
  telemetry,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Show a broken product' }).click();
  const error = await telemetry.waitForEvent('react.error', { metadata: { boundary: 'product-list' } });
  expect(error.metadata.error).toMatchObject({ name: 'TypeError', message: 'Product "mystery-blend" has no price.' });
  // React's component stack (names are minified in the production build)
  expect(error.metadata.componentStack).toMatch(/^\s+at [\w$]+/);
  await expect(page.getByRole('alert')).toHaveText('Product "mystery-blend" has no price.');
  // the rest of the shop keeps working
  await expect(page.getByRole('region', { name: 'Cart' })).toBeVisible();
  await page.getByRole('button', { name: 'Reload the list' }).click();
  await expect(page.getByRole('list', { name: 'Product list' }).getByRole('listitem')).toHaveCount(8);
});

test('every event of one "place order" click carries the same correlation id', async ({ page, telemetry }) => {
  await page.goto('/');
  await addToCart(page, 'Gooseneck kettle');
  await addToCart(page, 'Paper filters (100)');
  await page.getByRole('button', { name: 'Place order', exact: true }).click();
  const confirmed = await telemetry.waitForEvent('shop.checkout.confirmed', { timeout: ORDER_TIMEOUT });
  const correlationId = confirmed.metadata.correlationId;
  expect(correlationId).toEqual(expect.any(String));
  await telemetry.waitForEvent('shop.checkout.order.stop', { metadata: { correlationId } });

  const action = telemetry.events('shop.checkout.**', { metadata: { correlationId } }).map((e: PageEvent) => e.name);
  expect(action).toEqual([
    'shop.checkout.order.start',
    'shop.checkout.stock.start',
    'shop.checkout.stock.stop',
    'shop.checkout.payment.start',
    'shop.checkout.payment.stop',
    'shop.checkout.confirmed',
    'shop.checkout.order.stop',
  ]);
  // the clicks before the order were other actions
  for (const add of telemetry.events('shop.cart.add')) expect(add.metadata.correlationId).not.toBe(correlationId);
});

test("the collector's /metrics counts the shopper's clicks", async ({ page }) => {
  const series = 'shop_cart_add_count_total{sku="gea-grd"}';
  const before = await metric(series);
  await page.goto('/');
  for (let i = 0; i < 3; i++) await addToCart(page, 'Hand grinder');
  await expect(page.getByRole('list', { name: 'Cart lines' })).toContainText('3 × Hand grinder');
  await expect.poll(() => metric(series), { timeout: 15_000 }).toBe(before + 3);
});

test('an order placed offline is delivered once after reconnecting', async ({ page, telemetry }) => {
  const orders = 'shop_checkout_order_stop_duration_seconds_count{backend="slow"}';
  const before = await metric(orders);
  await page.goto('/');
  const offline = page.getByRole('switch', { name: 'Offline' });
  await offline.click();
  await expect(offline).toHaveAttribute('aria-checked', 'true');

  await addToCart(page, 'Assam black tea');
  await page.getByRole('button', { name: 'Place order', exact: true }).click();
  await telemetry.waitForEvent('shop.checkout.order.stop', { timeout: ORDER_TIMEOUT });
  // the exporter flushes every second; offline, nothing reaches the collector
  await page.waitForTimeout(2500);
  expect(await metric(orders)).toBe(before);

  await offline.click();
  await expect(offline).toHaveAttribute('aria-checked', 'false');
  await expect.poll(() => metric(orders), { timeout: 15_000 }).toBe(before + 1);
  // and only once, even after more flushes
  await page.waitForTimeout(2500);
  expect(await metric(orders)).toBe(before + 1);
});

test('an order placed offline waits in IndexedDB through a reload and is delivered once', async ({
  page,
  telemetry,
}) => {
  const orders = 'shop_checkout_order_stop_duration_seconds_count{backend="slow"}';
  const before = await metric(orders);
  await page.goto('/');
  await page.getByRole('switch', { name: 'Offline' }).click();
  await addToCart(page, 'Colombia Huila beans');
  await page.getByRole('button', { name: 'Place order', exact: true }).click();
  const stop = await telemetry.waitForEvent('shop.checkout.order.stop', { timeout: ORDER_TIMEOUT });
  await page.waitForTimeout(1500);
  expect(await metric(orders)).toBe(before);

  // the switch lives in memory: the reloaded page is online, and its exporter finds the backlog
  await page.reload();
  await expect(page.getByRole('switch', { name: 'Offline' })).toHaveAttribute('aria-checked', 'false');
  await expect.poll(() => metric(orders), { timeout: 15_000 }).toBe(before + 1);
  await page.waitForTimeout(2500);
  expect(await metric(orders)).toBe(before + 1);
  // the reloaded page did not place it again: it came from the first page's queue
  expect(telemetry.events('shop.checkout.order.stop')).toEqual([stop]);
});

test('sampling set in the devtools changes what the page emits, without a reload', async ({ page, telemetry }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Open isotel devtools' }).click();
  const panel = page.getByRole('region', { name: 'isotel devtools' });
  await panel.getByRole('tab', { name: 'Control' }).click();
  const rules = panel.getByRole('textbox', { name: 'Sampling rules' });
  const apply = async (text: string) => {
    await rules.fill(text);
    await panel.getByRole('button', { name: 'Apply' }).click();
    await expect(panel.getByRole('status').filter({ hasText: /applied/i })).toHaveText('Applied');
  };

  await apply('shop.cart.** = 0');
  const none = telemetry.expectNoEvent('shop.cart.add', { within: 1000 });
  await addToCart(page, 'Sencha green tea');
  await none;
  // the rule covers the cart only: the filter is still emitted
  await page.getByRole('searchbox', { name: 'Filter' }).fill('tea');
  await telemetry.waitForEvent('shop.product.filter', { metadata: { query: 'tea' } });

  await apply('shop.cart.** = 1');
  await addToCart(page, 'Sencha green tea');
  await telemetry.waitForEvent('shop.cart.add', { metadata: { sku: 'tea-sen' } });
  expect(telemetry.events('shop.cart.add')).toHaveLength(1);
});

test('the dev collector holds the shop to its catalog: every playground event passes, a misspelt one is refused', async ({
  page,
  telemetry,
}) => {
  const stats = async () =>
    (await (await fetch(`${collectorUrl}/v1/stats`)).json()) as { accepted: number; rejected: Record<string, number> };
  const before = await stats();
  await page.goto('/');
  await page.getByRole('searchbox', { name: 'Filter' }).fill('e');
  await page.getByRole('combobox', { name: 'Sort by' }).selectOption('price-desc');
  await addToCart(page, 'Hand grinder');
  await addToCart(page, 'Assam black tea');
  await page.getByRole('button', { name: 'Remove Assam black tea' }).click();
  await page.getByRole('button', { name: 'Place order (payment fails)' }).click();
  await telemetry.waitForEvent('shop.checkout.order.exception', { timeout: ORDER_TIMEOUT });
  await page.getByRole('button', { name: 'Place order', exact: true }).click();
  await telemetry.waitForEvent('shop.checkout.order.stop', { timeout: ORDER_TIMEOUT });
  await page.getByRole('button', { name: 'Show a broken product' }).click();
  await page.getByRole('switch', { name: 'Offline' }).click();
  await page.getByRole('switch', { name: 'Offline' }).click();
  // an error nobody catches is shipped too, as runtime.error
  await page.evaluate(() =>
    setTimeout(() => {
      throw new Error('uncaught in the shop');
    }),
  );
  await telemetry.waitForEvent('runtime.error', { metadata: { message: 'Error: uncaught in the shop' } });
  // everything the page's exporter ships (its patterns: shop.**, react.**, playground.**, runtime.error) is accepted
  const shipped = () =>
    telemetry.events().filter((e) => /^(shop|react|playground)\./.test(e.name) || e.name === 'runtime.error').length;
  await expect.poll(async () => (await stats()).accepted - before.accepted - shipped(), { timeout: 15_000 }).toBe(0);
  expect((await stats()).rejected).toEqual(before.rejected);

  const misspelt = await fetch(`${collectorUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: 'e2e-catalog',
      events: [
        { id: crypto.randomUUID(), name: 'shop.cart.add', time: Date.now(), measurements: { cnt: 1 }, metadata: {} },
      ],
    }),
  });
  const answer = (await misspelt.json()) as { rejected?: { code: string }[] };
  expect(answer.rejected?.map((r) => r.code)).toEqual(['invalid_measurements']);
  expect((await stats()).rejected.invalid_measurements ?? 0).toBe((before.rejected.invalid_measurements ?? 0) + 1);
});
