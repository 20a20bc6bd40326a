import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { logger, setLogger } from '../../log/logger.js';
import { startCollector } from './collector.test-kit.js';
import { type CollectorServer, listenCollector } from './node-server.js';
import type { CollectorOptions } from './options.js';

const start = (options: CollectorOptions = {}) => startCollector({ node: 'raw', ...options });

interface RawAnswer {
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

/** Writes raw bytes on a new connection; resolves with what came back once the server closes it (or after `waitMs`). */
function raw(port: number, bytes: string, waitMs = 3000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: text.slice(split + 4) });
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

/**
 * Sends a request head, then `size` bytes of body in 64 KiB pieces with pauses (so the server has
 * answered long before the upload ends), then `next` on the same connection; resolves with all
 * that came back.
 */
function rawUpload(port: number, head: string, size: number, next: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('connect', async () => {
      socket.write(head);
      const piece = Buffer.alloc(64 * 1024, 0x78);
      for (let sent = 0; sent < size && !socket.destroyed; sent += piece.byteLength) {
        if (!socket.write(piece.subarray(0, Math.min(piece.byteLength, size - sent)))) {
          await new Promise((r) => socket.once('drain', r).once('close', r));
        }
        if (sent === 0) await new Promise((r) => setTimeout(r, 100));
      }
      if (!socket.destroyed) socket.write(next);
    });
  });
}

const errorCode = (answer: RawAnswer) => (JSON.parse(answer.body) as { error: { code: string } }).error.code;

describe('requests fetch cannot represent', () => {
  it('answers TRACE, OPTIONS * and an absolute-form target instead of crashing, and keeps serving', async () => {
    const { url, port, collector } = await start();
    const trace = await raw(port, 'TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(trace.status).toBe(405);
    expect(trace.head).toMatch(/content-type: application\/json/i);
    expect(errorCode(trace)).toBe('method_not_allowed');
    const star = await raw(port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(star.status).toBe(400);
    expect(errorCode(star)).toBe('invalid_target');
    // RFC 9112 §3.2.2: a server accepts the absolute form; the path is what is routed
    const absolute = await raw(port, 'GET http://x/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(absolute.status).toBe(200);
    expect(JSON.parse(absolute.body)).toEqual({ status: 'ok' });
    // answers the server made without the handler are counted with the others
    expect(collector.stats().responses).toEqual({ 200: 1, 400: 1, 405: 1 });
    expect((await fetch(`${url}/v1/health`)).status).toBe(200);
  });

  it('turns any exception of the per-request path into a 500, never an uncaught error', async () => {
    const previous = logger();
    const errors: string[] = [];
    setLogger({ warn: () => undefined, error: (message) => errors.push(message) });
    try {
      const server: CollectorServer = await listenCollector(
        () => {
          throw new Error('boom');
        },
        0,
        '127.0.0.1',
        () => undefined,
      );
      try {
        const res = await fetch(`${server.url}/v1/health`);
        expect(res.status).toBe(500);
        expect(await res.json()).toMatchObject({ error: { code: 'internal' } });
        expect((await fetch(`${server.url}/v1/health`)).status).toBe(500); // still listening
        expect(errors.length).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    } finally {
      setLogger(previous);
    }
  });
});

describe('answers that do not need the body', () => {
  const big = 'x'.repeat(5 * 1024 * 1024);

  it('reaches the client of a large upload to an unknown route or a wrong method', async () => {
    const { url } = await start({ ingestToken: 'secret', corsOrigins: ['https://shop.example'] });
    // the upload races the answer: repeated, so a server that cuts the upload shows as EPIPE
    for (let round = 0; round < 5; round++) {
      const unknown = await fetch(`${url}/nope`, { method: 'POST', body: big });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
      const put = await fetch(`${url}/v1/events`, {
        method: 'PUT',
        body: big,
        headers: { origin: 'https://shop.example' },
      });
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('POST');
      expect(put.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(await put.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
      const noToken = await fetch(`${url}/v1/events`, { method: 'POST', body: 'x'.repeat(900 * 1024) });
      expect(noToken.status).toBe(401);
      expect(await noToken.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('reads a refused body through, so the connection serves the next request', async () => {
    const { port } = await start({ ingestToken: 'secret' });
    for (const head of ['POST /nope', 'PUT /v1/events', 'POST /v1/events']) {
      const size = 2 * 1024 * 1024;
      const answer = await rawUpload(
        port,
        `${head} HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`,
        size,
        'GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
      expect(statuses).toEqual([head === 'POST /nope' ? 404 : head === 'PUT /v1/events' ? 405 : 401, 200]);
    }
  });

  it('answers HEAD /v1/health like GET, without a body', async () => {
    const { url, port } = await start();
    const head = await fetch(`${url}/v1/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await head.text()).toBe('');
    const rawHead = await raw(port, 'HEAD /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(rawHead.status).toBe(200);
    expect(rawHead.body).toBe('');
  });

  it('answers pipelined requests one at a time, in order, and closes a connection that piles up more than 16', async () => {
    let active = 0;
    let most = 0;
    let calls = 0;
    const { port } = await start({
      metrics: async () => {
        calls++;
        most = Math.max(most, ++active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return new Response(`n ${calls}\n`, { headers: { 'content-type': 'text/plain' } });
      },
    });
    const ten = await raw(port, 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(10), 1500);
    const text = `${ten.head}\r\n\r\n${ten.body}`;
    expect([...text.matchAll(/HTTP\/1\.1 200/g)]).toHaveLength(10);
    expect([...text.matchAll(/^n (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(most).toBe(1);
    calls = 0;
    const piled = await raw(port, 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(40), 3000);
    expect(calls).toBeLessThanOrEqual(17); // the one answered, the 16 waiting; then the connection was cut
    expect(most).toBe(1);
    expect(piled.status === 0 || piled.status === 200).toBe(true);
  });

  it('closes a connection that sends no request head in time, and holds one address to its connections', async () => {
    const server = await listenCollector(
      async () => new Response('ok'),
      0,
      '127.0.0.1',
      () => undefined,
      {
        bodyTimeoutMs: 1000,
        headersTimeoutMs: 1500,
        maxConnectionsPerAddress: 3,
      },
    );
    try {
      const open = () =>
        new Promise<{ socket: Socket; closed: Promise<number> }>((resolve) => {
          const started = performance.now();
          const socket = connect(server.port, '127.0.0.1', () => resolve({ socket, closed }));
          const closed = new Promise<number>((done) => socket.on('close', () => done(performance.now() - started)));
          socket.on('error', () => undefined);
        });
      const idle = await Promise.all([open(), open(), open(), open(), open()]);
      const closedAfter = await Promise.all(idle.map((c) => c.closed));
      // two over the bound at once, the three others for sending nothing within 1.5 s
      expect(closedAfter.filter((ms) => ms < 1000)).toHaveLength(2);
      expect(closedAfter.filter((ms) => ms >= 1400 && ms < 5000)).toHaveLength(3);
      // their slots are free again, and a connection that sends a request is kept
      const answer = await raw(server.port, 'GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(answer.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
