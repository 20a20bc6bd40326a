import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';

// The React devtools panel in the playground, driven by roles and names as a developer (or a
// screen reader user) would: history from page load, settings that survive a reload, a narrow
// phone viewport, Copy as JSON, the span waterfall, errors that stand out, and axe-core.

const shots = process.env.ISOTEL_DOCS_SCREENSHOTS
  ? new URL('../docs/images/', import.meta.url).pathname
  : new URL('./test-results/screenshots/', import.meta.url).pathname;

const devtools = (page: Page) => page.getByRole('region', { name: 'isotel devtools' });
const toggle = (page: Page) => page.getByRole('button', { name: 'Open isotel devtools' });

async function freshPage(page: Page) {
  await page.goto('/');
  await page.evaluate(() => {
    localStorage.removeItem('isotel.devtools');
    localStorage.removeItem('playground.devtools.source');
  });
  await page.reload();
  await expect(toggle(page)).toBeVisible();
}

function addToCart(page: Page, product = 'Sencha green tea') {
  return page.getByRole('button', { name: `Add ${product} to cart` }).click();
}

// serious and critical findings only, as "rule: target" lines (readable when the test fails)
async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page });
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} ${n.failureSummary ?? ''}`));
}

test.describe('the devtools panel', () => {
  test.beforeEach(async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await freshPage(page);
  });

  test('opening it shows the events emitted before, and time comes from the event', async ({ page }) => {
    await addToCart(page, 'Hand grinder');
    await addToCart(page);
    await toggle(page).click();
    const events = devtools(page).getByRole('listbox', { name: 'Events' });
    await expect(events.getByRole('option').filter({ hasText: 'shop.cart.add' })).toHaveCount(2);
    // one time format everywhere: HH:MM:SS.mmm
    await expect(events.getByRole('option').first().locator('.time')).toHaveText(/^\d\d:\d\d:\d\d\.\d{3}$/);
  });

  test('errors raise the badge, are marked for assistive tech, and a failed span shows in the waterfall', async ({
    page,
  }) => {
    await addToCart(page);
    await page.evaluate(() => {
      const registry = (globalThis as Record<symbol, { telemetry?: { emit(n: string, m: object, md: object): void } }>)[
        Symbol.for('isotel.registry')
      ];
      registry?.telemetry?.emit('shop.checkout.order.exception', { duration: 12.5 }, { spanId: 'sp-x', kind: 'error' });
    });
    await expect(toggle(page)).toHaveAccessibleDescription(/1 error/);
    await toggle(page).click();
    const events = devtools(page).getByRole('listbox', { name: 'Events' });
    await expect(events.getByRole('option', { name: /^Error: .*shop\.checkout\.order\.exception/ })).toHaveCount(1);
    await devtools(page).getByRole('switch', { name: 'Group by span' }).click();
    await expect(devtools(page).getByRole('switch', { name: 'Group by span' })).toHaveAttribute('aria-checked', 'true');
    const spans = devtools(page).getByRole('list', { name: 'Spans' });
    await expect(spans.getByRole('button', { name: /^Error: shop\.checkout\.order$/ })).toBeVisible();
  });

  test('a span waterfall shows nested spans with bars and a link to the parent', async ({ page }) => {
    await page.evaluate(async () => {
      const registry = (globalThis as Record<symbol, { telemetry?: Record<string, CallableFunction> }>)[
        Symbol.for('isotel.registry')
      ];
      const t = registry?.telemetry as unknown as {
        span<T>(name: string, metadata: object, fn: () => Promise<T>): Promise<T>;
      };
      await t.span('demo.outer', { step: 'outer' }, () =>
        t.span('demo.inner', { step: 'inner' }, () => new Promise((resolve) => setTimeout(resolve, 30))),
      );
    });
    await toggle(page).click();
    const panel = devtools(page);
    await panel.getByRole('switch', { name: 'Group by span' }).click();
    const spans = panel.getByRole('list', { name: 'Spans' });
    await expect(spans.getByRole('button', { name: 'demo.inner', exact: true })).toBeVisible();
    await spans
      .getByRole('button', { name: /Parent span/ })
      .filter({ hasText: 'demo.outer' })
      .click();
    await expect(panel.getByRole('region', { name: 'Event detail' })).toContainText('demo.outer.start');
    await panel.screenshot({ path: `${shots}devtools-spans.png` });
  });

  test('Copy as JSON puts the event on the clipboard', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await addToCart(page, 'Hand grinder');
    await toggle(page).click();
    const panel = devtools(page);
    await panel.getByRole('option').filter({ hasText: 'shop.cart.add' }).click();
    const detail = panel.getByRole('region', { name: 'Event detail' });
    await detail.getByRole('button', { name: 'Copy as JSON' }).click();
    await expect(detail.getByRole('status')).toContainText('Copied');
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as Record<string, unknown>;
    expect(copied.name).toBe('shop.cart.add');
    expect(copied.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(copied.measurements).toMatchObject({ count: 1 });
    expect(copied.metadata).toMatchObject({ sku: 'gea-grd' });
  });

  test('theme, dock and switches are set in Settings and survive a reload', async ({ page }) => {
    await toggle(page).click();
    const panel = devtools(page);
    await panel.getByRole('button', { name: 'Settings' }).click();
    await panel.getByRole('menuitemradio', { name: 'Dark' }).click();
    await expect(panel.getByRole('menuitemradio', { name: 'Dark' })).toHaveAttribute('aria-checked', 'true');
    await panel.getByRole('menuitemradio', { name: 'Right' }).click();
    await page.keyboard.press('Escape');
    await expect(panel.getByRole('menu')).toHaveCount(0);
    await panel.getByRole('switch', { name: 'Hide internal events' }).click();
    await page.reload();
    await expect(devtools(page)).toBeVisible();
    const box = await devtools(page).boundingBox();
    expect(box?.x ?? 0).toBeGreaterThan(600);
    await expect(devtools(page).getByRole('switch', { name: 'Hide internal events' })).toHaveAttribute(
      'aria-checked',
      'true',
    );
    await devtools(page).getByRole('button', { name: 'Settings' }).click();
    await expect(devtools(page).getByRole('menuitemradio', { name: 'Dark' })).toHaveAttribute('aria-checked', 'true');
    await expect(devtools(page).getByRole('menuitemradio', { name: 'Right' })).toHaveAttribute('aria-checked', 'true');
    await expect(devtools(page).getByRole('menuitemradio', { name: 'Light' })).toHaveAttribute('aria-checked', 'false');
  });

  test('at 390 px every tab fits the width, and the detail takes the whole panel', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await addToCart(page);
    await toggle(page).click();
    const panel = devtools(page);
    const overflow = () =>
      page.evaluate(() => {
        const host = document.querySelector('[data-isotel-devtools]');
        const root = host?.shadowRoot;
        const out: string[] = [];
        for (const el of root?.querySelectorAll<HTMLElement>('.panel *') ?? []) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > window.innerWidth + 1) out.push(`${el.className || el.tagName} ${r.right}`);
        }
        return out;
      });
    // a side dock would leave a phone's page no room: the panel stays at the bottom, full width
    await panel.getByRole('button', { name: 'Settings' }).click();
    await panel.getByRole('menuitemradio', { name: 'Right' }).click();
    await page.keyboard.press('Escape');
    expect((await panel.boundingBox())?.width).toBe(390);
    for (const tab of ['Events', 'Handlers', 'Control', 'Exporters', 'Metrics']) {
      await panel.getByRole('tab', { name: tab }).click();
      await expect(panel.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
      await expect.poll(overflow, { message: `${tab} overflows` }).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    await panel.getByRole('tab', { name: 'Events' }).click();
    await panel.getByRole('option').filter({ hasText: 'shop.cart.add' }).first().click();
    const detail = panel.getByRole('region', { name: 'Event detail' });
    await expect(detail).toBeVisible();
    const detailBox = await detail.boundingBox();
    const panelBox = await panel.boundingBox();
    // the detail uses the panel's height below its header and toolbar, not a sliver of it
    expect(detailBox?.height ?? 0).toBeGreaterThan((panelBox?.height ?? 0) * 0.5);
    await panel.screenshot({ path: `${shots}devtools-narrow.png` });
    await detail.getByRole('button', { name: 'Close event detail' }).click();
    await expect(panel.getByRole('listbox', { name: 'Events' })).toBeVisible();
  });

  test('axe-core finds nothing serious in the panel, on any tab, or on the playground', async ({ page }) => {
    // eight full axe-core runs, each a few seconds on a busy machine
    test.setTimeout(180_000);
    expect(await seriousViolations(page)).toEqual([]);
    await addToCart(page);
    await toggle(page).click();
    const panel = devtools(page);
    for (const tab of ['Events', 'Handlers', 'Control', 'Exporters', 'Metrics']) {
      await panel.getByRole('tab', { name: tab }).click();
      await expect(panel.getByRole('tabpanel')).not.toBeEmpty();
      expect(await seriousViolations(page, '[data-isotel-devtools]'), tab).toEqual([]);
    }
    await panel.getByRole('tab', { name: 'Events' }).click();
    await panel.getByRole('listbox', { name: 'Events' }).getByRole('option').first().click();
    await panel.getByRole('button', { name: 'Settings' }).click();
    await panel.getByRole('menuitemradio', { name: 'Dark' }).click();
    expect(await seriousViolations(page, '[data-isotel-devtools]'), 'dark, with detail').toEqual([]);
  });

  test('stays responsive under a burst of 10,000 events', async ({ page }) => {
    await toggle(page).click();
    const result = await page.evaluate(async () => {
      const registry = (globalThis as Record<symbol, { telemetry?: { emit(n: string, m: object, md: object): void } }>)[
        Symbol.for('isotel.registry')
      ];
      const t = registry?.telemetry;
      const longTasks: number[] = [];
      const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) longTasks.push(e.duration);
      });
      observer.observe({ type: 'longtask' });
      for (let tick = 0; tick < 100; tick++) {
        for (let i = 0; i < 100; i++) t?.emit('load.test', { i, duration: i / 3 }, { tick });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      observer.disconnect();
      return { longest: Math.max(0, ...longTasks) };
    });
    expect(result.longest).toBeLessThan(200);
    await expect(devtools(page).getByText(/ seen$/)).toContainText('1000 buffered');
  });
});

test('the playground switches the panel to the dev collector, shows its exporters, and back', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await freshPage(page);
  await page.getByRole('combobox', { name: 'Devtools watch' }).selectOption('collector');
  await toggle(page).click();
  const panel = devtools(page);
  await expect(panel).toContainText('http://127.0.0.1');
  // the page's exporter ships the cart event; the collector streams it back with its own time
  await addToCart(page, 'Hand grinder');
  const events = panel.getByRole('listbox', { name: 'Events' });
  await expect(events.getByRole('option').filter({ hasText: 'shop.cart.add' }).first()).toBeVisible({
    timeout: 10_000,
  });
  await panel.getByRole('tab', { name: 'Handlers' }).click();
  await expect(panel.getByRole('list', { name: 'Handlers' })).toBeVisible();
  // the dev collector's Prometheus reporter, as its GET /v1/exporters reports it
  await panel.getByRole('tab', { name: 'Exporters' }).click();
  await expect(panel.getByRole('region', { name: 'collector prometheus' })).toBeVisible();
  await expect(panel.getByText('Reported by collector playground-dev (each instance reports its own).')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Devtools watch' })).toHaveValue('collector');
  await page.getByRole('combobox', { name: 'Devtools watch' }).selectOption('page');
  await expect(devtools(page)).toContainText('in-page bus');
});
