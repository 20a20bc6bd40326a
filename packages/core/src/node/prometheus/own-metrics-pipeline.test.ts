// The pipeline the ops dashboard relies on: spans → performanceSummary → isotelMetrics → /metrics.
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { isotelMetrics } from '../../metrics/own-metrics.js';
import { performanceSummary } from '../../monitors/performance-summary.js';
import { prometheusReporter } from './prometheus-reporter.js';

describe("isotel's own metrics in Prometheus", () => {
  it('exposes latency quantiles, calls, errors and handler failures under the names the dashboard queries', async () => {
    const t = createTelemetry();
    const prom = prometheusReporter(t, isotelMetrics());
    const summary = performanceSummary(t, { windowMs: 1000, now: () => 0, intervalMs: 0 });
    for (let i = 1; i <= 100; i++) t.emit('checkout.stop', { duration: i * 10, monotonicTime: 0 });
    t.emit('checkout.exception', { duration: 5, monotonicTime: 0 }, { kind: 'error', error: new Error('x') });
    t.attach('broken', 'app.tick', () => {
      throw new Error('bug');
    });
    t.emit('app.tick', {});
    summary.flush();
    const text = await prom.metrics();
    expect(text).toContain('isotel_operation_calls_total{operation="checkout"} 101');
    expect(text).toContain('isotel_operation_errors_total{operation="checkout"} 1');
    expect(text).toContain('telemetry_handler_failures_total{handler_id="broken"} 1');
    const p99 = Number(/isotel_operation_latency_p99_seconds\{operation="checkout"\} (\S+)/.exec(text)?.[1]);
    expect(Math.abs(p99 - 0.99)).toBeLessThanOrEqual(0.99 * 0.01);
    await t.shutdown();
  });
});
