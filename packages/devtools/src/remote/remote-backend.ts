import type { HandlerInfo, Measurements, Metadata } from '@isotel/core';
import { MutationObserver, QueryClient } from '@tanstack/react-query';
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

function recordToEvent(value: unknown, sink: EventSink): void {
  if (typeof value !== 'object' || value === null) return;
  const r = value as Record<string, unknown>;
  if (typeof r.name !== 'string') return;
  const metadata: Record<string, unknown> = { ...((r.metadata as Metadata | undefined) ?? {}) };
  // the record's top-level ids are what the detail view and span grouping read
  for (const key of ['spanId', 'parentSpanId', 'correlationId', 'sampleRate', 'clientId', 'sessionId', 'id']) {
    if (r[key] !== undefined && metadata[key] === undefined) metadata[key] = r[key];
  }
  sink(r.name, (r.measurements as Measurements | undefined) ?? {}, metadata);
}

/**
 * A collector as a devtools backend: the stream over SSE (fetch, with the admin token as a
 * bearer header), handlers/stats/control as TanStack queries and mutations (cached, retried,
 * invalidated after a change).
 */
export class RemoteBackend implements DevtoolsBackend {
  readonly label: string;
  readonly #base: string;
  readonly #headers: Record<string, string>;
  readonly #client = new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 250 } } });
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
          void this.#client.invalidateQueries({ queryKey: ['isotel', this.#base, 'control'] });
          for (const listener of this.#controlListeners) listener();
          return;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(message.data);
        } catch {
          return;
        }
        if (Array.isArray(parsed)) for (const r of parsed) recordToEvent(r, sink);
        else if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { events?: unknown }).events)) {
          for (const r of (parsed as { events: unknown[] }).events) recordToEvent(r, sink);
        } else recordToEvent(parsed, sink);
      },
    });
    return () => abort.abort();
  }

  handlers(): Promise<readonly HandlerInfo[]> {
    return this.#client.fetchQuery({
      queryKey: ['isotel', this.#base, 'handlers'],
      queryFn: async () => {
        const body = await this.#request<HandlerInfo[] | { handlers: HandlerInfo[] }>('GET', '/v1/handlers');
        const list = Array.isArray(body) ? body : body.handlers;
        // the collector's stream fan-out is what this panel reads through; it cannot be detached
        return list.filter((h) => !h.id.startsWith(COLLECTOR_STREAM_PREFIX));
      },
    });
  }

  /** `DELETE /v1/handlers/:id`: false when the collector no longer had it (404). */
  detach(handlerId: string): Promise<boolean> {
    return this.#mutate(async () => {
      try {
        await this.#request('DELETE', `/v1/handlers/${encodeURIComponent(handlerId)}`);
        return true;
      } catch (error) {
        if (error instanceof CollectorError && error.status === 404) return false;
        throw error;
      }
    }, 'handlers');
  }

  stats(): Promise<BackendStats> {
    return this.#client.fetchQuery({
      queryKey: ['isotel', this.#base, 'stats'],
      queryFn: async () => {
        const body = await this.#request<Record<string, unknown>>('GET', '/v1/stats');
        // the collector counts refused events per code, rate-limited batches and slow streams
        const dropped: Record<string, number> = {
          ...((body.dropped ?? body.rejected ?? {}) as Record<string, number>),
        };
        if (typeof body.rateLimited === 'number' && body.rateLimited > 0) dropped.rate_limited = body.rateLimited;
        const slow = (body.streams as { droppedSlow?: unknown } | undefined)?.droppedSlow;
        if (typeof slow === 'number' && slow > 0) dropped.slow_stream = slow;
        return { dropped };
      },
    });
  }

  control(): Promise<ControlState | undefined> {
    return this.#client.fetchQuery({
      queryKey: ['isotel', this.#base, 'control'],
      queryFn: async () => {
        const body = await this.#request<{ control?: unknown }>('GET', '/v1/control');
        return normalizeControl(body.control);
      },
    });
  }

  setControl(next: ControlState): Promise<ControlState> {
    return this.#mutate(async () => {
      const body = await this.#request<{ control?: unknown }>('PUT', '/v1/control', next);
      return normalizeControl(body.control);
    }, 'control');
  }

  onControlChange(callback: () => void): () => void {
    this.#controlListeners.add(callback);
    return () => {
      this.#controlListeners.delete(callback);
    };
  }

  dispose(): void {
    this.#controlListeners.clear();
    this.#client.clear();
  }

  async #mutate<T>(fn: () => Promise<T>, invalidates: string): Promise<T> {
    const observer = new MutationObserver<T, Error, void>(this.#client, {
      mutationFn: fn,
      onSuccess: () => this.#client.invalidateQueries({ queryKey: ['isotel', this.#base, invalidates] }),
    });
    try {
      return await observer.mutate();
    } finally {
      observer.reset();
    }
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
