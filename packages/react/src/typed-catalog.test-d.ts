import { createTelemetry, defineCatalog, type Metadata, spanEvents, type Telemetry } from '@isotel/core';
import { expectTypeOf } from 'vitest';
import {
  type MountSpanHandle,
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

  const visit = useMountSpan('checkout.page', { step: 'cart' }, { telemetry: typed });
  expectTypeOf(visit).toEqualTypeOf<MountSpanHandle>();
  // @ts-expect-error a prefix without a catalogued .start event
  useMountSpan('cart.item', undefined, { telemetry: typed });
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
  useTelemetrySpan<typeof typed>('checkout.page');
  // @ts-expect-error a prefix without a catalogued .start event
  useTelemetrySpan<typeof typed>('checkout.pag');
  return null;
}

// Without a catalog every name and prefix is accepted, with plain metadata.
export function Untyped() {
  const emit = useEmit();
  expectTypeOf(emit).toEqualTypeOf<Telemetry['emit']>();
  emit('anything.at.all', { n: 1 }, { free: true });
  useTelemetrySpan('any.prefix', { free: true } satisfies Metadata);
  useMountSpan('any.page');
  const { events } = useTelemetryEvents('**', { limit: 10 });
  expectTypeOf(events).toEqualTypeOf<readonly TelemetryEvent[]>();
  const plain = createTelemetry();
  expectTypeOf(useEmit(plain)).toEqualTypeOf<Telemetry['emit']>();
  return null;
}
