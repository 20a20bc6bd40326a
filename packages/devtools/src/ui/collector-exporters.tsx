// The Exporters tab's part for a collector: `GET /v1/exporters` (admin token), polled. Read only:
// the panel flushes only the page's own exporters, and changes nothing on the server.
import type { ExporterStatus } from '@isotel/core/wire';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { errorMessage, formatValue } from '../engine/format-value.js';
import { CollectorError } from '../remote/remote-backend.js';
import { useEngine } from './engine-context.js';
import { exporterHealth, HealthBadge, StatsList } from './exporter-stats.js';

/** How often the collector's exporters are read while the tab is visible, in ms. */
export const COLLECTOR_EXPORTERS_REFRESH_MS = 1000;

// Answers that asking again cannot change (no token, a refused token, a collector without the
// route): shown at once, and no longer polled.
function isRefusal(error: unknown): error is CollectorError {
  return error instanceof CollectorError && (error.status === 401 || error.status === 403 || error.status === 404);
}

/** What the tab says when the collector does not show its exporters. */
function refusalText(error: unknown): string {
  if (!(error instanceof CollectorError)) return `Could not read the collector's exporters: ${errorMessage(error)}`;
  switch (error.status) {
    case 401:
      return `The collector shows its exporters only with the admin token (the adminToken option): ${error.message}`;
    case 403:
      return `The collector refused this admin token, so its exporters cannot be shown: ${error.message}`;
    case 404:
      return 'This collector does not report its exporters (GET /v1/exporters answered 404): it is older than this panel.';
    default:
      return `Could not read the collector's exporters: ${error.message}`;
  }
}

/** The collector's exporters and reporters, with the instance that answered. */
export function CollectorExporters(): ReactNode {
  const engine = useEngine();
  const { backend } = engine;
  const query = useQuery({
    queryKey: ['isotel', engine.sourceKey, 'exporters'],
    queryFn: () => {
      if (backend.exporters === undefined) throw new Error('This source does not report exporters.');
      return backend.exporters();
    },
    refetchInterval: (q) => (isRefusal(q.state.error) ? false : COLLECTOR_EXPORTERS_REFRESH_MS),
    retry: (failures, error) => !isRefusal(error) && failures < 1,
  });
  const answer = query.data;
  return (
    <section aria-label="Collector exporters">
      <div className="section">
        <h3>Collector exporters</h3>
        {answer === undefined ? null : (
          <p className="muted">
            {answer.node === undefined
              ? `Reported by ${backend.label}.`
              : `Reported by collector ${answer.node} (each instance reports its own).`}
          </p>
        )}
        {query.isError ? (
          <p className="error" role="alert">
            {refusalText(query.error)}{' '}
            {isRefusal(query.error) ? null : (
              <button type="button" onClick={() => void query.refetch()}>
                Retry
              </button>
            )}
          </p>
        ) : null}
        {query.isPending ? <p className="muted">Reading the collector's exporters…</p> : null}
        {answer !== undefined && answer.exporters.length === 0 ? (
          <p className="muted">
            The collector reports no exporters. Pass them to createCollector as its "exporters" option.
          </p>
        ) : null}
      </div>
      {answer === undefined || answer.exporters.length === 0 ? null : (
        <div className="cards-grid">
          {answer.exporters.map((status) => (
            <CollectorExporterCard key={status.name} status={status} />
          ))}
        </div>
      )}
    </section>
  );
}

const SUMMARY_LABELS = {
  queued: 'queued',
  sent: 'sent',
  failed: 'failed',
  breaker: 'circuit breaker',
  lastError: 'last error',
} as const;
type SummaryKey = keyof typeof SUMMARY_LABELS;
const SUMMARY_KEYS = Object.keys(SUMMARY_LABELS) as SummaryKey[];

function CollectorExporterCard({ status }: { readonly status: ExporterStatus }): ReactNode {
  const details = status.details as Record<string, unknown>;
  const health = exporterHealth({ breaker: status.breaker, nextAttemptAt: details.nextAttemptAt });
  const shown = SUMMARY_KEYS.filter((key) => status[key] !== undefined);
  return (
    <section className="card" aria-label={`collector ${status.name}`}>
      <div className="card-head">
        <h3 className="ellipsis" title={status.name}>
          {status.name}
        </h3>
        <HealthBadge health={health} />
      </div>
      <dl aria-label={`${status.name} status`}>
        {shown.map((key) => (
          <div key={key} className="pair">
            <dt>{SUMMARY_LABELS[key]}</dt>
            <dd className={key === 'lastError' ? 'wrap error' : 'wrap'}>{formatValue(status[key])}</dd>
          </div>
        ))}
      </dl>
      <StatsList
        label={`${status.name} details`}
        stats={details}
        health={health}
        // a figure the summary already shows as it is, is not repeated
        omit={(key) => key === 'lastError' || (key in SUMMARY_LABELS && details[key] === status[key as SummaryKey])}
      />
    </section>
  );
}
