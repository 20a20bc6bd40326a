import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import type { EventBatch, EventRecord, IngestResponse } from '../../export/record.js';
import { uuidv7 } from '../../id/uuidv7.js';
import { captureEvents } from '../../testing/capture-events.js';
import { type Collector, createCollector } from './collector.js';
import type { CollectorOptions } from './options.js';

const INGEST = 'ingest-secret';
const running: Collector[] = [];

async function start(options: CollectorOptions = {}) {
  const telemetry = createTelemetry();
  const collector = createCollector({ telemetry, ingestToken: INGEST, node: 'test-node', ...options });
  running.push(collector);
  const { url } = await collector.listen(0, '127.0.0.1');
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { telemetry, collector, url, post };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.close()));
});

function record(name: string, extra: Partial<EventRecord> = {}): EventRecord {
  return { id: uuidv7(), name, time: Date.now(), measurements: { duration: 1 }, metadata: {}, ...extra };
}

function batch(events: unknown[], clientId = 'client-1'): EventBatch {
  return { clientId, sessionId: 'session-1', events: events as EventRecord[] };
}

describe('POST /v1/events', () => {
  it('answers 401 without a token and 403 with a wrong one, emitting nothing', async () => {
    const { telemetry, url, post } = await start();
    const capture = captureEvents(telemetry, 'checkout.**');
    const missing = await fetch(`${url}/v1/events`, {
      method: 'POST',
      body: JSON.stringify(batch([record('checkout.a')])),
    });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await post(batch([record('checkout.a')]), { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect(capture.events).toHaveLength(0);
  });

  it('answers 400 with a code for malformed JSON and for a bad envelope', async () => {
    const { post } = await start();
    const malformed = await post('{"clientId": "c", "events": [');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'malformed_json' } });
    const noEvents = await post({ clientId: 'c', events: 'nope' });
    expect(noEvents.status).toBe(400);
    expect(await noEvents.json()).toMatchObject({ error: { code: 'invalid_batch' } });
    const noClient = await post({ events: [] });
    expect(await noClient.json()).toMatchObject({ error: { code: 'invalid_batch' } });
  });

  it('answers 413 for a body over the limit, declared or streamed, and for too many events', async () => {
    const { url, post } = await start({ maxBodyBytes: 2048, maxEventsPerBatch: 3, rateLimit: false });
    const big = JSON.stringify(batch([record('a.b', { metadata: { blob: 'x'.repeat(4096) } })]));
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: 'body_too_large' } });
    // no Content-Length: the limit is enforced while reading the stream
    const chunks = new TextEncoder().encode(big);
    const streamed = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST}` },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < chunks.length; i += 512) controller.enqueue(chunks.slice(i, i + 512));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    // a large streamed body is refused without the collector reading it all
    const huge = new Uint8Array(64 * 1024).fill(32);
    let sentChunks = 0;
    const endless = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST}` },
      body: new ReadableStream({
        pull(controller) {
          if (++sentChunks > 256)
            controller.close(); // 16 MiB at most
          else controller.enqueue(huge);
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(endless.status).toBe(413);
    await new Promise((r) => setTimeout(r, 200));
    expect(sentChunks).toBeLessThan(257); // the upload was cut short, not read to the end
    const many = await post(batch([record('a.b'), record('a.b'), record('a.b'), record('a.b')]));
    expect(many.status).toBe(413);
    expect(await many.json()).toMatchObject({ error: { code: 'too_many_events' } });
  });

  it('keeps the valid events of a partly bad batch and says why each other was refused', async () => {
    const { telemetry, post, collector } = await start();
    const capture = captureEvents(telemetry, 'shop.**');
    const good = record('shop.cart.add');
    const res = await post(
      batch([
        good,
        record('bad..name'),
        record('shop.x', { measurements: { n: 'seven' as unknown as number } }),
        { name: 'shop.no.id', time: 1, measurements: {} },
        record('shop.y', { time: Number.NaN }),
        42,
      ]),
    );
    expect(res.status).toBe(200);
    const answer = (await res.json()) as IngestResponse;
    expect(answer.accepted).toBe(1);
    expect(answer.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'invalid_name'],
      [2, 'invalid_measurements'],
      [3, 'invalid_id'],
      [4, 'invalid_time'],
      [5, 'invalid_record'],
    ]);
    expect(answer.rejected[0]?.message).toMatch(/segments/);
    expect(capture.names).toEqual(['shop.cart.add']);
    expect(collector.stats().rejected).toMatchObject({ invalid_name: 1, invalid_measurements: 1 });
  });

  it('answers 422 when every event of the batch is refused', async () => {
    const { post, collector } = await start();
    const bad = await post(batch([record('a..b'), { id: 'x', name: 'ok.name', time: 'yesterday' }]));
    expect(bad.status).toBe(422);
    const answer = (await bad.json()) as IngestResponse;
    expect(answer.accepted).toBe(0);
    expect(answer.rejected).toHaveLength(2);
    expect(collector.stats().responses['422']).toBe(1);
  });

  it('re-emits accepted events with remote metadata, keeping the record correlation and span ids', async () => {
    const { telemetry, post } = await start({ node: 'edge-1' });
    const capture = captureEvents(telemetry, 'checkout.**');
    const event = record('checkout.payment.stop', {
      measurements: { duration: 12.5 },
      metadata: { orderId: 'o-1', remote: false, node: 'spoofed' },
      correlationId: 'corr-1',
      spanId: 'span-1',
      parentSpanId: 'span-0',
      sessionId: 'old-session',
    });
    const res = await post({ ...batch([event]), resource: { service: 'shop-web', orderId: 'ignored' } });
    expect(res.status).toBe(200);
    const [seen] = capture.events;
    expect(seen?.measurements).toEqual({ duration: 12.5 });
    expect(seen?.metadata).toEqual({
      service: 'shop-web',
      orderId: 'o-1',
      remote: true,
      node: 'edge-1',
      clientId: 'client-1',
      sessionId: 'old-session',
      eventId: event.id,
      time: event.time,
      correlationId: 'corr-1',
      spanId: 'span-1',
      parentSpanId: 'span-0',
    });
  });

  it('stores a batch sent twice once, and a repeated id within one batch once', async () => {
    const { telemetry, post, collector } = await start();
    const capture = captureEvents(telemetry, 'tab.**');
    const events = [record('tab.a'), record('tab.b')];
    const first = (await (await post(batch(events))).json()) as IngestResponse;
    const second = (await (await post(batch(events))).json()) as IngestResponse;
    expect(first).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(second).toMatchObject({ accepted: 0, duplicates: 2 });
    const inner = record('tab.c');
    const third = (await (await post(batch([inner, inner]))).json()) as IngestResponse;
    expect(third).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(capture.names).toEqual(['tab.a', 'tab.b', 'tab.c']);
    expect(collector.stats()).toMatchObject({ accepted: 3, duplicates: 3 });
  });

  it('answers 429 with Retry-After when a client is over its rate, other clients unaffected', async () => {
    const { post } = await start({ rateLimit: { eventsPerSecond: 0.5, burst: 5 }, maxEventsPerBatch: 5 });
    const five = () => [1, 2, 3, 4, 5].map(() => record('r.x'));
    expect((await post(batch(five(), 'greedy'))).status).toBe(200);
    const limited = await post(batch(five(), 'greedy'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(2);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await post(batch(five(), 'polite'))).status).toBe(200);
  });

  it('drops prototype-polluting keys instead of letting them through', async () => {
    const { telemetry, post } = await start();
    const capture = captureEvents(telemetry, 'p.**');
    const body = `{"clientId":"c","events":[{"id":"i1","name":"p.q","time":${Date.now()},"measurements":{"__proto__":1,"n":2},"metadata":{"__proto__":{"polluted":true},"constructor":1,"ok":1}}]}`;
    const res = await post(body);
    expect(res.status).toBe(200);
    const [seen] = capture.events;
    expect(Object.keys(seen?.measurements ?? {})).toEqual(['n']);
    expect(Object.hasOwn(seen?.metadata ?? {}, '__proto__')).toBe(false);
    expect(Object.hasOwn(seen?.metadata ?? {}, 'constructor')).toBe(false);
    expect(seen?.metadata.ok).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports its own ingest as isotel.collector events on the same bus', async () => {
    const { telemetry, post } = await start();
    const capture = captureEvents(telemetry, 'isotel.collector.**');
    await post(batch([record('a.b'), record('a..b')]));
    await post(batch([]), { authorization: 'Bearer wrong' });
    expect(capture.events.map((e) => [e.name, e.measurements])).toEqual([
      ['isotel.collector.ingest', expect.objectContaining({ events: 2, accepted: 1, rejected: 1, duplicates: 0 })],
      ['isotel.collector.refused', { count: 1 }],
    ]);
  });
});
