import { parsePattern } from '../bus/pattern.js';
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

const KEYS = new Set(['enabled', 'sampleRate', 'rules', 'allow', 'deny']);
const RULE_KEYS = new Set(['pattern', 'sampleRate']);

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
    fail(key, `expected 0 or a number from ${MIN_SAMPLE_RATE} to 1, got ${describe(value)}.`);
  }
  return value;
}

function patterns(key: string, value: unknown): readonly string[] {
  if (!Array.isArray(value)) fail(key, `expected an array of patterns, got ${describe(value)}.`);
  return Object.freeze(
    value.map((p: unknown, i) => {
      try {
        return parsePattern(p).source;
      } catch (error) {
        return fail(`${key}[${i}]`, (error as Error).message);
      }
    }),
  );
}

function rules(value: unknown): readonly SampleRule[] {
  if (!Array.isArray(value)) fail('rules', `expected an array of { pattern, sampleRate }, got ${describe(value)}.`);
  return Object.freeze(
    value.map((rule: unknown, i) => {
      const at = `rules[${i}]`;
      if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
        fail(at, `expected { pattern, sampleRate }, got ${describe(rule)}.`);
      }
      for (const key of Object.keys(rule)) if (!RULE_KEYS.has(key)) fail(`${at}.${key}`, 'unknown key.');
      const r = rule as Record<string, unknown>;
      const [pattern] = patterns(`${at}.pattern`, [r.pattern]);
      return Object.freeze({ pattern: pattern as string, sampleRate: rate(`${at}.sampleRate`, r.sampleRate) });
    }),
  );
}

/**
 * Validates a control change and merges it over `base`. Throws `IsotelError('invalid_control')`
 * naming the offending key (a rate outside 0..1 or NaN, a bad pattern, an unknown key); `base`
 * is never modified.
 *
 * @example parseControl({ sampleRate: 0.1, deny: ['debug.**'] }) // a full ControlState
 */
export function parseControl(input: unknown, base: ControlState = DEFAULT_CONTROL): ControlState {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    fail('(root)', `expected an object, got ${describe(input)}.`);
  }
  const given = input as Record<string, unknown>;
  for (const key of Object.keys(given)) if (!KEYS.has(key)) fail(key, 'unknown key.');
  let { enabled, sampleRate, rules: r, allow, deny } = base;
  if (Object.hasOwn(given, 'enabled')) {
    if (typeof given.enabled !== 'boolean') fail('enabled', `expected a boolean, got ${describe(given.enabled)}.`);
    enabled = given.enabled;
  }
  if (Object.hasOwn(given, 'sampleRate')) sampleRate = rate('sampleRate', given.sampleRate);
  if (Object.hasOwn(given, 'rules')) r = rules(given.rules);
  if (Object.hasOwn(given, 'allow')) allow = patterns('allow', given.allow);
  if (Object.hasOwn(given, 'deny')) deny = patterns('deny', given.deny);
  return Object.freeze({ enabled, sampleRate, rules: r, allow, deny });
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

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value;
}
