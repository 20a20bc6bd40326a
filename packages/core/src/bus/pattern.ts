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

/** True when the segments of a name match the pattern (linear-time dynamic programming). */
export function matchSegments(pattern: readonly string[], name: readonly string[]): boolean {
  // reachable[j]: pattern prefix consumed so far can match name prefix of length j
  let reachable = new Uint8Array(name.length + 1);
  reachable[0] = 1;
  for (const p of pattern) {
    const next = new Uint8Array(name.length + 1);
    if (p === '**') {
      let any = 0;
      for (let j = 0; j <= name.length; j++) {
        any |= reachable[j] as number;
        next[j] = any;
      }
    } else {
      for (let j = 0; j < name.length; j++) {
        if (reachable[j] && (p === '*' || p === name[j])) next[j + 1] = 1;
      }
    }
    reachable = next;
  }
  return reachable[name.length] === 1;
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
