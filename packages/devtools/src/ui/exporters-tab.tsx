import { useMutation, useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { formatTime } from '../engine/event-time.js';
import type { DevtoolsExporter } from '../engine/exporter-types.js';
import { errorMessage } from '../engine/format-value.js';
import { CollectorExporters } from './collector-exporters.js';
import { useEngine } from './engine-context.js';
import { exporterHealth, HealthBadge, StatsList } from './exporter-stats.js';

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

/**
 * Exporter queues, backlog, failures, breaker state and health; "Flush now". Watching a
 * collector, its own exporters and reporters come first (read only), then the page's.
 */
export function ExportersTab(): ReactNode {
  const engine = useEngine();
  const { exporters, backend } = engine;
  const page =
    exporters.length === 0 ? null : (
      <div className="cards-grid">
        {exporters.map((exporter, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: exporters are given as a list; its order is their identity
          <ExporterCard key={index} exporter={exporter} name={exporter.name ?? `exporter ${index + 1}`} />
        ))}
      </div>
    );
  if (backend.exporters === undefined) {
    return (
      page ?? (
        <p className="empty">
          No exporters given. Pass them as the "exporters" option (e.g. the browser exporter of @isotel/core/browser).
        </p>
      )
    );
  }
  return (
    <div>
      <CollectorExporters />
      {page === null ? null : (
        <section aria-label="This page's exporters">
          <div className="section">
            <h3>This page's exporters</h3>
          </div>
          {page}
        </section>
      )}
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
  return (
    <section className="card" aria-label={name}>
      <div className="card-head">
        <h3 className="ellipsis">{name}</h3>
        {health ? <HealthBadge health={health} /> : null}
        {exporter.flush ? (
          <button type="button" disabled={flush.isPending} onClick={() => flush.mutate()}>
            Flush now
          </button>
        ) : null}
      </div>
      {stats.data?.error ? <p className="error">{stats.data.error}</p> : null}
      {data && health ? (
        <StatsList label={`${name} stats`} stats={data} health={health} />
      ) : (
        <dl aria-label={`${name} stats`} />
      )}
      <p className="muted" role="status">
        {message}
      </p>
    </section>
  );
}
