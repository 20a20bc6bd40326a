// Server-Sent Events over fetch: unlike EventSource, fetch can send the admin bearer token as a
// header (a token in a query string ends up in proxy and access logs). The byte stream is parsed
// by eventsource-parser (CRLF, comments, multi-line data, split chunks).
import { parseProblem } from '@isotel/core/wire';
import { createParser } from 'eventsource-parser';

/** One parsed SSE message. */
export interface SseMessage {
  /** The `event:` field. @default 'message' */
  readonly event: string;
  readonly data: string;
  readonly id: string | undefined;
}

/** Options of {@link readSse}. */
export interface ReadSseOptions {
  readonly headers?: Record<string, string>;
  readonly signal: AbortSignal;
  readonly onMessage: (message: SseMessage) => void;
  /**
   * Called with an error message while disconnected, and with undefined once connected.
   * `retrying` is false on the last call, when the server refused the credentials (401, 403):
   * reading stops until the caller starts again.
   */
  readonly onStatus: (error: string | undefined, retrying: boolean) => void;
  /** First reconnect delay, doubled up to 10 s. @default 1000 */
  readonly retryMs?: number;
}

/** The message of an error answer: the collector's `{ error: { code, message } }`, else the status line. */
export async function answerMessage(response: Response): Promise<string> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // not JSON (a proxy's error page): the status line says what happened
  }
  return parseProblem(body)?.error.message ?? `${response.status} ${response.statusText}`.trim();
}

/**
 * Reads an SSE endpoint with fetch until `signal` aborts, reconnecting with backoff. A refused
 * token (401, 403) is final: retrying cannot fix it, so it reports and returns.
 */
export async function readSse(url: string, options: ReadSseOptions): Promise<void> {
  let delay = options.retryMs ?? 1000;
  while (!options.signal.aborted) {
    try {
      const response = await fetch(url, {
        headers: { accept: 'text/event-stream', ...options.headers },
        signal: options.signal,
        cache: 'no-store',
      });
      if (response.status === 401 || response.status === 403) {
        const message = await answerMessage(response);
        if (options.signal.aborted) return;
        options.onStatus(`Stream refused (${response.status}): ${message}`, false);
        return;
      }
      if (!response.ok) throw new Error(`collector answered ${response.status}: ${await answerMessage(response)}`);
      if (!response.body) throw new Error(`collector answered ${response.status} without a body`);
      options.onStatus(undefined, true);
      delay = options.retryMs ?? 1000;
      const parser = createParser({
        onEvent: (event) => options.onMessage({ event: event.event ?? 'message', data: event.data, id: event.id }),
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
      throw new Error('stream closed');
    } catch (error) {
      if (options.signal.aborted) return;
      options.onStatus(
        `Stream disconnected (${error instanceof Error ? error.message : String(error)}); retrying`,
        true,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(10_000, delay * 2);
  }
}
