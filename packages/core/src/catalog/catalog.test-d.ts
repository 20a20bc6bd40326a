import { expectTypeOf } from 'vitest';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import type { Span } from '../span/types.js';
import { defineCatalog } from './define-catalog.js';
import { spanEvents } from './span-events.js';

const catalog = defineCatalog({
  'checkout.payment.start': { metadata: { orderId: 'string' } },
  'checkout.payment.exception': { metadata: { orderId: 'string' } },
  'checkout.payment.stop': {
    description: 'A payment attempt finished.',
    measurements: { duration: 'number', monotonicTime: 'number?' },
    metadata: { orderId: 'string', provider: 'string?' },
  },
  'cart.item.added': { measurements: { count: 'number' }, metadata: { sku: 'string', price: 'number' } },
  'app.ready': {},
  'user.seen': { metadata: { userId: 'string', detail: 'unknown', note: 'unknown?' } },
  'cache.hit': { measurements: { count: 'number?' } },
  'job.run': { measurements: { duration: 'number', value: 'number?' }, metadata: { jobId: 'string' } },
  'queue.depth': { measurements: { value: 'number' } },
  'batch.sent': { measurements: { count: 'number', bytes: 'number' } },
  'only.start': { metadata: { a: 'string' } },
  'half.start': {},
  'half.stop': {},
});

const t = createTelemetry({ catalog });

// catalogued names, keys and metadata types compile
t.emit('checkout.payment.stop', { duration: 12 }, { orderId: 'o-1' });
t.emit('checkout.payment.stop', { duration: 12, monotonicTime: 3 }, { orderId: 'o-1', provider: 'stripe', extra: 1 });
t.emit('cart.item.added', { count: 1 }, { sku: 'a', price: 3 });
t.emit('app.ready');
t.emit('cart.item.added', () => [{ count: 1 }, { sku: 'a', price: 1 }]);

// @ts-expect-error an unknown name
t.emit('checkout.payment.stpo', { duration: 12 }, { orderId: 'o-1' });
// @ts-expect-error an undeclared measurement key
t.emit('checkout.payment.stop', { durtion: 12 }, { orderId: 'o-1' });
// @ts-expect-error a missing required measurement
t.emit('checkout.payment.stop', {}, { orderId: 'o-1' });
// @ts-expect-error metadata of the wrong type
t.emit('cart.item.added', { count: 1 }, { sku: 'a', price: '3' });
// @ts-expect-error a missing required metadata key
t.emit('cart.item.added', { count: 1 }, { price: 3 });
// @ts-expect-error measurements on an event that has none
t.emit('app.ready', { count: 1 });

// required measurements and metadata make the arguments required (what validate requires)
// @ts-expect-error measurement count is required
t.emit('cart.item.added');
// @ts-expect-error metadata sku and price are required
t.emit('cart.item.added', { count: 1 });
// @ts-expect-error metadata orderId is required
t.emit('checkout.payment.start');
// @ts-expect-error measurements may be undefined, the required metadata may not
t.emit('checkout.payment.start', undefined);
t.emit('checkout.payment.start', undefined, { orderId: 'o' });
t.emit('checkout.payment.start', {}, { orderId: 'o' });
// every key optional or none: both arguments optional
t.emit('cache.hit');
t.emit('cache.hit', { count: 2 });
t.emit('cache.hit', undefined, { any: 1 });
// @ts-expect-error an undeclared measurement on an all-optional event
t.emit('cache.hit', { hits: 2 });
// @ts-expect-error an optional measurement of the wrong type
t.emit('cache.hit', { count: '2' });
// @ts-expect-error exactOptionalPropertyTypes: an optional key does not take undefined
t.emit('checkout.payment.stop', { duration: 1, monotonicTime: undefined }, { orderId: 'o' });

// the lazy form: the thunk returns [measurements, metadata?] checked against the spec
t.emit('cache.hit', () => [{ count: 1 }]);
t.emit('checkout.payment.stop', () => [{ duration: 1 }, { orderId: 'o' }] as const);
// @ts-expect-error the thunk returns an unknown measurement key
t.emit('cart.item.added', () => [{ cnt: 1 }, { sku: 'a', price: 1 }]);
// @ts-expect-error the thunk returns metadata of the wrong type
t.emit('cart.item.added', () => [{ count: 1 }, { sku: 1, price: 1 }]);
// @ts-expect-error the thunk leaves out required metadata
t.emit('cart.item.added', () => [{ count: 1 }]);
// @ts-expect-error no metadata argument with the thunk form (the bus ignores it)
t.emit('cache.hit', () => [{ count: 1 }], { sku: 'a' });

// a required 'unknown' key takes anything but undefined (validate refuses undefined)
t.emit('user.seen', undefined, { userId: 'u', detail: null });
t.emit('user.seen', undefined, { userId: 'u', detail: 0, note: undefined });
// @ts-expect-error detail is required, undefined does not satisfy it
t.emit('user.seen', undefined, { userId: 'u', detail: undefined });
// @ts-expect-error detail is required
t.emit('user.seen', undefined, { userId: 'u' });

// emitCounter / emitTimer / emitGauge: only events declaring count / duration / value
t.emitCounter('cache.hit');
t.emitCounter('cache.hit', 3, { any: 1 });
t.emitTimer('job.run', 12, { jobId: 'j' });
t.emitGauge('queue.depth', 4);
// @ts-expect-error not in the catalog
t.emitCounter('not.in.catalog');
// @ts-expect-error app.ready has no count measurement
t.emitCounter('app.ready');
// @ts-expect-error batch.sent also requires bytes, which emitCounter cannot give
t.emitCounter('batch.sent', 1);
// @ts-expect-error cart.item.added requires metadata
t.emitCounter('cart.item.added', 1);
t.emitCounter('cart.item.added', undefined, { sku: 'a', price: 1 });
// @ts-expect-error job.run requires jobId
t.emitTimer('job.run', 12);
// @ts-expect-error queue.depth has no duration
t.emitTimer('queue.depth', 12);
// @ts-expect-error job.run requires duration, which emitGauge cannot give
t.emitGauge('job.run', 1, { jobId: 'j' });

// spans: the prefix must have a catalogued .start event, whose metadata the span takes
const total = t.span('checkout.payment', { orderId: 'o-1' }, (span) => {
  // checkout.payment.stop declares no measurement besides the span's own: nothing to add
  expectTypeOf(span).toEqualTypeOf<Span<Record<string, never>>>();
  // @ts-expect-error checkout.payment.stop declares no rows measurement
  span.measure({ rows: 1 });
  return 3;
});
expectTypeOf(total).toEqualTypeOf<number>();
t.startSpan('checkout.payment', { orderId: 'o-2' }).end();
// @ts-expect-error no cart.item.start event in the catalog
t.span('cart.item', {}, () => 1);
// @ts-expect-error the start metadata requires orderId as a string
t.span('checkout.payment', { orderId: 1 }, () => 1);
// @ts-expect-error the start metadata requires orderId
t.span('checkout.payment', undefined, () => 1);
// @ts-expect-error the start metadata requires orderId
t.span('checkout.payment', {}, () => 1);
// @ts-expect-error the start metadata requires orderId
t.startSpan('checkout.payment');
// @ts-expect-error a lone only.start is not a span: no only.stop / only.exception
t.span('only', { a: 'x' }, () => 1);
// @ts-expect-error half.start and half.stop without half.exception is not a span
t.startSpan('half');

// attach: an exact catalogued name types the handler; patterns and library events stay loose
t.attach('h1', 'cart.item.added', (name, measurements, metadata) => {
  expectTypeOf(name).toEqualTypeOf<'cart.item.added'>();
  expectTypeOf(measurements.count).toEqualTypeOf<number>();
  expectTypeOf(metadata.sku).toEqualTypeOf<string>();
});
t.attach('h2', 'checkout.payment.*', (name, measurements) => {
  expectTypeOf(name).toEqualTypeOf<string>();
  expectTypeOf(measurements).toEqualTypeOf<Record<string, number>>();
});
t.attach('h3', 'telemetry.handler.failure', () => undefined);
// @ts-expect-error a misspelt exact name
t.attach('h4', 'cart.item.addd', () => undefined);

// a typed instance is still a Telemetry; an uncatalogued one takes any string
expectTypeOf(t).toExtend<Telemetry>();
expectTypeOf(t.catalog).toEqualTypeOf<typeof catalog>();
const plain = createTelemetry();
expectTypeOf(plain).toEqualTypeOf<Telemetry>();
plain.emit(`dynamic.${String(Math.random())}`, { anything: 1 }, { any: 'thing' });
plain.span('any.prefix', undefined, () => undefined);

// spanEvents declares a span's three events with the measurements spans emit
const spans = createTelemetry({
  catalog: defineCatalog({
    ...spanEvents('upload.file', { metadata: { bytes: 'number', mime: 'string?' } }),
    ...spanEvents('app.boot'),
  }),
});
spans.span('upload.file', { bytes: 10 }, () => 1);
spans.span('app.boot', {}, () => 1);
spans.span('app.boot', undefined, () => 1);
spans.startSpan('app.boot');
// @ts-expect-error bytes is required to start an upload.file span
spans.startSpan('upload.file');
spans.emit('upload.file.stop', { duration: 1, monotonicTime: 2 }, { bytes: 10 });
spans.emit('upload.file.exception', { duration: 1, monotonicTime: 2 }, { bytes: 10, kind: 'error', error: null });
// @ts-expect-error the start metadata requires bytes as a number
spans.span('upload.file', { bytes: '10' }, () => 1);
// @ts-expect-error a span's stop event has no retries measurement
spans.emit('upload.file.stop', { duration: 1, monotonicTime: 2, retries: 1 }, { bytes: 10 });
// @ts-expect-error an exception event carries kind
spans.emit('upload.file.exception', { duration: 1, monotonicTime: 2 }, { bytes: 10, error: null });

// stop measurements: declared once, typed on span(...)'s handle and on startSpan's end
const measured = createTelemetry({
  catalog: defineCatalog({
    ...spanEvents('db.query', { metadata: { table: 'string' }, measurements: { rows: 'number?', bytes: 'number?' } }),
  }),
});
measured.span('db.query', { table: 'orders' }, (span) => {
  expectTypeOf(span).toEqualTypeOf<Span<{ rows?: number; bytes?: number }>>();
  span.measure({ rows: 3 }).measure({ bytes: 10 });
  // @ts-expect-error rows is a number
  span.measure({ rows: '3' });
  // @ts-expect-error db.query.stop declares no retries measurement
  span.measure({ retries: 1 });
});
measured.startSpan('db.query', { table: 'orders' }).end({ status: 'ok' }, { rows: 2 });
// @ts-expect-error db.query.stop declares no retries measurement
measured.startSpan('db.query', { table: 'orders' }).end(undefined, { retries: 1 });
measured.emit('db.query.stop', { duration: 1, monotonicTime: 2, rows: 4 }, { table: 'orders' });
// an untyped instance takes any numeric measurement
plain.startSpan('any.prefix').end(undefined, { anything: 1 });
plain.span('any.prefix', undefined, (span) => span.measure({ rows: 1 }));
