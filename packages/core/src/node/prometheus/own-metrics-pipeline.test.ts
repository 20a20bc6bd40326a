// The pipeline the ops dashboard relies on: spans → performanceSummary → isotelMetrics → /metrics.
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { isotelMetrics } from '../../metrics/own-metrics.js';
import { performanceSummary } from '../../monitors/performance-summary.js';
import { samples } from './prometheus.test-kit.js';
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

  it('takes server health only from events this process emitted, with bounded labels, and counts refusals', async () => {
    const t = createTelemetry();
    const prom = prometheusReporter(t, isotelMetrics());
    // what a collector re-emits from clients: marked remote, whatever the client claimed
    t.emit('telemetry.handler.failure', { count: 1 }, { handlerId: 'attack.audit', remote: true });
    t.emit('isotel.collector.refused', { count: 1 }, { reason: 'forged', remote: true });
    t.emit('isotel.monitor.performance', { count: 1, errors: 1, p99: 9000 }, { operation: 'forged', remote: true });
    t.emit('isotel.exporter.flush', { events: 1, duration: 100 }, { outcome: 'x'.repeat(500), remote: true });
    t.emit('isotel.exporter.flush', { events: 1, duration: 200 }, { outcome: 'retry', remote: true });
    t.emit('isotel.exporter.flush', { events: 1, duration: 300 }, { outcome: 'retry' }); // an exporter of this process
    // what the server itself observed
    t.emit('isotel.collector.refused', { count: 1 }, { status: 403, reason: 'forbidden' });
    t.emit('isotel.collector.refused', { count: 1 }, { status: 403, reason: 'forbidden' });
    t.emit('isotel.collector.refused', { count: 1 }, { status: 429, reason: 'rate_limited' });
    t.emit('telemetry.handler.failure', { count: 1 }, { handlerId: 'h'.repeat(1000) });
    for (let i = 0; i < 300; i++) t.emit('telemetry.handler.failure', { count: 1 }, { handlerId: `handler-${i}` });
    const exposed = samples(await prom.metrics());
    expect(exposed.get('isotel_collector_refused_total{reason="forbidden"}')).toBe(2);
    expect(exposed.get('isotel_collector_refused_total{reason="rate_limited"}')).toBe(1);
    expect(keysOf(exposed, 'isotel_collector_refused_total')).toHaveLength(2);
    expect(keysOf(exposed, 'isotel_operation_')).toEqual([]);
    expect([...exposed.keys()].some((k) => k.includes('attack.audit'))).toBe(false);
    expect(exposed.get(`telemetry_handler_failures_total{handler_id="${'h'.repeat(128)}"}`)).toBe(1);
    expect(keysOf(exposed, 'telemetry_handler_failures_total').length).toBeLessThanOrEqual(201);
    expect(exposed.get('isotel_exporter_flush_duration_seconds_count{outcome="other"}')).toBe(1);
    expect(exposed.get('isotel_exporter_flush_duration_seconds_count{outcome="retry"}')).toBe(2);
    expect(Math.max(...[...exposed.keys()].map((k) => Math.max(0, ...labelValues(k).map((v) => v.length))))).toBe(128);
    await t.shutdown();
  });

  it('leaves spans re-emitted from clients out of the performance summary', async () => {
    const t = createTelemetry();
    const prom = prometheusReporter(t, isotelMetrics());
    const summary = performanceSummary(t, { windowMs: 1000, now: () => 0, intervalMs: 0 });
    t.emit('checkout.stop', { duration: 10, monotonicTime: 0 });
    t.emit('forged.stop', { duration: 99_000, monotonicTime: 0 }, { remote: true });
    t.emit('checkout.stop', { duration: 99_000, monotonicTime: 0 }, { remote: true });
    summary.flush();
    const exposed = samples(await prom.metrics());
    expect(exposed.get('isotel_operation_calls_total{operation="checkout"}')).toBe(1);
    expect(exposed.get('isotel_operation_latency_p99_seconds{operation="checkout"}')).toBeCloseTo(0.01, 3);
    expect(keysOf(exposed, 'isotel_operation_calls_total')).toHaveLength(1);
    // asked for, they are summarised too
    const all = performanceSummary(t, { windowMs: 1000, now: () => 0, intervalMs: 0, includeRemote: true, id: 'all' });
    t.emit('forged.stop', { duration: 10, monotonicTime: 0 }, { remote: true });
    all.flush();
    expect(samples(await prom.metrics()).get('isotel_operation_calls_total{operation="forged"}')).toBe(1);
    await t.shutdown();
  });
});

function keysOf(exposed: Map<string, number>, prefix: string): string[] {
  return [...exposed.keys()].filter((k) => k.startsWith(prefix));
}

function labelValues(key: string): string[] {
  return [...key.matchAll(/="([^"]*)"/g)].map((m) => m[1] as string);
}
