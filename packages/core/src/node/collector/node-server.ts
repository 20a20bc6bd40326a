import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../../log/logger.js';
import { jsonText } from './http.js';
import {
  attachBodySource,
  BODY_TOO_LARGE,
  BODY_UNREADABLE,
  type BodyResult,
  type BodySource,
  decodeBody,
} from './read-body.js';

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
// it (or past a declared Content-Length over it) the rest is thrown away as it arrives.
function socketBody(req: IncomingMessage): BodySource {
  let discarded = false;
  const discard = (): void => {
    discarded = true;
    req.removeAllListeners('data');
    req.resume();
  };
  return {
    discard,
    read(limit) {
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) > limit) {
        discard();
        return Promise.resolve(BODY_TOO_LARGE);
      }
      if (discarded || req.destroyed) return Promise.resolve(BODY_UNREADABLE);
      return new Promise<BodyResult>((resolve) => {
        const chunks: Uint8Array[] = [];
        let total = 0;
        let settled = false;
        const settle = (result: BodyResult): void => {
          if (settled) return;
          settled = true;
          req.off('end', onEnd).off('error', onError).off('close', onClose);
          resolve(result);
        };
        const onEnd = (): void => settle(decodeBody(chunks, total));
        const onError = (): void => settle(BODY_UNREADABLE);
        const onClose = (): void => settle(req.complete ? decodeBody(chunks, total) : BODY_UNREADABLE);
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
  };
}

// IncomingMessage -> Request. The body stays a stream: the handler pulls it chunk by chunk
// under its byte limit, and an oversized body is cancelled, never buffered whole. An ingest
// post's body is read from the socket directly instead (see socketBody), under the same rules.
function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  const method = req.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  const url = req.url ?? '/';
  if (method === 'POST' && (url === INGEST_PATH || url.startsWith(INGEST_QUERY))) {
    const request = new Request(origin + url, init);
    attachBodySource(request, socketBody(req));
    return request;
  }
  if (!NO_BODY.has(method)) {
    init.body = bodyStream(req);
    init.duplex = 'half';
  }
  return new Request(origin + url, init);
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

/** Serves a web-standard handler on `node:http`. */
export function listenCollector(
  handler: (request: Request) => Promise<Response>,
  port: number,
  host: string,
  onClose: () => void,
): Promise<CollectorServer> {
  let origin = '';
  let closing = false;
  const server = createServer((req, res) => {
    // while closing, a connection that finishes its last response is ended rather than kept alive
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    handler(toRequest(req, origin))
      .then((response) => {
        if (!req.complete) res.shouldKeepAlive = false; // a refused body still arriving: close after answering
        return writeResponse(response, res);
      })
      .catch((error: unknown) => {
        logger().error('The collector could not write a response.', error);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
  });
  server.keepAliveTimeout = 5000;
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
