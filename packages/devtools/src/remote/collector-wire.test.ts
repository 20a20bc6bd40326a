import { createTelemetry, sanitizeMetadata } from '@isotel/core';
import { createCollector, readStatus } from '@isotel/core/node';
import {
  parseCollectorStats,
  parseControlAnswer,
  parseExporterListing,
  parseHandlerListing,
  parseProblem,
  parseStreamControl,
  parseStreamEvent,
} from '@isotel/core/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { collectorWithStatsd } from './collector-exporters.test-kit.js';
import { CollectorError, RemoteBackend } from './remote-backend.js';
import { readSse, type SseMessage } from './sse-reader.js';

// Every shape the collector sends to the devtools, read by the devtools' own client and core's
// parsers from a real collector on a free loopback port, and compared with what the collector holds.

const ADMIN = 'admin-secret';
const INGEST = 'ingest-secret';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start() {
  const telemetry = createTelemetry();
  const collector = createCollector({ telemetry, adminToken: ADMIN, ingestToken: INGEST });
  const { url } = await collector.listen(0, '127.0.0.1');
  cleanups.push(() => collector.close());
  return { telemetry, collector, url, backend: new RemoteBackend(url, ADMIN) };
}

/** The raw messages of `GET /v1/stream`, as the devtools' SSE reader parses them. */
function rawStream(url: string) {
  const messages: SseMessage[] = [];
  const abort = new AbortController();
  void readSse(`${url}/v1/stream`, {
    headers: { authorization: `Bearer ${ADMIN}` },
    signal: abort.signal,
    retryMs: 60_000,
    onMessage: (message) => messages.push(message),
    onStatus: () => {},
  });
  cleanups.push(() => abort.abort());
  return messages;
}

async function admin(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.json();
}

describe("the devtools' remote client reads exactly what a real collector sends", () => {
  it('stream events: name, measurements (non-finite ones as NaN) and sanitised metadata', async () => {
    const { telemetry, url, backend } = await start();
    const seen: unknown[] = [];
    cleanups.push(
      backend.subscribe(
        // the collector's own events (isotel.collector.stream.open, ...) come through too
        (name, measurements, metadata) => name === 'orders.created' && seen.push({ name, measurements, metadata }),
        () => {},
      ),
    );
    const raw = rawStream(url);
    await expect.poll(() => telemetry.listHandlers().length).toBeGreaterThan(0);
    await expect.poll(() => raw.filter((m) => m.event === 'control').length).toBe(1);
    const metadata = { error: new TypeError('boom'), big: 10n, route: '/checkout' };
    telemetry.emit('orders.created', { count: 2, ratio: Number.POSITIVE_INFINITY }, metadata);
    const expected = {
      name: 'orders.created',
      measurements: { count: 2, ratio: Number.NaN },
      metadata: sanitizeMetadata(metadata),
    };
    await expect.poll(() => seen).toEqual([expected]);
    const ours = () => raw.filter((m) => m.event === 'event' && parseStreamEvent(m.data).name === 'orders.created');
    await expect.poll(() => ours().length).toBe(1);
    expect(parseStreamEvent((ours()[0] as SseMessage).data)).toEqual(expected);
    // every event message of the stream, the collector's own included, is a StreamEvent
    for (const m of raw.filter((m) => m.event === 'event')) expect(() => parseStreamEvent(m.data)).not.toThrow();
  });

  it('stream control and shutdown: the control in force on open and on every change, then {} on close', async () => {
    const { collector, url, backend } = await start();
    const raw = rawStream(url);
    let changes = 0;
    cleanups.push(backend.onControlChange(() => changes++));
    cleanups.push(
      backend.subscribe(
        () => {},
        () => {},
      ),
    );
    await expect.poll(() => raw.filter((m) => m.event === 'control').length).toBe(1);
    expect(parseStreamControl((raw[0] as SseMessage).data)).toEqual(collector.getControl());
    await backend.setControl({ enabled: true, sampleRate: 0.25, rules: [], allow: [], deny: ['debug.**'] });
    await expect.poll(() => raw.filter((m) => m.event === 'control').length).toBe(2);
    await expect.poll(() => changes).toBeGreaterThan(0);
    const pushed = raw.filter((m) => m.event === 'control')[1] as SseMessage;
    expect(parseStreamControl(pushed.data)).toEqual(collector.getControl());
    expect(collector.getControl().sampleRate).toBe(0.25);
    await collector.close();
    await expect.poll(() => raw.map((m) => m.event)).toContain('shutdown');
    expect(raw.find((m) => m.event === 'shutdown')?.data).toBe('{}');
    for (const m of raw) expect(['event', 'control', 'shutdown']).toContain(m.event);
    expect(raw.at(-1)?.event).toBe('shutdown');
  });

  it('handler listing: every field of every handler, the stream fan-out hidden by the client only', async () => {
    const { telemetry, url, backend } = await start();
    telemetry.attach('server.log', 'orders.**', () => {});
    telemetry.attach(
      'server.flaky',
      'orders.*',
      () => {
        throw new Error('flaky');
      },
      { onFailure: 'keep' },
    );
    telemetry.emit('orders.created', { count: 1 });
    const listing = parseHandlerListing(await admin(url, 'GET', '/v1/handlers'));
    expect(listing).toEqual({ handlers: JSON.parse(JSON.stringify(telemetry.listHandlers())) });
    expect(listing.handlers.find((h) => h.id === 'server.flaky')).toMatchObject({ failures: 1, lastError: 'flaky' });
    expect(await backend.handlers()).toEqual(listing.handlers);
  });

  it('stats: the whole counter set, and the drops the Control tab shows come from it', async () => {
    const { collector, url, backend } = await start();
    const batch = {
      clientId: 'client-1',
      events: [
        { id: '0190a8a0-0000-7000-8000-000000000001', name: 'Not A Name', time: 1, measurements: {}, metadata: {} },
      ],
    };
    const posted = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    expect(posted.status).toBeLessThan(500);
    const stats = parseCollectorStats(await admin(url, 'GET', '/v1/stats'));
    expect(stats.rejected).toEqual({ invalid_name: 1 });
    // the stats request itself was in flight, and is counted among the responses once answered
    expect(stats.inFlight).toBe(1);
    expect({ ...stats, responses: {}, inFlight: 0 }).toEqual({ ...collector.stats(), responses: {} });
    expect(await backend.stats()).toEqual({ dropped: { invalid_name: 1 }, node: stats.node });
  });

  it("exporter listing: each reporter's status as the collector's readStatus makes it, and the answering instance", async () => {
    const c = await collectorWithStatsd(ADMIN);
    cleanups.push(() => c.close());
    c.telemetry.emit('orders.created', { count: 1 }, { region: 'eu' });
    const statsd = readStatus('statsd', { stats: () => JSON.parse(JSON.stringify(c.reporter.stats())) });
    const listing = parseExporterListing(await admin(c.url, 'GET', '/v1/exporters'));
    expect(listing).toEqual({ exporters: [statsd] });
    expect(listing.exporters[0]).toMatchObject({ sent: 1, failed: 0 });
    expect(await new RemoteBackend(c.url, ADMIN).exporters()).toEqual({ ...listing, node: 'collector-a' });
  });

  it('control answers: the global one and a client override, set, read and cleared', async () => {
    const { collector, url, backend } = await start();
    const global = parseControlAnswer(await admin(url, 'GET', '/v1/control'));
    expect(global).toEqual({ control: collector.getControl() });
    const set = parseControlAnswer(await admin(url, 'PUT', '/v1/control/client-1', { sampleRate: 0.5 }));
    expect(set).toEqual({ clientId: 'client-1', control: collector.getControl('client-1') });
    expect(set.control.sampleRate).toBe(0.5);
    expect(parseControlAnswer(await admin(url, 'GET', '/v1/control/client-1'))).toEqual(set);
    const cleared = parseControlAnswer(await admin(url, 'DELETE', '/v1/control/client-1'));
    expect(cleared).toEqual({ clientId: 'client-1', control: collector.getControl() });
    expect(await backend.control()).toEqual(collector.getControl());
  });

  it('refusals: `{ error: { code, message } }`, whose message the client shows', async () => {
    const { url, backend } = await start();
    const refused = parseProblem(await admin(url, 'PUT', '/v1/control', { sampleRate: 2 }));
    expect(refused?.error.code).toBe('invalid_control');
    const failure = await backend.setControl({ sampleRate: 2 } as never).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CollectorError);
    expect((failure as CollectorError).message).toBe(refused?.error.message);
    expect((failure as CollectorError).status).toBe(400);
  });
});
