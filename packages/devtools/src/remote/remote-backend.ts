import type { HandlerInfo } from '@isotel/core';
import {
  parseCollectorStats,
  parseControlAnswer,
  parseExporterListing,
  parseHandlerListing,
  parseStreamEvent,
  type StreamMessageKind,
} from '@isotel/core/wire';
import type {
  BackendStats,
  ControlState,
  DevtoolsBackend,
  EventSink,
  RemoteExporters,
  StreamStatus,
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

// The collector's stream sends each event as `event: event` with a core `StreamEvent` (a
// browser's record time is `metadata.time`); a message of another shape is skipped.
function streamEvent(data: string, sink: EventSink): void {
  let event: ReturnType<typeof parseStreamEvent>;
  try {
    event = parseStreamEvent(data);
  } catch {
    return;
  }
  sink(event.name, event.measurements, event.metadata);
}

const STREAM_EVENT: StreamMessageKind = 'event';
const STREAM_CONTROL: StreamMessageKind = 'control';

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
        if (message.event === STREAM_CONTROL) {
          for (const listener of this.#controlListeners) listener();
          return;
        }
        if (message.event === STREAM_EVENT) streamEvent(message.data, sink);
      },
    });
    return () => abort.abort();
  }

  async handlers(): Promise<readonly HandlerInfo[]> {
    const { handlers } = parseHandlerListing(await this.#request('GET', '/v1/handlers'));
    // the collector's stream fan-out is what this panel reads through; it cannot be detached
    return handlers.filter((h) => !h.id.startsWith(COLLECTOR_STREAM_PREFIX));
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
    const stats = parseCollectorStats(await this.#request('GET', '/v1/stats'));
    // the collector counts refused events per code, rate-limited batches and slow streams
    const dropped: Record<string, number> = { ...stats.rejected };
    if (stats.rateLimited > 0) dropped.rate_limited = stats.rateLimited;
    if (stats.streams.droppedSlow > 0) dropped.slow_stream = stats.streams.droppedSlow;
    return { dropped, node: stats.node };
  }

  /** `GET /v1/exporters`, with the instance that answered; rejects with a {@link CollectorError}. */
  async exporters(): Promise<RemoteExporters> {
    const { body, node } = await this.#answer('GET', '/v1/exporters');
    const { exporters } = parseExporterListing(body);
    return node === null ? { exporters } : { exporters, node };
  }

  // the collector's answers are read with core's parseControlAnswer (parseControl inside)
  async control(): Promise<ControlState | undefined> {
    return parseControlAnswer(await this.#request('GET', '/v1/control')).control;
  }

  async setControl(next: ControlState): Promise<ControlState> {
    return parseControlAnswer(await this.#request('PUT', '/v1/control', next)).control;
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

  async #request(method: string, path: string, body?: unknown): Promise<unknown> {
    return (await this.#answer(method, path, body)).body;
  }

  async #answer(method: string, path: string, body?: unknown): Promise<{ body: unknown; node: string | null }> {
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
    return { body: text ? JSON.parse(text) : undefined, node: response.headers.get('x-isotel-node') };
  }
}
