// The browser exporter's end-of-page path in Debian's Chromium: what the exporter's pagehide
// listener costs in the unload task (one committed IndexedDB write of everything buffered, then
// the keepalive request of what fits), per event, and how a page's end delivers to a real
// collector: events, requests at the end and on the next visit, wall time until all arrived.
import type * as core from '@isotel/core';
import { createTelemetry } from '@isotel/core';
import type * as browserExporter from '@isotel/core/browser';
import { createCollector } from '@isotel/core/node';
import { chromium, type LaunchOptions } from 'playwright';
import type { Row, Suite } from '../harness.js';
import { startLabServer } from '../lab-server.js';

const SIZES = [1, 1000, 4000, 10_000];
const ROUNDS = 9;

interface Lab {
  core: typeof core;
  browser: typeof browserExporter;
}

// In the page: N events buffered (one task), then the exporter's pagehide listener, timed.
async function pagehideCost(n: number): Promise<{ syncMs: number; commitMs: number; queued: number }> {
  const lab = (window as unknown as { isotelLab: Lab }).isotelLab;
  const t = lab.core.createTelemetry();
  const dbName = `bench-page-end-${Math.random()}`;
  const exporter = lab.browser.createBrowserExporter(t, {
    url: 'http://127.0.0.1:9', // nothing answers: the keepalive request is started, never answered
    dbName,
    flushIntervalMs: 3_600_000,
    batchSize: 1_000_000,
    shutdownTimeoutMs: 0,
  });
  await exporter.ready;
  const metadata = { route: '/checkout', orderId: 'o-1234', step: 'payment' };
  for (let i = 0; i < n; i++) t.emit('checkout.payment.stop', { duration: i }, metadata);
  const start = performance.now();
  window.dispatchEvent(new PageTransitionEvent('pagehide'));
  const syncMs = performance.now() - start;
  await exporter.persisted();
  const commitMs = performance.now() - start;
  const queued = exporter.stats().queued;
  await t.shutdown();
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(dbName);
    request.onsuccess = request.onerror = request.onblocked = resolve;
  });
  return { syncMs, commitMs, queued };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const suite: Suite = {
  title: 'Browser exporter: the end of a page (pagehide listener cost per event; delivery at close)',
  async run() {
    const bus = createTelemetry();
    let stored = 0;
    const requests: number[] = [];
    bus.attach('count', 'lab.**', () => {
      stored++;
    });
    bus.attach('requests', 'isotel.collector.ingest', (_n, m) => {
      requests.push(Number(m.events));
    });
    const { server, port: labPort } = await startLabServer();
    const collector = createCollector({
      telemetry: bus,
      corsOrigins: [`http://127.0.0.1:${labPort}`],
      rateLimit: false,
      node: 'bench',
    });
    const listening = await collector.listen(0, '127.0.0.1');
    const collectorUrl = `http://127.0.0.1:${listening.port}`;
    const { chromiumLaunchOptions } = (await import(new URL('../../e2e/chromium.ts', import.meta.url).href)) as {
      chromiumLaunchOptions: LaunchOptions;
    };
    const browser = await chromium.launch(chromiumLaunchOptions);
    const labUrl = `http://127.0.0.1:${labPort}/`;
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(labUrl);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      await page.evaluate(`window.pagehideCost = ${pagehideCost.toString()}`);
      const rows: Row[] = [];
      const notes: string[] = [];
      const medians = new Map<number, number>();
      await page.evaluate((n) => (window as unknown as { pagehideCost: typeof pagehideCost }).pagehideCost(n), 1000);
      for (const n of SIZES) {
        const sync: number[] = [];
        const commit: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const r = await page.evaluate(
            (count) => (window as unknown as { pagehideCost: typeof pagehideCost }).pagehideCost(count),
            n,
          );
          if (r.queued !== n) throw new Error(`pagehide wrote ${r.queued} of ${n} events`);
          sync.push(r.syncMs);
          commit.push(r.commitMs);
        }
        medians.set(n, median(sync));
        rows.push({ name: `pagehide listener, ${n} events buffered (per event)`, nsPerOp: (median(sync) * 1e6) / n });
        notes.push(
          `${n} events: pagehide listener ${median(sync).toFixed(2)} ms in the unload task; write committed ${median(commit).toFixed(1)} ms after it began (medians of ${ROUNDS}).`,
        );
      }
      const fixed = medians.get(1) ?? 0;
      const largest = SIZES[SIZES.length - 1] as number;
      const marginal = (((medians.get(largest) ?? 0) - fixed) * 1e6) / (largest - 1);
      rows.push({ name: `pagehide listener, each buffered event past the first (1 → ${largest})`, nsPerOp: marginal });
      notes.push(
        `Fixed cost of the pagehide listener ≈ ${fixed.toFixed(1)} ms (starting one keepalive fetch and one IndexedDB transaction); each further buffered event ≈ ${(marginal / 1000).toFixed(2)} µs. Clock resolution in the page is 0.1 ms.`,
      );
      // a page that ends right after a burst, and the next visit
      for (const n of [1000, 5000]) {
        stored = 0;
        requests.length = 0;
        const tab = await context.newPage();
        await tab.goto(labUrl);
        await tab.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
        await tab.evaluate((url) => {
          const lab = (window as unknown as { isotelLab: { startExporter(o: object): Promise<void> } }).isotelLab;
          return lab.startExporter({ url, flushIntervalMs: 60_000 });
        }, collectorUrl);
        await tab.evaluate((count) => {
          const lab = (window as unknown as { isotelLab: { emitOn(t: string, n: number, tab: string): void } })
            .isotelLab;
          lab.emitOn('pagehide', count, 'a');
        }, n);
        const started = performance.now();
        await tab.close();
        const atClose = { events: stored, requests: requests.length };
        const next = await context.newPage();
        await next.goto(labUrl);
        await next.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
        await next.evaluate((url) => {
          const lab = (window as unknown as { isotelLab: { startExporter(o: object): Promise<void> } }).isotelLab;
          return lab.startExporter({ url });
        }, collectorUrl);
        const deadline = Date.now() + 30_000;
        while (stored < n && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        const wall = performance.now() - started;
        notes.push(
          `${n} events emitted in the app's own pagehide listener, then page.close(): ${atClose.events} stored and ${atClose.requests} requests by the time close() returned; ${stored} of ${n} stored, each once, ${requests.length} requests in all (${requests.join(', ')} events), ${wall.toFixed(0)} ms from close to the last one (next visit opened at once).`,
        );
        await next.close();
      }
      notes.push(`Chromium ${browser.version()}.`);
      return { title: suite.title, rows, notes };
    } finally {
      await browser.close();
      await collector.close();
      await server.close();
    }
  },
};

export default suite;
