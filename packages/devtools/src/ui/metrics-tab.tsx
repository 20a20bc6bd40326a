import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useRef } from 'react';
import type { DevtoolsMetrics } from '../engine/exporter-types.js';
import { errorMessage, formatReading } from '../engine/format-value.js';
import { useEngine } from './engine-context.js';

/** Points kept per series for its sparkline (one per second). */
export const SPARK_POINTS = 60;

/** A small line of the values, scaled to their own range. Decorative: the value is beside it. */
export function Sparkline({
  values,
  width = 80,
  height = 16,
}: {
  values: readonly number[];
  width?: number;
  height?: number;
}): ReactNode {
  let points = '';
  if (values.length > 1) {
    const min = Math.min(...values);
    const span = Math.max(...values) - min || 1;
    const step = width / (values.length - 1);
    points = values
      .map((v, i) => `${(i * step).toFixed(1)},${(height - 1 - ((v - min) / span) * (height - 2)).toFixed(1)}`)
      .join(' ');
  }
  return (
    <svg className="spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true">
      {points ? <polyline points={points} /> : null}
    </svg>
  );
}

function num(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '—' : formatReading(v);
}

interface Row {
  readonly key: string;
  readonly name: string;
  readonly tags: string;
  readonly type: string;
  readonly value: string;
  readonly quantiles: readonly [string, string][];
  readonly history: readonly number[];
}

function rowsOf(metrics: DevtoolsMetrics, history: Map<string, number[]>): Row[] {
  const rows: Row[] = [];
  for (const metric of metrics.snapshot()) {
    for (const series of metric.series) {
      const tags = Object.entries(series.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const key = `${metric.name}{${tags}}`;
      const value = metric.type === 'counter' ? series.count : metric.type === 'sum' ? series.sum : series.last;
      let h = history.get(key);
      if (!h) {
        h = [];
        history.set(key, h);
      }
      h.push(value);
      if (h.length > SPARK_POINTS) h.shift();
      const q = series.quantiles ?? {};
      rows.push({
        key,
        name: metric.name,
        tags,
        type: metric.type,
        value: `${num(value)}${metric.unit ? ` ${metric.unit}` : ''}`,
        quantiles: Object.keys(q).map((p) => [`p${Number(p) * 100}`, num(q[p])]),
        history: h.slice(),
      });
    }
  }
  return rows;
}

/** The aggregator's counters, last values and quantiles, with sparklines, as cards that wrap. */
export function MetricsTab(): ReactNode {
  const engine = useEngine();
  const { metrics } = engine;
  const history = useRef(new Map<string, number[]>());
  const rows = useQuery({
    queryKey: ['isotel', 'metrics', metrics === undefined ? 0 : 1],
    queryFn: () => (metrics ? rowsOf(metrics, history.current) : []),
    refetchInterval: 1000,
    enabled: metrics !== undefined,
  });
  if (!metrics) {
    return (
      <p className="empty">
        No metrics given. Pass an aggregator (createAggregator from @isotel/core) as the "metrics" option.
      </p>
    );
  }
  if (rows.isError) return <p className="error">snapshot() failed: {errorMessage(rows.error)}</p>;
  const list = rows.data ?? [];
  if (list.length === 0) return <p className="empty">No values recorded yet.</p>;
  return (
    <ul className="cards-grid" aria-label="Metrics">
      {list.map((row) => (
        <li key={row.key} className="card metric">
          <div className="card-head">
            <strong className="ellipsis" title={row.name}>
              {row.name}
            </strong>
            <span className="muted">{row.type}</span>
          </div>
          {row.tags ? <div className="muted wrap">{`{${row.tags}}`}</div> : null}
          <div className="metric-value">
            <span>{row.value}</span>
            <Sparkline values={row.history} />
          </div>
          {row.quantiles.length > 0 ? (
            <dl>
              {row.quantiles.map(([label, value]) => (
                <div key={label} className="pair">
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
