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

type Fields<R> = {
  -readonly [K in keyof R as IsOptional<R[K]> extends true ? never : K]: ValueOf<R[K]>;
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

/** The span prefixes of an event map: names `p` with a `p.start` event. */
export type SpanPrefixOf<E extends EventMap> = {
  [N in keyof E & string]: N extends `${infer P}.start` ? P : never;
}[keyof E & string];

/** The metadata a span of `prefix` starts with (that of its `.start` event). */
export type SpanMetadataOf<E extends EventMap, P extends string> = `${P}.start` extends keyof E
  ? E[`${P}.start`]['metadata']
  : Metadata;
