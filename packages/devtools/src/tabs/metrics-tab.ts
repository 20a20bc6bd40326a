import { errorMessage, formatReading, h, replaceChildren } from '../engine/dom.js';
import { PollingTab, type Tab, type TabContext } from './tab.js';

/** One tag set of a metric, as the core aggregator's snapshot gives it. */
export interface DevtoolsSeries {
  readonly tags: Readonly<Record<string, string>>;
  readonly count: number;
  readonly sum: number;
  readonly last: number;
  readonly quantiles?: Readonly<Record<string, number>>;
}

/** What the Metrics tab reads: the aggregator of `@isotel/core` (`createAggregator`) fits. */
export interface DevtoolsMetrics {
  snapshot(): readonly {
    readonly name: string;
    readonly type: string;
    readonly unit?: string | undefined;
    readonly series: readonly DevtoolsSeries[];
  }[];
}

/** Points kept per series for its sparkline (one per second). */
export const SPARK_POINTS = 60;

/** A small SVG line of the values, scaled to their own range. */
export function sparkline(values: readonly number[], width = 80, height = 16): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('aria-hidden', 'true');
  if (values.length > 1) {
    const min = Math.min(...values);
    const span = Math.max(...values) - min || 1;
    const step = width / (values.length - 1);
    const points = values.map(
      (v, i) => `${(i * step).toFixed(1)},${(height - 1 - ((v - min) / span) * (height - 2)).toFixed(1)}`,
    );
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.join(' '));
    svg.appendChild(line);
  }
  return svg;
}

function num(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  return formatReading(v);
}

/** The aggregator's counters, last values and p50/p95/p99, with sparklines. */
export class MetricsTab extends PollingTab implements Tab {
  readonly id = 'metrics' as const;
  readonly label = 'Metrics';
  readonly element: HTMLElement;
  readonly #body: HTMLElement;
  #metrics: DevtoolsMetrics | undefined;
  readonly #history = new Map<string, number[]>();

  constructor(_ctx: TabContext, metrics: DevtoolsMetrics | undefined) {
    super();
    this.#metrics = metrics;
    this.#body = h('div', { class: 'section' });
    this.element = h('div', {}, this.#body);
  }

  setMetrics(metrics: DevtoolsMetrics | undefined): void {
    this.#metrics = metrics;
    this.#history.clear();
    this.#draw();
  }

  protected override refresh(): void {
    this.#draw();
  }

  #draw(): void {
    if (!this.#metrics) {
      replaceChildren(
        this.#body,
        h(
          'p',
          { class: 'muted' },
          'No metrics given. Pass an aggregator (createAggregator from @isotel/core) as the "metrics" option.',
        ),
      );
      return;
    }
    let snapshot: ReturnType<DevtoolsMetrics['snapshot']>;
    try {
      snapshot = this.#metrics.snapshot();
    } catch (error) {
      replaceChildren(this.#body, h('p', { class: 'error' }, `snapshot() failed: ${errorMessage(error)}`));
      return;
    }
    const body = h('tbody');
    for (const metric of snapshot) {
      for (const series of metric.series) {
        const tags = Object.entries(series.tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        const key = `${metric.name}{${tags}}`;
        const value = metric.type === 'counter' ? series.count : metric.type === 'sum' ? series.sum : series.last;
        let history = this.#history.get(key);
        if (!history) {
          history = [];
          this.#history.set(key, history);
        }
        history.push(value);
        if (history.length > SPARK_POINTS) history.shift();
        const q = series.quantiles ?? {};
        body.appendChild(
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, metric.name, tags ? h('span', { class: 'muted' }, ` {${tags}}`) : null),
            h('td', {}, metric.type),
            h('td', {}, `${num(value)}${metric.unit ? ` ${metric.unit}` : ''}`),
            h('td', {}, num(q['0.5'])),
            h('td', {}, num(q['0.95'])),
            h('td', {}, num(q['0.99'])),
            h('td', {}, sparkline(history)),
          ),
        );
      }
    }
    replaceChildren(
      this.#body,
      body.childElementCount === 0
        ? h('p', { class: 'muted' }, 'No values recorded yet.')
        : h(
            'table',
            { 'aria-label': 'Metrics' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['metric', 'type', 'value', 'p50', 'p95', 'p99', 'trend'].map((c) => h('th', { scope: 'col' }, c)),
              ),
            ),
            body,
          ),
    );
  }
}
