import type { Metadata } from '../bus/types.js';
import { counter, distribution, lastValue, type MetricDefinition, sum } from './definitions.js';

const SECONDS = { from: 'millisecond', to: 'second' } as const;

// Longest label value of isotel's own metrics; longer values are cut (ids are at most 128 elsewhere).
const OWN_LABEL_MAX_LENGTH = 128;
// Series per own metric: operations and handler ids are the server's own code, reasons and
// outcomes are fixed sets; past this the reporter's overflow series takes the rest.
const OWN_MAX_SERIES = 200;
const FLUSH_OUTCOMES = new Set(['acknowledged', 'retry', 'refused']);

// Server health is what this process observed: an event the collector re-emitted from a client
// carries `remote: true` (set over whatever the client sent) and never feeds these series.
const local = (metadata: Metadata): boolean => metadata.remote !== true;

/** A label value of bounded length: strings as they are up to the bound, anything else as `other`. */
function bounded(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) return 'other';
  return value.length <= OWN_LABEL_MAX_LENGTH ? value : value.slice(0, OWN_LABEL_MAX_LENGTH);
}

/**
 * isotel's own health as metric definitions: operation latency p50/p95/p99 and error counts
 * (from `performanceSummary`), handler failures, and what the collector accepted, rejected,
 * refused or dropped — all from events this process emitted itself: events a collector re-emitted
 * from clients (`remote: true`) are ignored, so no client can forge the server's health. The one
 * series exporters report themselves, flush latency, is taken from every exporter, clients'
 * included (only browsers measure it), with its `outcome` label limited to the three outcomes. Metric names and labels are
 * snake_case; every label value is at most 128 characters and each metric
 * keeps at most 200 series. `docs/ops/` (Grafana dashboard, Prometheus alerts) reads the names
 * these get from the Prometheus reporter.
 *
 * @example
 * performanceSummary(t, { windowMs: 15_000 })
 * prometheusReporter(t, [...isotelMetrics(), ...appMetrics])
 */
export function isotelMetrics(): MetricDefinition[] {
  const perf = 'isotel.monitor.performance';
  const perOperation = {
    event: perf,
    keep: local,
    tags: ['operation'],
    tagValues: (m: Metadata) => ({ operation: bounded(m.operation) }),
    reporterOptions: { maxSeries: OWN_MAX_SERIES },
  };
  const latency = (q: string) =>
    lastValue(`isotel.operation.latency_${q}`, {
      ...perOperation,
      measurement: q,
      unit: SECONDS,
      description: `${q} of span durations per operation over the last summary window`,
    });
  return [
    latency('p50'),
    latency('p95'),
    latency('p99'),
    sum('isotel.operation.calls', {
      ...perOperation,
      measurement: 'count',
      description: 'Spans ended, per operation',
    }),
    sum('isotel.operation.errors', {
      ...perOperation,
      measurement: 'errors',
      description: 'Spans ended by an exception, per operation',
    }),
    counter('telemetry.handler.failures', {
      event: 'telemetry.handler.failure',
      keep: local,
      tags: ['handler_id'],
      tagValues: (m) => ({ handler_id: bounded(m.handlerId) }),
      description: "Calls of this process's handlers that threw or rejected",
      reporterOptions: { maxSeries: OWN_MAX_SERIES },
    }),
    distribution('isotel.exporter.flush.duration', {
      tags: ['outcome'],
      tagValues: (m) => ({ outcome: FLUSH_OUTCOMES.has(m.outcome as string) ? m.outcome : 'other' }),
      unit: SECONDS,
      description: 'Exporter flush latency, by outcome, as exporters (browsers included) report it',
      reporterOptions: { buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], maxSeries: FLUSH_OUTCOMES.size + 1 },
    }),
    sum('isotel.collector.accepted', {
      event: 'isotel.collector.ingest',
      keep: local,
      measurement: 'accepted',
      description: 'Events the collector accepted',
    }),
    sum('isotel.collector.rejected', {
      event: 'isotel.collector.ingest',
      keep: local,
      measurement: 'rejected',
      description: 'Events the collector rejected (invalid, unknown, over limits)',
    }),
    counter('isotel.collector.refused', {
      event: 'isotel.collector.refused',
      keep: local,
      tags: ['reason'],
      tagValues: (m) => ({ reason: bounded(m.reason) }),
      description: 'Requests the collector refused, by reason',
      reporterOptions: { maxSeries: OWN_MAX_SERIES },
    }),
    counter('isotel.collector.stream_dropped', {
      event: 'isotel.collector.stream.dropped',
      keep: local,
      description: 'Events dropped for slow stream subscribers',
    }),
  ];
}
