import { createServer, type Server } from 'node:http';
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import type { Metadata } from '../bus/types.js';
import { logger, setLogger } from '../log/logger.js';
import { counter, distribution, lastValue, sum, summary } from '../metrics/definitions.js';
import { bridgeMetrics } from './metric-bridge.js';
import { bridgeSpans } from './span-bridge.js';

// Span events as DESIGN §4 shapes them, emitted by hand.
const T0 = Date.UTC(2026, 0, 1);
function start(t: Telemetry, prefix: string, md: Metadata, at: number) {
  t.emit(`${prefix}.start`, { monotonicTime: at, systemTime: T0 + at }, md);
}
function stop(t: Telemetry, prefix: string, md: Metadata, startedAt: number, at: number) {
  t.emit(`${prefix}.stop`, { duration: at - startedAt, monotonicTime: at }, md);
}

const telemetries: Telemetry[] = [];
function telemetry() {
  const t = createTelemetry();
  telemetries.push(t);
  return t;
}
afterEach(async () => {
  for (const t of telemetries.splice(0)) await t.shutdown();
});

function tracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider, tracer: provider.getTracer('test') };
}

describe('OpenTelemetry span bridge', () => {
  it('turns start/stop into spans with parent links, attributes and event times', () => {
    const t = telemetry();
    const { exporter, tracer } = tracing();
    bridgeSpans(t, { tracer });
    const root = { spanId: 'a000000000000001', correlationId: 'c-1', route: '/checkout' };
    const child = { spanId: 'a000000000000002', parentSpanId: root.spanId, correlationId: 'c-1', attempt: 2 };
    start(t, 'checkout', root, 100);
    start(t, 'checkout.payment', child, 110);
    stop(t, 'checkout.payment', { ...child, provider: 'card' }, 110, 160);
    stop(t, 'checkout', root, 100, 200);
    const [payment, checkout] = exporter.getFinishedSpans();
    expect(checkout?.name).toBe('checkout');
    expect(payment?.name).toBe('checkout.payment');
    expect(payment?.parentSpanContext?.spanId).toBe(checkout?.spanContext().spanId);
    expect(payment?.spanContext().traceId).toBe(checkout?.spanContext().traceId);
    expect(checkout?.parentSpanContext).toBeUndefined();
    expect(payment?.attributes).toMatchObject({
      attempt: 2,
      provider: 'card',
      'isotel.span_id': child.spanId,
      'isotel.parent_span_id': root.spanId,
      'isotel.correlation_id': 'c-1',
    });
    expect(checkout?.attributes.route).toBe('/checkout');
    // 50 ms from the events' own clock, not from when the handler ran
    expect(payment?.duration).toEqual([0, 50_000_000]);
    expect(checkout?.startTime).toEqual([Math.floor((T0 + 100) / 1000), ((T0 + 100) % 1000) * 1e6]);
    expect(payment?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('keeps a child started after its parent ended in the parent’s trace', () => {
    const t = telemetry();
    const { exporter, tracer } = tracing();
    bridgeSpans(t, { tracer });
    const root = { spanId: 'e000000000000001' };
    const late = { spanId: 'e000000000000002', parentSpanId: root.spanId };
    start(t, 'request', root, 100);
    stop(t, 'request', root, 100, 150);
    // a callback bound inside the request runs after it answered
    start(t, 'request.audit', late, 170);
    stop(t, 'request.audit', late, 170, 180);
    const [request, audit] = exporter.getFinishedSpans();
    expect(audit?.spanContext().traceId).toBe(request?.spanContext().traceId);
    expect(audit?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
  });

  it('keeps user metadata named kind or error as attributes on spans that did not fail', () => {
    const t = telemetry();
    const { exporter, tracer } = tracing();
    bridgeSpans(t, { tracer });
    const md = { spanId: 'f000000000000001', kind: 'server', error: 'none' };
    start(t, 'rpc', md, 100);
    stop(t, 'rpc', md, 100, 120);
    expect(exporter.getFinishedSpans()[0]?.attributes).toMatchObject({ kind: 'server', error: 'none' });
  });

  it('records an exception event and an error status', () => {
    const t = telemetry();
    const { exporter, tracer } = tracing();
    const bridge = bridgeSpans(t, { tracer });
    const md = { spanId: 'b000000000000001' };
    start(t, 'db.query', md, 0);
    const error = new TypeError('connection reset');
    t.emit('db.query.exception', { duration: 5, monotonicTime: 5 }, { ...md, kind: 'error', error });
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connection reset' });
    expect(span?.events[0]?.name).toBe('exception');
    expect(span?.events[0]?.attributes).toMatchObject({
      'exception.type': 'TypeError',
      'exception.message': 'connection reset',
    });
    expect(span?.attributes['isotel.exception.kind']).toBe('error');
    expect(bridge.stats()).toMatchObject({ started: 1, ended: 1, failed: 1, open: 0 });
  });

  it('counts stops without a start, and ends open spans as abandoned past the cap and at shutdown', async () => {
    const t = telemetry();
    const { exporter, tracer } = tracing();
    const bridge = bridgeSpans(t, { tracer, maxOpenSpans: 2 });
    t.emit('x.stop', { duration: 1, monotonicTime: 1 }, { spanId: 'nope' });
    for (let i = 1; i <= 3; i++) start(t, 'job', { spanId: `c00000000000000${i}` }, i);
    expect(bridge.stats()).toMatchObject({ orphans: 1, abandoned: 1, open: 2 });
    await t.shutdown();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    expect(spans.every((s) => s.attributes['isotel.abandoned'] === true)).toBe(true);
  });

  it('exports bridged spans over OTLP/HTTP to a collector endpoint', async () => {
    const received: unknown[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          url: req.url,
          type: req.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString()),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` });
      const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const t = telemetry();
      bridgeSpans(t, { tracer: provider.getTracer('shop') });
      start(t, 'checkout', { spanId: 'd000000000000001', route: '/pay' }, 0);
      start(t, 'checkout.payment', { spanId: 'd000000000000002', parentSpanId: 'd000000000000001' }, 1);
      t.emit(
        'checkout.payment.exception',
        { duration: 4, monotonicTime: 5 },
        { spanId: 'd000000000000002', parentSpanId: 'd000000000000001', kind: 'error', error: new Error('declined') },
      );
      stop(t, 'checkout', { spanId: 'd000000000000001', route: '/pay' }, 0, 10);
      await provider.forceFlush();
      await provider.shutdown();
      const spans = received.flatMap((r) =>
        (
          r as { body: { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] } }
        ).body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
      ) as {
        name: string;
        spanId: string;
        parentSpanId?: string;
        status: { code?: number };
        events?: { name: string }[];
        attributes: { key: string; value: { stringValue?: string } }[];
      }[];
      expect((received[0] as { url: string }).url).toBe('/v1/traces');
      expect((received[0] as { type: string }).type).toContain('application/json');
      const payment = spans.find((s) => s.name === 'checkout.payment');
      const checkout = spans.find((s) => s.name === 'checkout');
      expect(payment?.parentSpanId).toBe(checkout?.spanId);
      expect(payment?.status.code).toBe(2); // STATUS_CODE_ERROR
      expect(payment?.events?.map((e) => e.name)).toEqual(['exception']);
      expect(checkout?.attributes).toContainEqual({ key: 'route', value: { stringValue: '/pay' } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('OpenTelemetry metric bridge', () => {
  it('records the metric types through a real meter', async () => {
    const t = telemetry();
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    bridgeMetrics(
      t,
      [
        counter('http.request.stop.count', { event: 'http.request.stop', tags: ['route'] }),
        sum('http.request.stop.bytes'),
        lastValue('runtime.memory.heapUsed', { unit: 'byte' }),
        distribution('http.request.stop.duration', {
          unit: { from: 'millisecond', to: 'second' },
          reporterOptions: { buckets: [0.1, 1] },
        }),
        summary('db.query.stop.duration', { unit: { from: 'millisecond', to: 'second' } }),
      ],
      { meter: provider.getMeter('test') },
    );
    t.emit('http.request.stop', { duration: 50, bytes: 10 }, { route: '/a' });
    t.emit('http.request.stop', { duration: 500, bytes: 20 }, { route: '/a' });
    t.emit('runtime.memory', { heapUsed: 7 });
    await reader.forceFlush();
    const metrics = exporter.getMetrics().at(-1)?.scopeMetrics[0]?.metrics ?? [];
    const byName = new Map(metrics.map((m) => [m.descriptor.name, m]));
    expect(byName.get('http.request.stop.count')?.dataPoints[0]).toMatchObject({
      value: 2,
      attributes: { route: '/a' },
    });
    expect(byName.get('http.request.stop.bytes')?.dataPoints[0]?.value).toBe(30);
    expect(byName.get('runtime.memory.heapUsed')?.dataPoints[0]?.value).toBe(7);
    const histogram = byName.get('http.request.stop.duration');
    expect(histogram?.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(histogram?.descriptor.unit).toBe('s');
    expect(byName.get('runtime.memory.heapUsed')?.descriptor.unit).toBe('By');
    expect(histogram?.dataPoints[0]?.value).toMatchObject({
      count: 2,
      sum: 0.55,
      buckets: { boundaries: [0.1, 1], counts: [1, 1, 0] },
    });
    // a metric in seconds without buckets: 5 ms to 10 s, not OpenTelemetry's 0 to 10 000
    t.emit('db.query.stop', { duration: 30 });
    await reader.forceFlush();
    const latest = exporter.getMetrics().at(-1)?.scopeMetrics[0]?.metrics ?? [];
    const query = latest.find((m) => m.descriptor.name === 'db.query.stop.duration');
    const point = query?.dataPoints[0]?.value as { buckets: { boundaries: number[] } } | undefined;
    expect(point?.buckets.boundaries).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
    await provider.shutdown();
  });

  it('refuses names OpenTelemetry calls invalid, counts their values, and counts a counter 1 per event without a unit', async () => {
    const t = telemetry();
    const warnings: string[] = [];
    const original = logger();
    setLogger({ warn: (message) => warnings.push(message), error: () => {} });
    try {
      const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
      const provider = new MeterProvider({ readers: [reader] });
      const long = `a.${'b'.repeat(260)}`;
      const bridge = bridgeMetrics(
        t,
        [
          counter('3d.render.count', { event: 'render.done' }),
          sum(long, { event: 'render.done', measurement: 'bytes' }),
          counter('render.done.count', { unit: { from: 'nanosecond', to: 'millisecond' } }),
          sum('render.done.bytes', { unit: { from: 'byte', to: 'kilobyte' } }),
        ],
        { meter: provider.getMeter('test') },
      );
      expect(Object.keys(bridge.refused)).toEqual(['3d.render.count', long]);
      expect(warnings).toHaveLength(2);
      t.emit('render.done', { bytes: 76_000_000 });
      t.emit('render.done', { bytes: 1_500 });
      expect(bridge.stats().skipped).toEqual({ invalid_name: 4 });
      expect(bridge.stats().recorded).toBe(4);
      await reader.forceFlush();
      const metrics = exporter.getMetrics().at(-1)?.scopeMetrics[0]?.metrics ?? [];
      expect(metrics.map((m) => m.descriptor.name).sort()).toEqual(['render.done.bytes', 'render.done.count']);
      const byName = new Map(metrics.map((m) => [m.descriptor.name, m]));
      expect(byName.get('render.done.count')?.dataPoints[0]?.value).toBe(2);
      expect(byName.get('render.done.count')?.descriptor.unit).toBe('');
      expect(byName.get('render.done.bytes')?.dataPoints[0]?.value).toBe(76_001.5);
      expect(byName.get('render.done.bytes')?.descriptor.unit).toBe('kBy');
      await provider.shutdown();
    } finally {
      setLogger(original);
    }
  });
});
