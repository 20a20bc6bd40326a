import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRecord, recordId, recordTime, sourceJson } from './record-encoder.js';

const source = sourceJson({ clientId: 'client-1', sessionId: 'session-1' });
const NOW = Date.parse('2026-06-01T12:00:00Z');

describe('encodeRecord', () => {
  it('writes an EventRecord with a UUIDv7 id, the time, the source and lifted ids', () => {
    const json = encodeRecord(
      'checkout.payment.stop',
      { duration: 12.5 },
      { orderId: 'o-1', correlationId: 'c-1', spanId: 's-2', parentSpanId: 's-1' },
      source,
      NOW,
    ) as string;
    const record = JSON.parse(json);
    expect(record).toMatchObject({
      time: NOW,
      name: 'checkout.payment.stop',
      measurements: { duration: 12.5 },
      metadata: { orderId: 'o-1' },
      correlationId: 'c-1',
      spanId: 's-2',
      parentSpanId: 's-1',
      clientId: 'client-1',
      sessionId: 'session-1',
    });
    expect(record.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(record.sampleRate).toBeUndefined();
  });

  it('gives ids in emit order, also within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => recordId(encodeRecord('a', {}, {}, source, NOW) as string));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('without a sampling key, multiplies an upstream sampleRate by the rate the exporter kept the event at', () => {
    const json = encodeRecord('a', {}, { sampleRate: 0.5 }, source, NOW, 0.2) as string;
    expect(JSON.parse(json).sampleRate).toBeCloseTo(0.1);
  });

  it('with a sampling key both layers hashed, claims the lower of the two rates', () => {
    const byCorrelation = encodeRecord('a', {}, { sampleRate: 0.5, correlationId: 'c' }, source, NOW, 0.2) as string;
    expect(JSON.parse(byCorrelation).sampleRate).toBe(0.2);
    const bySpan = encodeRecord('a', {}, { sampleRate: 0.1, spanId: 's' }, source, NOW, 0.5) as string;
    expect(JSON.parse(bySpan).sampleRate).toBe(0.1);
    const floor = encodeRecord('a', {}, {}, source, NOW, 1e-9) as string;
    expect(JSON.parse(floor).sampleRate).toBe(1e-6);
  });

  it('drops non-finite measurements rather than sending null', () => {
    const json = encodeRecord(
      'a',
      { ok: 1, bad: Number.NaN, inf: Number.POSITIVE_INFINITY },
      {},
      source,
      NOW,
    ) as string;
    expect(JSON.parse(json).measurements).toEqual({ ok: 1 });
  });

  it('serialises Errors, BigInts and cycles through sanitizeMetadata, leaving the caller’s object alone', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const metadata = { error: new Error('boom'), big: 10n, cyclic };
    const record = JSON.parse(encodeRecord('a', {}, metadata, source, NOW) as string);
    expect(record.metadata.error).toMatchObject({ name: 'Error', message: 'boom' });
    expect(record.metadata.big).toBe('10');
    expect(record.metadata.cyclic.self).toBe('[Circular]');
    expect(metadata.cyclic.self).toBe(cyclic);
  });

  it('for any metadata: never throws, gives valid JSON whose id and time read back from the prefix', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.anything({ withBigInt: true, withDate: true, withMap: true })),
        fc.integer({ min: 1e12, max: 9e12 }),
        (metadata, time) => {
          const json = encodeRecord('any.event', { v: 1 }, metadata, source, time);
          expect(json).toBeDefined();
          const record = JSON.parse(json as string);
          expect(recordId(json as string)).toBe(record.id);
          expect(recordTime(json as string)).toBe(time);
          expect(json).not.toContain('\n');
        },
      ),
    );
  });
});
