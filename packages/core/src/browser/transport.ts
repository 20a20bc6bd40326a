import { parseRetryAfter as parseRetryAfterHeader } from '../export/backoff.js';
import type { IngestLimits, IngestResponse } from '../export/record.js';

/** Most bytes of keepalive request bodies a page may have in flight (Fetch standard). */
export const KEEPALIVE_BUDGET_BYTES = 64 * 1024;

/** How one request to the collector ended. */
export type SendOutcome =
  /** 2xx (or a 422 IngestResponse): the collector answered which events it accepted. */
  | { readonly kind: 'acknowledged'; readonly response: IngestResponse }
  /**
   * Worth trying again later: network failure, timeout, 408, 429, 5xx. `status` is missing when no
   * HTTP answer came (network failure, timeout, abort); `retryAfterMs` from `Retry-After`.
   */
  | { readonly kind: 'retry'; readonly error: string; readonly status?: number; readonly retryAfterMs?: number }
  /**
   * 4xx other than 408/429: resending the same batch cannot succeed. `code` from a collector's
   * `{ error: { code } }` body (`body_too_large`, `too_many_events`, ...).
   */
  | { readonly kind: 'refused'; readonly status: number; readonly error: string; readonly code?: string };

/** Limits of one request. */
export interface RequestLimits {
  /** The request is aborted (an outcome of kind `retry`) when no complete answer came within this. */
  readonly timeoutMs?: number;
  /** Aborts the request early (e.g. a shutdown deadline); same outcome as a timeout. */
  readonly signal?: AbortSignal;
}

/** Where and how batches are posted. */
export interface TransportTarget {
  readonly url: string;
  readonly token?: string;
  readonly fetch: typeof fetch;
}

/**
 * Serialises a batch body from already-serialised records, so queued events are never parsed
 * and re-stringified on their way out.
 */
export function batchBody(
  clientId: string,
  sessionId: string,
  resource: string | undefined,
  records: readonly string[],
): string {
  const head = `{"clientId":${JSON.stringify(clientId)},"sessionId":${JSON.stringify(sessionId)}`;
  return `${head}${resource === undefined ? '' : `,"resource":${resource}`},"events":[${records.join(',')}]}`;
}

/** UTF-8 length of a string without encoding it (lone surrogates count as U+FFFD, as fetch sends them). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // a surrogate pair: 2 code units, 4 bytes
        bytes += 2;
        i++;
        continue;
      }
    }
    bytes += 2;
  }
  return bytes;
}

/**
 * Posts one batch. Normal requests carry `Authorization: Bearer` and `application/json`;
 * keepalive requests (sent while the page is going away) are CORS-simple instead — `text/plain`
 * and the token in the query — because a page being unloaded cannot wait for a preflight.
 * The whole exchange (answer and body) is bounded by `limits.timeoutMs`, on a real timer: a
 * request that never answers ends as a `retry` outcome, even with a `fetch` that ignores its
 * AbortSignal.
 */
export async function postBatch(
  target: TransportTarget,
  body: string,
  keepalive: boolean,
  now: () => number,
  limits: RequestLimits = {},
): Promise<SendOutcome> {
  const { timeoutMs, signal } = limits;
  if (signal?.aborted) return { kind: 'retry', error: 'aborted: the exporter is shutting down' };
  const controller = new AbortController();
  let stop: (outcome: SendOutcome) => void = () => undefined;
  const stopped = new Promise<SendOutcome>((resolve) => {
    stop = (outcome) => {
      resolve(outcome); // first, so the race settles on it rather than on the abort's own failure
      controller.abort();
    };
  });
  const onAbort = () => stop({ kind: 'retry', error: 'aborted: the exporter is shutting down' });
  signal?.addEventListener('abort', onAbort);
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => stop({ kind: 'retry', error: `timeout: no answer within ${timeoutMs} ms` }), timeoutMs);
  try {
    return await Promise.race([exchange(target, body, keepalive, now, controller.signal), stopped]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

async function exchange(
  target: TransportTarget,
  body: string,
  keepalive: boolean,
  now: () => number,
  signal: AbortSignal,
): Promise<SendOutcome> {
  let url = target.url;
  const headers: Record<string, string> = {};
  if (keepalive) {
    headers['content-type'] = 'text/plain;charset=UTF-8';
    if (target.token !== undefined) url = withToken(url, target.token);
  } else {
    headers['content-type'] = 'application/json';
    if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
  }
  let response: Response;
  try {
    response = await target.fetch(url, { method: 'POST', body, headers, keepalive, credentials: 'omit', signal });
  } catch (error) {
    return { kind: 'retry', error: `network: ${error instanceof Error ? error.message : String(error)}` };
  }
  const status = response.status;
  if (response.ok) {
    const parsed = await response.json().catch(() => undefined);
    return { kind: 'acknowledged', response: readIngestResponse(parsed) };
  }
  const detail = await response.text().catch(() => '');
  // 422: the collector read the batch and refused every event; its answer says which and why
  if (status === 422) {
    const parsed = parseJson(detail);
    if (isIngestResponse(parsed)) return { kind: 'acknowledged', response: readIngestResponse(parsed) };
  }
  const error = `HTTP ${status}${detail ? `: ${detail.slice(0, 200)}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfter = parseRetryAfterHeader(response.headers.get('retry-after'), now());
    return retryAfter === undefined
      ? { kind: 'retry', error, status }
      : { kind: 'retry', error, status, retryAfterMs: retryAfter };
  }
  const code = (parseJson(detail) as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? { kind: 'refused', status, error, code } : { kind: 'refused', status, error };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isIngestResponse(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Array.isArray((value as IngestResponse).rejected);
}

function withToken(url: string, token: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

// A 2xx whose body is not an IngestResponse (a proxy, an older collector) still acknowledges
// the whole batch: the events reached the server and resending them would not change that.
function readIngestResponse(value: unknown): IngestResponse {
  if (typeof value !== 'object' || value === null) return { accepted: 0, duplicates: 0, rejected: [] };
  const v = value as Partial<IngestResponse>;
  const out: IngestResponse = {
    accepted: typeof v.accepted === 'number' ? v.accepted : 0,
    duplicates: typeof v.duplicates === 'number' ? v.duplicates : 0,
    rejected: Array.isArray(v.rejected) ? v.rejected : [],
  };
  const limits = readLimits(v.limits);
  return {
    ...out,
    ...(v.control === undefined ? {} : { control: v.control }),
    ...(limits === undefined ? {} : { limits }),
  };
}

function readLimits(value: unknown): IngestLimits | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { maxEvents, maxBytes } = value as Partial<IngestLimits>;
  const positive = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 1;
  return positive(maxEvents) && positive(maxBytes) ? { maxEvents, maxBytes } : undefined;
}
