import type { Measurements, Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
import { resolveUnit, type Unit, type UnitRatio } from './units.js';

/** The five metric types, as in Telemetry.Metrics. */
export type MetricType = 'counter' | 'sum' | 'lastValue' | 'summary' | 'distribution';

/** Reads the recorded value from an event. Return `undefined` to skip the event. */
export type MeasurementFn = (measurements: Measurements, metadata: Metadata) => number | undefined;

/** Options reporters read from a definition. Unknown keys are kept for custom reporters. */
export interface ReporterOptions {
  /** Histogram bucket upper bounds (distribution), ascending. @default reporter's own */
  readonly buckets?: readonly number[];
  /** Quantiles reported for a summary, each in [0, 1]. @default reporter's own (Prometheus: [0.5, 0.9, 0.95, 0.99]) */
  readonly quantiles?: readonly number[];
  /** Sliding window of a summary's quantiles, in seconds (Prometheus). @default reporter's own (600) */
  readonly maxAgeSeconds?: number;
  /** Buckets a summary's window rotates through (Prometheus). @default reporter's own (5) */
  readonly ageBuckets?: number;
  /** Series (distinct tag sets) kept before the overflow series is used. @default reporter's own (1000) */
  readonly maxSeries?: number;
  /** Client-side sample rate for StatsD, in (0, 1]. @default 1 */
  readonly sampleRate?: number;
  readonly [key: string]: unknown;
}

/** Options of every metric constructor. */
export interface MetricOptions {
  /** The event to listen to. @default the name without its last segment */
  event?: string;
  /** The measurement key or a function of the event. @default the name's last segment */
  measurement?: string | MeasurementFn;
  /** Metadata keys that become tags (labels). @default [] */
  tags?: readonly string[];
  /** Derives tag values from metadata; keys not returned fall back to the metadata itself. */
  tagValues?: (metadata: Metadata) => Record<string, unknown>;
  /** Records only events for which this returns true. Exclusive with `drop`. */
  keep?: (metadata: Metadata, measurements: Measurements) => boolean;
  /** Skips events for which this returns true. Exclusive with `keep`. */
  drop?: (metadata: Metadata, measurements: Measurements) => boolean;
  /** A unit label, or a conversion such as `{ from: 'millisecond', to: 'second' }`. @default none */
  unit?: string | { from: Unit; to: Unit };
  /** Help text shown by reporters. @default '' */
  description?: string;
  /** Reporter-specific options (buckets, quantiles, maxSeries, sampleRate). @default {} */
  reporterOptions?: ReporterOptions;
}

/** A validated metric definition: plain data that reporters read. */
export interface MetricDefinition {
  readonly type: MetricType;
  /** `<event>.<measurement>` (or the given name when `event` is explicit). */
  readonly name: string;
  readonly event: string;
  readonly measurement: string | MeasurementFn;
  readonly tags: readonly string[];
  readonly tagValues: ((metadata: Metadata) => Record<string, unknown>) | undefined;
  readonly keep: ((metadata: Metadata, measurements: Measurements) => boolean) | undefined;
  readonly drop: ((metadata: Metadata, measurements: Measurements) => boolean) | undefined;
  readonly unit: string | undefined;
  /**
   * The unit conversion applied to raw values, as an exact integer ratio (`{ 1, 1000 }` for
   * millisecond → second). Never applied to a counter, which records 1 per event.
   */
  readonly ratio: UnitRatio;
  readonly description: string;
  readonly reporterOptions: ReporterOptions;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

function fail(name: string, why: string): never {
  throw new IsotelError('invalid_metric', `Metric "${name}": ${why}`);
}

function define(type: MetricType, name: string, options: MetricOptions = {}): MetricDefinition {
  if (typeof name !== 'string' || name.length === 0) fail(String(name), 'the name must be a non-empty string.');
  const segments = name.split('.');
  if (!segments.every((s) => SEGMENT.test(s))) fail(name, 'segments must match [A-Za-z0-9_-]+.');
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(name, 'options must be an object.');
  }
  if (options.event !== undefined && typeof options.event !== 'string') {
    fail(name, `event must be a string, got ${kindOf(options.event)}.`);
  }
  const event = options.event ?? segments.slice(0, -1).join('.');
  if (event.length === 0)
    fail(name, 'the name needs at least two segments, <event>.<measurement>, or an explicit event.');
  if (!event.split('.').every((s) => SEGMENT.test(s))) fail(name, `event "${event}" is not a valid event name.`);
  const measurement = options.measurement ?? (segments[segments.length - 1] as string);
  if (typeof measurement !== 'function' && (typeof measurement !== 'string' || measurement.length === 0)) {
    fail(name, 'measurement must be a key or a function.');
  }
  const tags = options.tags ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || tag.length === 0)) {
    fail(name, 'tags must be an array of non-empty strings.');
  }
  if (new Set(tags).size !== tags.length) fail(name, 'tags must not repeat.');
  for (const key of ['tagValues', 'keep', 'drop'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') fail(name, `${key} must be a function.`);
  }
  if (options.keep !== undefined && options.drop !== undefined) fail(name, 'keep and drop are exclusive.');
  if (options.description !== undefined && typeof options.description !== 'string') {
    fail(name, `description must be a string, got ${kindOf(options.description)}.`);
  }
  const { unit, ratio } = resolveUnit(name, options.unit);
  const given = options.reporterOptions === undefined ? {} : options.reporterOptions;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    fail(name, `reporterOptions must be an object, got ${kindOf(given)}.`);
  }
  const reporterOptions = validateReporterOptions(name, type, given);
  return Object.freeze({
    type,
    name,
    event,
    measurement,
    tags: Object.freeze([...tags]),
    tagValues: options.tagValues,
    keep: options.keep,
    drop: options.drop,
    unit,
    ratio,
    description: options.description ?? '',
    reporterOptions,
  });
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`;
}

const TYPES: ReadonlySet<string> = new Set<MetricType>(['counter', 'sum', 'lastValue', 'summary', 'distribution']);

/**
 * Throws `IsotelError` `invalid_metric` unless `definitions` is an array of definitions made by
 * the metric constructors: what every reporter checks before attaching anything.
 * @example validateDefinitions(definitions)
 */
export function validateDefinitions(definitions: unknown): asserts definitions is readonly MetricDefinition[] {
  if (!Array.isArray(definitions)) {
    throw new IsotelError('invalid_metric', `Metric definitions must be an array, got ${kindOf(definitions)}.`);
  }
  definitions.forEach((def: unknown, i) => {
    const d = def as Partial<MetricDefinition> | null;
    if (
      typeof d !== 'object' ||
      d === null ||
      !TYPES.has(d.type as string) ||
      typeof d.name !== 'string' ||
      typeof d.event !== 'string' ||
      !Array.isArray(d.tags) ||
      typeof d.ratio !== 'object' ||
      typeof d.reporterOptions !== 'object'
    ) {
      throw new IsotelError(
        'invalid_metric',
        `Metric definitions[${i}] is not a metric definition (make it with counter, sum, lastValue, summary or distribution).`,
      );
    }
  });
}

function validateReporterOptions(name: string, type: MetricType, options: ReporterOptions): ReporterOptions {
  const { buckets, quantiles, maxSeries, sampleRate, maxAgeSeconds, ageBuckets } = options;
  if (buckets !== undefined) {
    if (type !== 'distribution') fail(name, 'buckets apply to distributions only.');
    if (!Array.isArray(buckets) || buckets.length === 0 || buckets.some((b) => !Number.isFinite(b))) {
      fail(name, 'buckets must be a non-empty array of finite numbers.');
    }
    for (let i = 1; i < buckets.length; i++) {
      if ((buckets[i] as number) <= (buckets[i - 1] as number)) fail(name, 'buckets must be strictly ascending.');
    }
  }
  if (quantiles !== undefined) {
    if (type !== 'summary') fail(name, 'quantiles apply to summaries only.');
    if (!Array.isArray(quantiles) || quantiles.length === 0 || quantiles.some((q) => !(q >= 0 && q <= 1))) {
      fail(name, 'quantiles must be a non-empty array of numbers in [0, 1].');
    }
  }
  for (const [key, value] of [
    ['maxAgeSeconds', maxAgeSeconds],
    ['ageBuckets', ageBuckets],
  ] as const) {
    if (value === undefined) continue;
    if (type !== 'summary') fail(name, `${key} applies to summaries only.`);
    if (!Number.isInteger(value) || value < 1) fail(name, `${key} must be a positive integer.`);
  }
  if (maxSeries !== undefined && (!Number.isInteger(maxSeries) || maxSeries < 1)) {
    fail(name, 'maxSeries must be a positive integer.');
  }
  if (sampleRate !== undefined && !(sampleRate > 0 && sampleRate <= 1)) fail(name, 'sampleRate must be in (0, 1].');
  return Object.freeze({ ...options });
}

/**
 * Counts events. The measurement is not read.
 * @example counter('http.request.stop.duration', { tags: ['route'] })
 */
export function counter(name: string, options?: MetricOptions): MetricDefinition {
  return define('counter', name, options);
}

/**
 * Sums a measurement.
 * @example sum('upload.done.bytes', { unit: { from: 'byte', to: 'kilobyte' } })
 */
export function sum(name: string, options?: MetricOptions): MetricDefinition {
  return define('sum', name, options);
}

/**
 * Keeps the last value of a measurement (a gauge).
 * @example lastValue('runtime.memory.heapUsed', { unit: 'byte' })
 */
export function lastValue(name: string, options?: MetricOptions): MetricDefinition {
  return define('lastValue', name, options);
}

/**
 * Quantiles of a measurement (Prometheus summary, StatsD timing or histogram).
 * @example summary('db.query.stop.duration', { reporterOptions: { quantiles: [0.5, 0.99] } })
 */
export function summary(name: string, options?: MetricOptions): MetricDefinition {
  return define('summary', name, options);
}

/**
 * Bucketed distribution of a measurement (Prometheus histogram, DogStatsD distribution).
 * @example distribution('http.request.stop.duration', { unit: { from: 'millisecond', to: 'second' }, reporterOptions: { buckets: [0.1, 0.5, 1] } })
 */
export function distribution(name: string, options?: MetricOptions): MetricDefinition {
  return define('distribution', name, options);
}

/**
 * Histogram bucket bounds when a distribution gives none: Prometheus' defaults, 5 ms to 10 s for
 * a metric in seconds (in whatever unit the metric has otherwise).
 */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);
