import { readFileSync } from 'node:fs';
import { expect, test } from '@isotel/core/playwright';
import { collectorUrl } from './playwright.config.js';

// docs/getting-started.md, step by step. Each step checks that the guide still says what the
// test does (button names, event names, metric series, code), so neither can drift.
const guide = readFileSync(new URL('../docs/getting-started.md', import.meta.url), 'utf8');
const source = (path: string) => readFileSync(new URL(`../playground/${path}`, import.meta.url), 'utf8');

function guideSays(...texts: string[]) {
  for (const text of texts) expect(guide, `docs/getting-started.md should say ${JSON.stringify(text)}`).toContain(text);
}

test('the getting-started guide, followed step by step, works', async ({ page, telemetry }) => {
  // 1. npm start: both servers, the collector allowing the playground's origin (start.test.ts
  //    runs the command itself; here the e2e config runs the same collector and a build)
  guideSays('npm install && npm start', 'PLAYGROUND_PORT', 'COLLECTOR_PORT', 'is busy');

  // 2. click around: the page explains each button
  await page.goto('/');
  guideSays('What each button shows');
  await expect(page.getByRole('complementary', { name: 'What each button shows' })).toBeVisible();

  // 3. instrument a component: the code the guide shows is the code the playground runs
  guideSays("emit('shop.product.filter', { results: visibleProducts(next, order).length }, { query: next });");
  expect(source('src/shop/product-list.tsx')).toContain(
    "emit('shop.product.filter', { results: visibleProducts(next, order).length }, { query: next });",
  );
  guideSays("t.span('shop.checkout.order', { orderId, backend, items, total }");
  expect(source('src/shop/place-order.ts')).toContain("t.span('shop.checkout.order', { orderId, backend, items, total");
  await page.getByRole('searchbox', { name: 'Filter' }).fill('grinder');
  await telemetry.waitForEvent('shop.product.filter', { metadata: { query: 'grinder' }, measurements: { results: 1 } });

  // 4. see it in the devtools
  guideSays('Open isotel devtools', '**Events**', 'shop.cart.add');
  const before = await cartAdds();
  await page.getByRole('button', { name: 'Open isotel devtools' }).click();
  const panel = page.getByRole('region', { name: 'isotel devtools' });
  guideSays('Add Hand grinder to cart');
  await page.getByRole('button', { name: 'Add Hand grinder to cart' }).click();
  await expect(
    panel.getByRole('listbox', { name: 'Events' }).getByRole('option').filter({ hasText: 'shop.cart.add' }),
  ).toHaveCount(1);

  // 5. export to Prometheus
  guideSays('shop_cart_add_count_total{sku="gea-grd"}', "counter('shop.cart.add.count', { tags: ['sku'] })");
  expect(source('scripts/dev-collector.ts')).toContain("counter('shop.cart.add.count', { tags: ['sku']");
  await expect.poll(cartAdds, { timeout: 15_000 }).toBe(before + 1);

  // 6. assert it in Playwright
  guideSays("telemetry.waitForEvent('shop.cart.add', { metadata: { sku: 'gea-grd' } })");
  const add = await telemetry.waitForEvent('shop.cart.add', { metadata: { sku: 'gea-grd' } });
  expect(add.measurements.count).toBe(1);
});

async function cartAdds(): Promise<number> {
  const series = 'shop_cart_add_count_total{sku="gea-grd"}';
  const text = await (await fetch(`${collectorUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
