import { IsotelError } from '../errors/isotel-error.js';

/** Units a metric can be recorded in. Time is measured in milliseconds by spans. */
export type TimeUnit = 'nanosecond' | 'microsecond' | 'millisecond' | 'second' | 'minute' | 'hour';
/** Byte units (binary multiples: a kilobyte is 1024 bytes). */
export type ByteUnit = 'byte' | 'kilobyte' | 'megabyte' | 'gigabyte';
/** Any unit isotel knows how to convert. */
export type Unit = TimeUnit | ByteUnit;

// How many base units (milliseconds, bytes) one unit is.
const TIME: Record<TimeUnit, number> = {
  nanosecond: 1e-6,
  microsecond: 1e-3,
  millisecond: 1,
  second: 1e3,
  minute: 6e4,
  hour: 3.6e6,
};
const BYTES: Record<ByteUnit, number> = { byte: 1, kilobyte: 1024, megabyte: 1024 ** 2, gigabyte: 1024 ** 3 };

function dimension(unit: string): Record<string, number> | undefined {
  if (Object.hasOwn(TIME, unit)) return TIME;
  if (Object.hasOwn(BYTES, unit)) return BYTES;
  return undefined;
}

/**
 * Resolves a unit option to the unit reported and the factor applied to raw values.
 * A plain string labels the metric without converting; `{ from, to }` converts.
 */
export function resolveUnit(
  metric: string,
  unit: string | { from: Unit; to: Unit } | undefined,
): { unit: string | undefined; scale: number } {
  if (unit === undefined) return { unit: undefined, scale: 1 };
  if (typeof unit === 'string') {
    if (unit.length === 0) throw new IsotelError('invalid_metric', `Metric "${metric}": unit must not be empty.`);
    return { unit, scale: 1 };
  }
  const from = dimension(unit.from);
  const to = dimension(unit.to);
  if (from === undefined || to === undefined) {
    throw new IsotelError(
      'invalid_metric',
      `Metric "${metric}": unknown unit in { from: "${unit.from}", to: "${unit.to}" } (known: ${[...Object.keys(TIME), ...Object.keys(BYTES)].join(', ')}).`,
    );
  }
  if (from !== to) {
    throw new IsotelError('invalid_metric', `Metric "${metric}": cannot convert "${unit.from}" to "${unit.to}".`);
  }
  return { unit: unit.to, scale: (from[unit.from] as number) / (to[unit.to] as number) };
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
  kilobyte: 'KiBy',
  megabyte: 'MiBy',
  gigabyte: 'GiBy',
};

/** The UCUM code of a unit isotel knows (`second` → `s`); any other label is returned as is. */
export function ucumUnit(unit: string): string {
  return Object.hasOwn(UCUM, unit) ? UCUM[unit as Unit] : unit;
}

/**
 * Milliseconds in one `unit` when it is a time unit (`second` → 1000), else 1: what a value in
 * that unit is multiplied by to read in milliseconds.
 */
export function millisecondsPer(unit: string | undefined): number {
  return unit !== undefined && Object.hasOwn(TIME, unit) ? TIME[unit as TimeUnit] : 1;
}

/** True for units that measure time (a StatsD summary of a time is sent as a timing). */
export function isTimeUnit(unit: string | undefined): boolean {
  return unit !== undefined && Object.hasOwn(TIME, unit);
}
