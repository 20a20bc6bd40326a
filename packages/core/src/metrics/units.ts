import { IsotelError } from '../errors/isotel-error.js';

/** Units a metric can be recorded in. Time is measured in milliseconds by spans. */
export type TimeUnit = 'nanosecond' | 'microsecond' | 'millisecond' | 'second' | 'minute' | 'hour';
/**
 * Byte units: SI multiples (`kilobyte` = 1000 bytes, as in Telemetry.Metrics, UCUM `kBy` and
 * OpenTelemetry) and IEC binary multiples (`kibibyte` = 1024 bytes).
 */
export type ByteUnit =
  | 'byte'
  | 'kilobyte'
  | 'megabyte'
  | 'gigabyte'
  | 'terabyte'
  | 'kibibyte'
  | 'mebibyte'
  | 'gibibyte'
  | 'tebibyte';
/** Any unit isotel knows how to convert. */
export type Unit = TimeUnit | ByteUnit;

// How many of the dimension's smallest unit (nanoseconds, bytes) one unit is: integers, all
// exact in a double, so a conversion is one integer ratio and at most one rounding.
const TIME: Record<TimeUnit, number> = {
  nanosecond: 1,
  microsecond: 1e3,
  millisecond: 1e6,
  second: 1e9,
  minute: 6e10,
  hour: 3.6e12,
};
const BYTES: Record<ByteUnit, number> = {
  byte: 1,
  kilobyte: 1e3,
  megabyte: 1e6,
  gigabyte: 1e9,
  terabyte: 1e12,
  kibibyte: 1024,
  mebibyte: 1024 ** 2,
  gibibyte: 1024 ** 3,
  tebibyte: 1024 ** 4,
};

/**
 * A conversion as a reduced integer ratio: a value in one unit times `numerator / denominator`
 * is the value in the other. Applied as one multiplication or one division when either side is
 * 1 (so `1234567 µs → ns` is exactly `1234567000` and `ns → s` is `value / 1e9`, correctly
 * rounded), else as `value * numerator / denominator`.
 */
export interface UnitRatio {
  readonly numerator: number;
  readonly denominator: number;
}

/** The identity ratio (no conversion). */
export const IDENTITY: UnitRatio = Object.freeze({ numerator: 1, denominator: 1 });

function dimension(unit: unknown): Record<string, number> | undefined {
  if (typeof unit !== 'string') return undefined;
  if (Object.hasOwn(TIME, unit)) return TIME;
  if (Object.hasOwn(BYTES, unit)) return BYTES;
  return undefined;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The ratio that converts a value in `from` to `to`; undefined unless both are units of one dimension. */
export function unitRatio(from: string, to: string): UnitRatio | undefined {
  const a = dimension(from);
  const b = dimension(to);
  if (a === undefined || a !== b) return undefined;
  const n = a[from] as number;
  const d = a[to] as number;
  const g = gcd(n, d);
  return g === n && n === d ? IDENTITY : { numerator: n / g, denominator: d / g };
}

/** `value` converted by `ratio`, with as few roundings as the ratio allows. */
export function convert(value: number, ratio: UnitRatio): number {
  const { numerator, denominator } = ratio;
  if (denominator === 1) return numerator === 1 ? value : value * numerator;
  if (numerator === 1) return value / denominator;
  return (value * numerator) / denominator;
}

/**
 * Resolves a unit option to the unit reported and the ratio applied to raw values.
 * A plain string labels the metric without converting; `{ from, to }` converts.
 */
export function resolveUnit(metric: string, unit: unknown): { unit: string | undefined; ratio: UnitRatio } {
  if (unit === undefined) return { unit: undefined, ratio: IDENTITY };
  if (typeof unit === 'string') {
    if (unit.length === 0) throw new IsotelError('invalid_metric', `Metric "${metric}": unit must not be empty.`);
    return { unit, ratio: IDENTITY };
  }
  if (typeof unit !== 'object' || unit === null || Array.isArray(unit)) {
    throw new IsotelError(
      'invalid_metric',
      `Metric "${metric}": unit must be a string or { from, to }, got ${describe(unit)}.`,
    );
  }
  const { from, to } = unit as { from?: unknown; to?: unknown };
  if (dimension(from) === undefined || dimension(to) === undefined) {
    throw new IsotelError(
      'invalid_metric',
      `Metric "${metric}": unknown unit in { from: ${describe(from)}, to: ${describe(to)} } (known: ${[...Object.keys(TIME), ...Object.keys(BYTES)].join(', ')}).`,
    );
  }
  const ratio = unitRatio(from as string, to as string);
  if (ratio === undefined) {
    throw new IsotelError('invalid_metric', `Metric "${metric}": cannot convert "${String(from)}" to "${String(to)}".`);
  }
  return { unit: to as string, ratio };
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? 'an object' : String(value);
}

// The UCUM codes OpenTelemetry expects for the units isotel converts.
const UCUM: Record<Unit, string> = {
  nanosecond: 'ns',
  microsecond: 'us',
  millisecond: 'ms',
  second: 's',
  minute: 'min',
  hour: 'h',
  byte: 'By',
  kilobyte: 'kBy',
  megabyte: 'MBy',
  gigabyte: 'GBy',
  terabyte: 'TBy',
  kibibyte: 'KiBy',
  mebibyte: 'MiBy',
  gibibyte: 'GiBy',
  tebibyte: 'TiBy',
};

/** The UCUM code of a unit isotel knows (`second` → `s`); any other label is returned as is. */
export function ucumUnit(unit: string): string {
  return Object.hasOwn(UCUM, unit) ? UCUM[unit as Unit] : unit;
}

/** True for units that measure time (a StatsD summary of a time is sent as a timing). */
export function isTimeUnit(unit: string | undefined): boolean {
  return unit !== undefined && Object.hasOwn(TIME, unit);
}

/** True for the byte units. */
export function isByteUnit(unit: string | undefined): boolean {
  return unit !== undefined && Object.hasOwn(BYTES, unit);
}

/**
 * The base unit of a known unit's dimension, as Prometheus names it (`second` for time, `byte`
 * for bytes), and the ratio from `unit` to it; undefined for a unit isotel does not know.
 */
export function baseUnitOf(unit: string | undefined): { base: 'second' | 'byte'; ratio: UnitRatio } | undefined {
  if (isTimeUnit(unit)) return { base: 'second', ratio: unitRatio(unit as string, 'second') as UnitRatio };
  if (isByteUnit(unit)) return { base: 'byte', ratio: unitRatio(unit as string, 'byte') as UnitRatio };
  return undefined;
}
