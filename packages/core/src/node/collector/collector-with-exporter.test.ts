import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserExporter } from '../../browser/browser-exporter.js';
import { createTelemetry } from '../../bus/telemetry.js';
import { captureEvents } from '../../testing/capture-events.js';
import { type Collector, createCollector } from './collector.js';

// The wire contract end to end, in Node: the real browser exporter (memory storage, as where
// IndexedDB is missing) ships to a real collector over HTTP.

const INGEST = 'ingest-secret';
const ADMIN = 'admin-secret';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp() {
  const server = createTelemetry();
  const collector: Collector = createCollector({ telemetry: server, ingestToken: INGEST, adminToken: ADMIN });
  cleanups.push(() => collector.close());
  const { url } = await collector.listen(0, '127.0.0.1');
  const client = createTelemetry();
  const exporter = createBrowserExporter(client, {
    url,
    token: INGEST,
    storage: 'memory',
    lifecycle: false,
    flushIntervalMs: 60_000,
    resource: { service: 'shop-web' },
  });
  cleanups.push(() => exporter.shutdown());
  await exporter.ready;
  return { server, collector, url, client, exporter };
}

describe('browser exporter → collector', () => {
  it('delivers each event once, with the client ids and resource, even when flushed twice', async () => {
    const { server, client, exporter, collector } = await setUp();
    const capture = captureEvents(server, 'checkout.**');
    client.emit('checkout.start', { count: 1 }, { orderId: 'o-1', correlationId: 'corr-1' });
    client.emit('checkout.payment.stop', { duration: 42 }, { orderId: 'o-1', correlationId: 'corr-1' });
    await exporter.flush();
    await exporter.flush();
    expect(capture.names).toEqual(['checkout.start', 'checkout.payment.stop']);
    const [, stop] = capture.events;
    expect(stop?.measurements).toEqual({ duration: 42 });
    expect(stop?.metadata).toMatchObject({
      orderId: 'o-1',
      correlationId: 'corr-1',
      service: 'shop-web',
      remote: true,
      clientId: expect.any(String),
      sessionId: expect.any(String),
    });
    expect(exporter.stats()).toMatchObject({ sent: 2, queued: 0 });
    expect(collector.stats().accepted).toBe(2);
  });

  it('applies a control set for this client on the collector at its next flush', async () => {
    const { server, client, exporter, url } = await setUp();
    const capture = captureEvents(server, '**');
    client.emit('app.boot', { count: 1 });
    await exporter.flush();
    const clientId = (await capture.waitFor((e) => e.name === 'app.boot')).metadata.clientId as string;

    const put = await fetch(`${url}/v1/control/${encodeURIComponent(clientId)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ deny: ['debug.**'] }),
    });
    expect(put.status).toBe(200);
    client.emit('app.tick', { count: 1 });
    await exporter.flush(); // its answer carries the new control

    client.emit('debug.noise', { count: 1 });
    client.emit('app.tick', { count: 2 });
    await exporter.flush();
    const remote = capture.events.filter((e) => e.metadata.remote === true).map((e) => e.name);
    expect(remote).toEqual(['app.boot', 'app.tick', 'app.tick']);
    expect(exporter.stats().dropped).toMatchObject({ denied: 1 });
  });
});
