import { describe, expect, it } from 'vitest';
import { afterThisTest, bin, events, setup } from './exporter.test-kit.js';

// The end of a page in real Chromium: what the exporter does inside the unload listeners (the
// write must start, committed, in that very task), and how its status reads afterwards.

/** Counts readwrite transactions opened and commit() calls, from now until the test ends. */
function watchTransactions() {
  const seen = { readwrite: 0, commits: 0 };
  const transaction = IDBDatabase.prototype.transaction;
  const commit = IDBTransaction.prototype.commit;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof transaction>) {
    if (args[1] === 'readwrite') seen.readwrite++;
    return transaction.apply(this, args);
  } as typeof transaction;
  IDBTransaction.prototype.commit = function (this: IDBTransaction) {
    seen.commits++;
    return commit.call(this);
  };
  afterThisTest(() => {
    IDBDatabase.prototype.transaction = transaction;
    IDBTransaction.prototype.commit = commit;
  });
  return seen;
}

const pagehide = () => window.dispatchEvent(new PageTransitionEvent('pagehide'));

describe('the end of a page', () => {
  it('writes everything buffered in one committed transaction, started inside the pagehide listener', async () => {
    const dead = `${bin().url}-dead`;
    const hung = { fetch: () => new Promise<Response>(() => undefined), shutdownTimeoutMs: 100 };
    const { t, exporter, dbName } = setup({ url: dead, lifecycle: true, ...hung });
    await exporter.ready;
    for (let i = 0; i < 1500; i++) t.emit('page.view', {}, { index: i });
    const seen = watchTransactions();
    pagehide();
    // synchronously, before any later task: one write, committed
    expect(seen).toEqual({ readwrite: 1, commits: 1 });
    await exporter.persisted();
    // a later page of the origin finds every event
    const next = setup({ url: dead, dbName, ...hung });
    await next.exporter.ready;
    expect(next.exporter.stats().queued).toBe(1500);
  });

  it('writes what the app emits after the exporter’s pagehide at the end of that task, not on a timer', async () => {
    const b = bin();
    const { t, exporter, dbName, time } = setup({ url: b.url, lifecycle: true });
    await exporter.ready;
    const emitLate = () => {
      for (let i = 0; i < 5; i++) t.emit('page.late', {}, { index: i });
    };
    window.addEventListener('pagehide', emitLate);
    afterThisTest(() => window.removeEventListener('pagehide', emitLate));
    const seen = watchTransactions();
    pagehide();
    await Promise.resolve(); // the microtask checkpoint that ends the listener's task
    expect(seen.commits).toBe(1);
    expect(time.delays).not.toContain(25); // no write delay timer was asked for
    await exporter.persisted();
    const next = setup({ url: b.url, dbName });
    await next.exporter.ready;
    expect(next.exporter.stats().queued).toBe(5);
  });

  it('hidden: writes at once, and writes later emits at the end of their task until shown again', async () => {
    const b = bin();
    const { t, exporter, time } = setup({ url: b.url, lifecycle: true, flushIntervalMs: 60_000 });
    await exporter.ready;
    t.emit('page.a', {});
    const seen = watchTransactions();
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    expect(seen.commits).toBe(1);
    t.emit('page.b', {});
    await Promise.resolve();
    expect(seen.commits).toBe(2);
    Reflect.deleteProperty(document, 'visibilityState');
    document.dispatchEvent(new Event('visibilitychange'));
    t.emit('page.c', {});
    await Promise.resolve();
    expect(seen.commits).toBe(2); // visible again: back to the write delay
    time.advance(25);
    expect(seen.commits).toBe(3);
    await exporter.persisted();
  });
});

describe('requests and the collector’s limits', () => {
  it('batchSize triggers a flush; maxBatchEvents sizes its requests', async () => {
    const b = bin();
    const { t, exporter, time } = setup({ url: b.url, batchSize: 10, maxBatchEvents: 4, flushIntervalMs: 60_000 });
    await exporter.ready;
    for (let i = 0; i < 10; i++) t.emit('app.step', {}, { index: i });
    time.advance(0);
    await expect.poll(async () => (await b.received()).map((r) => r.events.length)).toEqual([4, 4, 2]);
    expect(exporter.stats()).toMatchObject({ sent: 10, delivered: 10 });
  });

  it('keeps its requests within the limits the collector advertised', async () => {
    const b = bin();
    await b.script({
      status: 200,
      body: { accepted: 2, duplicates: 0, rejected: [], limits: { maxEvents: 3, maxBytes: 1_000_000 } },
    });
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    t.emit('app.first', {});
    t.emit('app.second', {});
    await exporter.flush();
    for (let i = 0; i < 10; i++) t.emit('app.step', {}, { index: i });
    await exporter.flush();
    expect((await b.received()).map((r) => r.events.length)).toEqual([2, 3, 3, 3, 1]);
    expect(events(await b.received())).toHaveLength(12);
  });
});

describe('the status', () => {
  it('lastError clears once delivery works again', async () => {
    const b = bin();
    await b.script({ status: 503 });
    const { t, exporter, time } = setup({ url: b.url });
    await exporter.ready;
    t.emit('app.x', {});
    await exporter.flush();
    expect(exporter.stats().lastError).toMatch(/^HTTP 503/);
    time.advance(120_000);
    await exporter.flush();
    expect(exporter.stats()).toMatchObject({ queued: 0, sent: 1 });
    expect(exporter.stats().lastError).toBeUndefined();
  });

  it('says events that missed the pagehide keepalive are in IndexedDB for the next visit', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url, lifecycle: true });
    await exporter.ready;
    for (let i = 0; i < 100; i++) t.emit('page.view', {}, { index: i, payload: 'x'.repeat(1000) });
    pagehide();
    expect(exporter.stats().lastError).toMatch(/in IndexedDB for the next visit$/);
    await exporter.persisted();
    expect(exporter.stats().queued).toBe(100);
  });
});
