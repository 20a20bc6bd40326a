import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { postBatch } from '../../browser/transport.js';
import { uuidv7 } from '../../id/uuidv7.js';
import { captureEvents } from '../../testing/capture-events.js';
import { startCollector, until } from './collector.test-kit.js';
import type { CollectorOptions } from './options.js';

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

const start = (options: CollectorOptions = {}) => startCollector({ node: 'limits', ...options });

/** An ingest upload that declares `declared` bytes and sends only `sent` of them, then stalls. */
function stalledUpload(port: number, declared: number, sent: string) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(`POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: ${declared}\r\n\r\n${sent}`);
  return {
    socket,
    closed,
    get status() {
      return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
    },
    get body() {
      return text.slice(text.indexOf('\r\n\r\n') + 4);
    },
  };
}

function batchBody(clientId = 'c'): string {
  return JSON.stringify({
    clientId,
    events: [{ id: uuidv7(), name: 'up.load', time: Date.now(), measurements: { n: 1 }, metadata: {} }],
  });
}

const post = (url: string, body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/events`, { method: 'POST', body, headers });

describe('slow and concurrent uploads', () => {
  it('answers 408 body_timeout to an upload that stalls, and lets the connection go', async () => {
    const { collector, port } = await start({ bodyTimeoutMs: 300 });
    const started = Date.now();
    const upload = stalledUpload(port, 1000, '{"clientId":');
    await Promise.race([upload.closed, new Promise((r) => setTimeout(r, 3000))]);
    expect(upload.status).toBe(408);
    expect(JSON.parse(upload.body)).toMatchObject({ error: { code: 'body_timeout' } });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(upload.socket.destroyed).toBe(true);
    expect(collector.stats().inFlight).toBe(0);
    expect(collector.stats().responses['408']).toBe(1);
  });

  it('refuses uploads past the concurrent body budget with 503 and Retry-After, then admits again', async () => {
    const { collector, url, port } = await start({
      maxBodyBytes: 1000,
      maxConcurrentBodyBytes: 2000,
      maxBodyBytesPerAddress: 2000,
      bodyTimeoutMs: 10_000,
    });
    const stalled = [stalledUpload(port, 1000, '{'), stalledUpload(port, 1000, '{')];
    await until(() => collector.stats().inFlight === 2);
    const refused = await post(url, batchBody(), { 'content-type': 'application/json' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: { code: 'overloaded' } });
    expect(collector.stats().rejected).toEqual({});
    for (const upload of stalled) upload.socket.destroy();
    await until(() => collector.stats().inFlight === 0);
    const admitted = await post(url, batchBody(), { 'content-type': 'application/json' });
    expect(admitted.status).toBe(200);
  });

  it('counts an upload cut short by the client as aborted, not as a UTF-8 problem', async () => {
    const { telemetry, collector, port } = await start();
    const refused = captureEvents(telemetry, 'isotel.collector.refused');
    const upload = stalledUpload(port, 1000, '{"clientId":"c"');
    await until(() => collector.stats().inFlight === 1);
    upload.socket.destroy();
    await until(() => refused.events.length === 1);
    expect(refused.events[0]?.metadata).toMatchObject({ reason: 'aborted' });
    await until(() => collector.stats().inFlight === 0);
  });
});

describe('what the body is said to be', () => {
  it('refuses a Content-Encoding it does not decode with 415 unsupported_encoding', async () => {
    const { telemetry, url } = await start();
    const capture = captureEvents(telemetry, 'up.**');
    const gzip = await post(url, gzipSync(batchBody()), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(gzip.status).toBe(415);
    expect(await gzip.json()).toMatchObject({ error: { code: 'unsupported_encoding' } });
    const brotliLabel = await post(url, batchBody(), { 'content-type': 'application/json', 'content-encoding': 'br' });
    expect(brotliLabel.status).toBe(415);
    expect(capture.events).toHaveLength(0);
    const identity = await post(url, batchBody(), {
      'content-type': 'application/json',
      'content-encoding': 'identity',
    });
    expect(identity.status).toBe(200);
  });

  it('refuses a media type that is not JSON with 415, and takes what the browser exporter sends', async () => {
    const { telemetry, url } = await start({ ingestToken: 'secret' });
    const auth = { authorization: 'Bearer secret' };
    const capture = captureEvents(telemetry, 'up.**');
    const xml = await post(url, batchBody(), { ...auth, 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
    expect(await xml.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    const form = await post(url, batchBody(), { ...auth, 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(capture.events).toHaveLength(0);
    for (const type of ['application/json', 'application/json; charset=utf-8', 'text/plain;charset=UTF-8']) {
      expect((await post(url, batchBody(), { ...auth, 'content-type': type })).status).toBe(200);
    }
    expect((await post(url, new TextEncoder().encode(batchBody()), auth)).status).toBe(200); // no type at all
    // the transport's own requests: application/json, and text/plain + ?token= for keepalive
    const target = { url: `${url}/v1/events`, token: 'secret', fetch };
    for (const keepalive of [false, true]) {
      const outcome = await postBatch(target, batchBody(), keepalive, Date.now);
      expect(outcome).toMatchObject({ kind: 'acknowledged', response: { accepted: 1 } });
    }
    expect(capture.events).toHaveLength(6);
  });
});

describe('codes of refused bodies and ids', () => {
  it('names an oversized control body body_too_large, as ingest does', async () => {
    const { url } = await start();
    const big = JSON.stringify({ deny: Array.from({ length: 20_000 }, (_, i) => `x${i}`) });
    const res = await fetch(`${url}/v1/control`, { method: 'PUT', body: big });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'body_too_large', message: /65536 bytes/ } });
  });

  it('says a client id is too long rather than badly encoded', async () => {
    const { url } = await start();
    const long = await fetch(`${url}/v1/control/${'x'.repeat(129)}`);
    expect(long.status).toBe(400);
    const longError = ((await long.json()) as { error: { code: string; message: string } }).error;
    expect(longError.code).toBe('invalid_client_id');
    expect(longError.message).toMatch(/128 characters/);
    expect(longError.message).not.toMatch(/encoding/);
    const badEncoding = await fetch(`${url}/v1/control/%E0%A4%A`);
    expect(await badEncoding.json()).toMatchObject({ error: { message: /URL encoding/ } });
  });
});
