import { counter, distribution, lastValue, type MetricDefinition, sum } from './definitions.js';

const SECONDS = { from: 'millisecond', to: 'second' } as const;

/**
 * isotel's own health as metric definitions: operation latency p50/p95/p99 and error counts
 * (from `performanceSummary`), handler failures, exporter flush latency, and what the collector
 * rejected, refused or dropped. `docs/ops/` (Grafana dashboard, Prometheus alerts) reads the
 * names these get from the Prometheus reporter.
 *
 * @example
 * performanceSummary(t, { windowMs: 15_000 })
 * prometheusReporter(t, [...isotelMetrics(), ...appMetrics])
 */
export function isotelMetrics(): MetricDefinition[] {
  const perf = 'isotel.monitor.performance';
  const latency = (q: string) =>
    lastValue(`isotel.operation.latency_${q}`, {
      event: perf,
      measurement: q,
      tags: ['operation'],
      unit: SECONDS,
      description: `${q} of span durations per operation over the last summary window`,
    });
  return [
    latency('p50'),
    latency('p95'),
    latency('p99'),
    sum('isotel.operation.calls', {
      event: perf,
      measurement: 'count',
      tags: ['operation'],
      description: 'Spans ended, per operation',
    }),
    sum('isotel.operation.errors', {
      event: perf,
      measurement: 'errors',
      tags: ['operation'],
      description: 'Spans ended by an exception, per operation',
    }),
    counter('telemetry.handler.failures', {
      event: 'telemetry.handler.failure',
      tags: ['handlerId'],
      description: 'Handler calls that threw or rejected',
    }),
    distribution('isotel.exporter.flush.duration', {
      tags: ['outcome'],
      unit: SECONDS,
      description: 'Browser exporter flush latency, by outcome',
      reporterOptions: { buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
    }),
    sum('isotel.collector.accepted', {
      event: 'isotel.collector.ingest',
      measurement: 'accepted',
      description: 'Events the collector accepted',
    }),
    sum('isotel.collector.rejected', {
      event: 'isotel.collector.ingest',
      measurement: 'rejected',
      description: 'Events the collector rejected (invalid, unknown, over limits)',
    }),
    counter('isotel.collector.refused', {
      tags: ['reason'],
      description: 'Requests the collector refused, by reason',
    }),
    counter('isotel.collector.stream_dropped', {
      event: 'isotel.collector.stream.dropped',
      description: 'Events dropped for slow stream subscribers',
    }),
  ];
}
