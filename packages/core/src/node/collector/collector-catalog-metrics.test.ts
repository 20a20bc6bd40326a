import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { defineCatalog } from '../../catalog/define-catalog.js';
import type { IngestResponse } from '../../export/record.js';
import { uuidv7 } from '../../id/uuidv7.js';
import { counter } from '../../metrics/definitions.js';
import { captureEvents } from '../../testing/capture-events.js';
import { prometheusReporter } from '../prometheus/prometheus-reporter.js';
import { type Collector, createCollector } from './collector.js';

const running: Collector[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.close()));
});

const catalog = defineCatalog({
  'checkout.payment.stop': {
    description: 'A payment attempt finished.',
    measurements: { duration: 'number' },
    metadata: { orderId: 'string' },
  },
});

function post(url: string, events: unknown[]) {
  return fetch(`${url}/v1/events`, { method: 'POST', body: JSON.stringify({ clientId: 'c1', events }) });
}

function record(name: string, measurements: Record<string, number>, metadata: Record<string, unknown> = {}) {
  return { id: uuidv7(), name, time: Date.now(), measurements, metadata };
}

describe('collector with a strict catalog', () => {
  it('rejects and counts unknown names and events that break their spec, keeping the rest', async () => {
    const telemetry = createTelemetry();
    const collector = createCollector({ telemetry, catalog });
    running.push(collector);
    const { url } = await collector.listen(0, '127.0.0.1');
    const capture = captureEvents(telemetry, 'checkout.**');
    const res = await post(url, [
      record('checkout.payment.stop', { duration: 12 }, { orderId: 'o-1' }),
      record('checkout.payment.typo', { duration: 12 }, { orderId: 'o-2' }),
      record('checkout.payment.stop', { duration: 12, extra: 1 }, { orderId: 'o-3' }),
      record('checkout.payment.stop', { duration: 12 }, { orderId: 42 }),
    ]);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as IngestResponse;
    expect(answer.accepted).toBe(1);
    expect(answer.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'unknown_event'],
      [2, 'invalid_measurements'],
      [3, 'invalid_metadata'],
    ]);
    expect(capture.events.map((e) => e.metadata.orderId)).toEqual(['o-1']);
    expect(collector.stats().rejected).toEqual({ unknown_event: 1, invalid_measurements: 1, invalid_metadata: 1 });
  });
});

describe('GET /metrics', () => {
  it('serves the Prometheus reporter mounted on the collector, counting re-emitted events', async () => {
    const telemetry = createTelemetry();
    const prom = prometheusReporter(telemetry, [counter('checkout.payment.stop.duration', { tags: ['clientId'] })]);
    const collector = createCollector({ telemetry, metrics: (request) => prom.handler(request) });
    running.push(collector);
    const { url } = await collector.listen(0, '127.0.0.1');
    await post(url, [
      record('checkout.payment.stop', { duration: 3 }),
      record('checkout.payment.stop', { duration: 4 }),
    ]);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/checkout_payment_stop_duration\w*\{client_id="c1"\} 2/);
    prom.close();
  });

  it('is 404 when no metrics handler is configured', async () => {
    const collector = createCollector({ telemetry: createTelemetry() });
    running.push(collector);
    const { url } = await collector.listen(0, '127.0.0.1');
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
  });
});
