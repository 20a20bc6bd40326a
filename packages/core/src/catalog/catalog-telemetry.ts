import type { Telemetry } from '../bus/telemetry.js';
import type { AttachOptions, Handler } from '../bus/types.js';
import type { Span } from '../span/types.js';
import type { Catalog } from './define-catalog.js';
import type { LIBRARY_EVENTS } from './library-events.js';
import type {
  CatalogSpec,
  CounterArgsOf,
  EmitArgsOf,
  EventMap,
  EventsOf,
  EventTupleOf,
  MetadataArgsOf,
  NamesMeasuring,
  SpanMetadataOf,
  SpanPrefixOf,
  SpanStartMetadataOf,
  SpanStopMeasurementsOf,
} from './schema.js';

/** The event map of a catalog. */
export type CatalogEvents<C extends Catalog> = C extends Catalog<infer S extends CatalogSpec> ? EventsOf<S> : EventMap;

/** A pattern with a wildcard (`*` one segment, `**` any number), as `attach` takes it. */
export type WildcardPattern = `${string}*${string}`;

/**
 * A telemetry instance typed by a catalog, as `createTelemetry({ catalog })` returns it: `emit`,
 * `emitCounter`/`emitTimer`/`emitGauge`, `span`, `startSpan` and `attach` accept only catalogued
 * names, their declared measurements and metadata, and require the keys the catalog requires,
 * so what compiles is what `catalog.validate` accepts. It is still a `Telemetry`, so it goes
 * wherever one is expected (a provider, an exporter).
 *
 * @example
 * const t = createTelemetry({ catalog })
 * t.emit('checkout.payment.stop', { duration: 12 }, { orderId: 'o-1' })
 * t.emit('checkout.payment.stpo', { duration: 12 }) // compile error: not in the catalog
 * t.emit('checkout.payment.stop', { duration: 12 }) // compile error: orderId is required
 */
export interface CatalogTelemetry<C extends Catalog> extends Telemetry {
  /** The catalog this instance was created with. */
  readonly catalog: C;
  /**
   * The lazy form: the thunk runs only when someone listens and returns `[measurements, metadata]`
   * typed from the spec (metadata optional only when it requires no key). No metadata argument.
   */
  emit<N extends keyof CatalogEvents<C> & string>(name: N, thunk: () => EventTupleOf<CatalogEvents<C>[N]>): void;
  /** Measurements and metadata, each required exactly when the spec has a required key. */
  emit<N extends keyof CatalogEvents<C> & string>(name: N, ...args: EmitArgsOf<CatalogEvents<C>[N]>): void;
  /** Emits `{ count }` on a catalogued event that declares `count` and requires no other measurement. */
  emitCounter<N extends NamesMeasuring<CatalogEvents<C>, 'count'>>(
    name: N,
    ...args: CounterArgsOf<CatalogEvents<C>[N]['metadata']>
  ): void;
  /** Emits `{ duration }` on a catalogued event that declares `duration` and requires no other measurement. */
  emitTimer<N extends NamesMeasuring<CatalogEvents<C>, 'duration'>>(
    name: N,
    durationMs: number,
    ...metadata: MetadataArgsOf<CatalogEvents<C>[N]['metadata']>
  ): void;
  /** Emits `{ value }` on a catalogued event that declares `value` and requires no other measurement. */
  emitGauge<N extends NamesMeasuring<CatalogEvents<C>, 'value'>>(
    name: N,
    value: number,
    ...metadata: MetadataArgsOf<CatalogEvents<C>[N]['metadata']>
  ): void;
  span<P extends SpanPrefixOf<CatalogEvents<C>>, R>(
    prefix: P,
    metadata: SpanStartMetadataOf<CatalogEvents<C>, P>,
    fn: (span: Span<SpanStopMeasurementsOf<CatalogEvents<C>, P>>) => R,
  ): R;
  startSpan<P extends SpanPrefixOf<CatalogEvents<C>>>(
    prefix: P,
    ...metadata: MetadataArgsOf<SpanMetadataOf<CatalogEvents<C>, P>>
  ): Span<SpanStopMeasurementsOf<CatalogEvents<C>, P>>;
  /**
   * An exact catalogued name: the handler receives that event's typed measurements and metadata.
   * A wildcard pattern or a library event name (`telemetry.*`, `isotel.*`): loosely typed.
   * Any other string (a misspelt name) fails to compile.
   */
  attach<N extends keyof CatalogEvents<C> & string, Config = unknown>(
    handlerId: string,
    name: N,
    handler: (
      name: N,
      measurements: CatalogEvents<C>[N]['measurements'],
      metadata: CatalogEvents<C>[N]['metadata'],
      config: Config,
    ) => unknown,
    options?: AttachOptions<Config>,
  ): void;
  attach<Config = unknown>(
    handlerId: string,
    pattern: WildcardPattern | keyof typeof LIBRARY_EVENTS,
    handler: Handler<Config>,
    options?: AttachOptions<Config>,
  ): void;
}
