import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import type { EventBatch } from '../../export/record.js';
import { uuidv7 } from '../../id/uuidv7.js';
import { type Collector, createCollector } from './collector.js';
import { startCollector } from './collector.test-kit.js';
import { addressKey } from './http.js';
import type { CollectorOptions } from './options.js';

function batch(clientId: string, events = 5): EventBatch {
  return {
    clientId,
    events: Array.from({ length: events }, () => ({
      id: uuidv7(),
      name: 'page.view',
      time: Date.now(),
      measurements: { count: 1 },
      metadata: {},
    })),
  };
}

function request(body: EventBatch, headers: Record<string, string> = {}): Request {
  return new Request('http://collector.test/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

// per client: 5 at once; per address: 10 at once; both refill slowly
const LIMITS: CollectorOptions = {
  maxEventsPerBatch: 5,
  rateLimit: { eventsPerSecond: 0.1, burst: 5, perAddress: { eventsPerSecond: 0.1, burst: 10 } },
};

function collector(options: CollectorOptions = LIMITS): Collector {
  return createCollector({ telemetry: createTelemetry(), node: 'rate', ...options });
}

/** A batch of 5 from `clientId` through `c`'s handler, from `remoteAddress` (unknown when omitted). */
async function send(c: Collector, clientId: string, remoteAddress?: string, headers: Record<string, string> = {}) {
  const response = await c.handler(
    request(batch(clientId), headers),
    remoteAddress === undefined ? undefined : { remoteAddress },
  );
  return { status: response.status, body: response.status === 429 ? await response.json() : undefined };
}

describe('the per-address rate limit', () => {
  it('limits one address that sends every batch under a new client id', async () => {
    const { url, collector } = await startCollector(LIMITS);
    const post = (clientId: string) =>
      fetch(`${url}/v1/events`, { method: 'POST', body: JSON.stringify(batch(clientId)) });
    expect((await post('fresh-1')).status).toBe(200);
    expect((await post('fresh-2')).status).toBe(200);
    const limited = await post('fresh-3');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({
      error: { code: 'rate_limited', message: 'Address 127.0.0.1 is over its event rate.' },
    });
    expect(collector.stats()).toMatchObject({ rateLimited: 1, rateLimitedAddresses: 1, rateLimitedClients: 2 });
    await collector.close();
  });

  it('keeps addresses apart, and a batch one limit refuses costs the other nothing', async () => {
    const c = collector();
    const from = async (address: string, clientId: string) => (await send(c, clientId, address)).status;
    // the client's own limit refuses its second batch: the address keeps those 5 events
    expect(await from('192.0.2.1', 'a')).toBe(200);
    expect(await from('192.0.2.1', 'a')).toBe(429);
    expect(await from('192.0.2.1', 'b')).toBe(200);
    // now the address is spent: the next client id is refused there, before its own bucket
    expect(await from('192.0.2.1', 'c')).toBe(429);
    expect(await from('192.0.2.2', 'c')).toBe(200);
    // without an address (a handler called without ConnectionInfo) only the client's limit applies
    expect((await send(c, 'd')).status).toBe(200);
    expect(c.stats()).toMatchObject({ rateLimited: 2, rateLimitedAddresses: 2 });
    await c.close();
  });

  it('behind trusted proxies takes the address the last proxy saw, not what the client wrote', async () => {
    const c = collector({ ...LIMITS, trustProxy: 1 });
    const via = (forwardedFor: string, clientId: string) =>
      send(c, clientId, '10.0.0.2', { 'x-forwarded-for': forwardedFor });
    expect((await via('1.1.1.1, 203.0.113.7', 'x1')).status).toBe(200);
    expect((await via('2.2.2.2, 203.0.113.7', 'x2')).status).toBe(200);
    const limited = await via('3.3.3.3, 203.0.113.7', 'x3');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { message: 'Address 203.0.113.7 is over its event rate.' } });
    expect((await via('198.51.100.9', 'x4')).status).toBe(200);
    await c.close();

    // not trusted (the default): the header is the client's to write, so it is ignored
    const direct = collector();
    const spoofing = async (forwardedFor: string, clientId: string) =>
      (await send(direct, clientId, '192.0.2.9', { 'x-forwarded-for': forwardedFor })).status;
    expect(await spoofing('203.0.113.1', 'y1')).toBe(200);
    expect(await spoofing('203.0.113.2', 'y2')).toBe(200);
    expect(await spoofing('203.0.113.3', 'y3')).toBe(429);
    await direct.close();
  });

  it('keys an IPv6 client by its /64, which it can pick addresses from freely', async () => {
    const c = collector();
    const from = async (address: string, clientId: string) => (await send(c, clientId, address)).status;
    expect(await from('2001:db8:1:2::1', 'v6-1')).toBe(200);
    expect(await from('2001:db8:1:2:ffff:1:2:3', 'v6-2')).toBe(200);
    expect(await from('2001:0DB8:0001:0002::abcd', 'v6-3')).toBe(429);
    expect(await from('2001:db8:1:3::1', 'v6-4')).toBe(200);
    // an IPv4 client reached over an IPv6 socket is the IPv4 address
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    await c.close();
  });

  it('can be switched off, leaving the per-client limit', async () => {
    const c = collector({ ...LIMITS, rateLimit: { eventsPerSecond: 0.1, burst: 5, perAddress: false } });
    for (let i = 0; i < 5; i++) {
      expect((await send(c, `id-${i}`, '192.0.2.1')).status).toBe(200);
    }
    expect(c.stats().rateLimitedAddresses).toBe(0);
    await c.close();
  });

  it('refuses settings it cannot honour', () => {
    const bad: CollectorOptions[] = [
      { trustProxy: -1 },
      { trustProxy: 1.5 },
      { maxEventsPerBatch: 100, rateLimit: { burst: 1000, perAddress: { burst: 50 } } },
      { rateLimit: { perAddress: { eventsPerSecond: 0 } } },
      { rateLimit: { requestsPerSecond: 0 } },
      { rateLimit: { bytesBurst: Number.NaN } },
      { rateLimit: { perAddress: { requestBurst: -1 } } },
      { maxBodyBytes: 1000, maxBodyBytesPerAddress: 999 },
      { minUploadRate: { bytesPerSecond: 0 } },
      { maxConnectionsPerAddress: 0 },
      { stream: { maxControlStreamsPerAddress: Number.POSITIVE_INFINITY } },
    ];
    for (const options of bad) {
      expect(() => createCollector({ telemetry: createTelemetry(), ...options })).toThrow(
        expect.objectContaining({ code: 'invalid_argument' }),
      );
    }
  });
});
