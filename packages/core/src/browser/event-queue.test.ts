import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExporterDropReason } from '../export/exporter-stats.js';
import { EventQueue, type QueueBounds } from './event-queue.js';
import { encodeRecord, recordId, sourceJson } from './record-encoder.js';
import { MemorySegmentStore } from './segment-store.js';

const source = sourceJson({ clientId: 'c', sessionId: 's' });

function queue(bounds: Partial<QueueBounds>, now = () => 1_700_000_000_000) {
  const dropped: Partial<Record<ExporterDropReason, number>> = {};
  const errors: string[] = [];
  const q = new EventQueue(
    new MemorySegmentStore(),
    { maxEvents: 1e6, maxBytes: 1e9, maxAgeMs: 1e12, ...bounds },
    now,
    dropped,
    (message) => errors.push(message),
  );
  return { q, dropped, errors };
}

function records(count: number, time = 1_700_000_000_000, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => encodeRecord('e', { i: from + i }, {}, source, time) as string);
}

async function append(q: EventQueue, batch: string[]): Promise<void> {
  await q.append([{ records: batch, bytes: batch.reduce((n, r) => n + r.length, 0) }], '');
}

describe('EventQueue', () => {
  it('keeps at most maxEvents, the newest, for any sequence of appends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 10 }),
        async (maxEvents, sizes) => {
          const { q, dropped } = queue({ maxEvents });
          const all: string[] = [];
          for (const size of sizes) {
            const batch = records(size, undefined, all.length);
            all.push(...batch);
            await append(q, batch);
          }
          const taken = await q.take(1e6, 1e9);
          expect(taken.records).toEqual(all.slice(Math.max(0, all.length - maxEvents)));
          expect(q.count).toBe(Math.min(all.length, maxEvents));
          expect(dropped.max_events ?? 0).toBe(Math.max(0, all.length - maxEvents));
        },
      ),
    );
  });

  it('keeps the queued JSON within maxBytes by dropping the oldest', async () => {
    const { q, dropped } = queue({ maxBytes: 1000 });
    const batch = records(40);
    await append(q, batch);
    expect(q.bytes).toBeLessThanOrEqual(1000);
    const taken = await q.take(1e6, 1e9);
    expect(taken.records).toEqual(batch.slice(batch.length - taken.records.length));
    expect((dropped.max_bytes ?? 0) + q.count).toBe(40);
  });

  it('drops records older than maxAgeMs, record by record', async () => {
    let now = 1_700_000_000_000;
    const { q, dropped } = queue({ maxAgeMs: 1000 }, () => now);
    await append(q, [...records(3, now - 2000), ...records(2, now, 3)]);
    expect(dropped.max_age).toBe(3);
    expect(q.count).toBe(2);
    now += 5000;
    await q.refresh();
    expect(q.count).toBe(0);
    expect(dropped.max_age).toBe(5);
  });

  it('take reads oldest first within both limits and removes nothing', async () => {
    const { q } = queue({});
    const batch = records(10);
    await append(q, batch.slice(0, 4));
    await append(q, batch.slice(4));
    const byCount = await q.take(6, 1e9);
    expect(byCount.records).toEqual(batch.slice(0, 6));
    const byBytes = await q.take(100, (batch[0] as string).length * 3);
    expect(byBytes.records).toEqual(batch.slice(0, 3));
    expect(q.count).toBe(10);
  });

  it('acknowledge removes exactly the acknowledged ids, even across segments', async () => {
    const { q } = queue({});
    const batch = records(10);
    await append(q, batch.slice(0, 5));
    await append(q, batch.slice(5));
    const taken = await q.take(7, 1e9);
    await q.acknowledge(taken.segmentIds, new Set(taken.records.map(recordId)));
    expect((await q.take(100, 1e9)).records).toEqual(batch.slice(7));
    expect(q.count).toBe(3);
  });

  it('stores records without their source and reads them back whole', async () => {
    const { q } = queue({});
    const bare = encodeRecord('e', { i: 1 }, {}, '', 1_700_000_000_000) as string;
    await q.append([{ records: [bare], bytes: bare.length }], source);
    const [whole] = (await q.take(10, 1e9)).records;
    expect(JSON.parse(whole as string)).toMatchObject({ name: 'e', clientId: 'c', sessionId: 's' });
    expect(recordId(whole as string)).toBe(recordId(bare));
    expect(q.bytes).toBe(bare.length);
  });

  it('reports records too big for any request apart, so the caller can drop them', async () => {
    const { q } = queue({});
    const big = encodeRecord('e', {}, { blob: 'x'.repeat(500) }, source, 1_700_000_000_000) as string;
    await append(q, [...records(2), big]);
    const taken = await q.take(100, 300);
    expect(taken.oversize).toEqual([big]);
    expect(taken.records.length).toBe(2);
  });
});
