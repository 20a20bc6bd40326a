import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import type { Telemetry } from '../../bus/telemetry.js';
import { IsotelError } from '../../errors/isotel-error.js';
import {
  DEFAULT_MAX_SERIES,
  type MetricSeries,
  type MetricsStats,
  OVERFLOW_TAG_VALUE,
} from '../../metrics/attach-metrics.js';
import { DEFAULT_BUCKETS, type MetricDefinition, validateDefinitions } from '../../metrics/definitions.js';
import { switchableMetrics } from '../../metrics/switchable-metrics.js';
import { baseUnitOf, convert, IDENTITY, type UnitRatio } from '../../metrics/units.js';
import { prometheusName, sanitizeLabelName } from './names.js';

/** Options of {@link prometheusReporter}. */
export interface PrometheusReporterOptions {
  /** The registry metrics are registered in. @default a new `Registry` of its own */
  registry?: Registry;
  /** Prepended to every metric name. @default '' */
  prefix?: string;
  /** Histogram buckets when a distribution gives none, in the exposed (base) unit: seconds for a time. @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] */
  buckets?: readonly number[];
  /** Summary quantiles when a summary gives none. @default [0.5, 0.9, 0.95, 0.99] */
  quantiles?: readonly number[];
  /** Summary sliding window in seconds, when a summary gives no `maxAgeSeconds`. @default 600 */
  maxAgeSeconds?: number;
  /** Buckets the summary window rotates through, when a summary gives no `ageBuckets`. @default 5 */
  ageBuckets?: number;
  /** Series per metric before the overflow series. @default 1000 */
  maxSeries?: number;
  /** Whether handlers are attached from the start. @default true */
  enabled?: boolean;
  /** Handler id prefix. @default 'isotel.prometheus' */
  id?: string;
  /**
   * The instance's metadata, exposed as OpenTelemetry's Prometheus mapping does: one
   * `target_info` gauge of value 1 whose labels are these pairs, names sanitised
   * (`service.name` → `service_name`). `applyReporterConfig` gives `serviceName` and
   * `resourceAttributes`. Join it on `job`/`instance` in queries. Never prefixed.
   * @default none (no `target_info`)
   */
  targetInfo?: Readonly<Record<string, string>>;
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
  /**
   * Runs `listener` when the reporter closes (`close()` or `t.shutdown()`), which waits for it;
   * returns a function that removes it. {@link serveMetrics} closes its server this way.
   */
  onClose(listener: () => unknown): () => void;
  /** Detaches, unregisters the metrics from the registry and runs the close listeners. Also runs at `t.shutdown()`. */
  close(): Promise<void>;
}

const DEFAULT_QUANTILES = [0.5, 0.9, 0.95, 0.99];
const DEFAULT_MAX_AGE_SECONDS = 600;
const DEFAULT_AGE_BUCKETS = 5;
// labels prom-client writes itself: a tag of that name would clash in the exposition
const RESERVED_LABEL: Partial<Record<MetricDefinition['type'], string>> = { distribution: 'le', summary: 'quantile' };

/**
 * Maps metric definitions to prom-client, named and valued as Prometheus expects: snake_case
 * names and labels, and a metric in a time or byte unit is exposed in seconds or bytes with that
 * suffix whatever unit it is defined in (its values and its buckets are converted exactly).
 * counter → Counter (`_total`, no unit: it counts events), sum → Counter (`_total`;
 * negative values are skipped), lastValue → Gauge, summary → Summary (quantiles over a sliding
 * window, 600 s in 5 age buckets by default, computed in the process), distribution → Histogram
 * (buckets, aggregatable across instances with `histogram_quantile`). Registration is all or
 * nothing: a name taken (also as another metric's `_sum`, `_count` or `_bucket` series) or a
 * reserved label (`le`, `quantile`) throws `invalid_metric` before anything is registered.
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
  validateDefinitions(definitions);
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? '';
  const labelNames = definitions.map((def) => def.tags.map(sanitizeLabelName));
  const names = definitions.map((def) => prometheusName(def.name, def.type, def.unit, prefix));
  // from each definition's unit to the base unit it is exposed in (a counter counts: none)
  const toBase: UnitRatio[] = definitions.map((def) =>
    def.type === 'counter' ? IDENTITY : (baseUnitOf(def.unit)?.ratio ?? IDENTITY),
  );
  validateNames(definitions, names, labelNames, registry);
  // Counters and gauges are kept per series here and handed to prom-client when it collects
  // (on every scrape): one inc()/set() per series per scrape instead of one per event.
  const pending: SeriesData[][] = definitions.map(() => []);
  // Series by label values, per metric, kept across disable/enable: a re-enabled binding finds its
  // series again instead of adding new ones, so `maxSeries` holds and memory does not grow.
  const known: Map<string, SeriesData>[] = definitions.map(() => new Map());
  const metrics: PromMetric[] = [];
  let info: Gauge | undefined;
  try {
    definitions.forEach((def, index) => {
      metrics.push(
        createMetric(
          def,
          names[index] as string,
          labelNames[index] as string[],
          pending[index] as SeriesData[],
          toBase[index] as UnitRatio,
        ),
      );
    });
    if (options.targetInfo !== undefined && Object.keys(options.targetInfo).length > 0) {
      info = targetInfo(options.targetInfo, registry);
    }
  } catch (error) {
    for (const metric of metrics) registry.removeSingleMetric(nameOf(metric));
    throw error;
  }

  function createMetric(
    def: MetricDefinition,
    name: string,
    labels: string[],
    series: SeriesData[],
    ratio: UnitRatio,
  ): PromMetric {
    const help =
      def.description || `${def.type} of ${def.event} ${typeof def.measurement === 'string' ? def.measurement : ''}`;
    const base = { name, help, labelNames: labels, registers: [registry] };
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
          maxAgeSeconds: def.reporterOptions.maxAgeSeconds ?? options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS,
          ageBuckets: def.reporterOptions.ageBuckets ?? options.ageBuckets ?? DEFAULT_AGE_BUCKETS,
        });
      default:
        return new Histogram({
          ...base,
          // a definition's buckets are in its unit; the reporter's own are in the exposed unit
          buckets:
            def.reporterOptions.buckets === undefined
              ? [...(options.buckets ?? DEFAULT_BUCKETS)]
              : def.reporterOptions.buckets.map((bound) => convert(bound, ratio)),
        });
    }
  }

  const seriesData = (def: MetricDefinition, index: number, series: MetricSeries): SeriesData => {
    const names = labelNames[index] as string[];
    const byKey = known[index] as Map<string, SeriesData>;
    const key = names.length === 0 ? '' : JSON.stringify(series.tags);
    let data = byKey.get(key);
    if (data !== undefined) return data;
    const cap = def.reporterOptions.maxSeries ?? options.maxSeries ?? DEFAULT_MAX_SERIES;
    // the overflow series does not count against the cap, as in attachMetrics
    const overflow = names.length > 0 && series.tags.every((tag) => tag === OVERFLOW_TAG_VALUE);
    if (!overflow && byKey.size - (byKey.has(OVERFLOW_KEY(names.length)) ? 1 : 0) >= cap) {
      return seriesData(def, index, { tags: names.map(() => OVERFLOW_TAG_VALUE), data: undefined });
    }
    let labels: Record<string, string> | undefined;
    if (names.length > 0) {
      labels = {};
      for (let i = 0; i < names.length; i++) labels[names[i] as string] = series.tags[i] as string;
    }
    data = { labels, pending: 0, last: 0, changed: false };
    byKey.set(key, data);
    (pending[index] as SeriesData[]).push(data);
    return data;
  };

  const sink = {
    record(def: MetricDefinition, index: number, value: number, series: MetricSeries) {
      const ratio = toBase[index] as UnitRatio;
      if (ratio !== IDENTITY) value = convert(value, ratio);
      let data = series.data as SeriesData | undefined;
      if (data === undefined) {
        data = seriesData(def, index, series);
        series.data = data;
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
  const closeListeners = new Set<() => unknown>();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    unregister();
    handlers.close();
    for (const metric of metrics) registry.removeSingleMetric(nameOf(metric));
    if (info !== undefined) registry.removeSingleMetric(nameOf(info));
    const listeners = [...closeListeners];
    closeListeners.clear();
    await Promise.all(listeners.map(async (listener) => listener()));
  };
  const unregister = t.onShutdown(close);

  return {
    registry,
    names: metrics.map(nameOf),
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
    onClose(listener) {
      if (closed) {
        void Promise.resolve().then(listener);
        return () => {};
      }
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close,
  };
}

const OVERFLOW_KEY = (n: number) => JSON.stringify(Array.from({ length: n }, () => OVERFLOW_TAG_VALUE));

function nameOf(metric: PromMetric): string {
  return (metric as unknown as { name: string }).name;
}

/** The series names a metric writes in the exposition. */
function exposedNames(type: MetricDefinition['type'], name: string): string[] {
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  if (type === 'distribution') return [name, `${name}_sum`, `${name}_count`, `${name}_bucket`];
  return [name];
}

/** Throws `invalid_metric` for any name or label that cannot be registered, before anything is. */
function validateNames(
  definitions: readonly MetricDefinition[],
  names: readonly string[],
  labelNames: readonly string[][],
  registry: Registry,
): void {
  const taken = new Map<string, string>();
  for (const metric of registry.getMetricsAsArray()) {
    const m = metric as unknown as { name: string; constructor: { name: string } };
    const type =
      m.constructor.name === 'Histogram' ? 'distribution' : m.constructor.name === 'Summary' ? 'summary' : 'counter';
    for (const exposed of exposedNames(type, m.name)) taken.set(exposed, `the registry's "${m.name}"`);
  }
  definitions.forEach((def, index) => {
    const name = names[index] as string;
    const labels = labelNames[index] as string[];
    const fail = (why: string) => {
      throw new IsotelError('invalid_metric', `Metric "${def.name}": ${why}`);
    };
    for (const exposed of exposedNames(def.type, name)) {
      const owner = taken.get(exposed);
      if (owner !== undefined) fail(`Prometheus name "${exposed}" is already registered (by ${owner}).`);
    }
    for (const exposed of exposedNames(def.type, name)) taken.set(exposed, `"${def.name}"`);
    if (new Set(labels).size !== labels.length) fail(`tags collide once sanitised (${labels.join(', ')}).`);
    const reserved = RESERVED_LABEL[def.type];
    if (reserved !== undefined && labels.includes(reserved)) {
      fail(`the label "${reserved}" is reserved in a Prometheus ${def.type === 'summary' ? 'summary' : 'histogram'}.`);
    }
  });
}

// OpenTelemetry's `target_info`: the resource as labels of a gauge that is always 1.
function targetInfo(attributes: Readonly<Record<string, string>>, registry: Registry): Gauge {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) labels[sanitizeLabelName(key)] = value;
  const gauge = new Gauge({
    name: 'target_info',
    help: 'Target metadata',
    labelNames: Object.keys(labels),
    registers: [registry],
  });
  gauge.set(labels, 1);
  return gauge;
}
