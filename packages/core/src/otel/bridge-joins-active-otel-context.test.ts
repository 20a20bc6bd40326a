import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { bridgeSpans } from './span-bridge.js';

// The context manager an OpenTelemetry Node SDK installs, so `startActiveSpan` makes a span active
// for the code (and the async work) it runs.
beforeEach(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterEach(() => {
  context.disable();
});

function setup() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('server');
  const t = createTelemetry();
  bridgeSpans(t, { tracer });
  const finished = (name: string) => {
    const span = exporter.getFinishedSpans().find((s) => s.name === name);
    if (span === undefined) throw new Error(`no span ${name}`);
    return span;
  };
  return { t, tracer, finished };
}

describe('the span bridge within an active OpenTelemetry span', () => {
  it('makes a root isotel span a child of the OpenTelemetry span active where it starts', async () => {
    const { t, tracer, finished } = setup();
    await tracer.startActiveSpan('GET /checkout', async (request) => {
      t.span('checkout', { cart: 'c-1' }, () => t.span('checkout.price', {}, () => 42));
      await t.span('checkout.load', {}, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
      });
      request.end();
    });
    const request = finished('GET /checkout').spanContext();
    for (const root of ['checkout', 'checkout.load']) {
      expect(finished(root).parentSpanContext?.spanId).toBe(request.spanId);
      expect(finished(root).spanContext().traceId).toBe(request.traceId);
    }
    // an isotel parent still wins over the active OpenTelemetry span
    expect(finished('checkout.price').parentSpanContext?.spanId).toBe(finished('checkout').spanContext().spanId);
    await t.shutdown();
  });

  it('starts a new trace for a span outside any OpenTelemetry span', async () => {
    const { t, tracer, finished } = setup();
    tracer.startActiveSpan('GET /other', (request) => request.end());
    t.span('job', {}, () => undefined);
    expect(finished('job').parentSpanContext).toBeUndefined();
    expect(finished('job').spanContext().traceId).not.toBe(finished('GET /other').spanContext().traceId);
    await t.shutdown();
  });

  it("keeps a remote event's span out of the request that carried it to the collector", async () => {
    const { t, tracer, finished } = setup();
    tracer.startActiveSpan('POST /v1/events', (ingest) => {
      const md = { spanId: 'b000000000000001', remote: true, clientId: 'browser-1' };
      t.emit('page.load.start', { monotonicTime: 1, systemTime: Date.now() }, md);
      t.emit('page.load.stop', { duration: 5, monotonicTime: 6 }, md);
      ingest.end();
    });
    expect(finished('page.load').parentSpanContext).toBeUndefined();
    expect(finished('page.load').spanContext().traceId).not.toBe(finished('POST /v1/events').spanContext().traceId);
    await t.shutdown();
  });
});
