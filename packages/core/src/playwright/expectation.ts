import type { BridgedEvent } from './page-bridge.js';

/**
 * What one key of an event must hold: a value compared structurally (JSON-like deep equality),
 * or a predicate that receives the actual value.
 */
// `{} | null | undefined` is `unknown` spelled so that an arrow function still gets `actual: unknown`.
// biome-ignore lint/complexity/noBannedTypes: see above
export type ExpectedValue = {} | null | undefined | ((actual: unknown) => boolean);

/** Keys an event's measurements or metadata must contain; other keys are ignored. */
export type ExpectedFields = Readonly<Record<string, ExpectedValue>>;

/** Conditions an event must meet besides its name. */
export interface EventExpectation {
  /** Keys the event's metadata must contain with equal values (or pass the predicate). */
  metadata?: ExpectedFields;
  /** Keys the event's measurements must contain with equal values (or pass the predicate). */
  measurements?: ExpectedFields;
}

/** Structural equality for JSON-like values (what the page bridge delivers). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  return keys.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k], rb[k]));
}

function fieldsMatch(actual: Readonly<Record<string, unknown>>, expected: ExpectedFields | undefined): boolean {
  if (expected === undefined) return true;
  for (const key of Object.keys(expected)) {
    const want = expected[key];
    const got = actual[key];
    if (typeof want === 'function') {
      if (!(want as (v: unknown) => boolean)(got)) return false;
    } else if (!Object.hasOwn(actual, key) || !deepEqual(got, want)) {
      return false;
    }
  }
  return true;
}

/** True when the event's measurements and metadata meet the expectation. */
export function meetsExpectation(event: BridgedEvent, expectation: EventExpectation): boolean {
  return fieldsMatch(event.measurements, expectation.measurements) && fieldsMatch(event.metadata, expectation.metadata);
}

/**
 * `JSON.stringify` for failure messages, which must never throw: BigInts show as `10n`, cycles as
 * `"[Circular]"`, `undefined` and symbols as their names, anything unreadable as `"[Unreadable]"`.
 */
export function safeJson(value: unknown): string {
  if (value === undefined || typeof value === 'symbol' || typeof value === 'function') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  const ancestors: object[] = [];
  try {
    return (
      JSON.stringify(value, function (this: unknown, _key, v: unknown) {
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v === 'symbol') return String(v);
        if (typeof v !== 'object' || v === null) return v;
        // `this` is the holder of v: drop the ancestors that are no longer on the path
        while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
        if (ancestors.includes(v)) return '[Circular]';
        ancestors.push(v);
        return v;
      }) ?? String(value)
    );
  } catch {
    return '"[Unreadable]"';
  }
}

/** A readable one-line summary of an expectation, for failure messages. */
export function describeExpectation(expectation: EventExpectation): string {
  const parts: string[] = [];
  const show = (fields: ExpectedFields): string =>
    Object.entries(fields)
      .map(([k, v]) => `${k}: ${typeof v === 'function' ? '<predicate>' : safeJson(v)}`)
      .join(', ');
  if (expectation.measurements !== undefined) parts.push(`measurements { ${show(expectation.measurements)} }`);
  if (expectation.metadata !== undefined) parts.push(`metadata { ${show(expectation.metadata)} }`);
  return parts.length === 0 ? '' : ` with ${parts.join(' and ')}`;
}
