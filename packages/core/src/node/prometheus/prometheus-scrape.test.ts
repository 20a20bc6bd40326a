// A real Prometheus scrapes the reporter's /metrics; PromQL sees what the test emitted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { counter, distribution } from '../../metrics/definitions.js';
import { type MetricsServer, serveMetrics } from './metrics-server.js';
import { type RealPrometheus, prometheusSkipReason as skipReason, startPrometheus } from './prometheus.test-kit.js';
import { prometheusReporter } from './prometheus-reporter.js';

describe.skipIf(skipReason !== '')(`a real Prometheus scraping /metrics ${skipReason}`, () => {
  const t = createTelemetry();
  let prometheus: RealPrometheus | undefined;
  let server: MetricsServer;
  let ticker: ReturnType<typeof setInterval> | undefined;

  beforeAll(async () => {
    const prom = prometheusReporter(t, [
      counter('checkout.payment.stop.count', { event: 'checkout.payment.stop', tags: ['method'] }),
      distribution('checkout.payment.duration', {
        event: 'checkout.payment.stop',
        measurement: 'duration',
        unit: { from: 'millisecond', to: 'second' },
        reporterOptions: { buckets: [0.1, 0.2, 0.5, 1] },
      }),
      distribution('steady.op.duration', { reporterOptions: { buckets: [1] } }),
    ]);
    // 100 payments before the first scrape: 50 take 50 ms, 50 take 300 ms
    for (let i = 0; i < 100; i++) t.emit('checkout.payment.stop', { duration: i < 50 ? 50 : 300 }, { method: 'card' });
    // a steady 100 events per second for rate(): each tick emits what the clock says is due
    // since the start, so a tick that a busy machine delays is caught up at the next one
    const start = performance.now();
    let emitted = 0;
    ticker = setInterval(() => {
      const due = Math.floor((performance.now() - start) / 10);
      for (; emitted < due; emitted++) t.emit('steady.op', { duration: 0.5 });
    }, 100);
    server = await serveMetrics(prom, { port: 0 });
    prometheus = await startPrometheus(() => [
      'scrape_configs:',
      '  - job_name: isotel',
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${server.port}']`,
    ]);
  }, 60_000);

  afterAll(async () => {
    if (ticker !== undefined) clearInterval(ticker);
    await prometheus?.stop();
    await server?.close();
    await t.shutdown();
  });

  const query = (promql: string, accept: (value: number) => boolean) => {
    if (prometheus === undefined) throw new Error('Prometheus did not start');
    return prometheus.valueOf(promql, accept);
  };

  it('histogram_quantile and the counter return the values the test emitted', async () => {
    const total = await query('checkout_payment_stop_count_total{method="card"}', () => true);
    expect(total).toBe(100);
    // 90th percentile by linear interpolation in the (0.2, 0.5] bucket: 0.2 + 0.3 * 40 / 50
    const p90 = await query('histogram_quantile(0.9, checkout_payment_duration_seconds_bucket)', () => true);
    expect(p90).toBeCloseTo(0.44, 6);
    const p25 = await query('histogram_quantile(0.25, checkout_payment_duration_seconds_bucket)', () => true);
    expect(p25).toBeCloseTo(0.05, 6);
  }, 40_000);

  it('rate() of a steady emitter is its emit rate', async () => {
    // once the 5 s window holds five scrapes, so rate() is not an extrapolation from two points
    await query('count_over_time(steady_op_duration_count[5s])', (n) => n >= 5);
    const rate = await query('rate(steady_op_duration_count[5s])', () => true);
    expect(rate).toBeGreaterThan(70);
    expect(rate).toBeLessThan(130);
  }, 40_000);
});
