import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResponse } from '../../../export/record.js';
import { uuidv7 } from '../../../id/uuidv7.js';
import { startCollector, until } from '../collector.test-kit.js';
import type { CollectorOptions } from '../options.js';
import { hasRedis, RedisServer } from './redis-server.test-kit.js';
import { redisStore } from './redis-store.js';

const ADMIN = 'admin-secret';
const admin = { authorization: `Bearer ${ADMIN}` };
let redis: RedisServer;

beforeAll(async () => {
  if (hasRedis) redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.dispose();
});

// two collectors in this process sharing one Redis, under a prefix of their own per test
async function pair(options: CollectorOptions = {}) {
  const prefix = `t${uuidv7()}:`;
  const make = async (node: string) => {
    const started = await startCollector({
      adminToken: ADMIN,
      node,
      store: redisStore({ url: redis.url, prefix }),
      ...options,
    });
    await until(() => started.collector.stats().store.status === 'up');
    return started;
  };
  return { a: await make('a'), b: await make('b'), prefix };
}

function event(id = uuidv7()) {
  return { id, name: 'cart.add', time: Date.now(), measurements: { n: 1 } };
}

async function post(
  url: string,
  clientId: string,
  events: unknown[],
): Promise<{ status: number; body: IngestResponse }> {
  const res = await fetch(`${url}/v1/events`, { method: 'POST', body: JSON.stringify({ clientId, events }) });
  return { status: res.status, body: (await res.json()) as IngestResponse };
}

function counted(telemetry: { attach: (id: string, pattern: string, fn: () => void) => unknown }, pattern: string) {
  const seen = { count: 0 };
  telemetry.attach(`count-${pattern}`, pattern, () => {
    seen.count++;
  });
  return seen;
}

/** Reads Server-Sent Events until one named `name` arrives; resolves with its data. */
async function sseUntil(reader: ReadableStreamDefaultReader<Uint8Array>, name: string, state: { buffer: string }) {
  const decoder = new TextDecoder();
  for (;;) {
    const end = state.buffer.indexOf('\n\n');
    if (end >= 0) {
      const block = state.buffer.slice(0, end);
      state.buffer = state.buffer.slice(end + 2);
      const lines = block.split('\n');
      if (lines.includes(`event: ${name}`))
        return JSON.parse(lines.find((l) => l.startsWith('data: '))?.slice(6) ?? '');
      continue;
    }
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended before "${name}"`);
    state.buffer += decoder.decode(value, { stream: true });
  }
}

describe.skipIf(!hasRedis)('collectors sharing a Redis store', () => {
  it('a batch retried to another collector is a duplicate there, and emitted once in all', async () => {
    const { a, b } = await pair();
    const onA = counted(a.telemetry, 'cart.add');
    const onB = counted(b.telemetry, 'cart.add');
    const batch = [event(), event(), event()];
    expect((await post(a.url, 'c1', batch)).body).toMatchObject({ accepted: 3, duplicates: 0 });
    expect((await post(b.url, 'c1', batch)).body).toMatchObject({ accepted: 0, duplicates: 3 });
    const mixed = [batch[0], event(), event()];
    expect((await post(b.url, 'c1', mixed)).body).toMatchObject({ accepted: 2, duplicates: 1 });
    // an id twice in one batch is a duplicate the second time
    const twice = event();
    expect((await post(a.url, 'c1', [twice, twice])).body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect([onA.count, onB.count]).toEqual([4, 2]);
    expect(a.collector.stats().store).toMatchObject({ kind: 'redis', status: 'up', fallbacks: 0 });
  });

  it('control PUT on one collector reaches a client stream on the other, and its ingest answers', async () => {
    const { a, b } = await pair();
    const res = await fetch(`${b.url}/v1/stream?clientId=c7`);
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const state = { buffer: '' };
    const put = await fetch(`${a.url}/v1/control/c7`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ sampleRate: 0.25, deny: ['debug.**'] }),
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('x-isotel-node')).toBe('a');
    const pushed = await sseUntil(reader, 'control', state);
    expect(pushed).toMatchObject({ sampleRate: 0.25, deny: ['debug.**'] });
    expect((await post(b.url, 'c7', [event()])).body.control).toMatchObject({ sampleRate: 0.25 });
    expect((await post(b.url, 'other', [event()])).body.control).toBeUndefined();
    // removed on b: a's next answer to c7 carries the global control again
    expect((await fetch(`${b.url}/v1/control/c7`, { method: 'DELETE', headers: admin })).status).toBe(200);
    await until(() => a.collector.stats().controlOverrides === 0);
    expect((await post(a.url, 'c7', [event()])).body.control).toMatchObject({ sampleRate: 1 });
    await reader.cancel();
  });

  it('rate limits hold per client and per address across collectors', async () => {
    const { a, b } = await pair({
      rateLimit: {
        requestsPerSecond: 0.001,
        requestBurst: 3,
        perAddress: { requestsPerSecond: 0.001, requestBurst: 5 },
      },
    });
    const statuses: number[] = [];
    for (const url of [a.url, b.url, a.url, b.url]) statuses.push((await post(url, 'c1', [event()])).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // the address's own bucket: 4 requests so far, one more passes, the next is refused unread
    expect((await post(b.url, 'c2', [event()])).status).toBe(200);
    expect((await post(a.url, 'c3', [event()])).status).toBe(429);
    expect(a.collector.stats().rateLimited + b.collector.stats().rateLimited).toBe(2);
  });

  it('keeps accepting per process while Redis is down, says so, and shares again once it is back', async () => {
    const { a, b, prefix } = await pair();
    const storeEvents: string[] = [];
    a.telemetry.attach('store-status', 'isotel.collector.store', (_name, _m, metadata) => {
      storeEvents.push(String(metadata.status));
    });
    const before = event();
    expect((await post(a.url, 'c1', [before])).body.accepted).toBe(1);
    const put = await fetch(`${a.url}/v1/control`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ sampleRate: 0.5 }),
    });
    expect(put.status).toBe(200);
    await until(() => b.collector.getControl().sampleRate === 0.5);

    await redis.stop();
    const during = [event(), event()];
    expect((await post(a.url, 'c1', during)).body).toMatchObject({ accepted: 2, duplicates: 0 });
    // per-process dedupe still holds on the collector that took the batch
    expect((await post(a.url, 'c1', during)).body).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(a.collector.stats().store.status).toBe('degraded');
    expect(a.collector.stats().store.fallbacks).toBeGreaterThan(0);
    expect(storeEvents).toEqual(['degraded']);
    // a control set during the outage holds here at once, and reaches b once Redis is back
    a.collector.setControl({ sampleRate: 0.1 }, 'c9');
    expect(b.collector.getControl('c9').sampleRate).toBe(0.5);

    await redis.restart();
    await until(() => a.collector.stats().store.status === 'up' && b.collector.stats().store.status === 'up');
    expect(storeEvents).toEqual(['degraded', 'up']);
    await until(() => b.collector.getControl('c9').sampleRate === 0.1);
    // what a accepted alone during the outage was shared once Redis was back
    expect((await post(b.url, 'c1', during)).body).toMatchObject({ accepted: 0, duplicates: 2 });
    const after = [event(), event()];
    expect((await post(a.url, 'c1', after)).body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect((await post(b.url, 'c1', after)).body).toMatchObject({ accepted: 0, duplicates: 2 });
    // Redis lost its data (no persistence): the collectors shared their control with it again,
    // so a collector started now serves it
    const c = await startCollector({ node: 'c', store: redisStore({ url: redis.url, prefix }) });
    await until(() => c.collector.stats().store.status === 'up');
    expect(c.collector.getControl().sampleRate).toBe(0.5);
  });

  it('answers from this process while Redis is too slow, then goes back to it', async () => {
    const slowPrefix = `slow${uuidv7()}:`;
    const slow = await startCollector({
      node: 's',
      store: redisStore({ url: redis.url, prefix: slowPrefix, timeoutMs: 100 }),
    });
    await until(() => slow.collector.stats().store.status === 'up');
    // a second connection pauses every client of this Redis for 1.5 s: a real, slow Redis
    const { createClient } = await import('redis');
    const pauser = createClient({ url: redis.url });
    await pauser.connect();
    await pauser.sendCommand(['CLIENT', 'PAUSE', '1500', 'ALL']);
    const started = performance.now();
    expect((await post(slow.url, 'c1', [event(), event()])).body).toMatchObject({ accepted: 2 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(slow.collector.stats().store.status).toBe('degraded');
    await until(() => slow.collector.stats().store.status === 'up');
    await pauser.close();
  });

  it('starts degraded when Redis cannot be reached, accepts per process, and closes promptly', async () => {
    const nowhere = await RedisServer.start();
    await nowhere.dispose(); // a port nothing listens on
    const { collector, url } = await startCollector({ node: 'n', store: redisStore({ url: nowhere.url }) });
    await until(() => collector.stats().store.status === 'degraded');
    const batch = [event(), event()];
    expect((await post(url, 'c1', batch)).body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect((await post(url, 'c1', batch)).body).toMatchObject({ accepted: 0, duplicates: 2 });
    const started = performance.now();
    await collector.close();
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
