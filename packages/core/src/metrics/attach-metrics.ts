import type { Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
import { logger } from '../log/logger.js';
import { type MetricDefinition, validateDefinitions } from './definitions.js';
import { convert } from './units.js';

/** Tag value used for every tag of the overflow series once a metric reaches its series cap. */
export const OVERFLOW_TAG_VALUE = '__overflow__';

/** Default cap on distinct tag sets per metric. */
export const DEFAULT_MAX_SERIES = 1000;

/**
 * Longest tag value kept, in UTF-16 code units: a longer one is cut to this length, ending in `…`
 * (a surrogate pair is never split), so one huge value cannot make a huge series key or label.
 */
export const MAX_TAG_LENGTH = 256;

/**
 * One series (tag set) of a metric. Made once per distinct tag set, so a reporter can keep what
 * it derives from the tags (a labels object, a sketch) in `data` instead of rebuilding it per event.
 */
export interface MetricSeries {
  /** Tag values in `metric.tags` order. */
  readonly tags: readonly string[];
  /** Free for the reporter. */
  data: unknown;
}

/**
 * Where a reporter receives values, already extracted, converted to the definition's unit,
 * scaled back by sampling and tagged: every reporter receives the same value for an event.
 */
export interface MetricSink {
  /**
   * `index` is the metric's position in the definitions. `weight` is how many events the value
   * stands for: `1 / metadata.sampleRate` for an event kept by sampling, else 1. Counter and sum
   * values are already multiplied by it (a counter records `1 / sampleRate`); other types are not.
   * Returning a string refuses the value: it is counted as skipped for that reason (a reporter's
   * backend that cannot take it, such as a negative StatsD timing), not as recorded.
   */
  record(metric: MetricDefinition, index: number, value: number, series: MetricSeries, weight: number): SinkResult;
}

/** A reason the sink refused the value, or nothing. */
// biome-ignore lint/suspicious/noConfusingVoidType: a sink that refuses nothing may return nothing
export type SinkResult = string | undefined | void;

/** What the metric handlers counted. */
export interface MetricsStats {
  /** Values handed to the reporter. */
  readonly recorded: number;
  /**
   * Values skipped, per reason: `missing_value`, `non_numeric`, `callback_failed`,
   * `reporter_failed`, and any reason a reporter's sink returns (`negative_timing`, ...).
   */
  readonly skipped: Readonly<Record<string, number>>;
  /** Values recorded into the overflow series, per metric name. */
  readonly overflowed: Readonly<Record<string, number>>;
}

/** A set of attached metric handlers. */
export interface MetricsBinding {
  /** Detaches every handler. */
  detach(): void;
  stats(): MetricsStats;
}

/** What {@link attachMetrics} returns: a binding whose series can be forgotten. */
export interface AttachedMetrics extends MetricsBinding {
  /**
   * Forgets every series, freeing their slots under `maxSeries`: the next value of a tag set makes
   * a new {@link MetricSeries} (with `data` undefined), and the overflow series starts afresh too.
   * For reporters that reset what they aggregated. Stats are kept.
   */
  forgetSeries(): void;
}

/**
 * Series by tag values, one level per tag: the last tag's value maps to the series, the others to
 * the next level. No string key is built per event, and no two tag sets can share a series.
 */
type SeriesTree = Map<string, SeriesTree | MetricSeries>;

interface Prepared {
  readonly metric: MetricDefinition;
  readonly index: number;
  readonly series: SeriesTree;
  /** Series in `series` (the overflow series aside). */
  seriesCount: number;
  readonly maxSeries: number;
  readonly overflow: MetricSeries;
  /** The one series of an untagged metric. */
  readonly only: MetricSeries;
  /** Counter or sum: values are scaled back by the event's `sampleRate`. */
  readonly sampled: boolean;
  /** Failures (a throwing callback or sink) since the last one was logged, and when that was. */
  failures: number;
  loggedAt: number;
}

/** Least time between two log lines about one metric's failures: a failing callback cannot flood the log. */
export const FAILURE_LOG_INTERVAL_MS = 60_000;

// which part of a definition ran when an error was thrown, for the log line
const STAGES = ['keep', 'drop', 'measurement', 'tagValues'] as const;

/**
 * Attaches one handler per event name the definitions listen to, under ids `<id>:<event>`, all or
 * none (if one cannot be attached, those already attached are detached before the error is thrown).
 * Handlers never throw: bad values and failing callbacks are skipped and counted. An event kept by
 * sampling (`metadata.sampleRate` in (0, 1)) adds `1 / sampleRate` to a counter and
 * `value / sampleRate` to a sum.
 *
 * @example const binding = attachMetrics(t, 'prometheus', metrics, { record(m, i, v, tags) { ... } })
 */
export function attachMetrics(
  t: Telemetry,
  id: string,
  definitions: readonly MetricDefinition[],
  sink: MetricSink,
  options: { maxSeries?: number } = {},
): AttachedMetrics {
  validateDefinitions(definitions);
  if (options.maxSeries !== undefined) validateMaxSeries(options.maxSeries);
  const names = new Set<string>();
  const byEvent = new Map<string, Prepared[]>();
  definitions.forEach((metric, index) => {
    if (names.has(metric.name)) throw new IsotelError('invalid_metric', `Metric "${metric.name}" is defined twice.`);
    names.add(metric.name);
    const list = byEvent.get(metric.event) ?? [];
    list.push({
      metric,
      index,
      series: new Map(),
      seriesCount: 0,
      maxSeries: metric.reporterOptions.maxSeries ?? options.maxSeries ?? DEFAULT_MAX_SERIES,
      overflow: { tags: metric.tags.map(() => OVERFLOW_TAG_VALUE), data: undefined },
      only: { tags: [], data: undefined },
      sampled: metric.type === 'counter' || metric.type === 'sum',
      failures: 0,
      loggedAt: Number.NEGATIVE_INFINITY,
    });
    byEvent.set(metric.event, list);
  });

  let recorded = 0;
  const skipped: Record<string, number> = {};
  const overflowed: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };

  const handle = (_name: string, m: Measurements, md: Metadata, prepared: Prepared[]) => {
    const sampleRate = md.sampleRate;
    const rate = typeof sampleRate === 'number' && sampleRate > 0 && sampleRate < 1 ? sampleRate : 1;
    const weight = rate === 1 ? 1 : 1 / rate;
    for (let i = 0; i < prepared.length; i++) {
      const p = prepared[i] as Prepared;
      const metric = p.metric;
      let value: number;
      let series: MetricSeries | undefined;
      let stage = 0;
      try {
        if (metric.keep !== undefined && !metric.keep(md, m)) continue;
        stage = 1;
        if (metric.drop?.(md, m)) continue;
        stage = 2;
        if (metric.type === 'counter') {
          // a counter counts events: 1 per event (scaled back by sampling), whatever its unit
          value = weight;
        } else {
          const raw: unknown =
            typeof metric.measurement === 'string' ? m[metric.measurement] : metric.measurement(m, md);
          if (raw === undefined || raw === null) {
            skip('missing_value');
            continue;
          }
          if (typeof raw !== 'number') {
            skip('non_numeric');
            continue;
          }
          value = convert(raw, metric.ratio);
          if (p.sampled && rate !== 1) value /= rate;
          // checked after converting: a finite value can overflow to Infinity in conversion
          if (!Number.isFinite(value)) {
            skip('non_numeric');
            continue;
          }
        }
        stage = 3;
        if (metric.tags.length === 0) series = p.only;
        else {
          series = findSeries(p, md);
          if (series === undefined) {
            series = p.overflow;
            overflowed[metric.name] = (overflowed[metric.name] ?? 0) + 1;
          }
        }
      } catch (error) {
        skip('callback_failed');
        failed(
          p,
          stage === 3 && metric.tagValues === undefined
            ? 'a tag value could not be read'
            : `its ${STAGES[stage]} function threw`,
          error,
        );
        continue;
      }
      try {
        const refused = sink.record(metric, p.index, value, series, weight);
        if (typeof refused === 'string') skip(refused);
        else recorded++;
      } catch (error) {
        skip('reporter_failed');
        failed(p, `reporter "${id}" failed to record a value`, error);
      }
    }
  };

  const ids: string[] = [];
  const detach = () => {
    for (const handlerId of ids) t.detach(handlerId);
  };
  try {
    for (const [event, prepared] of byEvent) {
      const handlerId = `${id}:${event}`;
      t.attach(handlerId, event, (name, m, md) => handle(name, m, md, prepared), { onFailure: 'keep' });
      ids.push(handlerId);
    }
  } catch (error) {
    detach();
    throw error;
  }
  return {
    detach,
    stats: () => ({ recorded, skipped: { ...skipped }, overflowed: { ...overflowed } }),
    forgetSeries() {
      for (const prepared of byEvent.values()) {
        for (const p of prepared) {
          p.series.clear();
          p.seriesCount = 0;
          p.overflow.data = undefined;
          p.only.data = undefined;
        }
      }
    },
  };
}

/**
 * Logs a metric's failure: the first one, then at most one line per metric every
 * {@link FAILURE_LOG_INTERVAL_MS}, saying how many failed since. The clock is read only on failure.
 */
function failed(p: Prepared, what: string, error: unknown): void {
  p.failures++;
  const now = Date.now();
  if (now - p.loggedAt < FAILURE_LOG_INTERVAL_MS) return;
  const count = p.failures;
  p.failures = 0;
  p.loggedAt = now;
  const since = count === 1 ? '' : ` (${count} failures since the last report)`;
  try {
    logger().error(`Metric "${p.metric.name}": ${what}; the value was skipped${since}.`, error);
  } catch {
    // a logger that throws must not break the handler
  }
}

/**
 * Throws unless `maxSeries` is a positive integer: `NaN` or `Infinity` would lift the cap.
 * @example validateMaxSeries(options.maxSeries)
 */
export function validateMaxSeries(maxSeries: unknown): void {
  if (!Number.isInteger(maxSeries) || (maxSeries as number) < 1) {
    throw new IsotelError('invalid_argument', `maxSeries must be a positive integer, got ${String(maxSeries)}.`);
  }
}

/**
 * The series of the event's tag set, made if new and under the cap; undefined when the cap is
 * reached (the caller uses the overflow series). Finding an existing series allocates nothing.
 */
function findSeries(p: Prepared, md: Metadata): MetricSeries | undefined {
  const metric = p.metric;
  const derived = metric.tagValues?.(md);
  const last = metric.tags.length - 1;
  let level: SeriesTree | undefined = p.series;
  for (let i = 0; i < last && level !== undefined; i++) {
    level = level.get(tagValue(metric, i, derived, md)) as SeriesTree | undefined;
  }
  const found = level?.get(tagValue(metric, last, derived, md)) as MetricSeries | undefined;
  if (found !== undefined || p.seriesCount >= p.maxSeries) return found;
  const tags = new Array<string>(metric.tags.length);
  for (let i = 0; i <= last; i++) tags[i] = tagValue(metric, i, derived, md);
  level = p.series;
  for (let i = 0; i < last; i++) {
    const tag = tags[i] as string;
    let next = level.get(tag) as SeriesTree | undefined;
    if (next === undefined) {
      next = new Map();
      level.set(tag, next);
    }
    level = next;
  }
  const series: MetricSeries = { tags, data: undefined };
  level.set(tags[last] as string, series);
  p.seriesCount++;
  return series;
}

function tagValue(
  metric: MetricDefinition,
  i: number,
  derived: Record<string, unknown> | undefined,
  md: Metadata,
): string {
  const tag = metric.tags[i] as string;
  return tagString(derived !== undefined && tag in derived ? derived[tag] : md[tag]);
}

function tagString(v: unknown): string {
  const s = typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
  return s.length > MAX_TAG_LENGTH ? truncateTag(s) : s;
}

function truncateTag(s: string): string {
  let end = MAX_TAG_LENGTH - 1;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // never split a surrogate pair
  return `${s.slice(0, end)}…`;
}
