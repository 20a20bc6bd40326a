// `promtool check metrics` (Prometheus' own linter) on real expositions: the docs' examples,
// isotelMetrics() and the Node runtime poller. No lint finding is allowed.
import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry, type Telemetry } from '../../bus/telemetry.js';
import { logger, setLogger } from '../../log/logger.js';
import { counter, distribution, lastValue, sum, summary } from '../../metrics/definitions.js';
import { isotelMetrics } from '../../metrics/own-metrics.js';
import { nodeRuntimeMetrics } from '../runtime/node-runtime-metrics.js';
import { startNodeRuntimePoller } from '../runtime/node-sources.js';
import { lintExposition, prometheusSkipReason as skipReason } from './prometheus.test-kit.js';
import { prometheusReporter } from './prometheus-reporter.js';

const lint = lintExposition;

const original = logger();
let t: Telemetry;
afterEach(async () => {
  setLogger(original);
  await t.shutdown();
});

describe.skipIf(skipReason !== '')(`promtool check metrics ${skipReason}`, () => {
  it('finds nothing in the exposition of the metrics guide examples, in base units', async () => {
    t = createTelemetry();
    const prom = prometheusReporter(t, [
      counter('http.request.stop.count', { tags: ['route', 'status'] }),
      distribution('http.request.stop.duration', {
        tags: ['route'],
        unit: { from: 'millisecond', to: 'second' },
        reporterOptions: { buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5] },
      }),
      sum('upload.done.bytes', { unit: { from: 'byte', to: 'megabyte' } }),
      lastValue('runtime.memory.heapUsed', { unit: 'byte' }),
      summary('db.query.stop.duration', { tags: ['table'], reporterOptions: { quantiles: [0.5, 0.99] } }),
      // a summary labelled in milliseconds, without conversion, and one converted to microseconds
      summary('cache.read.stop.duration', { unit: 'millisecond' }),
      distribution('queue.wait.stop.duration', {
        unit: { from: 'millisecond', to: 'microsecond' },
        reporterOptions: { buckets: [1000, 10_000] },
      }),
      counter('runtime.error.count', { tags: ['kind'] }),
      lastValue('runtime.event_loop.delayP99', { unit: { from: 'millisecond', to: 'second' } }),
    ]);
    t.emit('http.request.stop', { duration: 120 }, { route: '/cart', status: 200 });
    t.emit('upload.done', { bytes: 76_000_000 });
    t.emit('runtime.memory', { heapUsed: 1_048_576 });
    t.emit('db.query.stop', { duration: 4 }, { table: 'orders' });
    t.emit('cache.read.stop', { duration: 250 });
    t.emit('queue.wait.stop', { duration: 5 });
    t.emit('runtime.error', { count: 1 }, { kind: 'error' });
    t.emit('runtime.event_loop', { delayP99: 12 });
    const text = await prom.metrics();
    expect(lint(text)).toBe('');
    expect(prom.names).toEqual([
      'http_request_stop_count_total',
      'http_request_stop_duration_seconds',
      'upload_done_bytes_total',
      'runtime_memory_heap_used_bytes',
      'db_query_stop_duration',
      'cache_read_stop_duration_seconds',
      'queue_wait_stop_duration_seconds',
      'runtime_error_count_total',
      'runtime_event_loop_delay_p99_seconds',
    ]);
    // values in the base unit of the name, whatever unit the definition converts to
    expect(text).toContain('upload_done_bytes_total 76000000');
    expect(text).toContain('http_request_stop_duration_seconds_sum{route="/cart"} 0.12');
    expect(text).toContain('cache_read_stop_duration_seconds_sum 0.25');
    // buckets given in microseconds, exposed in seconds; 5 ms lands in le="0.01"
    expect(text).toContain('queue_wait_stop_duration_seconds_bucket{le="0.001"} 0');
    expect(text).toContain('queue_wait_stop_duration_seconds_bucket{le="0.01"} 1');
    expect(text).toContain('queue_wait_stop_duration_seconds_sum 0.005');
    expect(text).toContain('runtime_event_loop_delay_p99_seconds 0.012');
  });

  it("finds nothing in the exposition of isotelMetrics(), fed by isotel's own events", async () => {
    t = createTelemetry();
    setLogger(null);
    const prom = prometheusReporter(t, isotelMetrics());
    t.emit(
      'isotel.monitor.performance',
      { count: 10, errors: 1, avg: 5, max: 20, p50: 4, p95: 15, p99: 19, errorRate: 0.1 },
      { operation: 'checkout.payment', windowStart: 0, windowMs: 15_000 },
    );
    // a real handler failure: the bus emits telemetry.handler.failure itself
    t.attach('brokenHandler', 'app.tick', () => {
      throw new Error('boom');
    });
    t.emit('app.tick');
    t.emit('isotel.exporter.flush', { duration: 120 }, { outcome: 'acknowledged' });
    t.emit('isotel.collector.ingest', { accepted: 5, rejected: 1 });
    t.emit('isotel.collector.refused', { count: 1 }, { reason: 'too_large' });
    t.emit('isotel.collector.stream.dropped', { count: 3 });
    const text = await prom.metrics();
    expect(lint(text)).toBe('');
    expect(text).toMatch(/telemetry_handler_failures_total\{handler_id="brokenHandler"\} 1/);
    expect(text).toContain('isotel_operation_latency_p99_seconds{operation="checkout.payment"} 0.019');
    expect(text).toContain('isotel_exporter_flush_duration_seconds_sum{outcome="acknowledged"} 0.12');
  });

  it('finds nothing in the exposition of the Node runtime poller', async () => {
    t = createTelemetry();
    const prom = prometheusReporter(t, nodeRuntimeMetrics());
    const poller = startNodeRuntimePoller(t, { intervalMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    poller.poll();
    t.emit('runtime.gc', { duration: 1.5 }, { kind: 'minor' });
    const text = await prom.metrics();
    expect(lint(text)).toBe('');
    expect(prom.names).toContain('runtime_memory_heap_used_bytes');
    expect(prom.names).toContain('runtime_memory_array_buffers_bytes');
    expect(prom.names).toContain('runtime_event_loop_delay_p99_seconds');
    expect(prom.names).toContain('runtime_gc_duration_seconds');
    expect(text).toMatch(/^runtime_memory_heap_used_bytes \d+$/m);
    // real collections may land there too: at least the one emitted here
    expect(text).toMatch(/runtime_gc_duration_seconds_bucket\{le="0\.0025",kind="minor"\} [1-9]/);
  });

  it('is a real linter: camelCase, a non-base unit and a missing _total are findings', () => {
    const findings = lint(
      [
        '# HELP fooBar_total x',
        '# TYPE fooBar_total counter',
        'fooBar_total{handlerId="a"} 1',
        '# HELP req_duration_milliseconds x',
        '# TYPE req_duration_milliseconds gauge',
        'req_duration_milliseconds 1',
        '# HELP jobs_done x',
        '# TYPE jobs_done counter',
        'jobs_done 1',
        '',
      ].join('\n'),
    );
    expect(findings).toContain('camelCase');
    expect(findings).toContain('milliseconds');
    expect(findings).toContain('_total');
  });
});
