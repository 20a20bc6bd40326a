// Telemetry.Metrics' behaviour, case by case, through isotel's API: what each metric type
// records for an event, unit conversion, keep/drop, tag values, and what a failing definition
// does. Written from Telemetry.Metrics' documented behaviour; deliberate differences are listed
// in docs/design-notes.md.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import { codeOf } from '../errors/errors.test-kit.js';
import { logger, setLogger } from '../log/logger.js';
import { createAggregator } from './aggregator.js';
import { attachMetrics, FAILURE_LOG_INTERVAL_MS, type MetricSink } from './attach-metrics.js';
import {
  counter,
  distribution,
  lastValue,
  type MetricDefinition,
  type MetricOptions,
  type ReporterOptions,
  sum,
  summary,
} from './definitions.js';
import { IDENTITY, type Unit } from './units.js';

const TIME: Unit[] = ['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour'];
const BYTES: Unit[] = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'kibibyte', 'mebibyte', 'gibibyte'];

function recording(t: Telemetry, definitions: MetricDefinition[], id = 'parity') {
  const values: [string, number, readonly string[]][] = [];
  const sink: MetricSink = {
    record(metric, _index, value, series) {
      values.push([metric.name, value, series.tags]);
    },
  };
  const binding = attachMetrics(t, id, definitions, sink);
  return { values, binding };
}

const original = logger();
let t: Telemetry;
let logged: { message: string; detail: unknown }[];
beforeEach(() => {
  t = createTelemetry();
  logged = [];
  setLogger({
    warn: (message, detail) => logged.push({ message, detail }),
    error: (message, detail) => logged.push({ message, detail }),
  });
});
afterEach(async () => {
  setLogger(original);
  vi.useRealTimers();
  await t.shutdown();
});

const TYPES = { counter, sum, lastValue, summary, distribution } as const;
const MEASURED = { sum, lastValue, summary, distribution } as const;

describe('Telemetry.Metrics parity: definitions', () => {
  for (const [type, define] of Object.entries(TYPES)) {
    it(`${type}: a metric or event name with leading, trailing or repeated dots is refused`, () => {
      for (const name of ['.metric.name', 'metric.name.', 'metric..name']) {
        expect(
          codeOf(() => define(name)),
          name,
        ).toBe('invalid_metric');
      }
      for (const event of ['.event.value', 'event.value.', 'event..name']) {
        expect(
          codeOf(() => define('my.metric', { event })),
          event,
        ).toBe('invalid_metric');
      }
    });

    it(`${type}: bad tag_values, tags, description, unit and reporter options are refused`, () => {
      const bad: MetricOptions[] = [
        { tagValues: 1 as unknown as () => Record<string, unknown> },
        { tags: 1 as unknown as string[] },
        { description: Symbol('metric description') as unknown as string },
        { unit: { from: 'second' } as unknown as string },
        { unit: { from: 'second', to: 'parsec' } as unknown as string },
        { unit: { from: 'parsec', to: 'second' } as unknown as string },
        { reporterOptions: ['avg'] as unknown as ReporterOptions },
      ];
      for (const options of bad) expect(codeOf(() => define('my.metric', options))).toBe('invalid_metric');
    });

    it(`${type}: the event and measurement come from the name unless given`, () => {
      expect(define('http.request.latency')).toMatchObject({
        name: 'http.request.latency',
        event: 'http.request',
        measurement: 'latency',
        tags: [],
        description: '',
      });
      expect(define('http.request.latency', { event: 'my.event', measurement: 'value' })).toMatchObject({
        name: 'http.request.latency',
        event: 'my.event',
        measurement: 'value',
      });
    });

    it(`${type}: the same unit on both sides converts nothing`, () => {
      for (const unit of [...TIME, ...BYTES]) {
        const m = define('http.request.latency', { unit: { from: unit, to: unit } });
        expect(m.ratio).toBe(IDENTITY);
        expect(m.unit).toBe(unit);
      }
    });
  }
});

describe('Telemetry.Metrics parity: what each type records', () => {
  for (const [type, define] of Object.entries(MEASURED)) {
    it(`${type}: converts bytes between SI units as Telemetry.Metrics does`, () => {
      const table: [Unit, number, Unit, number][] = [
        ['byte', 76_000_000, 'kilobyte', 76_000],
        ['byte', 76_000_000, 'megabyte', 76],
        ['kilobyte', 76_000, 'byte', 76_000_000],
        ['kilobyte', 76_000, 'megabyte', 76],
        ['megabyte', 76, 'byte', 76_000_000],
        ['megabyte', 76, 'kilobyte', 76_000],
      ];
      for (const [from, original, to, converted] of table) {
        const bus = createTelemetry();
        const { values } = recording(bus, [define('http.request.latency', { unit: { from, to } })]);
        // through a key and through a measurement function alike
        const viaFunction = recording(
          bus,
          [define('http.request.size', { event: 'http.request', measurement: (m) => m.latency, unit: { from, to } })],
          'parity-fn',
        );
        bus.emit('http.request', { latency: original });
        expect(
          values.map(([, v]) => v),
          `${from} → ${to}`,
        ).toEqual([converted]);
        expect(viaFunction.values.map(([, v]) => v)).toEqual([converted]);
        void bus.shutdown();
      }
    });

    it(`${type}: converts any integer time between second, millisecond, microsecond and nanosecond`, () => {
      const per: Record<string, bigint> = {
        second: 1_000_000_000n,
        millisecond: 1_000_000n,
        microsecond: 1000n,
        nanosecond: 1n,
      };
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 10_000_000 }),
          fc.constantFrom(...(Object.keys(per) as Unit[])),
          fc.constantFrom(...(Object.keys(per) as Unit[])),
          (measurement, from, to) => {
            const bus = createTelemetry();
            const { values } = recording(bus, [define('http.request.latency', { unit: { from, to } })]);
            bus.emit('http.request', { latency: measurement });
            const [a, b] = [per[from] as bigint, per[to] as bigint];
            // the exact result: an integer when converting down, else the nearest double to the quotient
            const expected = a >= b ? Number(BigInt(measurement) * (a / b)) : measurement / Number(b / a);
            expect(values[0]?.[1]).toBe(expected);
            void bus.shutdown();
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('a counter counts 1 per event whatever its unit conversion', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.constantFrom(...TIME), fc.constantFrom(...TIME)),
          fc.tuple(fc.constantFrom(...BYTES), fc.constantFrom(...BYTES)),
        ),
        fc.integer({ min: 1, max: 20 }),
        ([from, to], n) => {
          const bus = createTelemetry();
          const { values } = recording(bus, [counter('job.stop.duration', { unit: { from, to } })]);
          for (let i = 0; i < n; i++) bus.emit('job.stop', { duration: 1234 });
          expect(values.map(([, v]) => v)).toEqual(Array.from({ length: n }, () => 1));
          void bus.shutdown();
        },
      ),
    );
  });

  it('a counter does not read its measurement: it counts events that lack it', () => {
    const { values } = recording(t, [counter('job.stop.duration')]);
    t.emit('job.stop', {});
    t.emit('job.stop', { duration: Number.NaN });
    expect(values).toEqual([
      ['job.stop.duration', 1, []],
      ['job.stop.duration', 1, []],
    ]);
  });

  it('sum, lastValue, summary and distribution record the converted measurement', () => {
    const { values } = recording(t, [
      sum('http.request.stop.duration', { unit: { from: 'microsecond', to: 'nanosecond' } }),
      lastValue('vm.memory.total', { unit: { from: 'byte', to: 'kilobyte' } }),
      summary('http.request.stop.latency', {
        event: 'http.request.stop',
        measurement: 'duration',
        unit: { from: 'nanosecond', to: 'second' },
      }),
      distribution('vm.memory.binary', { unit: { from: 'byte', to: 'kibibyte' } }),
    ]);
    t.emit('http.request.stop', { duration: 1_234_567 });
    t.emit('vm.memory', { total: 76_000_000, binary: 76_000_000 });
    expect(values).toEqual([
      ['http.request.stop.duration', 1_234_567_000, []],
      ['http.request.stop.latency', 0.001234567, []],
      ['vm.memory.total', 76_000, []],
      ['vm.memory.binary', 74_218.75, []],
    ]);
  });

  it('a measurement function gets the measurements and the metadata', () => {
    const { values } = recording(t, [
      sum('http.request.stop.weighted', {
        event: 'http.request.stop',
        measurement: (m, md) => (m.duration as number) * (md.weight as number),
      }),
    ]);
    t.emit('http.request.stop', { duration: 3 }, { weight: 4 });
    expect(values).toEqual([['http.request.stop.weighted', 12, []]]);
  });

  it('tags come from metadata, or from tagValues where it returns them', () => {
    const { values } = recording(t, [
      counter('http.request.stop.count', {
        tags: ['method', 'status_class'],
        tagValues: (md) => ({ status_class: `${String(md.status).charAt(0)}xx` }),
      }),
    ]);
    t.emit('http.request.stop', {}, { method: 'GET', status: 404 });
    t.emit('http.request.stop', {}, { status: 200 });
    expect(values).toEqual([
      ['http.request.stop.count', 1, ['GET', '4xx']],
      ['http.request.stop.count', 1, ['', '2xx']],
    ]);
  });

  it('keep and drop see the metadata and the measurements', () => {
    const { values } = recording(t, [
      counter('db.query.stop.kept', { event: 'db.query.stop', keep: (md) => md.repo === 'main' }),
      sum('db.query.stop.duration', { drop: (_md, m) => (m.duration as number) > 100 }),
    ]);
    t.emit('db.query.stop', { duration: 10 }, { repo: 'main' });
    t.emit('db.query.stop', { duration: 500 }, { repo: 'replica' });
    expect(values).toEqual([
      ['db.query.stop.kept', 1, []],
      ['db.query.stop.duration', 10, []],
    ]);
  });

  it('every reporter on one event receives the same converted value', () => {
    const definitions = [
      sum('upload.done.bytes', { unit: { from: 'byte', to: 'megabyte' } }),
      counter('upload.done.count', { unit: { from: 'byte', to: 'megabyte' } }),
    ];
    const a = recording(t, definitions);
    const second: number[] = [];
    attachMetrics(t, 'second', definitions, {
      record: (_m, _i, value) => {
        second.push(value);
      },
    });
    const agg = createAggregator(t, definitions);
    t.emit('upload.done', { bytes: 76_000_000 });
    expect(a.values.map(([, v]) => v)).toEqual([76, 1]);
    expect(second).toEqual([76, 1]);
    expect(agg.snapshot().map((m) => m.series[0]?.sum)).toEqual([76, 1]);
  });
});

describe('Telemetry.Metrics parity: failures are skipped, counted and logged', () => {
  it('a missing or non-numeric measurement is skipped, not logged as a failure', () => {
    const { values, binding } = recording(t, [sum('job.done.items')]);
    t.emit('job.done', {});
    t.emit('job.done', { items: 'x' as unknown as number });
    expect(values).toEqual([]);
    expect(binding.stats().skipped).toEqual({ missing_value: 1, non_numeric: 1 });
    expect(logged).toEqual([]);
  });

  it('a throwing measurement, tagValues, keep or drop is logged with the metric, the part and the error', () => {
    const boom = new Error('boom');
    const { binding } = recording(t, [
      sum('a.x.value', {
        measurement: () => {
          throw boom;
        },
      }),
      counter('a.x.tagged', {
        event: 'a.x',
        tags: ['k'],
        tagValues: () => {
          throw boom;
        },
      }),
      counter('a.x.kept', {
        event: 'a.x',
        keep: () => {
          throw boom;
        },
      }),
      counter('a.x.dropped', {
        event: 'a.x',
        drop: () => {
          throw boom;
        },
      }),
    ]);
    t.emit('a.x', { value: 1 });
    expect(binding.stats().skipped).toEqual({ callback_failed: 4 });
    expect(logged.map((l) => l.message)).toEqual([
      'Metric "a.x.value": its measurement function threw; the value was skipped.',
      'Metric "a.x.tagged": its tagValues function threw; the value was skipped.',
      'Metric "a.x.kept": its keep function threw; the value was skipped.',
      'Metric "a.x.dropped": its drop function threw; the value was skipped.',
    ]);
    expect(logged.every((l) => l.detail === boom)).toBe(true);
  });

  it('a metric failing on every event logs once per interval, saying how many failed', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { binding } = recording(t, [
      sum('hot.path.value', {
        measurement: () => {
          throw new Error('always');
        },
      }),
    ]);
    for (let i = 0; i < 10_000; i++) t.emit('hot.path', { value: i });
    expect(logged).toHaveLength(1);
    vi.advanceTimersByTime(FAILURE_LOG_INTERVAL_MS - 1);
    t.emit('hot.path', { value: 1 });
    expect(logged).toHaveLength(1);
    vi.advanceTimersByTime(1);
    t.emit('hot.path', { value: 1 });
    expect(logged).toHaveLength(2);
    expect(logged[1]?.message).toBe(
      'Metric "hot.path.value": its measurement function threw; the value was skipped (10001 failures since the last report).',
    );
    expect(binding.stats().skipped).toEqual({ callback_failed: 10_002 });
  });

  it('a tag value whose conversion to a string throws is logged as such', () => {
    const { binding } = recording(t, [counter('a.y.count', { tags: ['user'] })]);
    const hostile = {
      toString() {
        throw new Error('no string');
      },
    };
    t.emit('a.y', {}, { user: hostile });
    expect(binding.stats().skipped).toEqual({ callback_failed: 1 });
    expect(logged.map((l) => l.message)).toEqual([
      'Metric "a.y.count": a tag value could not be read; the value was skipped.',
    ]);
  });

  it('a reporter that throws is logged with its id, and the event still reaches the others', () => {
    const metrics = [sum('job.done.items')];
    attachMetrics(t, 'broken', metrics, {
      record() {
        throw new TypeError('backend down');
      },
    });
    const ok = recording(t, metrics);
    t.emit('job.done', { items: 2 });
    expect(ok.values).toEqual([['job.done.items', 2, []]]);
    expect(logged.map((l) => l.message)).toEqual([
      'Metric "job.done.items": reporter "broken" failed to record a value; the value was skipped.',
    ]);
  });

  it('a logger that throws does not break the handler', () => {
    setLogger({
      warn() {
        throw new Error('logger down');
      },
      error() {
        throw new Error('logger down');
      },
    });
    const { binding } = recording(t, [
      sum('a.b.value', {
        measurement: () => {
          throw new Error('x');
        },
      }),
      sum('a.b.ok', { event: 'a.b', measurement: 'value' }),
    ]);
    expect(() => t.emit('a.b', { value: 1 })).not.toThrow();
    expect(binding.stats()).toMatchObject({ recorded: 1, skipped: { callback_failed: 1 } });
  });
});
