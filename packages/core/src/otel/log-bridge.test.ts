import { context } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import { isIsotelError } from '../errors/isotel-error.js';
import { bridgeLogs } from './log-bridge.js';
import { bridgeSpans } from './span-bridge.js';

const telemetries: Telemetry[] = [];
function setup() {
  const t = createTelemetry();
  telemetries.push(t);
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  return { t, exporter, logger: provider.getLogger('test') };
}
afterEach(async () => {
  for (const t of telemetries.splice(0)) await t.shutdown();
});

describe('OpenTelemetry log bridge', () => {
  it('turns an event into a log record with event.name, attributes, severity INFO and the event time', () => {
    const { t, exporter, logger } = setup();
    bridgeLogs(t, { logger });
    const at = Date.UTC(2026, 0, 1, 12);
    t.emit(
      'cart.item.add',
      { quantity: 2, price: 9.5, systemTime: at, monotonicTime: 5 },
      { sku: 'A-1', tags: ['x', 'y'], address: { city: 'Oslo' }, quantity: 'two', fn: () => 1 },
    );
    const [record] = exporter.getFinishedLogRecords();
    expect(record?.eventName).toBe('cart.item.add');
    expect(record?.body).toBe('cart.item.add');
    expect(record?.severityNumber).toBe(SeverityNumber.INFO);
    expect(record?.severityText).toBe('INFO');
    expect(record?.hrTime).toEqual([at / 1000, 0]);
    expect(record?.attributes).toEqual({
      'event.name': 'cart.item.add',
      sku: 'A-1',
      tags: ['x', 'y'],
      address: { city: 'Oslo' },
      quantity: 'two',
      'isotel.measurement.quantity': 2,
      price: 9.5,
    });
  });

  it('records an .exception event at severity ERROR with exception.* attributes', () => {
    const { t, exporter, logger } = setup();
    bridgeLogs(t, { logger });
    const error = new TypeError('card declined');
    t.emit('checkout.exception', { duration: 12 }, { spanId: 'a1', kind: 'error', error });
    const [record] = exporter.getFinishedLogRecords();
    expect(record?.severityNumber).toBe(SeverityNumber.ERROR);
    expect(record?.attributes).toMatchObject({
      'event.name': 'checkout.exception',
      'exception.type': 'TypeError',
      'exception.message': 'card declined',
      kind: 'error',
      duration: 12,
    });
    expect(String(record?.attributes['exception.stacktrace'])).toContain('card declined');
    expect(record?.attributes.error).toBeUndefined();
  });

  it('leaves span start/stop to the span bridge unless asked, and follows patterns', () => {
    const { t, exporter, logger } = setup();
    const bridge = bridgeLogs(t, { logger, patterns: ['checkout.**'] });
    const span = t.startSpan('checkout', { cart: 'c1' });
    t.emit('checkout.step', { count: 1 }, { step: 'pay' });
    span.end();
    t.emit('search.query', { count: 1 }, {});
    expect(exporter.getFinishedLogRecords().map((r) => r.eventName)).toEqual(['checkout.step']);
    expect(bridge.stats()).toEqual({ emitted: 1, skipped: 2 });
    bridge.detach();
    const all = bridgeLogs(t, { logger, spanEvents: true });
    t.startSpan('checkout', {}).end();
    expect(exporter.getFinishedLogRecords().map((r) => r.eventName)).toEqual([
      'checkout.step',
      'checkout.start',
      'checkout.stop',
    ]);
    expect(all.stats().emitted).toBe(2);
  });

  it('carries the span context of the isotel span an event is emitted in', () => {
    const { t, exporter, logger } = setup();
    const spans = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer('test');
    bridgeSpans(t, { tracer });
    bridgeLogs(t, { logger });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      t.span('checkout', {}, () => t.emit('checkout.step', { count: 1 }, {}));
    } finally {
      context.disable();
    }
    const [span] = spans.getFinishedSpans();
    const [record] = exporter.getFinishedLogRecords();
    expect(record?.spanContext?.spanId).toBe(span?.spanContext().spanId);
    expect(record?.spanContext?.traceId).toBe(span?.spanContext().traceId);
  });

  it('stops at detach and at shutdown, and refuses an empty pattern list or a missing logger', async () => {
    const { t, exporter, logger } = setup();
    bridgeLogs(t, { logger });
    t.emit('a', { count: 1 }, {});
    await t.shutdown();
    t.emit('a', { count: 1 }, {});
    expect(exporter.getFinishedLogRecords()).toHaveLength(1);
    for (const options of [{ logger, patterns: [] }, {}]) {
      try {
        bridgeLogs(createTelemetry(), options as never);
        expect.unreachable();
      } catch (error) {
        expect(isIsotelError(error, 'invalid_argument')).toBe(true);
      }
    }
  });
});
