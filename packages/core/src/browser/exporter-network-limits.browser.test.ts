import { describe, expect, it } from 'vitest';
import { setLogger } from '../log/logger.js';
import { afterThisTest, bin, type Received, setup } from './exporter.test-kit.js';
import { KEEPALIVE_BUDGET_BYTES } from './transport.js';

// Requests that hang, bodies too big for the collector or for the keepalive budget, and a
// server's Retry-After: real Chromium, real IndexedDB, the scripted collector over real HTTP
// (e2e/lab/scripted-collector.ts) where a request reaches a server.

/** 'settled' if the promise settles within `ms` of real time, else 'pending'. */
function within(promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

// A fetch whose requests never answer and ignore their AbortSignal, like a dead proxy.
const neverAnswers: typeof fetch = () => new Promise<Response>(() => undefined);

function hidePage(): void {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
  Reflect.deleteProperty(document, 'visibilityState');
}

const names = (requests: Received[]) => requests.flatMap((r) => r.events.map((e) => e.name));

describe('a request that never answers', () => {
  it('times out as a retryable failure, so the lock is free for the next tab', async () => {
    const hung = setup({ url: bin().url, fetch: neverAnswers, requestTimeoutMs: 300 });
    await hung.exporter.ready;
    hung.t.emit('app.stuck', {});
    expect(await within(hung.exporter.flush(), 3000)).toBe('settled');
    expect(hung.exporter.stats()).toMatchObject({ queued: 1, retried: 1, inFlight: 0 });
    expect(hung.exporter.stats().lastError).toMatch(/^timeout/);
    // another tab, same queue and lock, reaching a collector that answers
    const b = bin();
    const other = setup({ url: b.url, dbName: hung.dbName, lockName: `lock-${hung.dbName}` });
    await other.exporter.ready;
    await other.exporter.flush();
    expect(names(await b.received())).toEqual(['app.stuck']);
  });

  it('does not keep shutdown() from settling', async () => {
    const { t, exporter } = setup({ url: bin().url, fetch: neverAnswers, shutdownTimeoutMs: 300 });
    await exporter.ready;
    t.emit('app.stuck', {});
    const flushing = exporter.flush();
    expect(await within(t.shutdown(), 3000)).toBe('settled');
    expect(await within(flushing, 100)).toBe('settled');
  });
});

describe('the hidden-page (keepalive) flush', () => {
  it('leaves a record too big for keepalive queued for a normal flush instead of dropping it', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url, lifecycle: true });
    await exporter.ready;
    t.emit('upload.done', {}, { blob: 'z'.repeat(100_000) });
    t.emit('upload.small', {}, { index: 1 });
    hidePage();
    await exporter.flush();
    const hidden = await b.received();
    expect(hidden.map((r) => r.contentType)).toEqual([expect.stringMatching(/^text\/plain/)]);
    expect(names(hidden)).toEqual(['upload.small']);
    expect(exporter.stats()).toMatchObject({ queued: 1 });
    expect(exporter.stats().dropped).toEqual({});
    await exporter.flush(); // a normal request
    expect(names(await b.received())).toEqual(['upload.small', 'upload.done']);
    expect(exporter.stats()).toMatchObject({ queued: 0, sent: 2 });
    expect(exporter.stats().dropped).toEqual({});
  });

  it('measures the keepalive budget in UTF-8 bytes', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url, lifecycle: true });
    await exporter.ready;
    t.emit('text.cjk', {}, { text: '漢'.repeat(30_000) }); // 30 K characters, 90 KB of UTF-8
    t.emit('text.ascii', {}, { text: 'a'.repeat(100) });
    hidePage();
    await exporter.flush();
    const hidden = await b.received();
    for (const request of hidden) expect(request.bytes).toBeLessThanOrEqual(KEEPALIVE_BUDGET_BYTES);
    expect(names(hidden)).toEqual(['text.ascii']);
    await exporter.flush();
    expect(names(await b.received())).toEqual(['text.ascii', 'text.cjk']);
    expect(exporter.stats()).toMatchObject({ queued: 0, retried: 0, breaker: 'closed' });
    expect(exporter.stats().dropped).toEqual({});
  });

  it('sends again without keepalive when a keepalive request fails, without counting a failure', async () => {
    const b = bin();
    const refused: number[] = [];
    const keepaliveRefused: typeof fetch = (input, init) => {
      if (init?.keepalive) {
        refused.push(String(init.body).length);
        return Promise.reject(new TypeError('Failed to fetch'));
      }
      return fetch(input, init);
    };
    const { t, exporter } = setup({ url: b.url, lifecycle: true, fetch: keepaliveRefused, batchSize: 1000 });
    await exporter.ready;
    for (let i = 0; i < 100; i++) t.emit('page.view', {}, { index: i, payload: 'x'.repeat(1000) });
    hidePage();
    await exporter.flush();
    expect(refused.length).toBe(1);
    expect(names(await b.received())).toHaveLength(100);
    expect(exporter.stats()).toMatchObject({ queued: 0, sent: 100, retried: 0, breaker: 'closed' });
    expect(exporter.stats().dropped).toEqual({});
    expect(exporter.stats().nextAttemptAt).toBeUndefined();
  });

  it('on pagehide, sizes the tail to the keepalive bytes still in flight and reports what failed', async () => {
    const inFlight: number[] = [];
    let peak = 0;
    const encoder = new TextEncoder();
    // keepalive requests are held open (the page is going away, the server is slow); pagehide's fails
    const slow: typeof fetch = (_input, init) => {
      const size = encoder.encode(String(init?.body)).length;
      inFlight.push(size);
      peak = Math.max(
        peak,
        inFlight.reduce((a, b) => a + b, 0),
      );
      if (inFlight.length > 1) return Promise.reject(new TypeError('Failed to fetch'));
      return new Promise<Response>(() => undefined);
    };
    const { t, exporter } = setup({
      url: bin().url,
      lifecycle: true,
      fetch: slow,
      requestTimeoutMs: 60_000,
      shutdownTimeoutMs: 100,
    });
    await exporter.ready;
    for (let i = 0; i < 100; i++) t.emit('page.view', {}, { index: i, payload: 'x'.repeat(1000) });
    hidePage();
    await expect.poll(() => inFlight.length).toBe(1);
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(peak).toBeLessThanOrEqual(KEEPALIVE_BUDGET_BYTES);
    expect(exporter.stats().lastError).toMatch(/^pagehide/);
  });
});

describe('a 413 from the collector', () => {
  it('splits the batch and sends the halves, losing nothing', async () => {
    const b = bin();
    await b.script({
      status: 413,
      body: { error: { code: 'too_many_events', message: 'At most 5 events per batch.' } },
    });
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    for (let i = 0; i < 10; i++) t.emit('app.step', {}, { index: i });
    await exporter.flush();
    const received = await b.received();
    expect(received.map((r) => [r.status, r.events.length])).toEqual([
      [413, 10],
      [200, 5],
      [200, 5],
    ]);
    expect(exporter.stats()).toMatchObject({ queued: 0, sent: 10 });
    expect(exporter.stats().dropped).toEqual({});
  });

  it('drops a single record still refused with 413 as too_large', async () => {
    const b = bin();
    await b.script({ status: 413, body: { error: { code: 'body_too_large' } } });
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    t.emit('app.huge', {}, {});
    await exporter.flush();
    expect(exporter.stats()).toMatchObject({ queued: 0, sent: 0, dropped: { too_large: 1 } });
  });
});

describe('retry timing', () => {
  it('an online event cuts a backoff wait but never a server-given Retry-After', async () => {
    const b = bin();
    await b.script({ status: 429, headers: { 'retry-after': '60' } });
    const { t, exporter, time } = setup({ url: b.url, lifecycle: true });
    await exporter.ready;
    t.emit('app.x', {});
    await exporter.flush();
    const retryAt = exporter.stats().nextAttemptAt;
    expect(retryAt).toBe(time.now() + 60_000);
    window.dispatchEvent(new Event('online'));
    await exporter.flush();
    expect((await b.received()).length).toBe(1);
    expect(exporter.stats().nextAttemptAt).toBe(retryAt);
    time.advance(60_000);
    await exporter.flush();
    expect((await b.received()).map((r) => r.status)).toEqual([429, 200]);
  });
});

describe('Web Locks refusing this document', () => {
  it('flushes without the lock, as when Web Locks are missing, and says so once', async () => {
    const b = bin();
    const warnings: string[] = [];
    setLogger({ warn: (message) => warnings.push(message), error: (message) => warnings.push(message) });
    // what a sandboxed (opaque-origin) iframe gets from every lock request
    Object.defineProperty(navigator.locks, 'request', {
      configurable: true,
      value: () => Promise.reject(new DOMException('Access to the Locks API is denied.', 'SecurityError')),
    });
    afterThisTest(() => {
      Reflect.deleteProperty(navigator.locks, 'request');
      setLogger({
        warn: (m, d) => console.warn(`[isotel] ${m}`, d),
        error: (m, d) => console.error(`[isotel] ${m}`, d),
      });
    });
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    t.emit('app.a', {});
    await exporter.flush();
    t.emit('app.b', {});
    await exporter.flush();
    expect(names(await b.received())).toEqual(['app.a', 'app.b']);
    expect(warnings.filter((w) => /lock/i.test(w))).toHaveLength(1);
    expect(exporter.stats()).toMatchObject({ sent: 2, queued: 0 });
  });
});
