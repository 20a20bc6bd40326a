import { describe, expect, inject, it } from 'vitest';
import type { Telemetry } from '../bus/telemetry.js';
import { setLogger } from '../log/logger.js';
import type { BrowserExporter } from './browser-exporter.js';
import { afterThisTest, bin, type Received, setup } from './exporter.test-kit.js';
import { KEEPALIVE_BUDGET_BYTES } from './transport.js';

function emitMany(t: Telemetry, count: number, name = 'checkout.step', from = 0): void {
  for (let i = from; i < from + count; i++) t.emit(name, { duration: i }, { index: i });
}

const indexes = (requests: Received[]) => requests.flatMap((r) => r.events.map((e) => e.metadata.index));

describe('the browser exporter against a real HTTP collector', () => {
  it('ships emitted events once acknowledged and empties its IndexedDB queue', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url, token: 'secret', resource: { service: 'shop' } });
    await exporter.ready;
    emitMany(t, 5);
    expect(exporter.stats().queued).toBe(5);
    await exporter.flush();
    const [request] = await b.received();
    expect(indexes(await b.received())).toEqual([0, 1, 2, 3, 4]);
    expect(request?.authorization).toBe('Bearer secret');
    expect(request?.contentType).toBe('application/json');
    const event = request?.events[0] as Received['events'][0] & { clientId: string; sessionId: string };
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event.clientId).toBe(localStorage.getItem('isotel.clientId'));
    expect(typeof event.sessionId).toBe('string');
    expect(exporter.stats()).toMatchObject({
      queued: 0,
      sent: 5,
      inFlight: 0,
      storage: 'indexeddb',
      breaker: 'closed',
    });
  });

  it('keeps events across a new exporter instance (a reload) until the collector acknowledges them', async () => {
    const down = bin();
    await down.script({ status: 503 });
    const first = setup({ url: down.url });
    await first.exporter.ready;
    emitMany(first.t, 4);
    await first.exporter.flush();
    expect(first.exporter.stats()).toMatchObject({ queued: 4, sent: 0, retried: 1 });
    const sentBefore = (await down.received())[0]?.events.map((e) => e.id);

    const up = bin();
    const second = setup({ url: up.url, dbName: first.dbName });
    await second.exporter.ready;
    expect(second.exporter.stats().queued).toBe(4);
    await second.exporter.flush();
    const [request] = await up.received();
    expect(request?.events.map((e) => e.id)).toEqual(sentBefore);
    expect(second.exporter.stats()).toMatchObject({ queued: 0, sent: 4 });
  });

  it('bounds the queue by event count, dropping the oldest', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url, maxEvents: 5, writeBatchSize: 3 });
    await exporter.ready;
    emitMany(t, 8);
    await exporter.flush();
    expect(indexes(await b.received())).toEqual([3, 4, 5, 6, 7]);
    expect(exporter.stats().dropped).toEqual({ max_events: 3 });
  });

  it('bounds the queue by bytes, dropping the oldest', async () => {
    const b = bin();
    await b.script({ status: 503 });
    const { t, exporter } = setup({ url: b.url, maxBytes: 2000 });
    await exporter.ready;
    emitMany(t, 30);
    await exporter.flush();
    const stats = exporter.stats();
    expect(stats.bytes).toBeLessThanOrEqual(2000);
    expect(stats.bytes).toBeGreaterThan(1500);
    expect(stats.queued + (stats.dropped.max_bytes ?? 0)).toBe(30);
  });

  it('drops events older than maxAgeMs before sending', async () => {
    const b = bin();
    const { t, exporter, time } = setup({ url: b.url, maxAgeMs: 60_000 });
    await exporter.ready;
    emitMany(t, 3, 'old.event');
    await exporter.ready;
    // write the old ones, then let them age
    await b.script({ status: 503 });
    await exporter.flush();
    time.advance(120_000);
    emitMany(t, 2, 'new.event', 3);
    // the 503 scheduled a retry; moving time ran it and it may have sent: wait for it to settle
    await exporter.flush();
    await exporter.flush();
    const names = (await b.received()).filter((r) => r.status === 200).flatMap((r) => r.events.map((e) => e.name));
    expect(names).toEqual(['new.event', 'new.event']);
    expect(exporter.stats().dropped.max_age).toBe(3);
  });

  it('on a quota error evicts the oldest events to make room, and counts them (quota simulated)', async () => {
    const b = bin();
    await b.script({ status: 503 });
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    emitMany(t, 3);
    await exporter.flush(); // written, then refused with 503: stays queued
    // Simulated quota: the next put into the segments store fails the way a full origin does.
    const put = IDBObjectStore.prototype.put;
    let refusals = 1;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      if (this.name === 'segments' && refusals-- > 0)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    afterThisTest(() => {
      IDBObjectStore.prototype.put = put;
    });
    emitMany(t, 2, 'checkout.step', 3);
    await exporter.flush();
    IDBObjectStore.prototype.put = put;
    expect(exporter.stats()).toMatchObject({ queued: 2, dropped: { quota: 3 } });
    expect(exporter.stats().lastError).toMatch(/QuotaExceededError/);
  });

  it('reopens its database after another tab deleted it, losing nothing written afterwards', async () => {
    const b = bin();
    const { t, exporter, dbName } = setup({ url: b.url });
    await exporter.ready;
    emitMany(t, 2);
    await exporter.flush();
    await new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase(dbName);
      request.onsuccess = resolve;
      request.onerror = () => reject(request.error);
    });
    emitMany(t, 3, 'checkout.step', 2);
    await exporter.flush();
    expect(indexes(await b.received())).toEqual([0, 1, 2, 3, 4]);
    expect(exporter.stats()).toMatchObject({ storage: 'indexeddb', queued: 0, sent: 5, dropped: {} });
  });

  it('falls back to memory where IndexedDB is missing, and says so in its stats', async () => {
    const b = bin();
    const warnings: string[] = [];
    setLogger({ warn: (message) => warnings.push(message), error: (message) => warnings.push(message) });
    // indexedDB is an own property of the window (a [Global] interface): shadow it, then restore it
    const original = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB') as PropertyDescriptor;
    Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true });
    const restore = () => Object.defineProperty(globalThis, 'indexedDB', original);
    afterThisTest(() => {
      restore();
      setLogger({
        warn: (m, d) => console.warn(`[isotel] ${m}`, d),
        error: (m, d) => console.error(`[isotel] ${m}`, d),
      });
    });
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    restore();
    expect(exporter.stats().storage).toBe('memory');
    expect(exporter.stats().lastError).toMatch(/IndexedDB unavailable/);
    expect(warnings.join('\n')).toMatch(/queued in memory only/);
    emitMany(t, 3);
    await exporter.flush();
    expect(indexes(await b.received())).toEqual([0, 1, 2]);
  });

  it('counts a 4xx (not 408/429) as dropped and does not retry it', async () => {
    const b = bin();
    await b.script({ status: 400, body: { error: 'invalid_batch' } });
    const { t, exporter, time } = setup({ url: b.url });
    await exporter.ready;
    emitMany(t, 4);
    await exporter.flush();
    time.advance(10 * 60_000);
    await exporter.flush();
    expect((await b.received()).length).toBe(1);
    expect(exporter.stats()).toMatchObject({ queued: 0, sent: 0, retried: 0, dropped: { client_error: 4 } });
    expect(exporter.stats().lastError).toMatch(/HTTP 400/);
  });

  it('honours Retry-After of a 429: no request before it, the retry scheduled for it', async () => {
    const b = bin();
    await b.script({ status: 429, headers: { 'retry-after': '7' } });
    const { t, exporter, time } = setup({ url: b.url });
    await exporter.ready;
    emitMany(t, 2);
    await exporter.flush();
    expect(exporter.stats()).toMatchObject({ retried: 1, queued: 2, nextAttemptAt: time.now() + 7000 });
    expect(time.delays).toContain(7000);
    time.advance(6999);
    await exporter.flush();
    expect((await b.received()).length).toBe(1);
    time.advance(1);
    await exporter.flush();
    const received = await b.received();
    expect(received.map((r) => r.status)).toEqual([429, 200]);
    expect(exporter.stats()).toMatchObject({ queued: 0, sent: 2 });
    expect(exporter.stats().nextAttemptAt).toBeUndefined();
  });

  it('retries a 503 after a backoff delay drawn with full jitter', async () => {
    const b = bin();
    await b.script({ status: 503 }, { status: 503 });
    const { t, exporter, time } = setup({ url: b.url, random: () => 0.5, backoff: { baseMs: 1000, maxMs: 60_000 } });
    await exporter.ready;
    emitMany(t, 1);
    await exporter.flush();
    expect(exporter.stats().nextAttemptAt).toBe(time.now() + 500);
    time.advance(500);
    await exporter.flush();
    expect(exporter.stats().nextAttemptAt).toBe(time.now() + 1000);
    time.advance(1000);
    await exporter.flush();
    expect(exporter.stats()).toMatchObject({ sent: 1, retried: 2, queued: 0 });
  });

  it('opens the circuit after repeated network failures and reports it', async () => {
    const { t, exporter, time } = setup({
      url: inject('deadCollectorUrl'),
      breaker: { failureThreshold: 2, openMs: 60_000 },
      backoff: { baseMs: 1, maxMs: 1 },
    });
    await exporter.ready;
    emitMany(t, 1);
    await exporter.flush();
    time.advance(1);
    await exporter.flush();
    expect(exporter.stats()).toMatchObject({ breaker: 'open', retried: 2, queued: 1 });
    expect(exporter.stats().lastError).toMatch(/^network/);
  });

  it('applies the control a flush response carries', async () => {
    const b = bin();
    await b.script({
      status: 200,
      body: { accepted: 1, duplicates: 0, rejected: [], control: { deny: ['noise.**'] } },
    });
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    emitMany(t, 1);
    await exporter.flush();
    t.emit('noise.tick', { count: 1 });
    emitMany(t, 1, 'checkout.step', 1);
    await exporter.flush();
    expect((await b.received())[1]?.events.map((e) => e.name)).toEqual(['checkout.step']);
    expect(exporter.stats().dropped).toEqual({ denied: 1 });
  });

  it('samples by correlation id at the rate control sets, and marks kept events with it', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url, control: { sampleRate: 0.5 }, batchSize: 1000 });
    await exporter.ready;
    for (let i = 0; i < 200; i++) {
      t.emit('req.start', {}, { correlationId: `c${i}` });
      t.emit('req.stop', {}, { correlationId: `c${i}` });
    }
    await exporter.flush();
    const events = (await b.received()).flatMap((r) => r.events);
    const byCorrelation = new Map<unknown, string[]>();
    for (const e of events)
      byCorrelation.set(e.metadata.correlationId, [...(byCorrelation.get(e.metadata.correlationId) ?? []), e.name]);
    expect([...byCorrelation.values()].every((names) => names.length === 2)).toBe(true);
    expect(events.every((e) => e.sampleRate === 0.5)).toBe(true);
    expect(byCorrelation.size).toBeGreaterThan(60);
    expect(byCorrelation.size).toBeLessThan(140);
    expect(exporter.stats().dropped.sampled_out).toBe(400 - events.length);
  });

  it('rejects invalid control with invalid_control and keeps the previous one', async () => {
    const b = bin();
    const { exporter } = setup({ url: b.url });
    exporter.setControl({ deny: ['a.**'] });
    expect(() => exporter.setControl({ sampleRate: 2 })).toThrowError(
      expect.objectContaining({ code: 'invalid_control' }),
    );
    expect(() => exporter.setControl({ allow: ['a..b'] })).toThrowError(
      expect.objectContaining({ code: 'invalid_control' }),
    );
  });

  it('when the page is hidden, flushes in keepalive requests within the 64 KiB budget', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url, lifecycle: true, token: 'k', batchSize: 1000 });
    await exporter.ready;
    const payload = 'x'.repeat(1000);
    for (let i = 0; i < 150; i++) t.emit('page.view', {}, { index: i, payload });
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    afterThisTest(() => Reflect.deleteProperty(document, 'visibilityState'));
    document.dispatchEvent(new Event('visibilitychange'));
    Reflect.deleteProperty(document, 'visibilityState');
    await exporter.flush();
    const received = await b.received();
    expect(received.length).toBeGreaterThanOrEqual(3);
    for (const r of received) {
      expect(r.bytes).toBeLessThanOrEqual(KEEPALIVE_BUDGET_BYTES);
      expect(r.contentType).toMatch(/^text\/plain/);
      expect(r.token).toBe('k');
    }
    expect(indexes(received)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(exporter.stats()).toMatchObject({ queued: 0, sent: 150 });
  });

  it('on pagehide sends the newest unacknowledged tail in one keepalive request', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url, lifecycle: true });
    await exporter.ready;
    const payload = 'y'.repeat(1000);
    for (let i = 0; i < 100; i++) t.emit('page.view', {}, { index: i, payload });
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    await expect.poll(async () => (await b.received()).length).toBe(1);
    const [request] = await b.received();
    expect(request?.bytes).toBeLessThanOrEqual(KEEPALIVE_BUDGET_BYTES);
    const sent = indexes(await b.received());
    expect(sent.length).toBeGreaterThan(40);
    expect(sent.at(-1)).toBe(99);
    expect(sent).toEqual(Array.from({ length: sent.length }, (_, i) => 100 - sent.length + i));
  });

  it('flushes as soon as batchSize events were emitted, without waiting for the interval', async () => {
    const b = bin();
    const { t, exporter, time } = setup({ url: b.url, batchSize: 10, flushIntervalMs: 60_000 });
    await exporter.ready;
    emitMany(t, 9);
    time.advance(0);
    expect(time.delays).not.toContain(0);
    emitMany(t, 1, 'checkout.step', 9);
    time.advance(0); // runs the flush the tenth event asked for, due at once; nothing else is due
    await expect.poll(async () => indexes(await b.received())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('coming back online retries at once, past the backoff and an open circuit', async () => {
    const b = bin();
    await b.script({ status: 503 });
    const { t, exporter } = setup({
      url: b.url,
      lifecycle: true,
      breaker: { failureThreshold: 1, openMs: 60_000 },
      backoff: { baseMs: 60_000, maxMs: 60_000 },
    });
    await exporter.ready;
    emitMany(t, 2);
    await exporter.flush();
    expect(exporter.stats()).toMatchObject({ breaker: 'open', queued: 2 });
    window.dispatchEvent(new Event('online'));
    await exporter.flush();
    expect(exporter.stats()).toMatchObject({ breaker: 'closed', queued: 0, sent: 2 });
    expect((await b.received()).map((r) => r.status)).toEqual([503, 200]);
  });

  it('still flushes where Web Locks are missing', async () => {
    const b = bin();
    // locks lives on Navigator.prototype: an own property shadows it, deleting it restores it
    Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
    afterThisTest(() => Reflect.deleteProperty(navigator, 'locks'));
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    emitMany(t, 3);
    await exporter.flush();
    Reflect.deleteProperty(navigator, 'locks');
    expect(indexes(await b.received())).toEqual([0, 1, 2]);
  });

  it('two exporters sharing one queue and lock send every event once', async () => {
    const b = bin();
    const a = setup({ url: b.url });
    const c = setup({ url: b.url, dbName: a.dbName });
    await Promise.all([a.exporter.ready, c.exporter.ready]);
    emitMany(a.t, 50, 'tab.a');
    emitMany(c.t, 50, 'tab.b');
    await Promise.all([a.exporter.flush(), c.exporter.flush()]);
    await Promise.all([a.exporter.flush(), c.exporter.flush()]);
    const ids = (await b.received()).flatMap((r) => r.events.map((e) => e.id));
    expect(ids.length).toBe(100);
    expect(new Set(ids).size).toBe(100);
  });

  it('shuts down with its bus: detached, buffered events written and flushed', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    emitMany(t, 3);
    await t.shutdown();
    expect(indexes(await b.received())).toEqual([0, 1, 2]);
    expect(t.listHandlers()).toEqual([]);
    expect(exporter.stats().queued).toBe(0);
  });
});

export type { BrowserExporter };
