// A small real HTTP server for the browser exporter's vitest browser-mode tests. It speaks the
// collector's ingest protocol (dedupe by id, IngestResponse) and can be told, per test "bin",
// what to answer next (a 429 with Retry-After, a 400, ...), which a real collector cannot be
// made to do on cue. The Playwright e2e tests run against the real collector instead.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A canned answer to the next ingest request of a bin. */
export interface ScriptedResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** One ingest request as the server saw it. */
export interface ReceivedRequest {
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly token: string | null;
  readonly bytes: number;
  readonly status: number;
  readonly events: readonly { id: string; name: string; [key: string]: unknown }[];
}

interface Bin {
  readonly script: ScriptedResponse[];
  readonly received: ReceivedRequest[];
  readonly seen: Set<string>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-expose-headers': 'retry-after',
};

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...CORS, 'content-type': 'application/json', ...headers });
  response.end(body === undefined ? '' : JSON.stringify(body));
}

/** Starts the server on an ephemeral port of 127.0.0.1. */
export async function startScriptedCollector(): Promise<{ url: string; close(): Promise<void> }> {
  const bins = new Map<string, Bin>();
  const binOf = (name: string): Bin => {
    let bin = bins.get(name);
    if (bin === undefined) {
      bin = { script: [], received: [], seen: new Set() };
      bins.set(name, bin);
    }
    return bin;
  };
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'OPTIONS') return send(response, 204, undefined);
    const match = /^\/bins\/([\w-]+)\/(v1\/events|script|received)$/.exec(url.pathname);
    if (match === null) return send(response, 404, { error: 'not_found' });
    const bin = binOf(match[1] as string);
    const route = match[2];
    const raw = request.method === 'POST' ? await readBody(request) : Buffer.alloc(0);
    if (route === 'received') return send(response, 200, bin.received);
    if (route === 'script') {
      bin.script.push(...(JSON.parse(raw.toString('utf8')) as ScriptedResponse[]));
      return send(response, 204, undefined);
    }
    let events: ReceivedRequest['events'] = [];
    try {
      events = (JSON.parse(raw.toString('utf8')) as { events: ReceivedRequest['events'] }).events;
    } catch {
      return send(response, 400, { error: 'malformed_json' });
    }
    const next = bin.script.shift();
    const status = next?.status ?? 200;
    bin.received.push({
      contentType: request.headers['content-type'],
      authorization: request.headers.authorization,
      token: url.searchParams.get('token'),
      bytes: raw.length,
      status,
      events,
    });
    if (next !== undefined && (next.status !== 200 || next.body !== undefined)) {
      return send(response, next.status, next.body ?? { error: 'scripted' }, next.headers);
    }
    let accepted = 0;
    let duplicates = 0;
    for (const event of events) {
      if (bin.seen.has(event.id)) duplicates++;
      else {
        bin.seen.add(event.id);
        accepted++;
      }
    }
    send(response, 200, { accepted, duplicates, rejected: [] }, next?.headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens (a port just released), for network-failure tests. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
