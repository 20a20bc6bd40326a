import type { Telemetry } from '../bus/telemetry.js';
import { IsotelError } from '../errors/isotel-error.js';
import { attachMetrics, type MetricsBinding, type MetricsStats, validateMaxSeries } from './attach-metrics.js';
import { type MetricDefinition, type MetricType, validateDefinitions } from './definitions.js';
import { QuantileSketch } from './quantile-sketch.js';

/** Options of {@link createAggregator}. */
export interface AggregatorOptions {
  /** Handler id prefix. @default 'isotel.aggregator' */
  id?: string;
  /** Relative error of quantiles: a reported q-quantile is within ±accuracy of the true one. @default 0.01 */
  relativeAccuracy?: number;
  /** Series per metric before the overflow series, a positive integer. @default 1000 */
  maxSeries?: number;
}

/** One tag set of a metric. */
export interface SeriesSnapshot {
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Values recorded. For a counter, events: an event kept by sampling counts `1 / sampleRate`,
   * so the count estimates the events emitted.
   */
  readonly count: number;
  /** Counter and sum values are scaled back by `sampleRate` (a counter records `1 / sampleRate` per event). */
  readonly sum: number;
  /** The last value recorded. */
  readonly last: number;
  readonly min: number;
  readonly max: number;
  /** Summary and distribution only: quantile → value, within the stated relative accuracy. */
  readonly quantiles?: Readonly<Record<string, number>>;
}

/** One metric as the aggregator holds it. */
export interface MetricSnapshot {
  readonly name: string;
  readonly type: MetricType;
  readonly unit: string | undefined;
  readonly description: string;
  readonly series: readonly SeriesSnapshot[];
}

/** An in-memory aggregation of metric definitions; what the console reporter and devtools read. */
export interface MetricsAggregator extends MetricsBinding {
  /** The relative accuracy of every quantile in {@link MetricsAggregator.snapshot}. */
  readonly relativeAccuracy: number;
  snapshot(): MetricSnapshot[];
  /** Forgets every series (not the definitions nor the stats), freeing their slots under `maxSeries`. */
  reset(): void;
  stats(): MetricsStats;
}

interface Series {
  readonly tags: readonly string[];
  count: number;
  sum: number;
  last: number;
  min: number;
  max: number;
  sketch: QuantileSketch | undefined;
}

const DEFAULT_QUANTILES = [0.5, 0.95, 0.99];

/**
 * Aggregates metrics in memory: counts, sums, last values, and quantiles from a
 * {@link QuantileSketch} (bounded size, mergeable, relative error `relativeAccuracy`).
 *
 * @example
 * const agg = createAggregator(t, [summary('db.query.stop.duration', { tags: ['table'] })])
 * agg.snapshot()[0].series[0].quantiles['0.99']
 */
export function createAggregator(
  t: Telemetry,
  definitions: readonly MetricDefinition[],
  options: AggregatorOptions = {},
): MetricsAggregator {
  validateDefinitions(definitions);
  const accuracy = options.relativeAccuracy ?? 0.01;
  if (!(accuracy > 0 && accuracy < 1)) {
    throw new IsotelError('invalid_argument', `relativeAccuracy must be in (0, 1), got ${String(accuracy)}.`);
  }
  if (options.maxSeries !== undefined) validateMaxSeries(options.maxSeries);
  const tables: Series[][] = definitions.map(() => []);
  const binding = attachMetrics(
    t,
    options.id ?? 'isotel.aggregator',
    definitions,
    {
      record(metric, index, value, slot, weight) {
        let series = slot.data as Series | undefined;
        if (series === undefined) {
          const sketched = metric.type === 'summary' || metric.type === 'distribution';
          series = {
            tags: slot.tags,
            count: 0,
            sum: 0,
            last: 0,
            min: Number.POSITIVE_INFINITY,
            max: Number.NEGATIVE_INFINITY,
            sketch: sketched ? new QuantileSketch({ relativeAccuracy: accuracy }) : undefined,
          };
          slot.data = series;
          (tables[index] as Series[]).push(series);
        }
        series.count += metric.type === 'counter' ? weight : 1;
        series.sum += value;
        series.last = value;
        if (value < series.min) series.min = value;
        if (value > series.max) series.max = value;
        series.sketch?.accept(value);
      },
    },
    options.maxSeries === undefined ? {} : { maxSeries: options.maxSeries },
  );

  return {
    relativeAccuracy: accuracy,
    detach: binding.detach,
    stats: binding.stats,
    reset() {
      for (const table of tables) table.length = 0;
      // the slots held these records in `data`: forgotten with them, and counted no more under maxSeries
      binding.forgetSeries();
    },
    snapshot() {
      return definitions.map((metric, index) => ({
        name: metric.name,
        type: metric.type,
        unit: metric.unit,
        description: metric.description,
        series: (tables[index] as Series[]).filter((s) => s.count > 0).map((s) => snapshotSeries(metric, s)),
      }));
    },
  };
}

function snapshotSeries(metric: MetricDefinition, s: Series): SeriesSnapshot {
  const tags: Record<string, string> = {};
  metric.tags.forEach((tag, i) => {
    tags[tag] = s.tags[i] as string;
  });
  const base = { tags, count: s.count, sum: s.sum, last: s.last, min: s.min, max: s.max };
  if (s.sketch === undefined) return base;
  const quantiles: Record<string, number> = {};
  for (const q of metric.reporterOptions.quantiles ?? DEFAULT_QUANTILES) {
    // the sketch's bucket midpoint can fall just outside the values seen; the exact bounds are known
    quantiles[String(q)] = Math.min(s.max, Math.max(s.min, s.sketch.getValueAtQuantile(q)));
  }
  return { ...base, quantiles };
}
