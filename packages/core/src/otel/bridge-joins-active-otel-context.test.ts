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

describe('OpenTelemetry spans started inside an isotel span', () => {
  it('are its children, in the span and after an await in it', async () => {
    const { t, tracer, finished } = setup();
    await t.span('checkout', {}, async () => {
      tracer.startActiveSpan('db.query', (query) => query.end()); // an instrumented driver
      await new Promise((resolve) => setTimeout(resolve, 1));
      tracer.startSpan('http.client').end();
    });
    const checkout = finished('checkout').spanContext();
    for (const name of ['db.query', 'http.client']) {
      expect(finished(name).parentSpanContext?.spanId).toBe(checkout.spanId);
      expect(finished(name).spanContext().traceId).toBe(checkout.traceId);
    }
    await t.shutdown();
  });

  it('are children of a started span inside its run and bind, and of the enclosing one elsewhere', async () => {
    const { t, tracer, finished } = setup();
    t.span('job', {}, () => {
      const upload = t.startSpan('job.upload');
      upload.run(() => tracer.startSpan('in.run').end());
      upload.bind(() => tracer.startSpan('in.bind').end())();
      tracer.startSpan('beside').end();
      upload.end();
    });
    const upload = finished('job.upload').spanContext().spanId;
    expect(finished('in.run').parentSpanContext?.spanId).toBe(upload);
    expect(finished('in.bind').parentSpanContext?.spanId).toBe(upload);
    expect(finished('beside').parentSpanContext?.spanId).toBe(finished('job').spanContext().spanId);
    await t.shutdown();
  });

  it('are left alone once the bridge is detached', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('server');
    const t = createTelemetry();
    bridgeSpans(t, { tracer }).detach();
    t.attach('listener', 'job.*', () => undefined); // the span still records, unbridged
    t.span('job', {}, () => tracer.startSpan('inside').end());
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.parentSpanContext])).toEqual([['inside', undefined]]);
    await t.shutdown();
  });
});
