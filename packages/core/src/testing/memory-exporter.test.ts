import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { createMemoryExporter } from './memory-exporter.js';

describe('createMemoryExporter', () => {
  it('records the batches the real exporter would ship, with client-made ids and span ids', async () => {
    const t = createTelemetry();
    const exporter = createMemoryExporter(t, { patterns: ['checkout.**'] });
    t.emit('checkout.payment.stop', { duration: 12 }, { orderId: 'o-1' });
    t.emit('other.event', { count: 1 });
    t.span('checkout.order', { orderId: 'o-2' }, () => undefined);
    await exporter.flush();

    expect(exporter.records.map((r) => r.name)).toEqual([
      'checkout.payment.stop',
      'checkout.order.start',
      'checkout.order.stop',
    ]);
    const [payment, start, stop] = exporter.records;
    expect(payment?.metadata).toMatchObject({ orderId: 'o-1' });
    expect(payment?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(start?.spanId).toBeDefined();
    expect(stop?.spanId).toBe(start?.spanId);
    expect(exporter.stats().sent).toBe(3);
    await exporter.shutdown();
  });

  it('forgets shipped batches on clear and ships nothing after shutdown', async () => {
    const t = createTelemetry();
    const exporter = createMemoryExporter(t);
    t.emit('job.done', { count: 1 });
    await exporter.flush();
    exporter.clear();
    await exporter.shutdown();
    t.emit('job.done', { count: 1 });
    expect(exporter.records).toEqual([]);
  });
});
