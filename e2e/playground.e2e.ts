import { expect, type PageEvent, test } from '@isotel/core/playwright';
import type { Page } from '@playwright/test';

// User stories against the built playground (a coffee shop), read through the
// @isotel/core/playwright fixture.

async function addToCart(page: Page, product: string) {
  await page.getByRole('button', { name: `Add ${product} to cart` }).click();
}

const ORDER_TIMEOUT = 15_000;

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
});

test('a declined payment emits .exception with the error and the page says so', async ({ page, telemetry }) => {
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
