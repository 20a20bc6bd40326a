import type { Telemetry } from '../bus/telemetry.js';
import { uuidv7 } from '../id/uuidv7.js';
import { attachMetrics, type MetricsStats } from '../metrics/attach-metrics.js';
import type { MetricDefinition } from '../metrics/definitions.js';

/** One value a metric received, with its tags by name. */
export interface RecordedMetricValue {
  readonly metric: string;
  readonly value: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** A reporter for tests: it keeps every value each metric definition received. */
export interface TestReporter {
  /** Every value, oldest first, across metrics. */
  readonly records: readonly RecordedMetricValue[];
  /** The values one metric received, optionally only those whose tags include `tags`. */
  values(metric: string, tags?: Readonly<Record<string, string>>): number[];
  /** The last value of a metric (and tags), or undefined when it received none. */
  last(metric: string, tags?: Readonly<Record<string, string>>): number | undefined;
  /** Values skipped (missing, non-numeric, failing callbacks) and overflowed, as reporters count them. */
  stats(): MetricsStats;
  /** Forgets the values recorded so far. */
  clear(): void;
  /** Detaches the reporter's handlers. */
  detach(): void;
}

/**
 * Attaches metric definitions to an instance the way a real reporter does (same extraction, unit
 * conversion, tags, keep/drop and series cap) and records what each metric received, so tests can
 * assert on their instrumentation's metrics without a metrics backend.
 *
 * @example
 * const reporter = createTestReporter(t, [distribution('http.request.stop.duration', { tags: ['route'] })])
 * await handle(request)
 * expect(reporter.values('http.request.stop.duration', { route: '/orders' })).toHaveLength(1)
 */
export function createTestReporter(telemetry: Telemetry, metrics: readonly MetricDefinition[]): TestReporter {
  let records: RecordedMetricValue[] = [];
  const binding = attachMetrics(telemetry, `isotel.testing.reporter.${uuidv7()}`, metrics, {
    record(metric, _index, value, series) {
      const tags: Record<string, string> = {};
      metric.tags.forEach((tag, i) => {
        tags[tag] = series.tags[i] ?? '';
      });
      records.push({ metric: metric.name, value, tags });
    },
  });
  const select = (metric: string, tags: Readonly<Record<string, string>> | undefined) =>
    records.filter(
      (r) => r.metric === metric && (tags === undefined || Object.entries(tags).every(([k, v]) => r.tags[k] === v)),
    );
  return {
    get records() {
      return [...records];
    },
    values: (metric, tags) => select(metric, tags).map((r) => r.value),
    last: (metric, tags) => select(metric, tags).at(-1)?.value,
    stats: () => binding.stats(),
    clear() {
      records = [];
    },
    detach: () => binding.detach(),
  };
}
