import { expect, test } from '@playwright/test';
import { emit, expectOncePerTabInOrder, openLab, startCollector } from './delivery-kit.js';

// User stories of the browser exporter (e2e/lab) shipping to a real collector started here on
// an ephemeral port. "Stored" means re-emitted on the collector's bus, which happens once per
// event id: the collector dedupes, and these stories check that nothing is lost or doubled.

test('events emitted while offline are delivered once, in order, after reconnecting', async ({ page, context }) => {
  const c = await startCollector();
  try {
    await openLab(page, c.url);
    await emit(page, 'a', 10);
    await expect.poll(() => c.stored.length).toBe(10);
    await context.setOffline(true);
    for (let i = 10; i < 130; i += 20) {
      await emit(page, 'a', 20, i);
      await page.waitForTimeout(100);
    }
    await expect.poll(() => page.evaluate(() => window.isotelLab.stats().retried)).toBeGreaterThan(0);
    expect(c.stored.length).toBe(10);
    await context.setOffline(false);
    await expect.poll(() => c.stored.length, { timeout: 15_000 }).toBe(130);
    expectOncePerTabInOrder(c.stored, { a: 130 });
    await expect.poll(() => page.evaluate(() => window.isotelLab.stats().queued)).toBe(0);
  } finally {
    await c.collector.close();
  }
});

test('a reload in the middle of a flush stores nothing twice', async ({ page }) => {
  const c = await startCollector();
  try {
    await openLab(page, c.url, { flushIntervalMs: 60_000, batchSize: 1000 });
    await emit(page, 'a', 40);
    // hold the request at the network layer, reload while it is in flight, then let it through
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      void page.route(`${c.url}/v1/events`, async (route) => {
        resolve();
        await new Promise<void>((r) => {
          release = r;
        });
        await route.continue().catch(() => undefined);
      });
    });
    void page.evaluate(() => window.isotelLab.flush()).catch(() => undefined);
    await held;
    const reload = page.reload();
    release();
    await reload;
    await page.unroute(`${c.url}/v1/events`);
    await openLab(page, c.url);
    await expect.poll(() => c.stored.length, { timeout: 10_000 }).toBe(40);
    await expect.poll(() => page.evaluate(() => window.isotelLab.stats().queued)).toBe(0);
    await page.waitForTimeout(500);
    expect(c.stored.length).toBe(40);
    expectOncePerTabInOrder(c.stored, { a: 40 });
  } finally {
    await c.collector.close();
  }
});

test('two tabs share one queue and each event is stored once', async ({ context }) => {
  const c = await startCollector();
  try {
    const [first, second] = [await context.newPage(), await context.newPage()];
    await openLab(first, c.url);
    await openLab(second, c.url);
    await Promise.all([emit(first, 'a', 100), emit(second, 'b', 100)]);
    await expect.poll(() => c.stored.length, { timeout: 15_000 }).toBe(200);
    await first.waitForTimeout(500);
    expect(c.stored.length).toBe(200);
    expectOncePerTabInOrder(c.stored, { a: 100, b: 100 });
  } finally {
    await c.collector.close();
  }
});

test('a collector stopped and restarted loses nothing queued within the bounds', async ({ page }) => {
  const c = await startCollector();
  const port = c.server.port;
  let restarted: Awaited<ReturnType<typeof startCollector>> | undefined;
  try {
    await openLab(page, c.url);
    await emit(page, 'a', 20);
    await expect.poll(() => c.stored.length).toBe(20);
    await c.collector.close();
    await emit(page, 'a', 60, 20);
    await expect.poll(() => page.evaluate(() => window.isotelLab.stats().retried)).toBeGreaterThan(0);
    restarted = await startCollector(port);
    await expect.poll(() => restarted?.stored.length, { timeout: 15_000 }).toBe(60);
    expectOncePerTabInOrder([...c.stored, ...restarted.stored], { a: 80 });
  } finally {
    await restarted?.collector.close();
  }
});

test('pagehide delivers the tail that was never flushed', async ({ page }) => {
  const c = await startCollector();
  try {
    await openLab(page, c.url, { flushIntervalMs: 60_000, batchSize: 1000 });
    await emit(page, 'a', 30);
    expect(c.stored.length).toBe(0);
    await page.goto('about:blank');
    await expect.poll(() => c.stored.length, { timeout: 10_000 }).toBe(30);
    expectOncePerTabInOrder(c.stored, { a: 30 });
  } finally {
    await c.collector.close();
  }
});

test('a control change pushed by the collector applies at once, without waiting for a flush', async ({ page }) => {
  const c = await startCollector();
  try {
    await openLab(page, c.url, { flushIntervalMs: 60_000, batchSize: 1000, liveControl: true });
    const clientId = await page.evaluate(() => localStorage.getItem('isotel.clientId'));
    const put = await fetch(`${c.url}/v1/control/${encodeURIComponent(String(clientId))}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deny: ['lab.noise.**'] }),
    });
    expect(put.status).toBe(200);
    // no flush happens in this test: the only way the control can arrive is the stream
    await expect
      .poll(() =>
        page.evaluate(() => {
          window.isotelLab.emitNumbered('lab.noise.tick', 1, 0, 'a');
          return window.isotelLab.stats().dropped.denied ?? 0;
        }),
      )
      .toBeGreaterThan(0);
    expect(c.stored.length).toBe(0);
  } finally {
    await c.collector.close();
  }
});

test('past its bounds while the collector is down, every event is either delivered once or counted as dropped', async ({
  page,
}) => {
  const c = await startCollector();
  const port = c.server.port;
  await c.collector.close();
  let restarted: Awaited<ReturnType<typeof startCollector>> | undefined;
  try {
    await openLab(page, c.url, { maxEvents: 100 });
    for (let i = 0; i < 300; i += 50) await emit(page, 'a', 50, i);
    await page.evaluate(() => window.isotelLab.persisted());
    await expect.poll(() => page.evaluate(() => window.isotelLab.stats().retried)).toBeGreaterThan(0);
    restarted = await startCollector(port);
    await expect.poll(() => page.evaluate(() => window.isotelLab.stats().queued), { timeout: 15_000 }).toBe(0);
    const stats = await page.evaluate(() => window.isotelLab.stats());
    const dropped = Object.values(stats.dropped).reduce((a, b) => a + (b ?? 0), 0);
    expect(restarted.stored.length + dropped).toBe(300);
    expect(stats.dropped.max_events).toBe(200);
    expect(stats.delivered).toBe(restarted.stored.length);
    // the oldest were evicted: the newest 100 arrived, each once, in order
    expect(restarted.stored.map((s) => s.index)).toEqual(Array.from({ length: 100 }, (_, i) => 200 + i));
    expect(new Set(restarted.stored.map((s) => s.eventId)).size).toBe(100);
  } finally {
    await restarted?.collector.close();
  }
});
