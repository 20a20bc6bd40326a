// Helpers of the exporter delivery stories: a real collector on an ephemeral port whose bus
// records every event it re-emits (once per event id: the collector dedupes), and the lab page
// (e2e/lab) driving the browser exporter.
import { createTelemetry, type Metadata } from '@isotel/core';
import { type Collector, type CollectorServer, createCollector } from '@isotel/core/node';
import { expect, type Page } from '@playwright/test';
import { labPort } from './playwright.config.js';

export const labUrl = `http://127.0.0.1:${labPort}/`;

/** One event as the collector re-emitted it on its bus. */
export interface Stored {
  readonly eventId: string;
  readonly tab: string;
  readonly index: number;
}

/** A started collector, what its bus re-emitted, and the ingest requests it answered. */
export interface LabCollector {
  readonly collector: Collector;
  readonly server: CollectorServer;
  readonly stored: Stored[];
  /** One entry per ingest request answered: its HTTP status and event count. */
  readonly requests: { status: number; events: number }[];
  readonly url: string;
}

export async function startCollector(port = 0, options: { maxEventsPerBatch?: number } = {}): Promise<LabCollector> {
  const bus = createTelemetry();
  const stored: Stored[] = [];
  const requests: { status: number; events: number }[] = [];
  bus.attach('store', 'lab.**', (_name, _m, metadata: Metadata) => {
    stored.push({ eventId: String(metadata.eventId), tab: String(metadata.tab), index: Number(metadata.index) });
  });
  bus.attach('requests', 'isotel.collector.ingest', (_name, m, metadata: Metadata) => {
    requests.push({ status: Number(metadata.status), events: Number(m.events) });
  });
  bus.attach('refusals', 'isotel.collector.refused', (_name, _m, metadata: Metadata) => {
    requests.push({ status: Number(metadata.status), events: 0 });
  });
  const collector: Collector = createCollector({
    telemetry: bus,
    corsOrigins: [`http://127.0.0.1:${labPort}`],
    ingestToken: 'lab-token',
    rateLimit: false,
    node: 'e2e',
    ...options,
  });
  const server: CollectorServer = await collector.listen(port, '127.0.0.1');
  return { collector, server, stored, requests, url: `http://127.0.0.1:${server.port}` };
}

/** Opens the lab page and starts its exporter. `before` runs first, in the page (app listeners added before the exporter). */
export async function openLab(
  page: Page,
  url: string,
  options: Record<string, unknown> = {},
  before?: (page: Page) => Promise<void>,
): Promise<void> {
  await page.goto(labUrl);
  await expect(page.locator('#status')).toHaveText('ready');
  await before?.(page);
  await page.evaluate(
    ([collectorUrl, extra]) =>
      window.isotelLab.startExporter({
        url: collectorUrl as string,
        token: 'lab-token',
        flushIntervalMs: 250,
        batchSize: 25,
        backoff: { baseMs: 100, maxMs: 400 },
        ...(extra as object),
      }),
    [url, options] as const,
  );
}

export function emit(page: Page, tab: string, count: number, from = 0): Promise<void> {
  return page.evaluate(([t, n, f]) => window.isotelLab.emitNumbered('lab.step', n, f, t), [tab, count, from] as const);
}

/** Each tab's events arrived exactly once each, in emit order. */
export function expectOncePerTabInOrder(stored: readonly Stored[], tabs: Record<string, number>): void {
  expect(new Set(stored.map((s) => s.eventId)).size).toBe(stored.length);
  for (const [tab, count] of Object.entries(tabs)) {
    const indexes = stored.filter((s) => s.tab === tab).map((s) => s.index);
    expect(indexes).toEqual(Array.from({ length: count }, (_, i) => i));
  }
}

/** Each tab's events arrived exactly once each, in whatever order (keepalive sends and next visits interleave). */
export function expectOncePerTab(stored: readonly Stored[], tabs: Record<string, number>): void {
  expect(new Set(stored.map((s) => s.eventId)).size).toBe(stored.length);
  for (const [tab, count] of Object.entries(tabs)) {
    const indexes = stored
      .filter((s) => s.tab === tab)
      .map((s) => s.index)
      .sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: count }, (_, i) => i));
  }
  expect(stored.length).toBe(Object.values(tabs).reduce((a, b) => a + b, 0));
}
