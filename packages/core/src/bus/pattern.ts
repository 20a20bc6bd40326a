import { IsotelError } from '../errors/isotel-error.js';

const SEGMENT = /^[A-Za-z0-9_-]+$/;
// one pass over the whole name, no split: names are validated once per first-seen name
const NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/**
 * True when `name` is a valid event name: dot-separated segments of `[A-Za-z0-9_-]+`.
 *
 * @example isValidName('checkout.payment.stop') // true; isValidName('a..b') // false
 */
export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name);
}

/** Throws `invalid_name` unless `name` is a valid event name. */
export function assertName(name: unknown): asserts name is string {
  if (!isValidName(name)) {
    throw new IsotelError(
      'invalid_name',
      `Invalid event name ${JSON.stringify(name)}: use dot-separated segments of [A-Za-z0-9_-], e.g. "checkout.payment.stop".`,
    );
  }
}

/**
 * A parsed pattern. `*` matches exactly one segment, `**` zero or more; a pattern without
 * wildcards is an exact name.
 */
export interface Pattern {
  readonly source: string;
  readonly segments: readonly string[];
  /** True when the pattern has no wildcard, i.e. names exactly one event. */
  readonly exact: boolean;
}

/** Parses and validates a pattern; throws `invalid_pattern` with the reason. */
export function parsePattern(source: unknown): Pattern {
  if (typeof source !== 'string' || source.length === 0) {
    throw new IsotelError('invalid_pattern', `Invalid pattern ${JSON.stringify(source)}: expected a non-empty string.`);
  }
  const segments = source.split('.');
  let exact = true;
  for (const segment of segments) {
    if (segment === '*' || segment === '**') {
      exact = false;
    } else if (!SEGMENT.test(segment)) {
      throw new IsotelError(
        'invalid_pattern',
        `Invalid pattern ${JSON.stringify(source)}: segment ${JSON.stringify(segment)} must be [A-Za-z0-9_-]+, "*" (one segment) or "**" (any number).`,
      );
    }
  }
  return { source, segments, exact };
}

/**
 * True when the segments of a name match the pattern's segments. Greedy with backtracking to the
 * last `**` only (the classic wildcard algorithm): no allocation, O(pattern × name) at worst.
 *
 * @example matchSegments(['a', '**'], ['a', 'b', 'c']) // true
 */
export function matchSegments(pattern: readonly string[], name: readonly string[]): boolean {
  let p = 0;
  let n = 0;
  // where the last `**` was seen, and how many name segments it has swallowed so far
  let globstar = -1;
  let resume = 0;
  while (n < name.length) {
    const segment = pattern[p];
    if (segment === '**') {
      globstar = p++;
      resume = n;
    } else if (segment !== undefined && (segment === '*' || segment === name[n])) {
      p++;
      n++;
    } else if (globstar >= 0) {
      // let the last `**` swallow one more segment and retry from just after it
      p = globstar + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '**') p++;
  return p === pattern.length;
}

/**
 * True when `name` is matched by `pattern` (a string or a parsed {@link Pattern}). Throws
 * `invalid_pattern` for an invalid pattern string.
 *
 * @example matches('checkout.**', 'checkout.payment.stop') // true
 */
export function matches(pattern: string | Pattern, name: string): boolean {
  const parsed = typeof pattern === 'string' ? parsePattern(pattern) : pattern;
  if (parsed.exact) return parsed.source === name;
  return matchSegments(parsed.segments, name.split('.'));
}
