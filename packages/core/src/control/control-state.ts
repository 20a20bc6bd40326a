import { parsePattern } from '../bus/pattern.js';
import { describeValue } from '../errors/describe-error.js';
import { IsotelError } from '../errors/isotel-error.js';

/** A per-pattern sampling rate; the first rule whose pattern matches an event sets its rate. */
export interface SampleRule {
  /** An event name or pattern (`*` one segment, `**` any number). */
  readonly pattern: string;
  /** Share of matching events (by span / correlation id) kept, 0..1. */
  readonly sampleRate: number;
}

/**
 * What the bus delivers. Precedence: `enabled: false` drops all; then `deny` beats `allow`; a
 * non-empty `allow` admits only what it matches; the first matching rule sets the rate, else
 * `sampleRate`. The library's own `telemetry.*` / `isotel.*` events ignore `enabled`, `allow` and
 * the global `sampleRate` (so a switched-off bus still reports on itself); `deny` and rules that
 * name them still apply.
 */
export interface ControlState {
  /** @default true */
  readonly enabled: boolean;
  /** @default 1 */
  readonly sampleRate: number;
  /** @default [] */
  readonly rules: readonly SampleRule[];
  /** Patterns admitted; empty admits everything. @default [] */
  readonly allow: readonly string[];
  /** Patterns dropped, whatever else matches. @default [] */
  readonly deny: readonly string[];
}

/** A change to the control: any subset of its keys. */
export type ControlInput = Partial<ControlState>;

/** The control every bus starts with: everything delivered, nothing sampled. */
export const DEFAULT_CONTROL: ControlState = Object.freeze({
  enabled: true,
  sampleRate: 1,
  rules: Object.freeze([]),
  allow: Object.freeze([]),
  deny: Object.freeze([]),
});

function fail(key: string, message: string): never {
  throw new IsotelError('invalid_control', `Invalid control "${key}": ${message}`);
}

/**
 * The smallest sample rate other than 0. Kept events are scaled back by `1 / sampleRate`, so a
 * rate below it would let one event stand for more than a million; collectors refuse such rates
 * from clients, and the control refuses to set them.
 */
export const MIN_SAMPLE_RATE = 1e-6;

function rate(key: string, value: unknown): number {
  if (typeof value !== 'number' || !(value === 0 || (value >= MIN_SAMPLE_RATE && value <= 1))) {
    fail(key, `expected 0 or a number from ${MIN_SAMPLE_RATE} to 1, got ${describeValue(value)}.`);
  }
  return value;
}

function pattern(key: string, value: unknown): string {
  try {
    return parsePattern(value).source;
  } catch (error) {
    return fail(key, (error as Error).message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// An array whose items `item` checks, each named `key[i]`.
function list<T>(key: string, value: unknown, what: string, item: (key: string, value: unknown) => T): readonly T[] {
  if (!Array.isArray(value)) fail(key, `expected an array of ${what}, got ${describeValue(value)}.`);
  return Object.freeze(value.map((v: unknown, i) => item(`${key}[${i}]`, v)));
}

function rule(key: string, value: unknown): SampleRule {
  if (!isRecord(value)) fail(key, `expected { pattern, sampleRate }, got ${describeValue(value)}.`);
  for (const k of Object.keys(value)) if (k !== 'pattern' && k !== 'sampleRate') fail(`${key}.${k}`, 'unknown key.');
  return Object.freeze({
    pattern: pattern(`${key}.pattern`, value.pattern),
    sampleRate: rate(`${key}.sampleRate`, value.sampleRate),
  });
}

// How each key of a control change is checked; a key not here is unknown.
const FIELDS: { readonly [K in keyof ControlState]: (key: K, value: unknown) => ControlState[K] } = {
  enabled: (key, value) =>
    typeof value === 'boolean' ? value : fail(key, `expected a boolean, got ${describeValue(value)}.`),
  sampleRate: rate,
  rules: (key, value) => list(key, value, '{ pattern, sampleRate }', rule),
  allow: (key, value) => list(key, value, 'patterns', pattern),
  deny: (key, value) => list(key, value, 'patterns', pattern),
};

/**
 * Validates a control change and merges it over `base`. Throws `IsotelError('invalid_control')`
 * naming the offending key (a rate outside 0..1 or NaN, a bad pattern, an unknown key); `base`
 * is never modified.
 *
 * @example parseControl({ sampleRate: 0.1, deny: ['debug.**'] }) // a full ControlState
 */
export function parseControl(input: unknown, base: ControlState = DEFAULT_CONTROL): ControlState {
  if (!isRecord(input)) fail('(root)', `expected an object, got ${describeValue(input)}.`);
  const { enabled, sampleRate, rules, allow, deny } = base;
  const out: Record<string, unknown> = { enabled, sampleRate, rules, allow, deny };
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(FIELDS, key)) fail(key, 'unknown key.');
    out[key] = (FIELDS[key as keyof ControlState] as (key: string, value: unknown) => unknown)(key, input[key]);
  }
  return Object.freeze(out) as unknown as ControlState;
}

/** True when the control delivers every event unsampled, so the bus can skip it entirely. */
export function isPassThrough(control: ControlState): boolean {
  return (
    control.enabled &&
    control.sampleRate === 1 &&
    control.deny.length === 0 &&
    control.allow.length === 0 &&
    control.rules.every((rule) => rule.sampleRate === 1)
  );
}
