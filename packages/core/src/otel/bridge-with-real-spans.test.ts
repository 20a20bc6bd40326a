import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { bridgeSpans } from './span-bridge.js';

describe('the OpenTelemetry bridge fed by t.span', () => {
  it('links nested spans, copies metadata and marks the failing one', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const t = createTelemetry();
    bridgeSpans(t, { tracer: provider.getTracer('shop') });
    t.span('checkout', { cart: 'c-1' }, (outer) => {
      outer.set('items', 3);
      t.span('checkout.price', {}, () => 42);
      expect(() =>
        t.span('checkout.pay', { provider: 'card' }, () => {
          throw new RangeError('card declined');
        }),
      ).toThrow('card declined');
    });
    const spans = exporter.getFinishedSpans();
    const byName = new Map(spans.map((s) => [s.name, s]));
    const checkout = byName.get('checkout');
    expect(spans.map((s) => s.name)).toEqual(['checkout.price', 'checkout.pay', 'checkout']);
    for (const child of ['checkout.price', 'checkout.pay']) {
      expect(byName.get(child)?.parentSpanContext?.spanId).toBe(checkout?.spanContext().spanId);
    }
    expect(checkout?.attributes).toMatchObject({ cart: 'c-1', items: 3 });
    const pay = byName.get('checkout.pay');
    expect(pay?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card declined' });
    expect(pay?.events[0]?.attributes?.['exception.type']).toBe('RangeError');
    expect(pay?.attributes.provider).toBe('card');
    await t.shutdown();
  });
});
