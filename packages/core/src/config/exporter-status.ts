// One status shape for every exporter and reporter, read from whatever `stats()` or `status()`
// it has: the browser exporter, the Prometheus and StatsD reporters, applyOtlpConfig's export.

/**
 * Where a status comes from: an object with `stats()` (the browser exporter, the Prometheus and
 * StatsD reporters: what the devtools' Exporters tab reads) or `status()` (`applyOtlpConfig`'s
 * export), or a function returning such figures, `undefined` while there is nothing to report
 * (e.g. `() => reporters.status().statsd` for a reporter `applyReporterConfig` re-creates).
 */
export type StatusSource = { stats(): object } | { status(): object } | (() => object | undefined);

/** The status of one exporter or reporter, as `GET /v1/exporters` answers it. */
export interface ExporterStatus {
  readonly name: string;
  /** Items waiting to be sent (events, records), where the exporter queues. */
  readonly queued?: number;
  /** Items sent and acknowledged (or, for a reporter, values recorded). */
  readonly sent: number;
  /** Items given up on or failed to send. */
  readonly failed: number;
  /** The circuit breaker's state, where there is one (`closed`, `open`, `half-open`). */
  readonly breaker?: string;
  /** The last error, for humans. */
  readonly lastError?: string;
  /** Everything the source reported, as it reported it (the devtools' Exporters tab shows this). */
  readonly details: object;
}

/**
 * Reads one source into an {@link ExporterStatus}: `queued` from `queued`; `sent` from `sent`,
 * else `recorded`; `failed` adds up `failed`, `dropped`, `skipped`, `sendErrors` and `oversized`;
 * an OpenTelemetry export's per-signal figures (`traces`, `metrics`, `logs`) are summed. A source
 * that throws is reported with `lastError` and zeros, never thrown.
 */
export function readStatus(name: string, source: StatusSource): ExporterStatus | undefined {
  let details: object | undefined;
  try {
    details =
      typeof source === 'function'
        ? source()
        : 'stats' in source
          ? source.stats()
          : (source as { status(): object }).status();
  } catch (error) {
    return { name, sent: 0, failed: 0, lastError: `reading the status failed: ${String(error)}`, details: {} };
  }
  if (details === undefined || details === null || typeof details !== 'object') return undefined;
  const d = details as Record<string, unknown>;
  const parts = ['traces', 'metrics', 'logs'].map((k) => d[k]).filter(isRecord);
  const figures = parts.length > 0 ? parts : [d];
  let sent = 0;
  let failed = 0;
  let lastError = typeof d.lastError === 'string' ? d.lastError : undefined;
  for (const f of figures) {
    sent += num(f.sent) ?? num(f.recorded) ?? 0;
    failed +=
      (num(f.failed) ?? 0) + total(f.dropped) + total(f.skipped) + (num(f.sendErrors) ?? 0) + (num(f.oversized) ?? 0);
    if (lastError === undefined && typeof f.lastError === 'string') lastError = f.lastError;
  }
  const queued = num(d.queued);
  const breaker = typeof d.breaker === 'string' ? d.breaker : isRecord(d.breaker) ? stateOf(d.breaker) : undefined;
  return {
    name,
    ...(queued === undefined ? {} : { queued }),
    sent,
    failed,
    ...(breaker === undefined ? {} : { breaker }),
    ...(lastError === undefined ? {} : { lastError }),
    details,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function total(tally: unknown): number {
  if (!isRecord(tally)) return 0;
  let sum = 0;
  for (const v of Object.values(tally)) sum += num(v) ?? 0;
  return sum;
}

function stateOf(breaker: Record<string, unknown>): string | undefined {
  return typeof breaker.state === 'string' ? breaker.state : undefined;
}
