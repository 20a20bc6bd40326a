// The body of one `POST /v1/events` the collector benchmarks send: `size` valid events as a
// browser exporter ships them (ids unique per prefix and batch number, a correlation and span id).

/** A JSON ingest body of `size` events for `clientId`; ids are `${prefix}-${n}-${i}`. */
export function ingestBatch(prefix: string, n: number, size: number, clientId: string): string {
  const now = Date.now();
  const events = [];
  for (let i = 0; i < size; i++) {
    events.push({
      id: `${prefix}-${n}-${i}`,
      name: 'checkout.payment.stop',
      time: now,
      measurements: { duration: 12.5 + i, amount: 99 },
      metadata: { route: '/checkout', outcome: 'ok', attempt: 1 },
      correlationId: 'c0ffee',
      spanId: `s-${i}`,
    });
  }
  return JSON.stringify({ clientId, sessionId: 'bench-session', events });
}
