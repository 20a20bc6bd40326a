import { type Metadata, type Telemetry, uuidv7 } from '@isotel/core';

/** The handle a traced function receives. */
export interface TracedSpan {
  readonly spanId: string;
}

/**
 * Runs `fn` as a span: `<prefix>.start`, then `<prefix>.stop` with its duration, or
 * `<prefix>.exception` with the error (rethrown). Every event carries the span's id and the
 * given metadata (correlation id, parent span id).
 */
export async function traceSpan<R>(
  t: Telemetry,
  prefix: string,
  metadata: Metadata,
  fn: (span: TracedSpan) => Promise<R>,
): Promise<R> {
  const spanId = uuidv7().replaceAll('-', '').slice(-16);
  const start = performance.now();
  const md = { ...metadata, spanId };
  t.emit(`${prefix}.start`, { monotonicTime: start, systemTime: Date.now() }, md);
  try {
    const result = await fn({ spanId });
    const now = performance.now();
    t.emit(`${prefix}.stop`, { duration: now - start, monotonicTime: now }, md);
    return result;
  } catch (error) {
    const now = performance.now();
    t.emit(`${prefix}.exception`, { duration: now - start, monotonicTime: now }, { ...md, kind: 'error', error });
    throw error;
  }
}
