import type { BridgedEvent } from './page-bridge.js';

/**
 * What one value of an event must be: compared structurally (JSON-like deep equality), except
 * that a predicate or an asymmetric matcher of `expect` (`expect.any(String)`,
 * `expect.stringMatching(/^o-/)`, `expect.objectContaining({...})`) anywhere inside it, at any
 * depth of objects and arrays, decides for the value at its place.
 */
export type ExpectedValue =
  | ((actual: unknown) => boolean)
  | ExpectedFields
  | readonly ExpectedValue[]
  // `{} | null | undefined` is `unknown` spelled so that arrow functions, nested ones included,
  // still get `actual: unknown` (with `unknown` in the union they would get an implicit any).
  // biome-ignore lint/complexity/noBannedTypes: see above
  | {}
  | null
  | undefined;

/** Keys an event's measurements or metadata must contain; other keys are ignored. */
export type ExpectedFields = { readonly [key: string]: ExpectedValue };

/** Conditions an event must meet besides its name. */
export interface EventExpectation {
  /** Keys the event's metadata must contain with equal values (or pass the predicate). */
  metadata?: ExpectedFields;
  /** Keys the event's measurements must contain with equal values (or pass the predicate). */
  measurements?: ExpectedFields;
}

/** Structural equality for JSON-like values (what the page bridge delivers). */
export function deepEqual(a: unknown, b: unknown): boolean {
  return equal(a, b, false);
}

// The asymmetric matchers of Playwright's `expect` (Jest's): `expect.any(String)` and the like.
interface AsymmetricMatcher {
  asymmetricMatch(actual: unknown): boolean;
  toAsymmetricMatcher?(): string;
}

function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcher {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { $$typeof?: unknown }).$$typeof === Symbol.for('jest.asymmetricMatcher') &&
    typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function'
  );
}

// A predicate or an asymmetric matcher: called with the actual value, even a missing one.
function decides(expected: unknown): boolean {
  return typeof expected === 'function' || isAsymmetricMatcher(expected);
}

// deepEqual; with `predicates`, a function or asymmetric matcher in `expected` decides for the
// actual value at its place
function equal(actual: unknown, expected: unknown, predicates: boolean): boolean {
  if (predicates && typeof expected === 'function') return Boolean((expected as (actual: unknown) => boolean)(actual));
  if (predicates && isAsymmetricMatcher(expected)) return Boolean(expected.asymmetricMatch(actual));
  if (actual === expected || (Number.isNaN(actual) && Number.isNaN(expected))) return true;
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) return false;
  if (Array.isArray(actual) !== Array.isArray(expected)) return false;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.length === expected.length && actual.every((item, i) => equal(item, expected[i], predicates));
  }
  const ra = actual as Record<string, unknown>;
  const rb = expected as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  return keys.every((k) => Object.hasOwn(rb, k) && equal(ra[k], rb[k], predicates));
}

function fieldsMatch(actual: Readonly<Record<string, unknown>>, expected: ExpectedFields | undefined): boolean {
  if (expected === undefined) return true;
  for (const key of Object.keys(expected)) {
    const want = expected[key];
    // a predicate also sees a missing key (as undefined); a value needs the key to be there
    if (!decides(want) && !Object.hasOwn(actual, key)) return false;
    if (!equal(actual[key], want, true)) return false;
  }
  return true;
}

/** True when the event's measurements and metadata meet the expectation. */
export function meetsExpectation(event: BridgedEvent, expectation: EventExpectation): boolean {
  return fieldsMatch(event.measurements, expectation.measurements) && fieldsMatch(event.metadata, expectation.metadata);
}

/**
 * `JSON.stringify` for failure messages, which must never throw: BigInts show as `10n`, cycles as
 * `"[Circular]"`, `undefined` and symbols as their names, non-finite numbers as `"NaN"` or
 * `"Infinity"` (not `null`), predicates nested in an expectation as `"<predicate>"`, anything
 * unreadable as `"[Unreadable]"`.
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
        if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
        if (typeof v === 'function') return '<predicate>';
        if (isAsymmetricMatcher(v)) return matcherName(v);
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

// `Any<String>`, `StringMatching /^o-/`, ... as Playwright prints them; never throws
function matcherName(matcher: AsymmetricMatcher): string {
  try {
    return matcher.toAsymmetricMatcher?.() ?? String(matcher);
  } catch {
    return '<matcher>';
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
