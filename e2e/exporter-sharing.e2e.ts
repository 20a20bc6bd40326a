import { expect, test } from '@playwright/test';
import { emit, expectOncePerTab, expectOncePerTabInOrder, labUrl, openLab, startCollector } from './delivery-kit.js';

// User stories of the queue the tabs and workers of an origin share, of persisted(), and of
// a collector whose per-batch limit is below the exporter's: counted on a real collector's bus.

const quiet = { flushIntervalMs: 60_000, batchSize: 100_000 };

test('a tab learns that its events arrived when another tab sent them', async ({ context }) => {
  const c = await startCollector();
  try {
    const [quietTab, busyTab] = [await context.newPage(), await context.newPage()];
    await openLab(quietTab, c.url, quiet);
    await openLab(busyTab, c.url);
    await emit(quietTab, 'a', 50);
    await quietTab.evaluate(() => window.isotelLab.persisted());
    // the busy tab's next flush sends the shared queue, the quiet tab's events included
    await emit(busyTab, 'b', 10);
    await expect.poll(() => c.stored.length, { timeout: 10_000 }).toBe(60);
    await expect.poll(() => quietTab.evaluate(() => window.isotelLab.stats().delivered)).toBe(50);
    const quietStats = await quietTab.evaluate(() => window.isotelLab.stats());
    expect(quietStats.sent).toBe(0);
    await expect.poll(() => busyTab.evaluate(() => window.isotelLab.stats().delivered)).toBe(10);
    expect(await busyTab.evaluate(() => window.isotelLab.stats().sent)).toBe(60);
    expectOncePerTabInOrder(c.stored, { a: 50, b: 10 });
  } finally {
    await c.collector.close();
  }
});

test('events are safe once persisted() resolves, even if the page then ends without any unload handling', async ({
  context,
}) => {
  const c = await startCollector();
  try {
    const page = await context.newPage();
    await openLab(page, c.url, { ...quiet, lifecycle: false });
    await page.evaluate(async () => {
      window.isotelLab.emitNumbered('lab.step', 300, 0, 'a');
      await window.isotelLab.persisted();
    });
    expect(c.stored.length).toBe(0);
    await page.close();
    const next = await context.newPage();
    await openLab(next, c.url);
    await expect.poll(() => c.stored.length, { timeout: 10_000 }).toBe(300);
    expectOncePerTabInOrder(c.stored, { a: 300 });
  } finally {
    await c.collector.close();
  }
});

test("a worker and its page share the origin's queue: each event once, each told of its own", async ({ page }) => {
  const c = await startCollector();
  try {
    await openLab(page, c.url);
    const options = { url: c.url, token: 'lab-token', flushIntervalMs: 250, batchSize: 25 };
    await page.evaluate((o) => window.isotelLab.worker.start(o), options);
    await Promise.all([emit(page, 'p', 100), page.evaluate(() => window.isotelLab.worker.emit(100, 'w'))]);
    await expect.poll(() => c.stored.length, { timeout: 10_000 }).toBe(200);
    await expect.poll(() => page.evaluate(() => window.isotelLab.stats().delivered)).toBe(100);
    await expect.poll(() => page.evaluate(async () => (await window.isotelLab.worker.stats()).delivered)).toBe(100);
    expectOncePerTab(c.stored, { p: 100, w: 100 });
  } finally {
    await c.collector.close();
  }
});

test("what a worker left queued when its page closed is sent by the origin's next page", async ({ context }) => {
  const c = await startCollector();
  try {
    const page = await context.newPage();
    await openLab(page, c.url, quiet);
    await page.evaluate((o) => window.isotelLab.worker.start(o), { url: c.url, token: 'lab-token', ...quiet });
    // no persisted(): a worker writes what each of its tasks emitted at the end of that task
    await page.evaluate(() => window.isotelLab.worker.emit(400, 'w'));
    await page.close();
    expect(c.stored.length).toBe(0);
    const next = await context.newPage();
    await openLab(next, c.url); // a page alone, no worker
    await expect.poll(() => c.stored.length, { timeout: 10_000 }).toBe(400);
    expectOncePerTabInOrder(c.stored, { w: 400 });
  } finally {
    await c.collector.close();
  }
});

test('with shareQueue: false a worker keeps a queue of its own, apart from its page', async ({ page }) => {
  const c = await startCollector();
  const port = c.server.port;
  let restarted: Awaited<ReturnType<typeof startCollector>> | undefined;
  try {
    await openLab(page, c.url, { shareQueue: false });
    const options = { url: c.url, token: 'lab-token', flushIntervalMs: 250, batchSize: 25, shareQueue: false };
    await page.evaluate((o) => window.isotelLab.worker.start(o), options);
    await c.collector.close();
    await emit(page, 'p', 70);
    await page.evaluate(() => window.isotelLab.worker.emit(30, 'w'));
    await page.evaluate(() => window.isotelLab.persisted());
    await page.evaluate(() => window.isotelLab.worker.persisted());
    await page.evaluate(() => window.isotelLab.flush());
    // each sees its own queue only
    expect(await page.evaluate(() => window.isotelLab.stats().queued)).toBe(70);
    expect(await page.evaluate(async () => (await window.isotelLab.worker.stats()).queued)).toBe(30);
    restarted = await startCollector(port);
    await expect.poll(() => restarted?.stored.length, { timeout: 15_000 }).toBe(100);
    expectOncePerTabInOrder(restarted.stored, { p: 70, w: 30 });
  } finally {
    await restarted?.collector.close();
  }
});

test('a collector whose per-batch limit is below the exporter’s gets every event once, and no 413 once it answered, on the next page either', async ({
  page,
}) => {
  const c = await startCollector(0, { maxEventsPerBatch: 40 });
  try {
    await openLab(page, c.url, { batchSize: 1000, flushIntervalMs: 250 });
    await emit(page, 'a', 1000);
    await expect.poll(() => c.stored.length, { timeout: 15_000 }).toBe(1000);
    await expect.poll(() => page.evaluate(() => window.isotelLab.stats().queued)).toBe(0);
    const stats = await page.evaluate(() => window.isotelLab.stats());
    expect(stats.dropped).toEqual({});
    expect(stats.lastError).toBeUndefined();
    expectOncePerTabInOrder(c.stored, { a: 1000 });
    // halving 500 finds a size the collector takes in at most 4 refusals; its answer's limit then holds
    const firstAccepted = c.requests.findIndex((r) => r.status === 200 && r.events > 0);
    expect(firstAccepted).toBeGreaterThanOrEqual(0);
    expect(firstAccepted).toBeLessThanOrEqual(4);
    const after = c.requests.slice(firstAccepted + 1);
    expect(after.every((r) => r.status === 200 && r.events <= 40)).toBe(true);
    // the next page of the origin starts within the limit the collector advertised: no 413 at all
    const before = c.requests.length;
    await page.reload();
    await openLab(page, c.url, { batchSize: 1000, flushIntervalMs: 250 });
    await emit(page, 'b', 500);
    await expect.poll(() => c.stored.length, { timeout: 15_000 }).toBe(1500);
    const next = c.requests.slice(before);
    expect(next.length).toBeGreaterThanOrEqual(13);
    expect(next.every((r) => r.status === 200 && r.events <= 40)).toBe(true);
  } finally {
    await c.collector.close();
  }
});

test('a tab that emits a burst and closes itself in the same task loses nothing', async ({ context }) => {
  const c = await startCollector();
  try {
    const opener = await context.newPage();
    await opener.goto(labUrl);
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      opener.evaluate((url) => {
        window.open(url);
      }, labUrl),
    ]);
    await openLab(popup, c.url, { flushIntervalMs: 60_000, batchSize: 100 }, async () => undefined);
    const closed = popup.waitForEvent('close');
    await popup.evaluate(() => {
      window.isotelLab.emitNumbered('lab.step', 1000, 0, 'a');
      window.close();
    });
    await closed;
    await openLab(opener, c.url);
    await expect.poll(() => c.stored.length, { timeout: 15_000 }).toBe(1000);
    expectOncePerTab(c.stored, { a: 1000 });
  } finally {
    await c.collector.close();
  }
});
