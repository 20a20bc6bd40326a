import { expectTypeOf } from 'vitest';
import { createTelemetry, type Telemetry } from '../bus/telemetry.js';
import type { Span } from '../span/types.js';
import { defineCatalog } from './define-catalog.js';
import { spanEvents } from './span-events.js';

const catalog = defineCatalog({
  'checkout.payment.start': { metadata: { orderId: 'string' } },
  'checkout.payment.stop': {
    description: 'A payment attempt finished.',
    measurements: { duration: 'number', monotonicTime: 'number?' },
    metadata: { orderId: 'string', provider: 'string?' },
  },
  'cart.item.added': { measurements: { count: 'number' }, metadata: { sku: 'string', price: 'number' } },
  'app.ready': {},
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

// spans: the prefix must have a catalogued .start event, whose metadata the span takes
const total = t.span('checkout.payment', { orderId: 'o-1' }, (span) => {
  expectTypeOf(span).toEqualTypeOf<Span>();
  return 3;
});
expectTypeOf(total).toEqualTypeOf<number>();
t.startSpan('checkout.payment', { orderId: 'o-2' }).end();
// @ts-expect-error no cart.item.start event in the catalog
t.span('cart.item', {}, () => 1);
// @ts-expect-error the start metadata requires orderId as a string
t.span('checkout.payment', { orderId: 1 }, () => 1);

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
spans.emit('upload.file.stop', { duration: 1, monotonicTime: 2 }, { bytes: 10 });
spans.emit('upload.file.exception', { duration: 1, monotonicTime: 2 }, { bytes: 10, kind: 'error', error: null });
// @ts-expect-error the start metadata requires bytes as a number
spans.span('upload.file', { bytes: '10' }, () => 1);
// @ts-expect-error a span's stop event has no retries measurement
spans.emit('upload.file.stop', { duration: 1, monotonicTime: 2, retries: 1 }, { bytes: 10 });
// @ts-expect-error an exception event carries kind
spans.emit('upload.file.exception', { duration: 1, monotonicTime: 2 }, { bytes: 10, error: null });
