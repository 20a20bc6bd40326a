import type { Metadata } from '../bus/types.js';

/** The value types a catalog can declare for a metadata key. */
export type FieldType = 'string' | 'number' | 'boolean' | 'unknown';

/** A metadata key's type; a trailing `?` makes the key optional. */
export type FieldSpec = FieldType | `${FieldType}?`;

/** A measurement's type: always a number; a trailing `?` makes it optional. */
export type MeasurementSpec = 'number' | 'number?';

/** What a catalog says about one event. */
export interface EventSpec {
  /** Its measurements; no other keys are allowed. Omitted: the event has none. */
  readonly measurements?: Readonly<Record<string, MeasurementSpec>>;
  /** Its known metadata keys; other keys are allowed (ids, `sampleRate`, ...). */
  readonly metadata?: Readonly<Record<string, FieldSpec>>;
  /** What the event means, for people and the devtools. */
  readonly description?: string;
}

/** Event names mapped to their specs. */
export type CatalogSpec = Readonly<Record<string, EventSpec>>;

type IsOptional<T> = T extends `${string}?` ? true : false;
type BaseOf<T> = T extends `${infer B}?` ? B : T;
type ValueOf<T> =
  BaseOf<T> extends 'string'
    ? string
    : BaseOf<T> extends 'number'
      ? number
      : BaseOf<T> extends 'boolean'
        ? boolean
        : unknown;

// A required key must be present with a value: `validate` refuses `undefined` for it (JSON would
// drop it anyway), so a required `'unknown'` key takes anything but `undefined`.
// biome-ignore lint/complexity/noBannedTypes: `{} | null` is exactly "anything but undefined"
type RequiredValueOf<T> = T extends 'unknown' ? {} | null : ValueOf<T>;

type Fields<R> = {
  -readonly [K in keyof R as IsOptional<R[K]> extends true ? never : K]: RequiredValueOf<R[K]>;
} & {
  -readonly [K in keyof R as IsOptional<R[K]> extends true ? K : never]?: ValueOf<R[K]>;
};

// mapped again so editors show one flat object type
type Flat<T> = { [K in keyof T]: T[K] };

/** The measurements type of an event spec: exactly its declared keys. */
export type MeasurementsOf<E extends EventSpec> =
  E['measurements'] extends Readonly<Record<string, MeasurementSpec>>
    ? Flat<Fields<E['measurements']>>
    : Record<string, never>;

/** The metadata type of an event spec: its declared keys, and any others. */
export type MetadataOf<E extends EventSpec> =
  E['metadata'] extends Readonly<Record<string, FieldSpec>> ? Flat<Fields<E['metadata']>> & Metadata : Metadata;

/** An event's typed shape, as the typed `emit` sees it. */
export interface EventShape {
  readonly measurements: Record<string, number>;
  readonly metadata: Metadata;
}

/** Event names mapped to their typed shapes. */
export type EventMap = Record<string, EventShape>;

/** The typed shapes of every event of a catalog spec. */
export type EventsOf<S extends CatalogSpec> = {
  [N in keyof S & string]: { measurements: MeasurementsOf<S[N]>; metadata: MetadataOf<S[N]> };
};

/** The span prefixes of an event map: names `p` whose `p.start`, `p.stop` and `p.exception` are all in it. */
export type SpanPrefixOf<E extends EventMap> = {
  [N in keyof E & string]: N extends `${infer P}.start`
    ? `${P}.stop` | `${P}.exception` extends keyof E
      ? P
      : never
    : never;
}[keyof E & string];

/** The metadata a span of `prefix` starts with (that of its `.start` event). */
export type SpanMetadataOf<E extends EventMap, P extends string> = `${P}.start` extends keyof E
  ? E[`${P}.start`]['metadata']
  : Metadata;

/** The keys of `T` that must be present (its non-optional keys; an index signature is not one). */
export type RequiredKeysOf<T> = keyof {
  // biome-ignore lint/complexity/noBannedTypes: `{} extends Pick<T, K>` is the test for an optional key
  [K in keyof T as string extends K ? never : number extends K ? never : {} extends Pick<T, K> ? never : K]: true;
};

/** True when `T` has a key that must be present. */
export type HasRequiredKeys<T> = [RequiredKeysOf<T>] extends [never] ? false : true;

/**
 * The arguments a typed `emit` takes after the name (the eager form): the measurements and
 * metadata, each required exactly when the event has a required key; the measurements may be
 * `undefined` when only the metadata is required.
 */
export type EmitArgsOf<E extends EventShape> =
  HasRequiredKeys<E['metadata']> extends true
    ? [
        measurements: HasRequiredKeys<E['measurements']> extends true
          ? E['measurements']
          : E['measurements'] | undefined,
        metadata: E['metadata'],
      ]
    : HasRequiredKeys<E['measurements']> extends true
      ? [measurements: E['measurements'], metadata?: E['metadata'] | undefined]
      : [measurements?: E['measurements'] | undefined, metadata?: E['metadata'] | undefined];

/** What the thunk of a typed `emit` returns: `[measurements, metadata]`, metadata optional only when it may be. */
export type EventTupleOf<E extends EventShape> =
  HasRequiredKeys<E['metadata']> extends true
    ? readonly [E['measurements'], E['metadata']]
    : readonly [E['measurements'], E['metadata']?];

/** The metadata argument(s) of an event: required exactly when it has a required key. */
export type MetadataArgsOf<Md> = HasRequiredKeys<Md> extends true ? [metadata: Md] : [metadata?: Md | undefined];

/** The arguments of `emitCounter` after the name: `count`, then the metadata, required exactly when it has a required key. */
export type CounterArgsOf<Md> =
  HasRequiredKeys<Md> extends true
    ? [count: number | undefined, metadata: Md]
    : [count?: number | undefined, metadata?: Md | undefined];

/**
 * The names of an event map whose measurements declare `key` and require no other key: the events
 * `emitCounter` (`count`), `emitTimer` (`duration`) and `emitGauge` (`value`) can emit.
 */
export type NamesMeasuring<E extends EventMap, K extends string> = {
  [N in keyof E & string]: string extends keyof E[N]['measurements']
    ? never
    : K extends keyof E[N]['measurements']
      ? HasRequiredKeys<Omit<E[N]['measurements'], K>> extends true
        ? never
        : N
      : never;
}[keyof E & string];

/** The `metadata` argument a span of `prefix` takes: `undefined` allowed only when its `.start` requires no key. */
export type SpanStartMetadataOf<E extends EventMap, P extends string> =
  HasRequiredKeys<SpanMetadataOf<E, P>> extends true ? SpanMetadataOf<E, P> : SpanMetadataOf<E, P> | undefined;

/**
 * The measurements a span of `prefix` may add at stop: those its `.stop` event declares besides
 * `duration` and `monotonicTime` (none: an object with no keys).
 */
export type SpanStopMeasurementsOf<E extends EventMap, P extends string> = `${P}.stop` extends keyof E
  ? keyof Omit<E[`${P}.stop`]['measurements'], 'duration' | 'monotonicTime'> extends never
    ? Record<string, never>
    : Flat<Omit<E[`${P}.stop`]['measurements'], 'duration' | 'monotonicTime'>>
  : Record<string, number>;
