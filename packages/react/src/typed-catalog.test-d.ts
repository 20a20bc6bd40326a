import { createTelemetry, defineCatalog, type Metadata, spanEvents, type Telemetry } from '@isotel/core';
import { expectTypeOf } from 'vitest';
import {
  type MountSpanHandle,
  type SpanParamsFor,
  type TelemetryEvent,
  type TelemetrySpanHandle,
  useEmit,
  useMountSpan,
  useTelemetry,
  useTelemetryEvents,
  useTelemetrySpan,
} from './index.js';

const catalog = defineCatalog({
  ...spanEvents('checkout.payment', { metadata: { orderId: 'string' } }),
  ...spanEvents('checkout.page', { metadata: { step: 'string' } }),
  ...spanEvents('search.query', { metadata: { term: 'string?' } }),
  ...spanEvents('app.boot'),
  'cart.item.added': { measurements: { count: 'number' }, metadata: { sku: 'string' } },
});

const typed = createTelemetry({ catalog });

// The catalog flows from the instance passed to the hooks.
export function TypedByInstance() {
  const emit = useEmit(typed);
  emit('cart.item.added', { count: 1 }, { sku: 'a-1' });
  // @ts-expect-error a name the catalog does not describe
  emit('cart.item.addd', { count: 1 }, { sku: 'a-1' });
  // @ts-expect-error an undeclared measurement
  emit('cart.item.added', { cnt: 1 }, { sku: 'a-1' });
  // @ts-expect-error metadata of the wrong type
  emit('cart.item.added', { count: 1 }, { sku: 1 });

  const pay = useTelemetrySpan('checkout.payment', { orderId: 'o-1' }, { telemetry: typed });
  expectTypeOf(pay).toEqualTypeOf<TelemetrySpanHandle>();
  // @ts-expect-error a prefix without a catalogued .start event
  useTelemetrySpan('checkout.paymnt', { orderId: 'o-1' }, { telemetry: typed });
  // @ts-expect-error the metadata of another prefix's start event
  useTelemetrySpan('checkout.payment', { step: 'cart' }, { telemetry: typed });
  // @ts-expect-error a required metadata key of the start event is missing
  useTelemetrySpan('checkout.payment', {}, { telemetry: typed });
  // @ts-expect-error the start event requires metadata, as `span()` does
  useTelemetrySpan('checkout.payment', undefined, { telemetry: typed });
  // a start event that requires no key takes no metadata, as `span()` does
  useTelemetrySpan('search.query', undefined, { telemetry: typed });
  useTelemetrySpan('search.query', { term: 'shoes' }, { telemetry: typed });
  useTelemetrySpan('app.boot', undefined, { telemetry: typed });
  // @ts-expect-error an optional key of the wrong type
  useTelemetrySpan('search.query', { term: 1 }, { telemetry: typed });

  const visit = useMountSpan('checkout.page', { step: 'cart' }, { telemetry: typed });
  expectTypeOf(visit).toEqualTypeOf<MountSpanHandle>();
  // @ts-expect-error a prefix without a catalogued .start event
  useMountSpan('cart.item', undefined, { telemetry: typed });
  // @ts-expect-error the start event requires metadata
  useMountSpan('checkout.page', undefined, { telemetry: typed });
  useMountSpan('app.boot', undefined, { telemetry: typed });
  return null;
}

// With a provider, the instance type is stated through the type argument.
export function TypedByProvider() {
  const t = useTelemetry<typeof typed>();
  expectTypeOf(t).toEqualTypeOf<typeof typed>();
  const emit = useEmit<typeof typed>();
  emit('checkout.payment.stop', { duration: 3, monotonicTime: 4 }, { orderId: 'o-2' });
  // @ts-expect-error a name the catalog does not describe
  emit('checkout.payment.stpo', { duration: 3 }, { orderId: 'o-2' });
  useTelemetrySpan<typeof typed>('checkout.page', { step: 'cart' });
  useTelemetrySpan<typeof typed>('search.query');
  useMountSpan<typeof typed>('app.boot');
  // @ts-expect-error a prefix without a catalogued .start event
  useTelemetrySpan<typeof typed>('checkout.pag');
  // @ts-expect-error the start event requires metadata (step)
  useTelemetrySpan<typeof typed>('checkout.page');
  // @ts-expect-error the start event requires metadata (step)
  useMountSpan<typeof typed>('checkout.page');
  return null;
}

// A wrapper takes the span hooks' parameters as they are.
function useTypedSpan(...params: SpanParamsFor<typeof typed>): TelemetrySpanHandle {
  return useTelemetrySpan<typeof typed>(...params);
}

export function TypedByWrapper() {
  useTypedSpan('checkout.payment', { orderId: 'o-3' });
  useTypedSpan('app.boot');
  // @ts-expect-error the start event requires metadata (orderId)
  useTypedSpan('checkout.payment');
  // @ts-expect-error the metadata of another prefix's start event
  useTypedSpan('checkout.payment', { step: 'cart' });
  return null;
}

// Without a catalog every name and prefix is accepted, with plain metadata.
export function Untyped() {
  const emit = useEmit();
  expectTypeOf(emit).toEqualTypeOf<Telemetry['emit']>();
  emit('anything.at.all', { n: 1 }, { free: true });
  useTelemetrySpan('any.prefix', { free: true } satisfies Metadata);
  useTelemetrySpan('any.prefix', undefined, { telemetry: createTelemetry() });
  useMountSpan('any.page');
  const { events } = useTelemetryEvents('**', { limit: 10 });
  expectTypeOf(events).toEqualTypeOf<readonly TelemetryEvent[]>();
  const plain = createTelemetry();
  expectTypeOf(useEmit(plain)).toEqualTypeOf<Telemetry['emit']>();
  return null;
}
