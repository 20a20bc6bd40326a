import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IsotelError } from '../../errors/isotel-error.js';
import { toNodeHandler } from './node-adapter.js';
import type { PrometheusReporter } from './prometheus-reporter.js';

/** Options of {@link serveMetrics}. */
export interface MetricsServerOptions {
  /** Port to listen on; `0` picks a free one. @default 9464 */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** Path of the exposition. @default '/metrics' */
  path?: string;
}

/** A running `/metrics` endpoint. */
export interface MetricsServer {
  /** The port actually bound. */
  readonly port: number;
  readonly url: string;
  /** Moves the endpoint to another port without touching the metrics (a live config change). */
  listen(port: number): Promise<void>;
  /** Stops serving. Also runs when the reporter closes, so at `t.shutdown()`. */
  close(): Promise<void>;
}

/**
 * Serves a reporter's exposition over `node:http`. Closed when the reporter is (its `close()` or
 * `t.shutdown()`). Request bodies are never read; a bad `Host` header is answered 400.
 *
 * @example const server = await serveMetrics(prom, { port: 0 }); fetch(server.url)
 */
export async function serveMetrics(
  reporter: PrometheusReporter,
  options: MetricsServerOptions = {},
): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/metrics';
  const handle = toNodeHandler(async (request) => {
    if (new URL(request.url).pathname !== path) return new Response('Not Found\n', { status: 404 });
    return reporter.handler(request);
  });
  let server: Server | undefined;
  let port = 0;
  const start = (wanted: number) =>
    new Promise<Server>((resolve, reject) => {
      if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
        reject(new IsotelError('invalid_argument', `port must be an integer in [0, 65535], got ${String(wanted)}.`));
        return;
      }
      const s = createServer((req, res) => void handle(req, res));
      s.once('error', reject);
      s.listen(wanted, host, () => {
        s.off('error', reject);
        port = (s.address() as AddressInfo).port;
        resolve(s);
      });
    });
  const stop = (s: Server | undefined) =>
    new Promise<void>((resolve) => {
      if (s === undefined) return resolve();
      s.close(() => resolve());
      s.closeAllConnections();
    });
  server = await start(options.port ?? 9464);
  const close = async () => {
    offClose();
    const s = server;
    server = undefined;
    await stop(s);
  };
  // the reporter's close (and so `t.shutdown()`) closes the endpoint too
  const offClose = reporter.onClose(close);
  return {
    get port() {
      return port;
    },
    get url() {
      return `http://${host}:${port}${path}`;
    },
    async listen(next) {
      if (server === undefined) throw new IsotelError('invalid_argument', 'The metrics server is closed.');
      // bind the new port first, so a refused port leaves the old endpoint serving
      const replacement = await start(next);
      const old = server;
      server = replacement;
      await stop(old);
    },
    close,
  };
}
