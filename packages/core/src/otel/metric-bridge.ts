import type { Attributes, Counter, Gauge, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/api';
import type { Telemetry } from '../bus/telemetry.js';
import { attachMetrics, type MetricsBinding } from '../metrics/attach-metrics.js';
import { DEFAULT_BUCKETS, type MetricDefinition } from '../metrics/definitions.js';
import { ucumUnit } from '../metrics/units.js';
import { VERSION } from '../version.js';

/** Options of {@link bridgeMetrics}. */
export interface MetricBridgeOptions {
  /** The meter instruments are created on. @default metrics.getMeter('isotel', VERSION) */
  meter?: Meter;
  /** Series per metric before the overflow series. @default 1000 */
  maxSeries?: number;
  /** Handler id prefix. @default 'isotel.otel.metrics' */
  id?: string;
}

type Instrument = Counter | UpDownCounter | Gauge | Histogram;

/**
 * Records metric definitions through an OpenTelemetry meter: counter → Counter (add 1), sum →
 * UpDownCounter, lastValue → Gauge, summary and distribution → Histogram (a distribution's
 * buckets become the histogram's advised boundaries; a metric in seconds without buckets gets
 * 5 ms to 10 s). Units are passed as UCUM codes (`second` → `s`). Tags become attributes.
 *
 * @example bridgeMetrics(t, [distribution('http.request.stop.duration', { tags: ['route'] })], { meter })
 */
export function bridgeMetrics(
  t: Telemetry,
  definitions: readonly MetricDefinition[],
  options: MetricBridgeOptions = {},
): MetricsBinding {
  const meter = options.meter ?? metrics.getMeter('isotel', VERSION);
  const instruments: Instrument[] = definitions.map((def) => {
    const opts = { description: def.description, ...(def.unit === undefined ? {} : { unit: ucumUnit(def.unit) }) };
    switch (def.type) {
      case 'counter':
        return meter.createCounter(def.name, opts);
      case 'sum':
        return meter.createUpDownCounter(def.name, opts);
      case 'lastValue':
        return meter.createGauge(def.name, opts);
      default: {
        // OpenTelemetry's default boundaries (0 to 10 000) suit milliseconds; a metric in seconds
        // gets the Prometheus reporter's defaults instead
        const buckets = def.reporterOptions.buckets ?? (def.unit === 'second' ? DEFAULT_BUCKETS : undefined);
        return meter.createHistogram(
          def.name,
          buckets === undefined ? opts : { ...opts, advice: { explicitBucketBoundaries: [...buckets] } },
        );
      }
    }
  });
  const binding = attachMetrics(
    t,
    options.id ?? 'isotel.otel.metrics',
    definitions,
    {
      record(def, index, value, series) {
        const instrument = instruments[index] as Instrument;
        let attrs = series.data as Attributes | undefined;
        if (attrs === undefined && series.tags.length > 0) {
          attrs = {};
          for (let i = 0; i < series.tags.length; i++) attrs[def.tags[i] as string] = series.tags[i] as string;
          series.data = attrs;
        }
        if ('add' in instrument) instrument.add(value, attrs);
        else instrument.record(value, attrs);
      },
    },
    options.maxSeries === undefined ? {} : { maxSeries: options.maxSeries },
  );
  const unregister = t.onShutdown(() => binding.detach());
  return {
    stats: binding.stats,
    detach() {
      unregister();
      binding.detach();
    },
  };
}
