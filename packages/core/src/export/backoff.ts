import { IsotelError } from '../errors/isotel-error.js';

/** How retries space out: exponential growth from `baseMs`, capped at `maxMs`, with full jitter. */
export interface BackoffOptions {
  /** The cap of the first retry's delay. @default 1000 */
  baseMs?: number;
  /** No delay is ever longer than this. @default 60000 */
  maxMs?: number;
  /** Growth per attempt. @default 2 */
  factor?: number;
}

/** A resolved {@link BackoffOptions}. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

/**
 * Validates backoff options and fills defaults. Throws `IsotelError` (`invalid_argument`) on
 * negative, non-finite or inconsistent values.
 *
 * @example const policy = backoffPolicy({ baseMs: 500, maxMs: 30_000 })
 */
export function backoffPolicy(options: BackoffOptions = {}): BackoffPolicy {
  const { baseMs = 1000, maxMs = 60_000, factor = 2 } = options;
  if (!(Number.isFinite(baseMs) && baseMs >= 0)) invalid('baseMs', baseMs);
  if (!(Number.isFinite(maxMs) && maxMs >= baseMs)) invalid('maxMs', maxMs);
  if (!(Number.isFinite(factor) && factor >= 1)) invalid('factor', factor);
  return { baseMs, maxMs, factor };
}

function invalid(option: string, value: unknown): never {
  throw new IsotelError('invalid_argument', `backoff ${option} is invalid: ${String(value)}.`);
}

/**
 * The delay before retry number `attempt` (0 = the first retry): a uniformly random value in
 * `[0, min(maxMs, baseMs * factor^attempt))` ("full jitter"), so clients that failed together do
 * not retry together.
 *
 * @example backoffDelay(3, backoffPolicy(), Math.random) // somewhere in [0, 8000)
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt));
  // the power overflows to Infinity for large attempts, and 0 * Infinity is NaN: a zero base
  // never grows, and min() caps any overflow
  const ceiling = policy.baseMs === 0 ? 0 : Math.min(policy.maxMs, policy.baseMs * policy.factor ** exponent);
  const r = random();
  const unit = r >= 0 && r < 1 ? r : 0;
  return Math.floor(unit * ceiling);
}

// Far beyond any sensible wait: a server asking for more is treated as asking for this much.
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Milliseconds to wait as a `Retry-After` header asks: either delta-seconds (`"120"`) or an
 * HTTP date, relative to `nowMs`. Undefined when the header is absent or unreadable; a date in
 * the past gives 0; values are capped at one day.
 *
 * @example parseRetryAfter('7', Date.now()) // 7000
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // HTTP dates always name a weekday or month; this keeps bare numbers like "1.5" out of Date.parse
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}
