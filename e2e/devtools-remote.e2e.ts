import { createTelemetry, type Telemetry } from '@isotel/core';
import { counter } from '@isotel/core/metrics';
import { type Collector, createCollector } from '@isotel/core/node';
import { prometheusReporter } from '@isotel/core/prometheus';
import { expect, test } from '@playwright/test';
import { labPort } from './playwright.config.js';

// The devtools pointed at a collector, in Chromium: the panel on the lab page watches a server
// bus through a collector started here on another origin, so every request the panel makes
// (the stream, the handler list, the detach) crosses CORS with the admin token in an
// Authorization header, preflighted as a browser does.

const ADMIN = 'e2e-admin-token';
const labOrigin = `http://127.0.0.1:${labPort}`;

let collector: Collector | undefined;
let watched: Telemetry | undefined;
test.afterEach(async () => {
  await collector?.close();
  // closes the bus's reporters too (the Prometheus one unregisters its metrics)
  await watched?.shutdown();
  collector = undefined;
  watched = undefined;
});

async function watchedServer(): Promise<{ bus: Telemetry; url: string }> {
  const bus = createTelemetry();
  watched = bus;
  // a reporter of the collector's bus, which GET /v1/exporters reports
  const prometheus = prometheusReporter(bus, [counter('orders.created.count')]);
  collector = createCollector({
    telemetry: bus,
    adminToken: ADMIN,
    corsOrigins: [labOrigin],
    node: 'e2e',
    exporters: { prometheus },
  });
  const server = await collector.listen(0, '127.0.0.1');
  return { bus, url: server.url };
}

const handlerIds = (bus: Telemetry) => bus.listHandlers().map((h) => h.id);

test("the panel streams a server bus, detaches a server handler once Undo is over, and shows the collector's exporters", async ({
  page,
}) => {
  const { bus, url } = await watchedServer();
  const audited: string[] = [];
  bus.attach('server.audit', 'orders.**', (name) => audited.push(name));
  bus.attach('server.metrics', 'orders.**', () => {});

  await page.goto(`${labOrigin}/`);
  await expect(page.locator('#status')).toHaveText('ready');
  await page.evaluate(([collectorUrl, token]) => window.isotelLab.watchCollector(collectorUrl, token), [
    url,
    ADMIN,
  ] as const);
  const panel = page.getByRole('region', { name: 'isotel devtools' });
  await expect(panel).toContainText(url);

  // the stream: the panel's subscription is a handler on the server bus
  await expect.poll(() => handlerIds(bus).some((id) => id.startsWith('isotel.collector.stream'))).toBe(true);
  bus.emit('orders.created', { count: 1 }, { orderId: 'o-7' });
  const events = panel.getByRole('listbox', { name: 'Events' });
  await expect(events.getByRole('option').filter({ hasText: 'orders.created' })).toHaveCount(1);

  await panel.getByRole('tab', { name: 'Handlers' }).click();
  const list = panel.getByRole('list', { name: 'Handlers' });
  await expect(list.getByRole('listitem', { name: 'server.audit', exact: true })).toBeVisible();
  // the collector's own stream handler, which the panel reads through, is not offered
  await expect(list).not.toContainText('isotel.collector.stream');

  await panel.getByRole('button', { name: 'Detach server.audit' }).click();
  expect(handlerIds(bus)).toContain('server.audit');
  await expect(panel.getByText('Detached server.audit.')).toBeVisible({ timeout: 10_000 });
  await expect(list.getByRole('listitem', { name: 'server.audit', exact: true })).toHaveCount(0);
  await expect(list.getByRole('listitem', { name: 'server.metrics', exact: true })).toBeVisible();
  expect(handlerIds(bus)).not.toContain('server.audit');
  bus.emit('orders.created', { count: 1 }, { orderId: 'o-8' });
  expect(audited).toEqual(['orders.created']);

  // the Exporters tab shows the collector's reporter (read across CORS with the admin token) and
  // which instance answered
  await panel.getByRole('tab', { name: 'Exporters' }).click();
  const reporter = panel.getByRole('region', { name: 'collector prometheus' });
  await expect(reporter.getByRole('definition').first()).toHaveText('2');
  await expect(panel.getByText('Reported by collector e2e (each instance reports its own).')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Flush now' })).toHaveCount(0);
});
