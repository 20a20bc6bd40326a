import type { HandlerInfo, Measurements, Metadata } from '@isotel/core';
import {
  type BackendStats,
  type ControlState,
  type DevtoolsBackend,
  type EventSink,
  normalizeControl,
  type StreamStatus,
} from '../engine/backend.js';
import { answerMessage, readSse } from './sse-reader.js';

/** An error answer of the collector, with its message (the IsotelError message for invalid control). */
export class CollectorError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'CollectorError';
    this.status = status;
  }
}

const COLLECTOR_STREAM_PREFIX = 'isotel.collector.stream.';

async function errorOf(response: Response): Promise<CollectorError> {
  return new CollectorError(response.status, await answerMessage(response));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// The collector's stream sends each event as `event: event` with `{ name, measurements,
// metadata }` (a browser's record time is `metadata.time`); anything else is skipped.
function streamEvent(data: string, sink: EventSink): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return;
  }
  if (!isObject(parsed) || typeof parsed.name !== 'string') return;
  const measurements = isObject(parsed.measurements) ? (parsed.measurements as Measurements) : {};
  const metadata = isObject(parsed.metadata) ? (parsed.metadata as Metadata) : {};
  sink(parsed.name, measurements, metadata);
}

/**
 * A collector as a devtools backend: the stream over SSE (fetch, with the admin token as a
 * bearer header) and the admin routes as plain requests; the UI calls these through
 * react-query's `useQuery` (polled) and `useMutation` (invalidating after a change).
 */
export class RemoteBackend implements DevtoolsBackend {
  readonly label: string;
  readonly #base: string;
  readonly #headers: Record<string, string>;
  readonly #controlListeners = new Set<() => void>();

  constructor(collectorUrl: string, adminToken: string | undefined) {
    this.#base = collectorUrl.replace(/\/+$/, '');
    this.label = this.#base;
    this.#headers = adminToken ? { authorization: `Bearer ${adminToken}` } : {};
  }

  subscribe(sink: EventSink, onStatus: (status: StreamStatus | undefined) => void): () => void {
    const abort = new AbortController();
    void readSse(`${this.#base}/v1/stream`, {
      headers: this.#headers,
      signal: abort.signal,
      onStatus: (message, retrying) => onStatus(message === undefined ? undefined : { message, retrying }),
      onMessage: (message) => {
        if (message.event === 'control') {
          for (const listener of this.#controlListeners) listener();
          return;
        }
        if (message.event === 'event' || message.event === 'message') streamEvent(message.data, sink);
      },
    });
    return () => abort.abort();
  }

  async handlers(): Promise<readonly HandlerInfo[]> {
    const body = await this.#request<HandlerInfo[] | { handlers: HandlerInfo[] }>('GET', '/v1/handlers');
    const list = Array.isArray(body) ? body : body.handlers;
    // the collector's stream fan-out is what this panel reads through; it cannot be detached
    return list.filter((h) => !h.id.startsWith(COLLECTOR_STREAM_PREFIX));
  }

  /** `DELETE /v1/handlers/:id`: false when the collector no longer had it (404). */
  async detach(handlerId: string): Promise<boolean> {
    try {
      await this.#request('DELETE', `/v1/handlers/${encodeURIComponent(handlerId)}`);
      return true;
    } catch (error) {
      if (error instanceof CollectorError && error.status === 404) return false;
      throw error;
    }
  }

  async stats(): Promise<BackendStats> {
    const body = await this.#request<Record<string, unknown>>('GET', '/v1/stats');
    // the collector counts refused events per code, rate-limited batches and slow streams
    const dropped: Record<string, number> = {
      ...((body.dropped ?? body.rejected ?? {}) as Record<string, number>),
    };
    if (typeof body.rateLimited === 'number' && body.rateLimited > 0) dropped.rate_limited = body.rateLimited;
    const slow = (body.streams as { droppedSlow?: unknown } | undefined)?.droppedSlow;
    if (typeof slow === 'number' && slow > 0) dropped.slow_stream = slow;
    return typeof body.node === 'string' ? { dropped, node: body.node } : { dropped };
  }

  async control(): Promise<ControlState | undefined> {
    const body = await this.#request<{ control?: unknown }>('GET', '/v1/control');
    return normalizeControl(body.control);
  }

  async setControl(next: ControlState): Promise<ControlState> {
    const body = await this.#request<{ control?: unknown }>('PUT', '/v1/control', next);
    return normalizeControl(body.control);
  }

  onControlChange(callback: () => void): () => void {
    this.#controlListeners.add(callback);
    return () => {
      this.#controlListeners.delete(callback);
    };
  }

  dispose(): void {
    this.#controlListeners.clear();
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#base}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...this.#headers,
        ...(method === 'PUT' ? { 'content-type': 'application/json' } : {}),
      },
      ...(method === 'PUT' ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw await errorOf(response);
    const text = await response.text();
    return (text ? JSON.parse(text) : {}) as T;
  }
}
