import type { Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
import type { MetricDefinition } from './definitions.js';

/** Tag value used for every tag of the overflow series once a metric reaches its series cap. */
export const OVERFLOW_TAG_VALUE = '__overflow__';

/** Default cap on distinct tag sets per metric. */
export const DEFAULT_MAX_SERIES = 1000;

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

/** Where a reporter receives values, already extracted, converted and tagged. */
export interface MetricSink {
  /** `index` is the metric's position in the definitions. */
  record(metric: MetricDefinition, index: number, value: number, series: MetricSeries): void;
}

/** What the metric handlers counted. */
export interface MetricsStats {
  /** Values handed to the reporter. */
  readonly recorded: number;
  /** Values skipped, per reason: `missing_value`, `non_numeric`, `callback_failed`, `reporter_failed`. */
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

interface Prepared {
  readonly metric: MetricDefinition;
  readonly index: number;
  readonly series: Map<string, MetricSeries>;
  readonly maxSeries: number;
  readonly overflow: MetricSeries;
  /** The one series of an untagged metric. */
  readonly only: MetricSeries;
  /** The tag of a single-tag metric without tagValues: its value is the series key. */
  readonly soleTag: string | undefined;
}

/**
 * Attaches one handler per event name the definitions listen to, under ids `<id>:<event>`.
 * Handlers never throw: bad values and failing callbacks are skipped and counted.
 *
 * @example const binding = attachMetrics(t, 'prometheus', metrics, { record(m, i, v, tags) { ... } })
 */
export function attachMetrics(
  t: Telemetry,
  id: string,
  definitions: readonly MetricDefinition[],
  sink: MetricSink,
  options: { maxSeries?: number } = {},
): MetricsBinding {
  if (!Array.isArray(definitions)) throw new IsotelError('invalid_metric', 'Metric definitions must be an array.');
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
      maxSeries: metric.reporterOptions.maxSeries ?? options.maxSeries ?? DEFAULT_MAX_SERIES,
      overflow: { tags: metric.tags.map(() => OVERFLOW_TAG_VALUE), data: undefined },
      only: { tags: [], data: undefined },
      soleTag: metric.tags.length === 1 && metric.tagValues === undefined ? metric.tags[0] : undefined,
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
    for (let i = 0; i < prepared.length; i++) {
      const p = prepared[i] as Prepared;
      const metric = p.metric;
      let value: unknown;
      let series: MetricSeries | undefined;
      try {
        if (metric.keep !== undefined && !metric.keep(md, m)) continue;
        if (metric.drop?.(md, m)) continue;
        if (metric.type === 'counter') value = 1;
        else value = typeof metric.measurement === 'string' ? m[metric.measurement] : metric.measurement(m, md);
        if (value === undefined || value === null) {
          skip('missing_value');
          continue;
        }
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          skip('non_numeric');
          continue;
        }
        if (metric.tags.length === 0) series = p.only;
        else {
          let key: string;
          let tags: string[] | undefined;
          if (p.soleTag !== undefined) key = tagString(md[p.soleTag]);
          else {
            tags = readTags(metric, md);
            key = tags.join('\u0001');
          }
          series = p.series.get(key);
          if (series === undefined) {
            if (p.series.size >= p.maxSeries) {
              series = p.overflow;
              overflowed[metric.name] = (overflowed[metric.name] ?? 0) + 1;
            } else {
              series = { tags: tags ?? [key], data: undefined };
              p.series.set(key, series);
            }
          }
        }
      } catch {
        skip('callback_failed');
        continue;
      }
      try {
        sink.record(metric, p.index, metric.scale === 1 ? (value as number) : (value as number) * metric.scale, series);
        recorded++;
      } catch {
        skip('reporter_failed');
      }
    }
  };

  const ids: string[] = [];
  for (const [event, prepared] of byEvent) {
    const handlerId = `${id}:${event}`;
    t.attach(handlerId, event, (name, m, md) => handle(name, m, md, prepared), { onFailure: 'keep' });
    ids.push(handlerId);
  }
  return {
    detach() {
      for (const handlerId of ids) t.detach(handlerId);
    },
    stats: () => ({ recorded, skipped: { ...skipped }, overflowed: { ...overflowed } }),
  };
}

function readTags(metric: MetricDefinition, md: Metadata): string[] {
  const derived = metric.tagValues?.(md);
  const out = new Array<string>(metric.tags.length);
  for (let i = 0; i < metric.tags.length; i++) {
    const tag = metric.tags[i] as string;
    out[i] = tagString(derived !== undefined && tag in derived ? derived[tag] : md[tag]);
  }
  return out;
}

function tagString(v: unknown): string {
  if (typeof v === 'string') return v;
  return v === undefined || v === null ? '' : String(v);
}
