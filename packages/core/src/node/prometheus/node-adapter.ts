import type { IncomingMessage, ServerResponse } from 'node:http';
import { logger } from '../../log/logger.js';

/** A web-standard request handler. */
export type WebHandler = (request: Request) => Promise<Response>;

/**
 * Adapts a web-standard handler to Node's `(req, res)` signature (for `node:http`, Express, ...).
 *
 * @example createServer(toNodeHandler(prom.handler)).listen(9464, '127.0.0.1')
 */
export function toNodeHandler(handler: WebHandler): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(key, value);
        else if (Array.isArray(value)) for (const v of value) headers.append(key, v);
      }
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
      const method = req.method ?? 'GET';
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const body = hasBody ? await readBody(req) : undefined;
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = body as BodyInit;
      const response = await handler(new Request(url, init));
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

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
