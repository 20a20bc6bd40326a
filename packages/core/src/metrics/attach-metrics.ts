import type { Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { IsotelError } from '../errors/isotel-error.js';
import type { MetricDefinition } from './definitions.js';

/** Tag value used for every tag of the overflow series once a metric reaches its series cap. */
export const OVERFLOW_TAG_VALUE = '__overflow__';

/** Default cap on distinct tag sets per metric. */
export const DEFAULT_MAX_SERIES = 1000;

/** Where a reporter receives values, already extracted, converted and tagged. */
export interface MetricSink {
  /** `tagValues` follows `metric.tags` order; `index` is the metric's position in the definitions. */
  record(metric: MetricDefinition, index: number, value: number, tagValues: readonly string[]): void;
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
  readonly series: Set<string>;
  readonly maxSeries: number;
  readonly overflowTags: readonly string[];
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
      series: new Set(),
      maxSeries: metric.reporterOptions.maxSeries ?? options.maxSeries ?? DEFAULT_MAX_SERIES,
      overflowTags: metric.tags.map(() => OVERFLOW_TAG_VALUE),
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
      let tags: readonly string[];
      try {
        if (metric.keep !== undefined && !metric.keep(md, m)) continue;
        if (metric.drop?.(md, m)) continue;
        if (metric.type === 'counter') value = 1;
        else value = typeof metric.measurement === 'string' ? m[metric.measurement] : metric.measurement(m, md);
        tags = metric.tags.length === 0 ? metric.tags : readTags(metric, md);
      } catch {
        skip('callback_failed');
        continue;
      }
      if (value === undefined || value === null) {
        skip('missing_value');
        continue;
      }
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        skip('non_numeric');
        continue;
      }
      if (tags.length > 0) {
        const key = tags.join('\u0001');
        if (!p.series.has(key)) {
          if (p.series.size >= p.maxSeries) {
            tags = p.overflowTags;
            overflowed[metric.name] = (overflowed[metric.name] ?? 0) + 1;
          } else p.series.add(key);
        }
      }
      try {
        sink.record(metric, p.index, metric.scale === 1 ? value : value * metric.scale, tags);
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
    const v = derived !== undefined && tag in derived ? derived[tag] : md[tag];
    out[i] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}
