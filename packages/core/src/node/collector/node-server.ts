import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../../log/logger.js';
import { guardConnections } from './connection-guard.js';
import { jsonText } from './http.js';
import type { ConnectionInfo } from './options.js';
import {
  attachBodySource,
  BODY_ABORTED,
  BODY_TIMEOUT,
  BODY_TOO_LARGE,
  BODY_TOO_SLOW,
  type BodyResult,
  type BodySource,
  decodeBody,
  watchPace,
} from './read-body.js';
import { inTurn } from './socket-turns.js';

/** A collector listening on Node's HTTP server. */
export interface CollectorServer {
  /** The port it listens on (the one picked when asked for port 0). */
  readonly port: number;
  /** `http://host:port`, ready for `fetch`. */
  readonly url: string;
  /** Stops accepting connections, ends idle keep-alive ones, and resolves once all are closed. */
  close(): Promise<void>;
}

const NO_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);
const INGEST_PATH = '/v1/events';
const INGEST_QUERY = '/v1/events?';

// The request body as a web stream that pauses the socket while 64 KiB are queued. Cancelling it
// (a body over the limit) discards the rest as it arrives, never keeping it, and the connection
// is closed after the answer. Lighter than Readable.toWeb, which showed in profiles.
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on('data', (chunk: Buffer) => {
          if (cancelled) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 1) <= 0) req.pause();
        });
        req.on('end', () => {
          if (!cancelled) controller.close();
        });
        req.on('error', (error) => {
          if (!cancelled) controller.error(error);
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        cancelled = true;
        req.resume();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

// An ingest body read straight from the socket: chunks are kept only while under the limit; past
// it (or past a declared Content-Length over it, or past the time limit) the rest is thrown away as
// it arrives. A body nobody reads is drained the same way, without keeping it.
function socketBody(req: IncomingMessage): BodySource {
  let state: 'unread' | 'used' | 'discarded' = 'unread';
  const discard = (): void => {
    state = 'discarded';
    req.removeAllListeners('data');
    req.resume();
  };
  return {
    discard,
    read(limit, timeoutMs, pace) {
      if (state !== 'unread') return Promise.resolve(BODY_ABORTED);
      state = 'used';
      const declared = req.headers['content-length'];
      const declaredBytes = declared === undefined ? undefined : Number(declared);
      if (declaredBytes !== undefined && declaredBytes > limit) {
        discard();
        return Promise.resolve(BODY_TOO_LARGE);
      }
      if (req.destroyed) return Promise.resolve(BODY_ABORTED);
      return new Promise<BodyResult>((resolve) => {
        const chunks: Uint8Array[] = [];
        let total = 0;
        let settled = false;
        const settle = (result: BodyResult): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          unwatch();
          req.off('end', onEnd).off('error', onError).off('close', onClose);
          resolve(result);
        };
        const timer = setTimeout(() => {
          discard();
          settle(BODY_TIMEOUT);
        }, timeoutMs);
        const unwatch = watchPace(
          pace,
          declaredBytes,
          () => total,
          () => {
            discard();
            settle(BODY_TOO_SLOW);
          },
        );
        const onEnd = (): void => settle(decodeBody(chunks, total));
        const onError = (): void => settle(BODY_ABORTED);
        const onClose = (): void => settle(req.complete ? decodeBody(chunks, total) : BODY_ABORTED);
        req.on('data', (chunk: Buffer) => {
          if (settled) return;
          total += chunk.byteLength;
          if (total > limit) {
            discard();
            settle(BODY_TOO_LARGE);
            return;
          }
          chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        });
        req.on('end', onEnd).on('error', onError).on('close', onClose);
      });
    },
    drain(limit, timeoutMs) {
      if (state !== 'unread') return Promise.resolve(false);
      state = 'used';
      const declared = req.headers['content-length'];
      if ((declared !== undefined && Number(declared) > limit) || req.destroyed) {
        discard();
        return Promise.resolve(false);
      }
      return new Promise<boolean>((resolve) => {
        let total = 0;
        let settled = false;
        const settle = (drained: boolean): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.off('end', onEnd).off('error', onError).off('close', onClose);
          if (!drained) discard();
          resolve(drained);
        };
        const timer = setTimeout(() => settle(false), timeoutMs);
        const onEnd = (): void => settle(true);
        const onError = (): void => settle(false);
        const onClose = (): void => settle(req.complete);
        req.on('data', (chunk: Buffer) => {
          total += chunk.byteLength;
          if (total > limit) settle(false);
        });
        req.on('end', onEnd).on('error', onError).on('close', onClose);
        if (req.readableEnded) settle(true);
      });
    },
  };
}

// IncomingMessage -> Request, for a request whose method and target were checked (see serve).
// The body stays a stream: the handler pulls it chunk by chunk under its byte limit, and an
// oversized body is cancelled, never buffered whole. An ingest post's body is read from the
// socket directly instead (see socketBody), under the same rules.
function toRequest(req: IncomingMessage, origin: string, method: string, path: string): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (method === 'POST' && (path === INGEST_PATH || path.startsWith(INGEST_QUERY))) {
    const request = new Request(origin + path, init);
    attachBodySource(request, socketBody(req));
    return request;
  }
  if (!NO_BODY.has(method)) {
    init.body = bodyStream(req);
    init.duplex = 'half';
  }
  return new Request(origin + path, init);
}

// The path a request line targets: origin form (`/v1/events`) as it is, absolute form
// (`http://host/v1/events`, which a server must accept) reduced to its path; anything else
// (`*`, authority form) is not something the collector serves.
function requestPath(target: string): string | undefined {
  if (target.startsWith('/')) return target;
  if (!/^https?:\/\//i.test(target)) return undefined;
  try {
    const url = new URL(target);
    return url.pathname + url.search;
  } catch {
    return undefined;
  }
}

// An answer made here rather than by the handler, for requests it cannot be given (a method
// fetch forbids, a target that is not a path) and for failures. What is left of the request body
// is not read, so the connection is closed after it. False when it was too late to answer.
function answerHere(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): boolean {
  if (res.headersSent) {
    res.destroy();
    return false;
  }
  const text = JSON.stringify({ error: { code, message } });
  req.resume();
  res.shouldKeepAlive = false;
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    })
    .end(text);
  return true;
}

// Response -> ServerResponse. Finite bodies are written at once; streams (SSE) are pumped with
// backpressure and cancelled when the client goes away, which closes the stream on our side.
async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const body = response.body;
  if (body === null) {
    res.writeHead(response.status, headers).end();
    return;
  }
  const known = jsonText(response);
  if (known !== undefined) {
    headers['content-length'] = String(Buffer.byteLength(known));
    res.writeHead(response.status, headers).end(known);
    return;
  }
  const type = headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    // the collector's own answers: text() is the cheapest way out of a Response in undici
    const text = await response.text();
    headers['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(response.status, headers).end(text);
    return;
  }
  if (!type.startsWith('text/event-stream')) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    headers['content-length'] = String(bytes.byteLength);
    res.writeHead(response.status, headers).end(bytes);
    return;
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  const reader = body.getReader();
  res.on('close', () => {
    reader.cancel().catch(() => undefined);
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
      if (res.destroyed) break;
    }
    res.end();
  } catch {
    res.destroy(); // the stream was errored (a reader dropped for being too slow)
  }
}

/** Time limits of the Node server, and who hears of the answers it makes itself. */
export interface ServeOptions {
  /** How long a request body may take to arrive; the handler enforces it and answers 408. */
  readonly bodyTimeoutMs: number;
  /** How long a request head may take to arrive, counted from the connection for the first one. @default 10000 */
  readonly headersTimeoutMs?: number;
  /** Told the status of each answer the server makes without the handler (405, 400, 500). */
  readonly onAnswer?: (status: number) => void;
  /**
   * Connections one peer address (IPv6 by its /64) may hold open at once; more are closed as they
   * arrive. `undefined` for no bound (behind a proxy, every connection comes from the proxy).
   */
  readonly maxConnectionsPerAddress?: number | undefined;
}

// Slowloris bounds: headers must arrive within HEADERS_TIMEOUT_MS; a whole request within that
// plus the body time limit (the handler answers a slow body with its own 408 first) plus a
// margin. Node checks both every CHECK_INTERVAL_MS (its default, 30 s, would let them run over).
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MARGIN_MS = 5_000;
const CHECK_INTERVAL_MS = 1_000;
/** Methods `fetch`'s Request refuses to represent. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const SERVED_METHODS = 'GET, HEAD, POST, PUT, DELETE, OPTIONS';

/** Serves a web-standard handler on `node:http`. */
export function listenCollector(
  handler: (request: Request, info: ConnectionInfo) => Promise<Response>,
  port: number,
  host: string,
  onClose: () => void,
  options: ServeOptions = { bodyTimeoutMs: 10_000 },
): Promise<CollectorServer> {
  let origin = '';
  let closing = false;
  const headersTimeoutMs = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;

  const answer = (...args: Parameters<typeof answerHere>): void => {
    if (answerHere(...args)) options.onAnswer?.(args[2]);
  };

  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown): void => {
    try {
      logger().error('The collector failed to answer a request.', error);
      answer(req, res, 500, 'internal', 'The collector failed to answer this request.');
    } catch {
      res.destroy();
    }
  };

  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    // while closing, a connection that finishes its last response is ended rather than kept alive
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    const method = req.method ?? 'GET';
    if (FORBIDDEN_METHODS.has(method)) {
      answer(req, res, 405, 'method_not_allowed', `${method} is not served here.`, { allow: SERVED_METHODS });
      return;
    }
    const path = requestPath(req.url ?? '/');
    if (path === undefined) {
      answer(req, res, 400, 'invalid_target', 'The request target must be a path, such as /v1/events.');
      return;
    }
    let request: Request;
    try {
      request = toRequest(req, origin, method, path);
    } catch {
      answer(req, res, 400, 'bad_request', 'The request could not be read.');
      return;
    }
    inTurn(req, res, () => {
      handler(request, { remoteAddress: req.socket.remoteAddress })
        .then((response) => {
          if (!req.complete) res.shouldKeepAlive = false; // a refused body still arriving: close after answering
          return writeResponse(response, res);
        })
        .catch((error: unknown) => fail(req, res, error));
    });
  };

  // Nothing of one request may escape this callback: an exception here would end the process.
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: headersTimeoutMs + options.bodyTimeoutMs + REQUEST_TIMEOUT_MARGIN_MS,
      connectionsCheckingInterval: CHECK_INTERVAL_MS,
    },
    (req, res) => {
      try {
        serve(req, res);
      } catch (error) {
        fail(req, res, error);
      }
    },
  );
  server.keepAliveTimeout = 5000;
  guardConnections(server, headersTimeoutMs, options.maxConnectionsPerAddress);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      origin = `http://${shownHost}:${address.port}`;
      let closed: Promise<void> | undefined;
      resolve({
        port: address.port,
        url: origin,
        close() {
          closing = true;
          closed ??= new Promise<void>((done) => {
            server.close(() => {
              onClose();
              done();
            });
            server.closeIdleConnections();
            // connections still busy after a grace period (a stuck upload) are cut
            setTimeout(() => server.closeAllConnections(), 2000).unref();
          });
          return closed;
        },
      });
    });
  });
}
