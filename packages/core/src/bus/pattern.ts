import { describeValue } from '../errors/describe-error.js';
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
  // an empty string fails below as one empty segment
  if (typeof source !== 'string') {
    throw new IsotelError('invalid_pattern', `Invalid pattern ${describeValue(source)}: expected a string.`);
  }
  const segments = source.split('.');
  let exact = true;
  for (const segment of segments) {
    if (segment === '*' || segment === '**') {
      exact = false;
    } else if (!SEGMENT.test(segment)) {
      throw new IsotelError(
        'invalid_pattern',
        `Invalid pattern ${JSON.stringify(source)}: segment ${JSON.stringify(segment)} must be [A-Za-z0-9_-]+, "*" or "**".`,
      );
    }
  }
  return { source, segments, exact };
}

/**
 * True when `name`'s dot-separated segments match the pattern's segments. Greedy with
 * backtracking to the last `**` only (the classic wildcard algorithm), over offsets into `name`:
 * no split and no allocation, O(pattern × name) at worst. Any string is read as
 * `name.split('.')` would read it.
 *
 * @example matchName(['a', '**'], 'a.b.c') // true
 */
export function matchName(pattern: readonly string[], name: string): boolean {
  const end = name.length;
  let p = 0;
  // offset of the current name segment; end + 1 once every segment is consumed
  let n = 0;
  // where the last `**` was seen, and the offset of the first segment it has not swallowed
  let globstar = -1;
  let resume = 0;
  while (n <= end) {
    const segment = pattern[p];
    if (segment === '**') {
      globstar = p++;
      resume = n;
      continue;
    }
    const dot = name.indexOf('.', n);
    const segmentEnd = dot === -1 ? end : dot;
    if (
      segment !== undefined &&
      (segment === '*' || (segment.length === segmentEnd - n && name.startsWith(segment, n)))
    ) {
      p++;
      n = segmentEnd + 1;
    } else if (globstar >= 0) {
      // let the last `**` swallow one more segment and retry from just after it
      p = globstar + 1;
      const next = name.indexOf('.', resume);
      resume = next === -1 ? end + 1 : next + 1;
      n = resume;
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
  return matchName(parsed.segments, name);
}

/**
 * The filter of `listHandlers`: a plain prefix lists the handlers that can receive some event
 * under it; a pattern lists the handlers whose own pattern it matches segment by segment.
 */
export function listedBy(filter: Pattern, handler: Pattern): boolean {
  if (!filter.exact) return matchName(filter.segments, handler.source);
  for (let i = 0; i < filter.segments.length; i++) {
    const s = handler.segments[i];
    if (s === '**') return true;
    if (s !== '*' && s !== filter.segments[i]) return false;
  }
  return true;
}
