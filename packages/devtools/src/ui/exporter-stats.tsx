// How the Exporters tab shows an exporter's figures, for the page's own exporters (their
// `stats()`) and a collector's (the `details` of `GET /v1/exporters`) alike.
import type { ReactNode } from 'react';
import { formatTime } from '../engine/event-time.js';
import { formatValue } from '../engine/format-value.js';

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
// a collector's answer is read from the network: however many keys it holds, the card stays short
const MAX_KEYS = 50;

/** One figure as the tab writes it: times as clock times, tallies as `reason n`, the rest in one line. */
export function display(key: string, value: unknown): string {
  if (typeof value === 'number' && /At$/.test(key) && value > 1e12) return formatTime(value);
  if (isCounts(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return 'none';
    const text = entries
      .slice(0, MAX_KEYS)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
    return formatValue(entries.length > MAX_KEYS ? `${text}, ${entries.length - MAX_KEYS} more` : text);
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

/** The health badge of a card. */
export function HealthBadge({ health }: { readonly health: ExporterHealth }): ReactNode {
  return <span className={health === 'healthy' ? 'status-ok' : 'status-error'}>{health}</span>;
}

/**
 * An exporter's stats as a list of label and value, known keys first; the last error only while
 * the exporter is not healthy, and no key of `omit`.
 */
export function StatsList({
  label,
  stats,
  health,
  omit,
}: {
  readonly label: string;
  readonly stats: Record<string, unknown>;
  readonly health: ExporterHealth;
  readonly omit?: (key: string) => boolean;
}): ReactNode {
  const keys = Object.keys(stats)
    .filter((key) => !(key === 'lastError' && health === 'healthy') && !omit?.(key))
    .sort((a, b) => rank(a) - rank(b));
  const shown = keys.slice(0, MAX_KEYS);
  return (
    <dl aria-label={label}>
      {shown.map((key) => (
        <div key={key} className="pair">
          <dt>{LABELS[key] ?? key}</dt>
          <dd className={key === 'lastError' ? 'wrap error' : 'wrap'}>{display(key, stats[key])}</dd>
        </div>
      ))}
      {keys.length > shown.length ? (
        <div className="pair muted">
          <dt>…</dt>
          <dd>{keys.length - shown.length} more not shown</dd>
        </div>
      ) : null}
    </dl>
  );
}

function rank(key: string): number {
  const i = ORDER.indexOf(key);
  return i < 0 ? ORDER.length : i;
}
