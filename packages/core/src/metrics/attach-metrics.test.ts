import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { codeOf } from '../errors/errors.test-kit.js';
import { createAggregator } from './aggregator.js';
import { attachMetrics, MAX_TAG_LENGTH, type MetricSink } from './attach-metrics.js';
import { counter, distribution, lastValue, type MetricDefinition, sum, summary } from './definitions.js';

/** A sink that keeps `[metric, value, tags, weight]` for every value recorded. */
function recordingSink() {
  const values: [string, number, readonly string[], number][] = [];
  const sink: MetricSink = {
    record(metric, _index, value, series, weight) {
      values.push([metric.name, value, series.tags, weight]);
    },
  };
  return { sink, values };
}

describe('metric handlers', () => {
  it('scale counters and sums back by the sampleRate of events the control kept', () => {
    const t = createTelemetry();
    const agg = createAggregator(t, [counter('req.done.count'), sum('req.done.bytes')]);
    t.control.set({ sampleRate: 0.1 });
    for (let i = 0; i < 10_000; i++) t.emit('req.done', { bytes: 1 }, { correlationId: `request-${i}` });
    const [count, bytes] = agg.snapshot();
    // about 1000 events are kept (±3 %, hashed ids), each standing for 10
    expect(count?.series[0]?.count).toBeGreaterThan(9_000);
    expect(count?.series[0]?.count).toBeLessThan(11_000);
    expect(bytes?.series[0]?.sum).toBe(count?.series[0]?.count);
  });

  it('scale only by a metadata.sampleRate in (0, 1), and never distributions, summaries or last values', () => {
    const t = createTelemetry();
    const { sink, values } = recordingSink();
    attachMetrics(
      t,
      'test',
      [
        counter('job.done.count'),
        sum('job.done.items'),
        lastValue('job.done.queue', { measurement: 'items' }),
        summary('job.done.latency', { measurement: 'items' }),
        distribution('job.done.spread', { measurement: 'items' }),
      ],
      sink,
    );
    t.emit('job.done', { items: 3 }, { sampleRate: 0.25 });
    expect(values).toEqual([
      ['job.done.count', 4, [], 4],
      ['job.done.items', 12, [], 4],
      ['job.done.queue', 3, [], 4],
      ['job.done.latency', 3, [], 4],
      ['job.done.spread', 3, [], 4],
    ]);
    for (const sampleRate of [1, 0, -0.5, 2, Number.NaN, '0.5', null, undefined]) {
      values.length = 0;
      t.emit('job.done', { items: 3 }, { sampleRate });
      expect(values.map(([, value, , weight]) => [value, weight])).toEqual([
        [1, 1],
        [3, 1],
        [3, 1],
        [3, 1],
        [3, 1],
      ]);
    }
  });

  it('keep tag sets apart when tag values contain the key separator', () => {
    const t = createTelemetry();
    const agg = createAggregator(t, [counter('tag.clash.count', { tags: ['a', 'b'] })]);
    t.emit('tag.clash', {}, { a: 'x\u0001', b: 'y' });
    t.emit('tag.clash', {}, { a: 'x', b: '\u0001y' });
    t.emit('tag.clash', {}, { a: 'x', b: '\u0001y' });
    expect(agg.snapshot()[0]?.series.map((s) => [s.tags, s.count])).toEqual([
      [{ a: 'x\u0001', b: 'y' }, 1],
      [{ a: 'x', b: '\u0001y' }, 2],
    ]);
  });

  it('keep tag sets apart whatever their values, for one tag derived by tagValues too', () => {
    const t = createTelemetry();
    const { sink, values } = recordingSink();
    const tagged = (name: string, tags: string[]): MetricDefinition =>
      counter(name, { event: 'tag.mix', tags, tagValues: (md) => md });
    attachMetrics(t, 'test', [tagged('one', ['a']), tagged('two', ['a', 'b'])], sink);
    const sets = [
      ['["x\\u0001"]', ''],
      ['x\u0001', ''],
      ['x\u0001', '\u0001'],
      ['x', '\u0001\u0001'],
      ['x\u0001\u0001', ''],
      ['', '\u0001'],
      ['\u0001', ''],
      ['', ''],
    ];
    for (const [a, b] of sets) t.emit('tag.mix', {}, { a, b });
    for (const [a, b] of sets) t.emit('tag.mix', {}, { a, b });
    const seriesOf = (metric: string) => new Set(values.filter(([name]) => name === metric).map(([, , tags]) => tags));
    expect([...seriesOf('two')].map((tags) => [...tags])).toEqual(sets);
    expect(seriesOf('one').size).toBe(new Set(sets.map(([a]) => a)).size);
  });

  it(`truncate tag values to ${MAX_TAG_LENGTH} characters`, () => {
    const t = createTelemetry();
    const agg = createAggregator(t, [
      counter('big.tag.count', { tags: ['user'] }),
      counter('big.tag.pair', { event: 'big.tag', tags: ['user', 'route'] }),
    ]);
    const huge = 'u'.repeat(1_000_000);
    t.emit('big.tag', {}, { user: `${huge}a`, route: '/' });
    t.emit('big.tag', {}, { user: `${huge}b`, route: '/' });
    t.emit('big.tag', {}, { user: 'short', route: 'r'.repeat(MAX_TAG_LENGTH) });
    t.emit('big.tag', {}, { user: `${'u'.repeat(MAX_TAG_LENGTH - 2)}\u{1F600}tail`, route: '/' });
    const [one, pair] = agg.snapshot();
    const truncated = `${'u'.repeat(MAX_TAG_LENGTH - 1)}…`;
    expect(one?.series.map((s) => [s.tags.user, s.count])).toEqual([
      [truncated, 2],
      ['short', 1],
      // a surrogate pair is never split
      [`${'u'.repeat(MAX_TAG_LENGTH - 2)}…`, 1],
    ]);
    expect(pair?.series.map((s) => [s.tags.user, s.tags.route?.length, s.count])).toEqual([
      [truncated, 1, 2],
      ['short', MAX_TAG_LENGTH, 1],
      [`${'u'.repeat(MAX_TAG_LENGTH - 2)}…`, 1, 1],
    ]);
  });

  it('skip and count a value that unit conversion or sampling makes infinite', () => {
    const t = createTelemetry();
    const agg = createAggregator(t, [
      summary('op.stop.duration', { unit: { from: 'second', to: 'nanosecond' } }),
      sum('op.stop.bytes'),
    ]);
    t.emit('op.stop', { duration: 1e300, bytes: 1e308 }, { sampleRate: 0.01 });
    t.emit('op.stop', { duration: 2, bytes: 1 });
    const [latency, bytes] = agg.snapshot();
    expect(latency?.series[0]).toMatchObject({ count: 1, min: 2e9, max: 2e9 });
    expect(bytes?.series[0]).toMatchObject({ count: 1, sum: 1 });
    expect(agg.stats()).toMatchObject({ recorded: 2, skipped: { non_numeric: 2 } });
  });

  it('attach all their handlers or none', () => {
    const t = createTelemetry();
    t.attach('isotel.aggregator:b.x', 'b.x', () => {});
    const definitions = [counter('c.x.count'), counter('b.x.count2', { event: 'b.x' })];
    expect(codeOf(() => createAggregator(t, definitions))).toBe('handler_exists');
    expect(t.listHandlers().map((h) => h.id)).toEqual(['isotel.aggregator:b.x']);
    expect(codeOf(() => attachMetrics(t, 'isotel.aggregator', definitions, recordingSink().sink))).toBe(
      'handler_exists',
    );
    expect(t.listHandlers().map((h) => h.id)).toEqual(['isotel.aggregator:b.x']);
    t.detach('isotel.aggregator:b.x');
    createAggregator(t, definitions).detach();
    expect(t.listHandlers()).toEqual([]);
  });

  it('reject a series cap that is not a positive integer', () => {
    const t = createTelemetry();
    for (const maxSeries of [Number.NaN, Number.POSITIVE_INFINITY, 0, -1, 1.5]) {
      expect(codeOf(() => attachMetrics(t, 'test', [counter('a.b.c')], recordingSink().sink, { maxSeries }))).toBe(
        'invalid_argument',
      );
    }
    expect(t.listHandlers()).toEqual([]);
  });
});
