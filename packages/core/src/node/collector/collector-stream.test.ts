import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { DEFAULT_CONTROL } from '../../control/control-state.js';
import type { IngestResponse } from '../../export/record.js';
import { uuidv7 } from '../../id/uuidv7.js';
import { type Collector, createCollector } from './collector.js';
import { until as waitFor } from './collector.test-kit.js';
import type { CollectorOptions } from './options.js';

const INGEST = 'ingest-secret';
const ADMIN = 'admin-secret';
const running: Collector[] = [];
const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];

afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.cancel().catch(() => undefined)));
  await Promise.all(running.splice(0).map((c) => c.close()));
});

async function start(options: CollectorOptions = {}) {
  const telemetry = createTelemetry();
  const collector = createCollector({ telemetry, ingestToken: INGEST, adminToken: ADMIN, ...options });
  running.push(collector);
  const { url } = await collector.listen(0, '127.0.0.1');
  return { telemetry, collector, url };
}

interface SseMessage {
  readonly event: string;
  readonly data: unknown;
}

/** Reads Server-Sent Events from a fetch response body, one message at a time. */
function sse(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  readers.push(reader);
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (): Promise<SseMessage | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        if (event === undefined || data === undefined) continue; // comments, retry hints
        return { event, data: JSON.parse(data) };
      }
      const { done, value } = await reader.read();
      if (done) return undefined;
      buffer += decoder.decode(value, { stream: true });
    }
  };
  const until = async (event: string): Promise<SseMessage> => {
    for (;;) {
      const message = await next();
      if (message === undefined) throw new Error(`stream ended before an "${event}" message`);
      if (message.event === event) return message;
    }
  };
  return { next, until };
}

function ingest(url: string, clientId: string, names: string[]) {
  const events = names.map((name) => ({ id: uuidv7(), name, time: Date.now(), measurements: { n: 1 }, metadata: {} }));
  return fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${INGEST}` },
    body: JSON.stringify({ clientId, events }),
  });
}

const admin = { authorization: `Bearer ${ADMIN}` };

describe('GET /v1/stream', () => {
  it('delivers the live events matching its pattern as Server-Sent Events', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/v1/stream?pattern=checkout.**`, { headers: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = sse(res);
    expect((await stream.next())?.event).toBe('control');
    await ingest(url, 'c1', ['cart.add', 'checkout.payment.stop']);
    const message = await stream.until('event');
    expect(message.data).toMatchObject({
      name: 'checkout.payment.stop',
      measurements: { n: 1 },
      metadata: { remote: true, clientId: 'c1' },
    });
  });

  it('streams local server events too, with Errors, BigInts and cycles in their metadata made safe', async () => {
    const { url, telemetry } = await start();
    const stream = sse(await fetch(`${url}/v1/stream?pattern=server.**`, { headers: admin }));
    await stream.until('control');
    const cyclic: Record<string, unknown> = { big: 10n };
    cyclic.self = cyclic;
    telemetry.emit('server.job.exception', { duration: 5 }, { error: new Error('disk full'), cyclic });
    const message = await stream.until('event');
    expect(message.data).toMatchObject({
      name: 'server.job.exception',
      measurements: { duration: 5 },
      metadata: { error: { name: 'Error', message: 'disk full' }, cyclic: { big: '10', self: '[Circular]' } },
    });
  });

  it('takes the token as a query parameter for EventSource and refuses a missing or wrong one', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/v1/stream`)).status).toBe(401);
    expect((await fetch(`${url}/v1/stream?token=nope`)).status).toBe(403);
    const ok = await fetch(`${url}/v1/stream?token=${ADMIN}`);
    expect(ok.status).toBe(200);
    sse(ok);
    expect((await fetch(`${url}/v1/stream?pattern=a..b`, { headers: admin })).status).toBe(400);
  });

  it('keeps an idle stream alive with heartbeat comments', async () => {
    const { url } = await start({ stream: { heartbeatMs: 20 } });
    const res = await fetch(`${url}/v1/stream`, { headers: admin });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    readers.push(reader);
    let text = '';
    while (!text.includes(': heartbeat')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: control');
  });

  it('drops a reader that falls behind its buffer and counts it', async () => {
    const { url, collector, telemetry } = await start({ stream: { bufferedMessages: 8 } });
    const res = await fetch(`${url}/v1/stream?pattern=flood.**`, { headers: admin });
    sse(res); // never read
    await new Promise((r) => setTimeout(r, 50));
    // far more than socket buffers and the 8-message queue can hold
    const payload = { blob: 'x'.repeat(16 * 1024) };
    for (let i = 0; i < 2000 && collector.stats().streams.droppedSlow === 0; i++) {
      telemetry.emit('flood.event', { i }, payload);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(collector.stats().streams.droppedSlow).toBe(1);
    expect(collector.stats().streams.open).toBe(0);
  });
});

describe('control', () => {
  it('round-trips: a PUT for one client reaches its next ingest response and its stream', async () => {
    const { url } = await start();
    // nobody set a control yet: the answer carries none, so the client keeps its own
    const before = (await (await ingest(url, 'tab-7', ['a.b'])).json()) as IngestResponse;
    expect(before.control).toBeUndefined();

    const clientStream = await fetch(`${url}/v1/stream?clientId=tab-7`, {
      headers: { authorization: `Bearer ${INGEST}` },
    });
    expect(clientStream.status).toBe(200);
    const stream = sse(clientStream);

    // the stream sends no control before one is set: the first it carries is the PUT's
    const control = { enabled: true, sampleRate: 0.25, rules: [], allow: [], deny: ['debug.**'] };
    const put = await fetch(`${url}/v1/control/tab-7`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify(control),
    });
    expect(put.status).toBe(200);
    expect((await stream.until('control')).data).toMatchObject({ sampleRate: 0.25, deny: ['debug.**'] });

    const after = (await (await ingest(url, 'tab-7', ['a.c'])).json()) as IngestResponse;
    expect(after.control).toMatchObject({ sampleRate: 0.25 });
    const other = (await (await ingest(url, 'tab-8', ['a.c'])).json()) as IngestResponse;
    expect(other.control).toBeUndefined();

    const got = await fetch(`${url}/v1/control/tab-7`, { headers: admin });
    expect(await got.json()).toMatchObject({ clientId: 'tab-7', control: { sampleRate: 0.25 } });
  });

  it('sets control from server code as the admin route does', async () => {
    const { url, collector } = await start();
    const stream = sse(
      await fetch(`${url}/v1/stream?clientId=tab-3`, { headers: { authorization: `Bearer ${INGEST}` } }),
    );
    // the client is registered once the answer's headers arrive; no control was set, so none came
    collector.setControl({ sampleRate: 0.5 }, 'tab-3');
    expect((await stream.until('control')).data).toMatchObject({ sampleRate: 0.5 });
    expect(collector.getControl('tab-3').sampleRate).toBe(0.5);
    expect(collector.getControl()).toEqual(DEFAULT_CONTROL);
    expect(() => collector.setControl({ sampleRate: -1 })).toThrow(
      expect.objectContaining({ code: 'invalid_control' }),
    );
    expect(collector.getControl()).toEqual(DEFAULT_CONTROL);
  });

  it("counts clients' control streams apart, so browsers cannot take the admin's slots", async () => {
    const { url, collector } = await start({
      stream: { maxClients: 1, maxControlStreams: 2, maxControlStreamsPerAddress: 2 },
    });
    const ingestToken = { authorization: `Bearer ${INGEST}` };
    const control = (id: string) => fetch(`${url}/v1/stream?clientId=${id}`, { headers: ingestToken });
    const first = await control('tab-1');
    const second = await control('tab-2');
    expect([first.status, second.status]).toEqual([200, 200]);
    sse(first);
    sse(second);
    const third = await control('tab-3');
    expect(third.status).toBe(503);
    expect(await third.json()).toMatchObject({ error: { code: 'too_many_streams' } });
    // the admin's slot is still free, and taking it leaves the clients' budget as it was
    const reader = await fetch(`${url}/v1/stream`, { headers: admin });
    expect(reader.status).toBe(200);
    sse(reader);
    expect((await fetch(`${url}/v1/stream`, { headers: admin })).status).toBe(503);
    expect(collector.stats().streams.open).toBe(3);
  });

  it('holds one address to its share of control streams, and gives a slot back when a stream ends', async () => {
    const { url, collector } = await start({ stream: { maxControlStreams: 10, maxControlStreamsPerAddress: 2 } });
    const control = (id: string) =>
      fetch(`${url}/v1/stream?clientId=${id}`, { headers: { authorization: `Bearer ${INGEST}` } });
    const first = await control('tab-1');
    const second = await control('tab-2');
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await control('tab-3');
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({
      error: { code: 'too_many_streams', message: 'Address 127.0.0.1 has too many control streams open.' },
    });
    await first.body?.cancel();
    await waitFor(() => collector.stats().streams.open === 1);
    const again = await control('tab-4');
    expect(again.status).toBe(200);
    sse(second);
    sse(again);
  });

  it('pushes a global change to streams of clients without their own control', async () => {
    const { url } = await start();
    const stream = sse(
      await fetch(`${url}/v1/stream?clientId=plain`, { headers: { authorization: `Bearer ${INGEST}` } }),
    );
    const put = await fetch(`${url}/v1/control`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ enabled: false, sampleRate: 1 }),
    });
    expect(put.status).toBe(200);
    expect((await stream.until('control')).data).toMatchObject({ enabled: false });
  });

  it('rejects invalid control with 400 and its code, keeping the previous control', async () => {
    const { url } = await start();
    const bad = await fetch(`${url}/v1/control`, { method: 'PUT', headers: admin, body: '"off"' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_control' } });
    const badRate = await fetch(`${url}/v1/control/tab-1`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ sampleRate: 2 }),
    });
    expect(badRate.status).toBe(400);
    expect(await badRate.json()).toMatchObject({ error: { code: 'invalid_control', message: /sampleRate/ } });
    const badPattern = await fetch(`${url}/v1/control`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ deny: ['a..b'] }),
    });
    expect(badPattern.status).toBe(400);
    const malformed = await fetch(`${url}/v1/control`, { method: 'PUT', headers: admin, body: '{' });
    expect(malformed.status).toBe(400);
    const current = await fetch(`${url}/v1/control`, { headers: admin });
    expect(await current.json()).toEqual({ control: DEFAULT_CONTROL });
    const client = await fetch(`${url}/v1/control/tab-1`, { headers: admin });
    expect(await client.json()).toEqual({ clientId: 'tab-1', control: DEFAULT_CONTROL });
  });

  it('forgets a client control on DELETE, falling back to the global one', async () => {
    const { url } = await start();
    await fetch(`${url}/v1/control/tab-9`, { method: 'PUT', headers: admin, body: JSON.stringify({ enabled: false }) });
    const removed = await fetch(`${url}/v1/control/tab-9`, { method: 'DELETE', headers: admin });
    expect(await removed.json()).toEqual({ clientId: 'tab-9', control: DEFAULT_CONTROL });
    const answer = (await (await ingest(url, 'tab-9', ['a.b'])).json()) as IngestResponse;
    expect(answer.control).toEqual(DEFAULT_CONTROL);
  });

  it('answers 404 for unknown routes and 405 with Allow for wrong methods', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/v2/events`, { headers: admin })).status).toBe(404);
    const get = await fetch(`${url}/v1/events`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const post = await fetch(`${url}/v1/stats`, { method: 'POST', headers: admin, body: '{}' });
    expect(post.status).toBe(405);
  });

  it('guards control, handlers and stats with the admin token', async () => {
    const { url } = await start();
    for (const path of ['/v1/control', '/v1/control/x', '/v1/handlers', '/v1/stats']) {
      expect((await fetch(url + path)).status).toBe(401);
      expect((await fetch(url + path, { headers: { authorization: `Bearer ${INGEST}` } })).status).toBe(403);
      expect((await fetch(url + path, { headers: admin })).status).toBe(200);
    }
  });

  it('lists the server bus handlers and the collector stats', async () => {
    const { url, telemetry } = await start();
    telemetry.attach('orders-log', 'orders.**', () => undefined);
    await ingest(url, 'c', ['orders.created']);
    const handlers = (await (await fetch(`${url}/v1/handlers`, { headers: admin })).json()) as {
      handlers: { id: string; calls: number }[];
    };
    expect(handlers.handlers.find((h) => h.id === 'orders-log')).toMatchObject({ calls: 1 });
    const stats = await (await fetch(`${url}/v1/stats`, { headers: admin })).json();
    expect(stats).toMatchObject({ batches: 1, accepted: 1, dedupe: { size: 1, capacity: 100_000 } });
  });
});
