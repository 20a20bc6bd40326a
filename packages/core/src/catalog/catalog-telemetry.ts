import type { Telemetry } from '../bus/telemetry.js';
import type { EventThunk } from '../bus/types.js';
import type { Span } from '../span/types.js';
import type { Catalog } from './define-catalog.js';
import type { CatalogSpec, EventMap, EventsOf, SpanMetadataOf, SpanPrefixOf } from './schema.js';

/** The event map of a catalog. */
export type CatalogEvents<C extends Catalog> = C extends Catalog<infer S extends CatalogSpec> ? EventsOf<S> : EventMap;

/**
 * A telemetry instance typed by a catalog, as `createTelemetry({ catalog })` returns it: `emit`,
 * `span` and `startSpan` accept only catalogued names and their declared measurements. It is
 * still a `Telemetry`, so it goes wherever one is expected (a provider, an exporter).
 *
 * @example
 * const t = createTelemetry({ catalog })
 * t.emit('checkout.payment.stop', { duration: 12 }, { orderId: 'o-1' })
 * t.emit('checkout.payment.stpo', { duration: 12 }) // compile error: not in the catalog
 */
export interface CatalogTelemetry<C extends Catalog> extends Telemetry {
  /** The catalog this instance was created with. */
  readonly catalog: C;
  emit<N extends keyof CatalogEvents<C> & string>(
    name: N,
    measurements?: CatalogEvents<C>[N]['measurements'] | EventThunk,
    metadata?: CatalogEvents<C>[N]['metadata'],
  ): void;
  span<P extends SpanPrefixOf<CatalogEvents<C>>, R>(
    prefix: P,
    metadata: SpanMetadataOf<CatalogEvents<C>, P> | undefined,
    fn: (span: Span) => R,
  ): R;
  startSpan<P extends SpanPrefixOf<CatalogEvents<C>>>(prefix: P, metadata?: SpanMetadataOf<CatalogEvents<C>, P>): Span;
}
