// :telemetry.span's extra stop measurements, from span(...)'s handle and startSpan's end: the
// cases of :telemetry's span tests that have an isotel counterpart.
import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import type { Measurements, Metadata } from '../bus/types.js';
import { defineCatalog } from '../catalog/define-catalog.js';
import { spanEvents } from '../catalog/span-events.js';
import { codeOf } from '../errors/errors.test-kit.js';
import { logger, setLogger } from '../log/logger.js';
import { createAggregator } from '../metrics/aggregator.js';
import { sum } from '../metrics/definitions.js';

interface Seen {
  name: string;
  m: Measurements;
  md: Metadata;
}

const original = logger();
let t: Telemetry;
afterEach(async () => {
  setLogger(original);
  await t.shutdown();
});

function recorder() {
  t = createTelemetry();
  const seen: Seen[] = [];
  t.attach('rec', 'job.**', (name, m, md) => {
    seen.push({ name, m, md });
  });
  return seen;
}

describe('span stop measurements', () => {
  it('adds what the handle measured to the stop event, besides duration and monotonicTime', () => {
    const seen = recorder();
    const result = t.span('job', { queue: 'mail' }, (span) => {
      span.measure({ rows: 3 }).measure({ bytes: 1024, rows: 4 });
      return 'done';
    });
    expect(result).toBe('done');
    const stop = seen[1] as Seen;
    expect(stop.name).toBe('job.stop');
    expect(Object.keys(stop.m).sort()).toEqual(['bytes', 'duration', 'monotonicTime', 'rows']);
    expect(stop.m).toMatchObject({ rows: 4, bytes: 1024 });
    expect(stop.md).toMatchObject({ queue: 'mail' });
    // the start event measures only the start
    expect(Object.keys((seen[0] as Seen).m).sort()).toEqual(['monotonicTime', 'systemTime']);
  });

  it('adds the measurements given to end, after those of measure, with stop metadata', () => {
    const seen = recorder();
    const span = t.startSpan('job', { queue: 'sms' });
    span.measure({ rows: 1, retries: 2 });
    span.end({ status: 'ok' }, { rows: 9 });
    const stop = seen[1] as Seen;
    expect(stop.m).toMatchObject({ rows: 9, retries: 2 });
    expect(stop.md).toMatchObject({ queue: 'sms', status: 'ok' });
  });

  it("keeps the span's own duration and monotonicTime over measurements of the same name", () => {
    const seen = recorder();
    const span = t.startSpan('job');
    span.measure({ duration: -1 });
    span.end(undefined, { monotonicTime: -1 });
    const stop = seen[1] as Seen;
    expect(stop.m.duration).toBeGreaterThanOrEqual(0);
    expect(stop.m.monotonicTime).toBeGreaterThan(0);
  });

  it('measures an async span when its promise settles', async () => {
    const seen = recorder();
    await t.span('job', undefined, async (span) => {
      await Promise.resolve();
      span.measure({ items: 5 });
    });
    expect((seen[1] as Seen).m.items).toBe(5);
  });

  it('leaves stop measurements out of the exception event, as :telemetry does', () => {
    const seen = recorder();
    const error = new Error('failed');
    expect(() =>
      t.span('job', undefined, (span) => {
        span.measure({ rows: 2 });
        throw error;
      }),
    ).toThrow(error);
    const exception = seen[1] as Seen;
    expect(exception.name).toBe('job.exception');
    expect(Object.keys(exception.m).sort()).toEqual(['duration', 'monotonicTime']);
    expect(exception.md).toMatchObject({ kind: 'error', error });
  });

  it('ignores measurements after the span ended, and values that are not numbers', () => {
    const seen = recorder();
    const warnings: string[] = [];
    setLogger({ warn: (m) => warnings.push(m), error: (m) => warnings.push(m) });
    const span = t.startSpan('job');
    span.measure({ rows: 'many' as unknown as number, ok: 1 });
    span.end();
    span.measure({ late: 1 });
    span.end(undefined, { later: 1 });
    expect(seen.map((e) => e.name)).toEqual(['job.start', 'job.stop']);
    expect(Object.keys((seen[1] as Seen).m).sort()).toEqual(['duration', 'monotonicTime', 'ok']);
    expect(warnings).toEqual(['Span "job.stop": measurement "rows" is not a number and was left out.']);
  });

  it('ends the span when the measurements cannot be read', () => {
    const seen = recorder();
    setLogger({ warn() {}, error() {} });
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    t.startSpan('job').end(undefined, hostile);
    expect(seen.map((e) => e.name)).toEqual(['job.start', 'job.stop']);
  });

  it('is a no-op on the inert span when nobody listens', () => {
    t = createTelemetry();
    const span = t.startSpan('quiet');
    expect(span.recording).toBe(false);
    expect(span.measure({ rows: 1 })).toBe(span);
    expect(() => span.end(undefined, { rows: 1 })).not.toThrow();
  });

  it('feeds metrics on the stop event, and a catalog declaring them validates real spans', () => {
    const catalog = defineCatalog({
      ...spanEvents('db.query', { metadata: { table: 'string' }, measurements: { rows: 'number?' } }),
    });
    t = createTelemetry({ catalog });
    const agg = createAggregator(t, [sum('db.query.stop.rows', { tags: ['table'] })]);
    const events: [string, Measurements, Metadata][] = [];
    t.attach('rec', 'db.query.*', (name, m, md) => {
      events.push([name, m, md]);
    });
    t.span('db.query', { table: 'orders' }, (span) => {
      span.measure({ rows: 12 });
    });
    t.startSpan('db.query', { table: 'orders' }).end(undefined, { rows: 3 });
    t.startSpan('db.query', { table: 'users' }).end();
    expect(agg.snapshot()[0]?.series.map((s) => [s.tags.table, s.sum])).toEqual([['orders', 15]]);
    expect(events).toHaveLength(6);
    for (const [name, measurements, metadata] of events) {
      expect(catalog.validate({ name, measurements, metadata })).toMatchObject({ ok: true });
    }
    // an undeclared stop measurement is refused
    expect(
      catalog.validate({
        name: 'db.query.stop',
        measurements: { duration: 1, monotonicTime: 2, retries: 1 },
        metadata: { table: 'orders' },
      }),
    ).toMatchObject({ ok: false, code: 'invalid_measurements' });
  });

  it('refuses a stop measurement declared as anything but a number', () => {
    t = createTelemetry();
    expect(codeOf(() => spanEvents('db.query', { measurements: { rows: 'string' as 'number' } }))).toBe(
      'invalid_catalog',
    );
  });

  it('gives every span an id of its own, shared by its start and stop (telemetry_span_context)', () => {
    const seen = recorder();
    t.span('job', undefined, () => undefined);
    t.span('job', undefined, () => undefined);
    const ids = seen.map((e) => e.md.spanId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(ids[0]).not.toBe(ids[2]);
  });
});
