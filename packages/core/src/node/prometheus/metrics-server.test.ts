import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { counter } from '../../metrics/definitions.js';
import { serveMetrics } from './metrics-server.js';
import { toNodeHandler } from './node-adapter.js';
import { prometheusReporter } from './prometheus-reporter.js';

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (d) => {
      got += d.toString();
    });
    socket.on('close', () => resolve(got));
    socket.setTimeout(2000, () => socket.destroy());
  });
}

describe('metrics server', () => {
  it('closes with the reporter at t.shutdown()', async () => {
    const t = createTelemetry();
    const server = await serveMetrics(prometheusReporter(t, [counter('a.b.count')]), { port: 0 });
    expect((await fetch(server.url)).status).toBe(200);
    await t.shutdown();
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('answers a request with a body without waiting for the body', async () => {
    const t = createTelemetry();
    const server = await serveMetrics(prometheusReporter(t, [counter('a.b.count')]), { port: 0 });
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = request(
          {
            port: server.port,
            host: '127.0.0.1',
            path: '/metrics',
            method: 'POST',
            headers: { 'transfer-encoding': 'chunked' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode);
            req.destroy();
          },
        );
        req.on('error', reject);
        req.write('x'.repeat(1000)); // the body never ends
        setTimeout(() => resolve(undefined), 1500);
      });
      expect(status).toBe(405);
    } finally {
      await t.shutdown();
    }
  });

  it('answers 400 to a Host header that makes no URL', async () => {
    const t = createTelemetry();
    const server = await serveMetrics(prometheusReporter(t, [counter('a.b.count')]), { port: 0 });
    try {
      const reply = await rawRequest(server.port, 'GET /metrics HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n');
      expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    } finally {
      await t.shutdown();
    }
  });

  it('answers pipelined scrapes on one connection one at a time', async () => {
    let active = 0;
    let most = 0;
    const handle = toNodeHandler(async () => {
      most = Math.max(most, ++active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return new Response('ok\n');
    });
    const server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const text = await rawRequest(port, 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(8));
      expect([...text.matchAll(/HTTP\/1\.1 200/g)]).toHaveLength(8);
      expect(most).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
