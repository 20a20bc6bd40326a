import { useMutation, useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { formatTime } from '../engine/event-time.js';
import type { DevtoolsExporter } from '../engine/exporter-types.js';
import { errorMessage, formatValue } from '../engine/format-value.js';
import { useEngine } from './engine-context.js';

// Known stat keys first, with readable labels; any other key is shown after them as is.
const LABELS: Readonly<Record<string, string>> = {
  queued: 'queued (IndexedDB backlog included)',
  bytes: 'queued bytes',
  storage: 'storage',
  inFlight: 'in flight',
  sent: 'sent',
  retried: 'failed attempts (retried)',
  failures: 'failures',
  dropped: 'dropped',
  breaker: 'circuit breaker',
  lastFlushAt: 'last flush',
  nextAttemptAt: 'next attempt',
  lastError: 'last error',
};
const ORDER = Object.keys(LABELS);

function display(key: string, value: unknown): string {
  if (typeof value === 'number' && /At$/.test(key) && value > 1e12) return formatTime(value);
  if (isCounts(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? 'none' : entries.map(([reason, n]) => `${reason} ${n}`).join(', ');
  }
  return formatValue(value);
}

function isCounts(value: unknown): value is Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((n) => typeof n === 'number');
}

/** How an exporter is doing, from its stats. */
export type ExporterHealth = 'healthy' | 'retrying' | 'failing';

/**
 * An exporter is failing while its circuit breaker is not closed, retrying while a retry is
 * scheduled, healthy otherwise (a last error from before a recovery is history, not health).
 */
export function exporterHealth(stats: Record<string, unknown>): ExporterHealth {
  const breaker = stats.breaker;
  if (typeof breaker === 'string' && breaker !== 'closed') return 'failing';
  if (typeof stats.nextAttemptAt === 'number') return 'retrying';
  return 'healthy';
}

interface Snapshot {
  readonly stats: Record<string, unknown> | undefined;
  readonly error: string | undefined;
}

function snapshot(exporter: DevtoolsExporter): Snapshot {
  try {
    return { stats: exporter.stats() as Record<string, unknown>, error: undefined };
  } catch (error) {
    return { stats: undefined, error: `stats() failed: ${errorMessage(error)}` };
  }
}

/** Exporter queues, backlog, failures, breaker state and health; "Flush now". */
export function ExportersTab(): ReactNode {
  const engine = useEngine();
  const { exporters } = engine;
  if (exporters.length === 0) {
    return (
      <p className="empty">
        No exporters given. Pass them as the "exporters" option (e.g. the browser exporter of @isotel/core/browser).
      </p>
    );
  }
  return (
    <div className="cards-grid">
      {exporters.map((exporter, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: exporters are given as a list; its order is their identity
        <ExporterCard key={index} exporter={exporter} name={exporter.name ?? `exporter ${index + 1}`} />
      ))}
    </div>
  );
}

function ExporterCard({ exporter, name }: { readonly exporter: DevtoolsExporter; readonly name: string }): ReactNode {
  const stats = useQuery({
    queryKey: ['isotel', 'exporter', name],
    queryFn: () => snapshot(exporter),
    refetchInterval: 1000,
  });
  const [message, setMessage] = useState('');
  const flush = useMutation({
    mutationFn: async () => {
      const before = snapshot(exporter).stats;
      await exporter.flush?.();
      return { before, after: snapshot(exporter).stats };
    },
    onMutate: () => setMessage('Flushing…'),
    onSuccess: ({ before, after }) => {
      const at = formatTime(Date.now());
      const sent = Number(after?.sent ?? 0) - Number(before?.sent ?? 0);
      const left = Number(after?.queued ?? 0);
      if (sent > 0) setMessage(`Flushed at ${at}: ${sent} sent${left > 0 ? `, ${left} still queued` : ''}`);
      else if (left === 0) setMessage(`Flushed at ${at}: nothing was queued`);
      else setMessage(`Nothing sent at ${at}: ${left} still queued`);
      return stats.refetch();
    },
    onError: (error) => setMessage(`Flush failed: ${errorMessage(error)}`),
  });
  const data = stats.data?.stats;
  const health = data ? exporterHealth(data) : undefined;
  const keys = data
    ? Object.keys(data)
        .filter((key) => !(key === 'lastError' && health === 'healthy'))
        .sort((a, b) => rank(a) - rank(b))
    : [];
  return (
    <section className="card" aria-label={name}>
      <div className="card-head">
        <h3 className="ellipsis">{name}</h3>
        {health ? <span className={health === 'healthy' ? 'status-ok' : 'status-error'}>{health}</span> : null}
        {exporter.flush ? (
          <button type="button" disabled={flush.isPending} onClick={() => flush.mutate()}>
            Flush now
          </button>
        ) : null}
      </div>
      {stats.data?.error ? <p className="error">{stats.data.error}</p> : null}
      <dl aria-label={`${name} stats`}>
        {keys.map((key) => (
          <div key={key} className="pair">
            <dt>{LABELS[key] ?? key}</dt>
            <dd className={key === 'lastError' ? 'wrap error' : 'wrap'}>{display(key, data?.[key])}</dd>
          </div>
        ))}
      </dl>
      <p className="muted" role="status">
        {message}
      </p>
    </section>
  );
}

function rank(key: string): number {
  const i = ORDER.indexOf(key);
  return i < 0 ? ORDER.length : i;
}
