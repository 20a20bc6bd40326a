import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import type { Telemetry } from '../../bus/telemetry.js';
import { IsotelError } from '../../errors/isotel-error.js';
import type { MetricSeries, MetricsStats } from '../../metrics/attach-metrics.js';
import type { MetricDefinition } from '../../metrics/definitions.js';
import { switchableMetrics } from '../../metrics/switchable-metrics.js';
import { prometheusName, sanitizeLabelName } from './names.js';

/** Options of {@link prometheusReporter}. */
export interface PrometheusReporterOptions {
  /** The registry metrics are registered in. @default a new `Registry` of its own */
  registry?: Registry;
  /** Prepended to every metric name. @default '' */
  prefix?: string;
  /** Histogram buckets when a distribution gives none (in the metric's unit). @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] */
  buckets?: readonly number[];
  /** Summary quantiles when a summary gives none. @default [0.5, 0.9, 0.95, 0.99] */
  quantiles?: readonly number[];
  /** Series per metric before the overflow series. @default 1000 */
  maxSeries?: number;
  /** Whether handlers are attached from the start. @default true */
  enabled?: boolean;
  /** Handler id prefix. @default 'isotel.prometheus' */
  id?: string;
}

type PromMetric = Counter | Gauge | Histogram | Summary;

/** What the reporter keeps per series: its labels, and counter/gauge values not yet collected. */
interface SeriesData {
  readonly labels: Record<string, string> | undefined;
  pending: number;
  last: number;
  changed: boolean;
}

/** A Prometheus reporter: prom-client metrics fed by isotel events, and a `/metrics` handler. */
export interface PrometheusReporter {
  readonly registry: Registry;
  /** The exposed name of each definition, in order. */
  readonly names: readonly string[];
  /** The exposition text. */
  metrics(): Promise<string>;
  /** A web-standard handler: `GET` answers the exposition, anything else 405. */
  handler(request: Request): Promise<Response>;
  /** Attaches or detaches the event handlers (series keep their values). Live: no restart. */
  setEnabled(enabled: boolean): void;
  readonly enabled: boolean;
  stats(): MetricsStats;
  /** Detaches and unregisters the metrics from the registry. Also runs at `t.shutdown()`. */
  close(): void;
}

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DEFAULT_QUANTILES = [0.5, 0.9, 0.95, 0.99];

/**
 * Maps metric definitions to prom-client: counter → Counter (`_total`), sum → Counter (`_total`;
 * negative values are skipped), lastValue → Gauge, summary → Summary (quantiles over a sliding
 * window, computed in the process), distribution → Histogram (buckets, aggregatable across
 * instances with `histogram_quantile`).
 *
 * @example
 * const prom = prometheusReporter(t, [distribution('http.request.stop.duration', {
 *   unit: { from: 'millisecond', to: 'second' }, tags: ['route'] })])
 * createServer(toNodeHandler(prom.handler)).listen(9464)
 */
export function prometheusReporter(
  t: Telemetry,
  definitions: readonly MetricDefinition[],
  options: PrometheusReporterOptions = {},
): PrometheusReporter {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? '';
  const seen = new Set<string>();
  const labelNames: string[][] = [];
  // Counters and gauges are kept per series here and handed to prom-client when it collects
  // (on every scrape): one inc()/set() per series per scrape instead of one per event.
  const pending: SeriesData[][] = definitions.map(() => []);
  const metrics: PromMetric[] = definitions.map((def, index) => {
    const name = prometheusName(def.name, def.type, def.unit, prefix);
    if (seen.has(name) || registry.getSingleMetric(name) !== undefined) {
      throw new IsotelError('invalid_metric', `Metric "${def.name}": Prometheus name "${name}" is already registered.`);
    }
    seen.add(name);
    const labels = def.tags.map(sanitizeLabelName);
    if (new Set(labels).size !== labels.length) {
      throw new IsotelError(
        'invalid_metric',
        `Metric "${def.name}": tags collide once sanitised (${labels.join(', ')}).`,
      );
    }
    labelNames.push(labels);
    const help =
      def.description || `${def.type} of ${def.event} ${typeof def.measurement === 'string' ? def.measurement : ''}`;
    const base = { name, help, labelNames: labels, registers: [registry] };
    const series = pending[index] as SeriesData[];
    switch (def.type) {
      case 'counter':
      case 'sum':
        return new Counter({
          ...base,
          collect() {
            for (const data of series) {
              if (data.pending === 0) continue;
              if (data.labels === undefined) this.inc(data.pending);
              else this.inc(data.labels, data.pending);
              data.pending = 0;
            }
          },
        });
      case 'lastValue':
        return new Gauge({
          ...base,
          collect() {
            for (const data of series) {
              if (!data.changed) continue;
              if (data.labels === undefined) this.set(data.last);
              else this.set(data.labels, data.last);
              data.changed = false;
            }
          },
        });
      case 'summary':
        return new Summary({
          ...base,
          percentiles: [...(def.reporterOptions.quantiles ?? options.quantiles ?? DEFAULT_QUANTILES)],
        });
      default:
        return new Histogram({
          ...base,
          buckets: [...(def.reporterOptions.buckets ?? options.buckets ?? DEFAULT_BUCKETS)],
        });
    }
  });

  const sink = {
    record(def: MetricDefinition, index: number, value: number, series: MetricSeries) {
      let data = series.data as SeriesData | undefined;
      if (data === undefined) {
        const names = labelNames[index] as string[];
        let labels: Record<string, string> | undefined;
        if (names.length > 0) {
          labels = {};
          for (let i = 0; i < names.length; i++) labels[names[i] as string] = series.tags[i] as string;
        }
        data = { labels, pending: 0, last: 0, changed: false };
        series.data = data;
        (pending[index] as SeriesData[]).push(data);
      }
      switch (def.type) {
        case 'counter':
        case 'sum':
          if (value < 0) throw new RangeError('A Prometheus counter cannot decrease.');
          data.pending += value;
          return;
        case 'lastValue':
          data.last = value;
          data.changed = true;
          return;
        default:
          if (data.labels === undefined) (metrics[index] as Histogram).observe(value);
          else (metrics[index] as Histogram).observe(data.labels, value);
      }
    },
  };

  const id = options.id ?? 'isotel.prometheus';
  const handlers = switchableMetrics(t, id, definitions, sink, {
    enabled: options.enabled ?? true,
    maxSeries: options.maxSeries,
  });
  const close = () => {
    handlers.close();
    for (const metric of metrics) registry.removeSingleMetric((metric as unknown as { name: string }).name);
  };
  t.onShutdown(close);

  return {
    registry,
    names: metrics.map((m) => (m as unknown as { name: string }).name),
    metrics: () => registry.metrics(),
    async handler(request) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return new Response('Method Not Allowed\n', { status: 405, headers: { allow: 'GET, HEAD' } });
      }
      const body = await registry.metrics();
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: { 'content-type': registry.contentType },
      });
    },
    setEnabled: handlers.setEnabled,
    get enabled() {
      return handlers.enabled;
    },
    stats: handlers.stats,
    close,
  };
}
