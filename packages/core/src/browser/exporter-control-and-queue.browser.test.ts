import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { afterThisTest, bin, events, heldFetch, holdLock, quietLogger, setup, sleep } from './exporter.test-kit.js';

// Control that switches the exporter off and on, sampling rates, the records' lifted fields,
// the queue's bounds against records in flight, storage that cannot open, and batching in a tab
// without the flush lock: real Chromium, real IndexedDB and Web Locks, the scripted collector
// (e2e/lab/scripted-collector.ts) over real HTTP.

describe('control from the collector', () => {
  it('a client switched off keeps asking at the flush interval, so it can be switched on again', async () => {
    const b = bin();
    const off = { enabled: false };
    await b.script(
      { status: 200, body: { accepted: 1, duplicates: 0, rejected: [], control: off } },
      { status: 200, body: { accepted: 0, duplicates: 0, rejected: [], control: off } },
      { status: 200, body: { accepted: 0, duplicates: 0, rejected: [], control: { enabled: true } } },
    );
    const { t, exporter, time } = setup({ url: b.url, flushIntervalMs: 5000 });
    await exporter.ready;
    t.emit('app.one', {});
    await exporter.flush(); // the answer switches it off
    t.emit('app.two', {}); // dropped: nothing queued
    time.advance(5000);
    await exporter.flush(); // still asks: still off
    t.emit('app.three', {});
    time.advance(5000);
    await exporter.flush(); // switched on again
    t.emit('app.four', {});
    await exporter.flush();
    const received = await b.received();
    expect(received.map((r) => r.events.map((e) => e.name))).toEqual([['app.one'], [], [], ['app.four']]);
    expect(exporter.stats().dropped).toEqual({ disabled: 2 });
  });
});

describe('sampling', () => {
  it('claims the rate really applied when the bus and the exporter both sample by correlation id', async () => {
    const b = bin();
    const t = createTelemetry();
    t.control.set({ sampleRate: 0.5 });
    const { exporter } = setup({ url: b.url, control: { sampleRate: 0.5 }, batchSize: 10_000 }, t);
    await exporter.ready;
    const n = 2000;
    for (let i = 0; i < n; i++) t.emit('req.stop', { duration: 1 }, { correlationId: `c-${i}` });
    await exporter.flush();
    const kept = events(await b.received());
    expect(new Set(kept.map((e) => e.sampleRate))).toEqual(new Set([0.5]));
    const estimate = kept.reduce((sum, e) => sum + 1 / (e.sampleRate ?? 1), 0);
    expect(Math.abs(estimate - n) / n).toBeLessThan(0.1);
  });
});

describe('lifted record fields', () => {
  it('lifts only ids and rates the collector accepts, leaving the rest in metadata', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    t.emit('meta.empty', {}, { correlationId: '' });
    t.emit('meta.long', {}, { correlationId: 'c'.repeat(200), spanId: 's'.repeat(129) });
    t.emit('meta.rate', {}, { sampleRate: 1e-7, correlationId: 'k' });
    t.emit('meta.ok', {}, { correlationId: 'c-1', spanId: 's-1', sampleRate: 0.25 });
    await exporter.flush();
    const byName = new Map(events(await b.received()).map((e) => [e.name, e]));
    expect(byName.get('meta.empty')).not.toHaveProperty('correlationId');
    expect(byName.get('meta.empty')?.metadata.correlationId).toBe('');
    expect(byName.get('meta.long')).not.toHaveProperty('correlationId');
    expect(byName.get('meta.long')).not.toHaveProperty('spanId');
    expect(byName.get('meta.long')?.metadata.spanId).toBe('s'.repeat(129));
    expect(byName.get('meta.rate')).not.toHaveProperty('sampleRate');
    expect(byName.get('meta.rate')).toMatchObject({ correlationId: 'k', metadata: { sampleRate: 1e-7 } });
    expect(byName.get('meta.ok')).toMatchObject({ correlationId: 'c-1', spanId: 's-1', sampleRate: 0.25 });
  });

  it('counts metadata whose getters throw as invalid, without a handler failure', async () => {
    const b = bin();
    const { t, exporter } = setup({ url: b.url });
    await exporter.ready;
    const failures: unknown[] = [];
    t.attach('watch', 'telemetry.handler.failure', (_name, _m, metadata) => {
      failures.push(metadata);
    });
    t.emit(
      'hostile.getter',
      {},
      {
        get boom(): string {
          throw new Error('getter boom');
        },
      },
    );
    t.emit(
      'hostile.proxy',
      {},
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('proxy boom');
          },
        },
      ),
    );
    t.emit('after.ok', {});
    await exporter.flush();
    expect(failures).toEqual([]);
    expect(exporter.stats().dropped).toEqual({ invalid: 2 });
    expect(events(await b.received()).map((e) => e.name)).toEqual(['after.ok']);
  });
});

describe('the queue', () => {
  it('does not evict records in flight to keep its bounds, nor count them dropped', async () => {
    const b = bin();
    const held = heldFetch();
    const { t, exporter } = setup({ url: b.url, fetch: held.fetch, maxEvents: 10, writeBatchSize: 10, batchSize: 10 });
    await exporter.ready;
    for (let i = 0; i < 10; i++) t.emit('inflight.ev', {}, { index: i });
    const flushing = exporter.flush();
    await expect.poll(() => exporter.stats().inFlight).toBe(10);
    for (let i = 10; i < 20; i++) t.emit('inflight.ev', {}, { index: i }); // written at once: 20 stored
    await sleep(50);
    held.release();
    await flushing;
    await exporter.flush();
    const indexes = events(await b.received()).map((e) => e.metadata.index);
    expect(indexes).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(exporter.stats()).toMatchObject({ sent: 20, queued: 0 });
    expect(exporter.stats().dropped).toEqual({});
  });

  it("does not evict another tab's records in flight: bounds wait for that tab's flush to end", async () => {
    const b = bin();
    const held = heldFetch();
    const bounds = { maxEvents: 10, writeBatchSize: 10, batchSize: 10 };
    const first = setup({ url: b.url, fetch: held.fetch, ...bounds });
    await first.exporter.ready;
    for (let i = 0; i < 10; i++) first.t.emit('tabs.ev', {}, { index: i });
    const flushing = first.exporter.flush();
    await expect.poll(() => first.exporter.stats().inFlight).toBe(10);
    // a second tab on the same database and lock opens now: it sees the first tab's 10 records
    const second = setup({ url: b.url, dbName: first.dbName, lockName: `lock-${first.dbName}`, ...bounds });
    await second.exporter.ready;
    expect(second.exporter.stats().queued).toBe(10);
    for (let i = 10; i < 20; i++) second.t.emit('tabs.ev', {}, { index: i });
    await second.exporter.flush(); // writes its 10 (20 stored); the first tab holds the lock
    held.release();
    await flushing;
    await first.exporter.flush();
    const indexes = events(await b.received()).map((e) => e.metadata.index);
    expect(indexes).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(first.exporter.stats().dropped).toEqual({});
    expect(second.exporter.stats().dropped).toEqual({});
  });

  it('falls back to memory when opening IndexedDB is blocked by another connection', async () => {
    const warnings = quietLogger();
    const dbName = `isotel-test-blocked-${crypto.randomUUID()}`;
    // an older page holding version 1 open without handling versionchange
    const old = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(dbName, 1);
      request.onupgradeneeded = () => request.result.createObjectStore('heads');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    afterThisTest(() => old.close());
    const b = bin();
    const { t, exporter } = setup({ url: b.url, dbName });
    t.emit('app.x', {});
    await expect(Promise.race([exporter.ready.then(() => 'ready'), sleep(3000).then(() => 'hung')])).resolves.toBe(
      'ready',
    );
    expect(exporter.stats().storage).toBe('memory');
    expect(exporter.stats().lastError).toMatch(/blocked/);
    expect(warnings.join('\n')).toMatch(/queued in memory only/);
    await exporter.flush();
    expect(events(await b.received()).map((e) => e.name)).toEqual(['app.x']);
  });

  it('a tab without the flush lock still writes in batches, not once per emit', async () => {
    const lockName = `held-${crypto.randomUUID()}`;
    holdLock(lockName); // another tab in a long flush
    let puts = 0;
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      puts++;
      return put.apply(this, args);
    };
    afterThisTest(() => {
      IDBObjectStore.prototype.put = put;
    });
    const { t, exporter, time } = setup({ url: bin().url, lockName, batchSize: 10 });
    await exporter.ready;
    for (let i = 0; i < 100; i++) {
      t.emit('app.tick', {}, { index: i });
      time.advance(0); // runs a flush as soon as one is due
      await sleep(2);
    }
    await exporter.flush();
    expect(exporter.stats().queued).toBe(100);
    expect(puts).toBeLessThanOrEqual(15);
  });

  it('a queue in memory is sent while another tab holds the flush lock: no tab shares it', async () => {
    const lockName = `held-${crypto.randomUUID()}`;
    holdLock(lockName);
    const b = bin();
    const { t, exporter } = setup({ url: b.url, lockName, storage: 'memory' });
    await exporter.ready;
    t.emit('memory.ev', {});
    await exporter.flush();
    expect(events(await b.received()).map((e) => e.name)).toEqual(['memory.ev']);
    expect(exporter.stats()).toMatchObject({ storage: 'memory', queued: 0 });
  });

  it('flush() after shutdown() resolves quietly', async () => {
    const warnings = quietLogger();
    const { t, exporter } = setup({ url: bin().url });
    await exporter.ready;
    t.emit('app.x', {});
    await t.shutdown();
    await exporter.flush();
    expect(warnings).toEqual([]);
  });
});
