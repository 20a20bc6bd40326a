import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import type { Metadata } from '../bus/types.js';
import { setLogger } from '../log/logger.js';
import { type CollectorOptions, createCollector } from '../node/index.js';
import { createBrowserExporter } from './browser-exporter.js';
import type { BrowserExporterOptions } from './exporter-options.js';

// The exporter outside a browser (Node: no IndexedDB, no page lifecycle) against a real
// collector over real HTTP on an ephemeral port.

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  setLogger({ warn: (m, d) => console.warn(`[isotel] ${m}`, d), error: (m, d) => console.error(`[isotel] ${m}`, d) });
});

async function collector(options: Omit<CollectorOptions, 'telemetry'> = {}) {
  const server = createTelemetry();
  const stored: { name: string; metadata: Metadata }[] = [];
  server.attach('store', 'app.**', (name, _m, metadata) => {
    stored.push({ name, metadata });
  });
  const c = createCollector({ telemetry: server, rateLimit: false, node: 'test', ...options });
  const listening = await c.listen(0, '127.0.0.1');
  closers.push(() => c.close());
  return { c, stored, url: `http://127.0.0.1:${listening.port}` };
}

function exporterFor(
  url: string,
  options: Omit<BrowserExporterOptions, 'url'> = {},
): { t: Telemetry; exporter: ReturnType<typeof createBrowserExporter> } {
  const t = createTelemetry();
  const exporter = createBrowserExporter(t, { url, flushIntervalMs: 60_000, storage: 'memory', ...options });
  closers.push(() => t.shutdown());
  return { t, exporter };
}

describe('the browser exporter in Node, against a real collector', () => {
  it('queues in memory where IndexedDB is missing, says so, and ships to the collector', async () => {
    const warnings: string[] = [];
    setLogger({ warn: (message) => warnings.push(message), error: (message) => warnings.push(message) });
    const { stored, url } = await collector();
    const { t, exporter } = exporterFor(url, { storage: 'indexeddb' });
    await exporter.ready;
    expect(exporter.stats().storage).toBe('memory');
    expect(warnings.join()).toMatch(/queued in memory only/);
    t.emit('app.order.placed', { total: 30 }, { orderId: 'o-1' });
    await exporter.flush();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.metadata).toMatchObject({ orderId: 'o-1', remote: true, node: 'test' });
    expect(exporter.stats()).toMatchObject({ sent: 1, queued: 0 });
  });

  it('counts events the collector rejects, keeps the valid ones, and reports both on its bus', async () => {
    const { stored, url } = await collector({ maxMeasurements: 2 });
    const { t, exporter } = exporterFor(url);
    const reports: unknown[] = [];
    t.attach('own-health', 'isotel.exporter.*', (name, m, md) => {
      reports.push([name, m, md]);
    });
    await exporter.ready;
    t.emit('app.ok', { a: 1 });
    t.emit('app.too_many', { a: 1, b: 2, c: 3 });
    await exporter.flush();
    expect(stored.map((s) => s.name)).toEqual(['app.ok']);
    expect(exporter.stats()).toMatchObject({ sent: 1, queued: 0, dropped: { rejected: 1 } });
    expect(reports).toEqual([
      ['isotel.exporter.flush', { events: 2, duration: expect.any(Number) }, { outcome: 'acknowledged' }],
      ['isotel.exporter.drop', { count: 1 }, { reason: 'rejected' }],
    ]);
  });

  it('counts a batch whose every event is rejected (422) as rejected, not retried', async () => {
    const { url } = await collector({ maxMeasurements: 1 });
    const { t, exporter } = exporterFor(url);
    await exporter.ready;
    t.emit('app.too_many', { a: 1, b: 2 });
    await exporter.flush();
    expect(exporter.stats()).toMatchObject({ sent: 0, retried: 0, queued: 0, dropped: { rejected: 1 } });
  });

  it('drops a batch refused for a wrong token (403) without retrying, and says why', async () => {
    const { url } = await collector({ ingestToken: 'right' });
    const { t, exporter } = exporterFor(url, { token: 'wrong' });
    await exporter.ready;
    t.emit('app.x', {});
    await exporter.flush();
    expect(exporter.stats()).toMatchObject({ retried: 0, queued: 0, dropped: { client_error: 1 } });
    expect(exporter.stats().lastError).toMatch(/HTTP 403/);
  });

  it('applies the control the collector holds for this client, picked up with a flush', async () => {
    const { stored, url } = await collector();
    const { t, exporter } = exporterFor(url);
    await exporter.ready;
    t.emit('app.first', {});
    await exporter.flush();
    const clientId = stored[0]?.metadata.clientId as string;
    const put = await fetch(`${url}/v1/control/${encodeURIComponent(clientId)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deny: ['app.noise.**'] }),
    });
    expect(put.status).toBe(200);
    t.emit('app.second', {});
    await exporter.flush(); // the answer carries the new control
    t.emit('app.noise.tick', {});
    t.emit('app.third', {});
    await exporter.flush();
    expect(stored.map((s) => s.name)).toEqual(['app.first', 'app.second', 'app.third']);
    expect(exporter.stats().dropped).toEqual({ denied: 1 });
  });

  it('keeps its own control until the collector holds one, and learns of a reset', async () => {
    const { c, stored, url } = await collector();
    const { t, exporter } = exporterFor(url, { control: { deny: ['app.debug.**'] } });
    await exporter.ready;
    t.emit('app.debug.a', {});
    t.emit('app.first', {});
    await exporter.flush(); // nothing set on the collector: the answer carries no control
    t.emit('app.debug.b', {});
    t.emit('app.second', {});
    await exporter.flush();
    expect(stored.map((s) => s.name)).toEqual(['app.first', 'app.second']);
    const clientId = stored[0]?.metadata.clientId as string;
    c.setControl({ enabled: false }, clientId);
    t.emit('app.third', {});
    await exporter.flush(); // its answer switches the client off
    t.emit('app.fourth', {});
    const reset = await fetch(`${url}/v1/control/${encodeURIComponent(clientId)}`, { method: 'DELETE' });
    expect(reset.status).toBe(200);
    await exporter.flush(); // switched off, it still asks, and the answer carries the default
    t.emit('app.debug.c', {});
    t.emit('app.fifth', {});
    await exporter.flush();
    expect(stored.map((s) => s.name)).toEqual(['app.first', 'app.second', 'app.third', 'app.debug.c', 'app.fifth']);
    expect(exporter.stats().dropped).toEqual({ denied: 2, disabled: 1 });
  });

  it('sends metadata the record fields cannot carry as metadata, so the collector accepts the event', async () => {
    const { c, stored, url } = await collector();
    const { t, exporter } = exporterFor(url);
    await exporter.ready;
    t.emit('app.empty_id', {}, { correlationId: '' });
    t.emit('app.long_ids', {}, { correlationId: 'c'.repeat(200), spanId: 's'.repeat(129) });
    t.emit('app.tiny_rate', {}, { sampleRate: 1e-7, correlationId: 'k' });
    await exporter.flush();
    expect(stored.map((s) => s.name)).toEqual(['app.empty_id', 'app.long_ids', 'app.tiny_rate']);
    expect(stored[1]?.metadata).toMatchObject({ spanId: 's'.repeat(129) });
    expect(c.stats().rejected).toEqual({});
    expect(exporter.stats()).toMatchObject({ sent: 3 });
    expect(exporter.stats().dropped).toEqual({});
  });

  it('splits a batch the collector refuses with 413, for its size or its event count, losing nothing', async () => {
    const { stored, url } = await collector({ maxBodyBytes: 64 * 1024, maxEventsPerBatch: 40 });
    const { t, exporter } = exporterFor(url, { batchSize: 200, maxBatchBytes: 4 * 1024 * 1024 });
    await exporter.ready;
    for (let i = 0; i < 100; i++) t.emit('app.small', {}, { index: i });
    await exporter.flush(); // 413 too_many_events, twice
    for (let i = 100; i < 120; i++) t.emit('app.big', {}, { index: i, pad: 'p'.repeat(10_000) });
    await exporter.flush(); // 413 body_too_large, twice
    expect(stored.map((s) => s.metadata.index)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(exporter.stats()).toMatchObject({ sent: 120, queued: 0 });
    expect(exporter.stats().dropped).toEqual({});
  });

  it('refuses a per-request cap or a queue choice it cannot use, naming the option', () => {
    const t = createTelemetry();
    for (const [options, option] of [
      [{ maxBatchEvents: 0 }, 'maxBatchEvents'],
      [{ maxBatchEvents: Number.NaN }, 'maxBatchEvents'],
      [{ shareQueue: 'yes' as unknown as boolean }, 'shareQueue'],
    ] as const) {
      expect(() => createBrowserExporter(t, { url: 'http://127.0.0.1:9', ...options })).toThrowError(
        expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining(option) }),
      );
    }
  });
});
