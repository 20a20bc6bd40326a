import { IsotelError } from '../errors/isotel-error.js';
import type { FieldSpec, MeasurementSpec } from './schema.js';

// What `span` and `startSpan` put in the measurements of each event (DESIGN.md §4).
const START = Object.freeze({ monotonicTime: 'number', systemTime: 'number' } as const);
const END = Object.freeze({ duration: 'number', monotonicTime: 'number' } as const);
// and what `.exception` adds to the metadata: `kind` ('error' | 'throw') and the thrown value
const FAILURE = Object.freeze({ kind: 'string', error: 'unknown' } as const);

type MetadataSpec = Readonly<Record<string, FieldSpec>>;
type StopMeasurementSpec = Readonly<Record<string, MeasurementSpec>>;

/** What {@link spanEvents} says about a span's three events. */
export interface SpanEventsOptions<M extends MetadataSpec, S extends StopMeasurementSpec = Record<never, never>> {
  /** What the span measures; each event's description adds `start`, `stop` or `exception`. */
  readonly description?: string;
  /** The metadata the span is started with, declared on all three events. */
  readonly metadata?: M;
  /**
   * Measurements the stop event adds to `{ duration, monotonicTime }` (through the span's
   * `measure` or `end`), such as `{ rows: 'number?' }`. `duration` and `monotonicTime` are the
   * span's own. @default {}
   */
  readonly measurements?: S;
}

/** One of the entries {@link spanEvents} returns. */
export interface SpanEventSpec<Ms, Md> {
  readonly measurements: Ms;
  readonly metadata: Md;
  readonly description?: string;
}

/** The catalog entries {@link spanEvents} returns for `prefix`. */
export type SpanEventSpecs<
  P extends string,
  M extends MetadataSpec,
  S extends StopMeasurementSpec = Record<never, never>,
> = {
  readonly [K in `${P}.start`]: SpanEventSpec<typeof START, M>;
} & { readonly [K in `${P}.stop`]: SpanEventSpec<Omit<S, keyof typeof END> & typeof END, M> } & {
  readonly [K in `${P}.exception`]: SpanEventSpec<typeof END, M & typeof FAILURE>;
};

/**
 * The `.start`, `.stop` and `.exception` catalog entries of a span, with the measurements that
 * `span`/`startSpan` emit, so a catalog that validates remote events accepts real spans. Spread
 * it into {@link defineCatalog}.
 *
 * @example
 * const catalog = defineCatalog({
 *   ...spanEvents('checkout.payment', { description: 'Charging the card', metadata: { orderId: 'string' } }),
 *   ...spanEvents('db.query', { metadata: { table: 'string' }, measurements: { rows: 'number?' } }),
 * })
 */
export function spanEvents<
  const P extends string,
  const M extends MetadataSpec = Record<never, FieldSpec>,
  const S extends StopMeasurementSpec = Record<never, never>,
>(prefix: P, options: SpanEventsOptions<M, S> = {}): SpanEventSpecs<P, M, S> {
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw new IsotelError(
      'invalid_catalog',
      `A span prefix must be a non-empty string, got ${JSON.stringify(prefix)}.`,
    );
  }
  const metadata = (options.metadata ?? {}) as M;
  const stop: Record<string, MeasurementSpec> = {};
  for (const [key, spec] of Object.entries(options.measurements ?? {})) {
    if (spec !== 'number' && spec !== 'number?') {
      throw new IsotelError(
        'invalid_catalog',
        `Span "${prefix}": stop measurement "${key}" must be 'number' or 'number?', got ${JSON.stringify(spec)}.`,
      );
    }
    if (!Object.hasOwn(END, key)) stop[key] = spec;
  }
  const entry = (suffix: string, measurements: Readonly<Record<string, MeasurementSpec>>, md: MetadataSpec) =>
    options.description === undefined
      ? { measurements, metadata: md }
      : { measurements, metadata: md, description: `${options.description}: ${suffix}` };
  return {
    [`${prefix}.start`]: entry('start', START, metadata),
    [`${prefix}.stop`]: entry('stop', Object.freeze({ ...stop, ...END }), metadata),
    [`${prefix}.exception`]: entry('exception', END, { ...metadata, ...FAILURE }),
  } as SpanEventSpecs<P, M, S>;
}
