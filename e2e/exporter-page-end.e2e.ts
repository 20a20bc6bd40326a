import { expect, type Page, test } from '@playwright/test';
import { emit, expectOncePerTab, type LabCollector, openLab, startCollector } from './delivery-kit.js';

// User stories of the moment a page ends: whatever a page emitted up to and including its last
// task (its own unload listeners too, added before or after the exporter's) reaches the
// collector exactly once — by the keepalive send at the end, or from IndexedDB on the next visit.
// Counted as unique event ids re-emitted on a real collector's bus.

// the exporter's defaults, but no periodic flush: what arrives is what the end of the page sent
const defaults = { flushIntervalMs: 60_000, batchSize: 100 };

type Ending = 'close' | 'close with runBeforeUnload' | 'navigation';

async function endPage(page: Page, how: Ending): Promise<void> {
  if (how === 'navigation') {
    await page.goto('about:blank');
    return;
  }
  const closed = page.waitForEvent('close');
  await page.close({ runBeforeUnload: how === 'close with runBeforeUnload' });
  await closed;
}

/** Opens the next visit of the same origin and waits until exactly `expected` events were stored. */
async function nextVisitDelivers(page: Page, c: LabCollector, tabs: Record<string, number>): Promise<void> {
  const expected = Object.values(tabs).reduce((a, b) => a + b, 0);
  // the lab's flushIntervalMs (250 ms): the closed page's last write may commit after this
  // page opened its queue, and is then sent at this page's next flush
  await openLab(page, c.url);
  await expect.poll(() => c.stored.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(expected);
  await expect.poll(() => page.evaluate(() => window.isotelLab.stats().queued), { timeout: 10_000 }).toBe(0);
  expectOncePerTab(c.stored, tabs);
}

for (const how of ['close', 'close with runBeforeUnload', 'navigation'] as const) {
  test(`a burst of 2,000 events in one task right before ${how} arrives exactly once`, async ({ context }) => {
    const c = await startCollector();
    try {
      const page = await context.newPage();
      await openLab(page, c.url, defaults);
      await emit(page, 'a', 2000);
      await endPage(page, how);
      await nextVisitDelivers(await context.newPage(), c, { a: 2000 });
    } finally {
      await c.collector.close();
    }
  });
}

for (const type of ['beforeunload', 'pagehide', 'visibilitychange'] as const) {
  for (const order of ['before', 'after'] as const) {
    const endings: Ending[] =
      type === 'beforeunload' ? ['close with runBeforeUnload'] : ['close', 'close with runBeforeUnload'];
    for (const how of endings) {
      test(`1,000 events emitted in the app's own ${type} listener, added ${order} the exporter, arrive exactly once (${how})`, async ({
        context,
      }) => {
        const c = await startCollector();
        try {
          const page = await context.newPage();
          const listen = (p: Page) => p.evaluate((t) => window.isotelLab.emitOn(t, 1000, 'a'), type);
          await openLab(page, c.url, defaults, order === 'before' ? listen : undefined);
          if (order === 'after') await listen(page);
          await endPage(page, how);
          await nextVisitDelivers(await context.newPage(), c, { a: 1000 });
        } finally {
          await c.collector.close();
        }
      });
    }
  }
}

test('5 events emitted in a pagehide listener added after the exporter arrive exactly once', async ({ context }) => {
  const c = await startCollector();
  try {
    const page = await context.newPage();
    await openLab(page, c.url, defaults);
    await page.evaluate(() => window.isotelLab.emitOn('pagehide', 5, 'a'));
    await endPage(page, 'close');
    await nextVisitDelivers(await context.newPage(), c, { a: 5 });
  } finally {
    await c.collector.close();
  }
});

test('a reload while the answer to a burst is held stores each event once', async ({ page }) => {
  const c = await startCollector();
  try {
    await openLab(page, c.url, defaults);
    // hold every ingest answer at the network layer until the reload has started
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = 0;
    const first = new Promise<void>((resolve) => {
      void page.route(`${c.url}/v1/events*`, async (route) => {
        held++;
        resolve();
        await released;
        await route.continue().catch(() => undefined);
      });
    });
    await emit(page, 'a', 1000);
    await first;
    const reload = page.reload();
    release();
    await reload;
    await page.unroute(`${c.url}/v1/events*`);
    expect(held).toBeGreaterThan(0);
    await nextVisitDelivers(page, c, { a: 1000 });
  } finally {
    await c.collector.close();
  }
});
