import type { Attributes, Counter, Gauge, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/api';
import type { Telemetry } from '../bus/telemetry.js';
import { logger } from '../log/logger.js';
import { attachMetrics, type MetricsBinding } from '../metrics/attach-metrics.js';
import { DEFAULT_BUCKETS, type MetricDefinition, validateDefinitions } from '../metrics/definitions.js';
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

/** What {@link bridgeMetrics} returns. */
export interface MetricBridge extends MetricsBinding {
  /**
   * Metrics not bridged because OpenTelemetry would call their name invalid (it must start with
   * a letter and have at most 255 characters), by name with the reason. Their values are skipped
   * and counted as `stats().skipped.invalid_name`.
   */
  readonly refused: Readonly<Record<string, string>>;
}

/** OpenTelemetry's instrument name syntax (the API specification). */
const INSTRUMENT_NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;

/** Why OpenTelemetry would refuse `name` as an instrument name, or undefined if it would not. */
export function invalidInstrumentName(name: string): string | undefined {
  if (INSTRUMENT_NAME.test(name)) return undefined;
  if (name.length > 255) return `it has ${name.length} characters, over OpenTelemetry's 255`;
  if (!/^[A-Za-z]/.test(name)) return 'OpenTelemetry instrument names start with a letter';
  return 'it has characters OpenTelemetry instrument names cannot have';
}

/**
 * Records metric definitions through an OpenTelemetry meter: counter → Counter (add 1, no unit:
 * it counts events), sum →
 * UpDownCounter, lastValue → Gauge, summary and distribution → Histogram (a distribution's
 * buckets become the histogram's advised boundaries; a metric in seconds without buckets gets
 * 5 ms to 10 s). Units are passed as UCUM codes (`second` → `s`, `kilobyte` → `kBy`). Tags
 * become attributes. A name OpenTelemetry calls invalid (a leading digit, over 255 characters)
 * is refused, not passed on: logged once, listed in `refused`, its values counted as skipped.
 *
 * @example bridgeMetrics(t, [distribution('http.request.stop.duration', { tags: ['route'] })], { meter })
 */
export function bridgeMetrics(
  t: Telemetry,
  definitions: readonly MetricDefinition[],
  options: MetricBridgeOptions = {},
): MetricBridge {
  validateDefinitions(definitions);
  const meter = options.meter ?? metrics.getMeter('isotel', VERSION);
  const refused: Record<string, string> = {};
  const instruments: (Instrument | undefined)[] = definitions.map((def) => {
    const invalid = typeof def?.name === 'string' ? invalidInstrumentName(def.name) : undefined;
    if (invalid !== undefined) {
      refused[def.name] = invalid;
      logger().warn(`Metric "${def.name}" is not bridged to OpenTelemetry: ${invalid}.`);
      return undefined;
    }
    const opts = {
      description: def.description,
      ...(def.unit === undefined || def.type === 'counter' ? {} : { unit: ucumUnit(def.unit) }),
    };
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
        const instrument = instruments[index];
        if (instrument === undefined) return 'invalid_name';
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
    refused: Object.freeze(refused),
    stats: binding.stats,
    detach() {
      unregister();
      binding.detach();
    },
  };
}
