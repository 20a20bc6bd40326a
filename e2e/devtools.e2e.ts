import { expect, type Page, test } from '@playwright/test';

// The devtools in the playground, driven as a developer would: by the corner button and the
// hotkey, reading the live stream while clicking through the shop.

// The guide's screenshots are made by this suite; they land in docs/images only when asked
// (ISOTEL_DOCS_SCREENSHOTS=1), so an ordinary test run leaves the work tree clean.
const shots = process.env.ISOTEL_DOCS_SCREENSHOTS
  ? new URL('../docs/images/', import.meta.url).pathname
  : new URL('./test-results/screenshots/', import.meta.url).pathname;

function devtools(page: Page) {
  return page.getByRole('region', { name: 'isotel devtools' });
}

async function freshPage(page: Page) {
  await page.goto('/');
  await page.evaluate(() => localStorage.removeItem('isotel.devtools'));
  await page.reload();
  await expect(page.getByRole('button', { name: 'Open isotel devtools' })).toBeVisible();
}

function addToCart(page: Page, product = 'Sencha green tea') {
  return page.getByRole('button', { name: `Add ${product} to cart` }).click();
}

test.describe('devtools in the playground', () => {
  test.beforeEach(async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await freshPage(page);
  });

  test('opens by its button and by the hotkey, and Esc closes it', async ({ page }) => {
    await page.getByRole('button', { name: 'Open isotel devtools' }).click();
    await expect(devtools(page)).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(devtools(page)).toBeHidden();
    await page.keyboard.press('Control+Shift+E');
    await expect(devtools(page)).toBeVisible();
    // typing the hotkey into the shop's search field belongs to the field
    await page.keyboard.press('Control+Shift+E');
    await expect(devtools(page)).toBeHidden();
    await page.getByRole('searchbox').focus();
    await page.keyboard.press('Control+Shift+E');
    await expect(devtools(page)).toBeHidden();
  });

  test('an event emitted by the page appears in the stream and opens in detail', async ({ page }) => {
    await page.keyboard.press('Control+Shift+E');
    await addToCart(page, 'Hand grinder');
    await page.getByRole('combobox', { name: 'Sort by' }).selectOption('price-asc');
    await addToCart(page);
    const events = devtools(page).getByRole('listbox', { name: 'Events' });
    const rows = events.getByRole('option').filter({ hasText: 'shop.cart.add' });
    await expect(rows).toHaveCount(2);
    await rows.last().click();
    const detail = devtools(page).getByRole('region', { name: 'Event detail' });
    await expect(detail).toContainText('"sku": "tea-sen"');
    await devtools(page).screenshot({ path: `${shots}devtools-events.png` });
  });

  test('pause stops the stream and the pattern filter narrows it', async ({ page }) => {
    await page.keyboard.press('Control+Shift+E');
    const panel = devtools(page);
    const names = panel.getByRole('listbox', { name: 'Events' }).locator('.name');
    await panel.getByRole('button', { name: 'Clear' }).click();
    // two frames give the panel's batched (per-frame) update its chance to render
    const twoFrames = () =>
      page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await panel.getByRole('button', { name: 'Pause' }).click();
    // the exporter's own events may have arrived just before the pause, their render still
    // pending: compare with the count once that render is done
    await twoFrames();
    const counter = panel.getByText(/ seen$/);
    const atPause = (await counter.textContent()) ?? '';
    await addToCart(page);
    await twoFrames();
    await expect(counter).toHaveText(atPause);
    await expect(names.filter({ hasText: 'shop.cart.add' })).toHaveCount(0);
    await panel.getByRole('button', { name: 'Resume' }).click();
    await addToCart(page, 'Assam black tea');
    await page.getByRole('searchbox').fill('tea');
    await expect(names.filter({ hasText: 'shop.cart.add' })).toHaveCount(1);
    await panel.getByRole('textbox', { name: 'Pattern' }).fill('shop.product.*');
    await expect(names.filter({ hasText: 'shop.cart.add' })).toHaveCount(0);
    await expect(names.filter({ hasText: 'shop.product.filter' }).first()).toBeVisible();
    await panel.getByRole('textbox', { name: 'Pattern' }).fill('shop..x');
    await expect(panel.getByRole('alert')).toContainText('Invalid pattern');
    await panel.getByRole('textbox', { name: 'Pattern' }).fill('');
    await panel.getByRole('textbox', { name: 'Filter' }).fill('no event has this text');
    await expect(panel.getByText('No event matches the filter')).toBeVisible();
  });

  test('a handler detached in the Handlers tab stops receiving events, unless undone', async ({ page }) => {
    await page.keyboard.press('Control+Shift+E');
    const panel = devtools(page);
    await panel.getByRole('tab', { name: 'Handlers' }).click();
    const list = panel.getByRole('list', { name: 'Handlers' });
    const card = list.getByRole('listitem').filter({ hasText: 'shop.**' }).first();
    await expect(card).toBeVisible();
    const id = (await card.getAttribute('aria-label')) ?? '';
    await panel.screenshot({ path: `${shots}devtools-handlers.png` });
    const registered = () =>
      page.evaluate(() => {
        const registry = (globalThis as Record<symbol, { telemetry?: { listHandlers(): { id: string }[] } }>)[
          Symbol.for('isotel.registry')
        ];
        return registry?.telemetry?.listHandlers().map((h) => h.id) ?? [];
      });
    // Undo keeps it
    await card.getByRole('button', { name: `Detach ${id}` }).click();
    await panel.getByRole('button', { name: 'Undo' }).click();
    await expect(panel.getByText(`Kept ${id}`)).toBeVisible();
    expect(await registered()).toContain(id);
    // without Undo it goes after a few seconds
    await card.getByRole('button', { name: `Detach ${id}` }).click();
    await expect(panel.getByText(`Detached ${id}.`)).toBeVisible({ timeout: 10_000 });
    await expect(list.getByRole('listitem', { name: id, exact: true })).toHaveCount(0);
    expect(await registered()).not.toContain(id);
  });

  test('a sampling rule set in the Control tab applies to the next events', async ({ page }) => {
    await page.keyboard.press('Control+Shift+E');
    const panel = devtools(page);
    await panel.getByRole('tab', { name: 'Control' }).click();
    const rules = panel.getByRole('textbox', { name: 'Sampling rules' });
    await expect(rules).toBeVisible();
    await rules.fill('shop.cart.** = 2');
    await panel.getByRole('button', { name: 'Apply' }).click();
    await expect(panel.getByRole('form', { name: 'Runtime control' }).getByRole('alert')).not.toBeEmpty();
    await rules.fill('shop.cart.** = 0');
    await panel.getByRole('button', { name: 'Apply' }).click();
    await expect(panel.getByText('Applied')).toBeVisible();
    await panel.screenshot({ path: `${shots}devtools-control.png` });
    await panel.getByRole('tab', { name: 'Events' }).click();
    await addToCart(page);
    await page.getByRole('searchbox').fill('x');
    const names = panel.getByRole('listbox', { name: 'Events' }).locator('.name');
    await expect(names.filter({ hasText: 'shop.product.filter' }).first()).toBeVisible();
    await expect(names.filter({ hasText: 'shop.cart.add' })).toHaveCount(0);
    await panel.getByRole('tab', { name: 'Control' }).click();
    await rules.fill('');
    await panel.getByRole('button', { name: 'Apply' }).click();
    await panel.getByRole('tab', { name: 'Events' }).click();
    await page.getByRole('searchbox').fill('');
    await addToCart(page);
    await expect(names.filter({ hasText: 'shop.cart.add' })).toHaveCount(1);
  });

  test("the Exporters tab shows the page's exporter and flushes it, the Metrics tab its aggregator", async ({
    page,
  }) => {
    await page.keyboard.press('Control+Shift+E');
    await addToCart(page);
    await addToCart(page, 'Hand grinder');
    const panel = devtools(page);
    await panel.getByRole('tab', { name: 'Exporters' }).click();
    const exporter = panel.getByRole('region', { name: 'dev collector' });
    await expect(exporter).toContainText('circuit breaker');
    await expect(exporter).toContainText('healthy');
    await exporter.getByRole('button', { name: 'Flush now' }).click();
    await expect(exporter.getByRole('status')).toContainText('Flushed at');
    // the stats are read every second and now have the flush's time
    await expect(exporter).toContainText('last flush', { timeout: 3000 });
    await panel.screenshot({ path: `${shots}devtools-exporters.png` });
    await panel.getByRole('tab', { name: 'Metrics' }).click();
    const metrics = panel.getByRole('list', { name: 'Metrics' });
    await expect(metrics.getByRole('listitem').filter({ hasText: 'shop.cart.add.count' })).toContainText('counter');
    await panel.screenshot({ path: `${shots}devtools-metrics.png` });
  });

  test('open state, tab, size and filters survive a reload', async ({ page }) => {
    await page.getByRole('button', { name: 'Open isotel devtools' }).click();
    const panel = devtools(page);
    await panel.getByRole('textbox', { name: 'Pattern' }).fill('shop.**');
    const separator = panel.getByRole('separator', { name: 'Resize isotel devtools' });
    await separator.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    const size = await separator.getAttribute('aria-valuenow');
    await panel.getByRole('tab', { name: 'Handlers' }).click();
    await page.reload();
    await expect(devtools(page)).toBeVisible();
    await expect(devtools(page).getByRole('tab', { name: 'Handlers' })).toHaveAttribute('aria-selected', 'true');
    await expect(devtools(page).getByRole('separator')).toHaveAttribute('aria-valuenow', size ?? '');
    await devtools(page).getByRole('tab', { name: 'Events' }).click();
    await expect(devtools(page).getByRole('textbox', { name: 'Pattern' })).toHaveValue('shop.**');
  });
});
