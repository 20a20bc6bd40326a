import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { uuidv7 } from '../../id/uuidv7.js';
import { logger, setLogger } from '../../log/logger.js';
import { captureEvents } from '../../testing/capture-events.js';
import { startCollector, until } from './collector.test-kit.js';

const start = startCollector;

function batchBody(names: string[]): string {
  const events = names.map((name) => ({ id: uuidv7(), name, time: Date.now(), measurements: {}, metadata: {} }));
  return JSON.stringify({ clientId: 'c', events });
}

describe('CORS', () => {
  it('answers the preflight of a listed origin and refuses others', async () => {
    const { url } = await start({ corsOrigins: ['https://shop.example'] });
    const ok = await fetch(`${url}/v1/events`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    const denied = await fetch(`${url}/v1/events`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sets Access-Control-Allow-Origin only for listed origins, on success and on errors', async () => {
    const { url } = await start({ corsOrigins: ['https://shop.example'] });
    const post = (origin: string, body: string) =>
      fetch(`${url}/v1/events`, { method: 'POST', headers: { origin }, body });
    const listed = await post('https://shop.example', batchBody(['a.b']));
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(listed.headers.get('vary')).toContain('Origin');
    const listedError = await post('https://shop.example', '{');
    expect(listedError.status).toBe(400);
    expect(listedError.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const other = await post('https://evil.example', batchBody(['a.b']));
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS-simple posts', () => {
  const body = () => JSON.stringify({ clientId: 'page', events: [] });
  const post = (headers: Record<string, string>) =>
    new Request('http://collector.example:4318/v1/events?token=t', { method: 'POST', body: body(), headers });

  it('refuses a request a foreign page could send without a preflight, and takes the allowed and same-origin ones', async () => {
    const { collector } = await startCollector({ ingestToken: 't', corsOrigins: ['https://shop.example'] });
    const status = async (headers: Record<string, string>) => (await collector.handler(post(headers))).status;
    const foreign = { origin: 'https://evil.example', host: 'collector.example:4318' };
    expect(await status({ ...foreign, 'content-type': 'text/plain;charset=UTF-8' })).toBe(403);
    expect(await status({ ...foreign, 'content-type': 'application/x-www-form-urlencoded' })).toBe(403);
    expect(await status({ ...foreign, 'content-type': 'multipart/form-data; boundary=x' })).toBe(403);
    expect(await status(foreign)).toBe(403); // no Content-Type is CORS-simple too
    expect(await status({ origin: 'null', 'content-type': 'text/plain' })).toBe(403);
    // allowed, same origin, preflighted, or not from a page at all
    expect(await status({ origin: 'https://shop.example', 'content-type': 'text/plain' })).toBe(200);
    expect(await status({ origin: 'http://collector.example:4318', host: 'collector.example:4318' })).toBe(200);
    expect(await status({ ...foreign, 'sec-fetch-site': 'same-origin', 'content-type': 'text/plain' })).toBe(200);
    expect(await status({ ...foreign, 'content-type': 'application/json' })).toBe(200);
    expect(await status({ 'content-type': 'text/plain' })).toBe(200);
    const refused = await collector.handler(post({ ...foreign, 'content-type': 'text/plain' }));
    expect(await refused.json()).toMatchObject({ error: { code: 'origin_not_allowed' } });
    expect(collector.stats().accepted).toBe(0);
  });
});

describe('graceful shutdown', () => {
  it('finishes and re-emits a batch already being received, then answers 503 and ends streams', async () => {
    const { telemetry, collector, url, port } = await start();
    const capture = captureEvents(telemetry, 'late.**');
    const stream = await fetch(`${url}/v1/stream`);
    const streamText = stream.text();

    // a request whose body is still arriving when shutdown starts
    const body = batchBody(['late.arrival']);
    const half = Math.floor(body.length / 2);
    let finishUpload = () => {};
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/v1/events', method: 'POST', headers: { 'content-length': body.length } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, half));
      finishUpload = () => req.end(body.slice(half));
    });
    await until(() => collector.stats().inFlight === 1);

    const closed = collector.close();
    const refused = await collector.handler(
      new Request(`${url}/v1/events`, { method: 'POST', body: batchBody(['x.y']) }),
    );
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(collector.stats().inFlight).toBe(1); // shutdown is waiting for it

    finishUpload();
    const late = await answer;
    expect(late.status).toBe(200);
    expect(JSON.parse(late.text)).toMatchObject({ accepted: 1 });
    expect(capture.names).toEqual(['late.arrival']);
    await closed;
    expect(await streamText).toContain('event: shutdown');
    expect(collector.stats().draining).toBe(true);
    await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
    await expect(collector.listen(0)).rejects.toMatchObject({ code: 'shutdown' });
  });

  it('stops waiting for an upload that never ends after the drain timeout', async () => {
    const { collector, port } = await start({ drainTimeoutMs: 200 });
    const previous = logger();
    const warnings: string[] = [];
    setLogger({ warn: (message) => warnings.push(message), error: () => undefined });
    const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/events', method: 'POST' });
    req.on('error', () => undefined); // the connection is cut at close
    req.write('{"clientId":"c","events":[');
    await until(() => collector.stats().inFlight === 1);
    const started = Date.now();
    await collector.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(5000);
    setLogger(previous);
    expect(warnings).toEqual([expect.stringMatching(/1 request\(s\) still in progress after the drain timeout/)]);
    req.destroy();
  });

  it('closes with the bus: telemetry.shutdown() drains the collector', async () => {
    const { telemetry, collector } = await start();
    await telemetry.shutdown();
    expect(collector.stats().draining).toBe(true);
  });

  it('drains into reporters that close with the same bus: what it accepted reaches them', async () => {
    const telemetry = createTelemetry();
    // a reporter made before the collector: closing it detaches its handler
    const reported: string[] = [];
    telemetry.attach('reporter', 'late.**', (name) => reported.push(name));
    telemetry.onShutdown(() => telemetry.detach('reporter'));
    const { collector, port } = await startCollector({ telemetry });
    const body = batchBody(['late.one', 'late.two']);
    let finishUpload = () => {};
    const answer = new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/v1/events', method: 'POST', headers: { 'content-length': body.length } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      finishUpload = () => req.end(body.slice(10));
    });
    await until(() => collector.stats().inFlight === 1);
    const closed = telemetry.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 50));
    finishUpload();
    expect(await answer).toBe(200);
    await closed;
    expect(reported).toEqual(['late.one', 'late.two']);
  });
});
