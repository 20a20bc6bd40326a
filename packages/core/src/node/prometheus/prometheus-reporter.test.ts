import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { isIsotelError } from '../../errors/isotel-error.js';
import { counter, distribution, lastValue, sum, summary } from '../../metrics/definitions.js';
import { serveMetrics } from './metrics-server.js';
import { sanitizeLabelName, sanitizeMetricName } from './names.js';
import { prometheusReporter } from './prometheus-reporter.js';

const t = createTelemetry();
afterEach(() => t.shutdown());

describe('prometheus reporter', () => {
  it('maps the five types to counter, counter, gauge, summary and histogram', async () => {
    const prom = prometheusReporter(t, [
      counter('http.request.stop.duration', { tags: ['route'], description: 'Requests served' }),
      sum('http.request.stop.bytes', { unit: 'byte' }),
      lastValue('runtime.memory.heapUsed', { unit: 'byte' }),
      summary('db.query.stop.duration', { reporterOptions: { quantiles: [0.5] } }),
      distribution('http.request.latency', {
        event: 'http.request.stop',
        measurement: 'duration',
        unit: { from: 'millisecond', to: 'second' },
        reporterOptions: { buckets: [0.1, 1] },
      }),
    ]);
    expect(prom.names).toEqual([
      'http_request_stop_duration_total',
      'http_request_stop_bytes_total',
      'runtime_memory_heap_used_bytes',
      'db_query_stop_duration',
      'http_request_latency_seconds',
    ]);
    t.emit('http.request.stop', { duration: 250, bytes: 10 }, { route: '/a' });
    t.emit('http.request.stop', { duration: 50, bytes: 5 }, { route: '/a' });
    t.emit('runtime.memory', { heapUsed: 42 });
    t.emit('db.query.stop', { duration: 3 });
    const text = await prom.metrics();
    expect(text).toContain('# HELP http_request_stop_duration_total Requests served');
    expect(text).toContain('# TYPE http_request_stop_duration_total counter');
    expect(text).toContain('http_request_stop_duration_total{route="/a"} 2');
    expect(text).toContain('http_request_stop_bytes_total 15');
    expect(text).toContain('# TYPE runtime_memory_heap_used_bytes gauge');
    expect(text).toContain('runtime_memory_heap_used_bytes 42');
    expect(text).toContain('# TYPE db_query_stop_duration summary');
    expect(text).toContain('db_query_stop_duration{quantile="0.5"} 3');
    expect(text).toContain('# TYPE http_request_latency_seconds histogram');
    expect(text).toContain('http_request_latency_seconds_bucket{le="0.1"} 1');
    expect(text).toContain('http_request_latency_seconds_bucket{le="1"} 2');
    expect(text).toContain('http_request_latency_seconds_sum 0.3');
  });

  it('exposes base units (seconds, bytes) whatever unit a definition converts to, values and buckets alike', async () => {
    const prom = prometheusReporter(t, [
      sum('upload.done.bytes', { unit: { from: 'byte', to: 'megabyte' } }),
      lastValue('upload.done.size', {
        event: 'upload.done',
        measurement: 'bytes',
        unit: { from: 'byte', to: 'kibibyte' },
      }),
      summary('db.query.stop.duration', { unit: 'millisecond', reporterOptions: { quantiles: [0.5] } }),
      distribution('db.query.stop.wait', {
        event: 'db.query.stop',
        measurement: 'duration',
        unit: { from: 'millisecond', to: 'microsecond' },
        reporterOptions: { buckets: [1000, 10_000] },
      }),
      counter('db.query.stop.count', { event: 'db.query.stop', unit: { from: 'millisecond', to: 'second' } }),
      lastValue('cart.items.count', { event: 'cart.items', measurement: 'count', unit: 'item' }),
    ]);
    expect(prom.names).toEqual([
      'upload_done_bytes_total',
      'upload_done_size_bytes',
      'db_query_stop_duration_seconds',
      'db_query_stop_wait_seconds',
      'db_query_stop_count_total',
      'cart_items_count',
    ]);
    t.emit('upload.done', { bytes: 76_000_000 });
    t.emit('db.query.stop', { duration: 4 });
    t.emit('db.query.stop', { duration: 3000 });
    t.emit('cart.items', { count: 3 });
    const text = await prom.metrics();
    expect(text).toContain('upload_done_bytes_total 76000000');
    expect(text).toContain('upload_done_size_bytes 76000000');
    expect(text).toContain('db_query_stop_duration_seconds_count 2');
    expect(text).toContain('db_query_stop_duration_seconds_sum 3.004');
    expect(text).toContain('db_query_stop_wait_seconds_bucket{le="0.001"} 0');
    expect(text).toContain('db_query_stop_wait_seconds_bucket{le="0.01"} 1');
    expect(text).toContain('db_query_stop_wait_seconds_bucket{le="+Inf"} 2');
    // a counter counts events: 1 each, whatever its unit
    expect(text).toContain('db_query_stop_count_total 2');
    expect(text).toContain('cart_items_count 3');
  });

  it('sanitises names and labels and escapes label values per the exposition format', async () => {
    expect(sanitizeMetricName('9lives.a-b')).toBe('_9lives_a_b');
    expect(sanitizeLabelName('http.status')).toBe('http_status');
    expect(sanitizeLabelName('__reserved')).toBe('_reserved');
    const prom = prometheusReporter(t, [counter('ui.click-event.count', { tags: ['element.id'] })]);
    t.emit('ui.click-event', {}, { 'element.id': 'say "hi"\\\nnow' });
    expect(await prom.metrics()).toContain('ui_click_event_count_total{element_id="say \\"hi\\"\\\\\\nnow"} 1');
  });

  it('refuses names that collide once sanitised, at definition', () => {
    const attempt = () => prometheusReporter(t, [counter('a.b.c'), counter('a_b.c', { event: 'a.b' })]);
    expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_metric' }));
    try {
      attempt();
    } catch (error) {
      expect(isIsotelError(error, 'invalid_metric')).toBe(true);
    }
  });

  it('skips and counts bad values and negative sums without throwing into emit', async () => {
    const prom = prometheusReporter(t, [sum('job.done.items')], { registry: new Registry() });
    t.emit('job.done', { items: 3 });
    t.emit('job.done', { items: -1 });
    t.emit('job.done', {});
    expect(prom.stats()).toMatchObject({ recorded: 1, skipped: { reporter_failed: 1, missing_value: 1 } });
    expect(await prom.metrics()).toContain('job_done_items_total 3');
    expect(t.stats().handlerFailures).toBe(0);
  });

  it('answers GET /metrics through the web handler and a Node server, and 405 otherwise', async () => {
    const prom = prometheusReporter(t, [counter('a.b.count')]);
    t.emit('a.b', {});
    const response = await prom.handler(new Request('http://x/metrics'));
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await response.text()).toContain('a_b_count_total 1');
    expect((await prom.handler(new Request('http://x/metrics', { method: 'POST' }))).status).toBe(405);
    const server = await serveMetrics(prom, { port: 0 });
    try {
      expect(await (await fetch(server.url)).text()).toContain('a_b_count_total 1');
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('stops and resumes recording live with setEnabled, keeping values', async () => {
    const prom = prometheusReporter(t, [counter('a.b.count')]);
    t.emit('a.b', {});
    prom.setEnabled(false);
    t.emit('a.b', {});
    expect(t.listHandlers()).toEqual([]);
    prom.setEnabled(true);
    t.emit('a.b', {});
    expect(await prom.metrics()).toContain('a_b_count_total 2');
    expect(prom.stats().recorded).toBe(2);
  });

  it('keeps counts and last values exact across scrapes while folding them between scrapes', async () => {
    const prom = prometheusReporter(t, [
      counter('job.run.count', { event: 'job.run', tags: ['queue'] }),
      lastValue('job.run.depth', { tags: ['queue'] }),
    ]);
    t.emit('job.run', { depth: 5 }, { queue: 'a' });
    t.emit('job.run', { depth: 4 }, { queue: 'a' });
    let text = await prom.metrics();
    expect(text).toContain('job_run_count_total{queue="a"} 2');
    expect(text).toContain('job_run_depth{queue="a"} 4');
    for (let i = 0; i < 3; i++) t.emit('job.run', { depth: 9 - i }, { queue: 'a' });
    t.emit('job.run', { depth: 1 }, { queue: 'b' });
    text = await prom.metrics();
    expect(text).toContain('job_run_count_total{queue="a"} 5');
    expect(text).toContain('job_run_depth{queue="a"} 7');
    expect(text).toContain('job_run_count_total{queue="b"} 1');
    text = await prom.metrics();
    expect(text).toContain('job_run_count_total{queue="a"} 5');
    expect(text).toContain('job_run_depth{queue="a"} 7');
  });

  it('keeps maxSeries across disable/enable cycles instead of starting the series afresh', async () => {
    const prom = prometheusReporter(t, [counter('req.stop.count', { tags: ['user'] })], { maxSeries: 2 });
    for (const cycle of [
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
      ['a', 'g'],
    ]) {
      for (const user of cycle) t.emit('req.stop', {}, { user });
      prom.setEnabled(false);
      prom.setEnabled(true);
    }
    const lines = (await prom.metrics()).split('\n').filter((l) => l.startsWith('req_stop_count_total{'));
    expect(lines).toEqual([
      'req_stop_count_total{user="a"} 2',
      'req_stop_count_total{user="b"} 1',
      'req_stop_count_total{user="__overflow__"} 5',
    ]);
  });

  it('keeps summary quantiles over a sliding window, 600 s in 5 buckets unless a metric says otherwise', () => {
    const prom = prometheusReporter(t, [
      summary('q.stop.duration'),
      summary('r.stop.duration', { reporterOptions: { maxAgeSeconds: 60, ageBuckets: 3 } }),
    ]);
    const window = (name: string) => {
      const s = prom.registry.getSingleMetric(name) as unknown as { maxAgeSeconds?: number; ageBuckets?: number };
      return [s.maxAgeSeconds, s.ageBuckets];
    };
    expect(window('q_stop_duration')).toEqual([600, 5]);
    expect(window('r_stop_duration')).toEqual([60, 3]);
    expect(() => summary('s.stop.duration', { reporterOptions: { maxAgeSeconds: 0 } })).toThrow(/maxAgeSeconds/);
  });

  it('refuses reserved labels before registering anything, so a retry works', () => {
    const registry = new Registry();
    for (const bad of [
      summary('s.stop.duration', { tags: ['quantile'] }),
      distribution('d.stop.duration', { tags: ['le'] }),
    ]) {
      expect(() => prometheusReporter(t, [counter('a.b.c'), bad], { registry })).toThrow(
        expect.objectContaining({ code: 'invalid_metric' }),
      );
      expect(registry.getMetricsAsArray()).toEqual([]);
    }
    expect(() => prometheusReporter(t, [counter('a.b.c')], { registry })).not.toThrow();
  });

  it('refuses a metric named like the _count, _sum or _bucket series of another', () => {
    for (const defs of [
      [distribution('api.call.latency'), lastValue('api.call.latency_count', { event: 'api.call', measurement: 'n' })],
      [lastValue('db.q.time_sum', { event: 'db.q', measurement: 'n' }), summary('db.q.time')],
      [distribution('x.y.z'), lastValue('x.y.z_bucket', { event: 'x.y', measurement: 'n' })],
    ]) {
      const registry = new Registry();
      expect(() => prometheusReporter(t, defs, { registry })).toThrow(
        expect.objectContaining({ code: 'invalid_metric' }),
      );
      expect(registry.getMetricsAsArray()).toEqual([]);
    }
  });
});
