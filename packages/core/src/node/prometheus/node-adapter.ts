import type { IncomingMessage, ServerResponse } from 'node:http';
import { logger } from '../../log/logger.js';
import { inTurn } from '../collector/socket-turns.js';

/** A web-standard request handler. */
export type WebHandler = (request: Request) => Promise<Response>;

/**
 * Adapts a web-standard handler to Node's `(req, res)` signature (for `node:http`, Express, ...).
 * Request bodies are not read (the handler gets a request without one): a request that has one is
 * answered with `Connection: close`, so the body is never buffered. A request whose `Host` header
 * does not make a URL is answered 400 without calling the handler. Pipelined requests on one
 * connection are answered one at a time, each once the previous answer was handed to the socket
 * (and the socket drained), so a client that pipelines and does not read holds one answer.
 *
 * @example createServer(toNodeHandler(prom.handler)).listen(9464, '127.0.0.1')
 */
export function toNodeHandler(handler: WebHandler): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const serve = adapt(handler);
  return (req, res) => new Promise<void>((resolve) => inTurn(req, res, () => void serve(req, res).then(resolve)));
}

function adapt(handler: WebHandler): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    // a body would be read by Node to the end to keep the connection: close it instead
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) {
      res.shouldKeepAlive = false;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    } catch {
      answer(res, 400, 'Bad Request\n');
      return;
    }
    try {
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(key, value);
        else if (Array.isArray(value)) for (const v of value) headers.append(key, v);
      }
      const response = await handler(new Request(url, { method: req.method ?? 'GET', headers }));
      res.statusCode = response.status;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.end(response.body === null ? undefined : Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      logger().error('A request handler failed.', error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    }
  };
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(body);
}
