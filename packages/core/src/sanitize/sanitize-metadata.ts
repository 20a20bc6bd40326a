import { resolveLimits, type SanitizeLimits } from './limits.js';

/** A JSON value as {@link sanitizeMetadata} produces it. */
export type SafeValue = null | boolean | number | string | SafeValue[] | { [key: string]: SafeValue };

/** A plain, JSON-safe object within the limits. */
export type SafeMetadata = { [key: string]: SafeValue };

// returned by the walker for a value that is dropped (function, symbol, undefined, or no room)
const SKIP: unique symbol = Symbol('skip');
type Walked = SafeValue | typeof SKIP;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = '[MaxDepth]';
const CIRCULAR = '[Circular]';
const UNREADABLE = '[Unreadable]';

/**
 * Turns untrusted metadata into a plain JSON-safe object within `limits`: bounded depth, keys per
 * object, items per array, string length and total JSON size; functions, symbols and
 * `undefined` dropped; `__proto__`, `constructor` and `prototype` keys removed; Errors become
 * `{ name, message, stack }`, BigInts strings, Dates ISO strings, Maps `[key, value]` pairs,
 * Sets and typed arrays arrays; cycles become `"[Circular]"`; throwing getters and Proxies
 * become `"[Unreadable]"`. It never throws; a non-object input is wrapped as `{ value }`.
 *
 * @example
 * sanitizeMetadata({ user, error, big: 10n }) // { user: {...}, error: { name, message, stack }, big: '10' }
 */
export function sanitizeMetadata(value: unknown, limits?: Partial<SanitizeLimits>): SafeMetadata {
  return sanitizeRecord(value, new Walker(resolveLimits(limits), false));
}

/**
 * The rules of {@link sanitizeMetadata} with its default limits, except that every number stays
 * as it is (`NaN`, `±Infinity`, `-0`): for measurements handed over by structured clone rather
 * than JSON, as the Playwright page bridge does. Internal; not exported from an entry.
 */
export function sanitizeKeepingNumbers(value: unknown): { [key: string]: SafeValue } {
  return sanitizeRecord(value, new Walker(resolveLimits(undefined), true));
}

function sanitizeRecord(value: unknown, walker: Walker): SafeMetadata {
  try {
    const top = value === undefined || value === null ? {} : isRecord(value) ? value : { value };
    const out = walker.walk(top, 1);
    return out !== null && typeof out === 'object' && !Array.isArray(out) ? out : {};
  } catch {
    return {};
  }
}

// true for what becomes a JSON object (plain objects, class instances, Errors); arrays,
// collections, dates and primitives are wrapped as { value } instead
function isRecord(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return !(
      Array.isArray(value) ||
      ArrayBuffer.isView(value) ||
      value instanceof Map ||
      value instanceof Set ||
      value instanceof Date ||
      value instanceof RegExp ||
      value instanceof ArrayBuffer
    );
  } catch {
    return true; // a hostile Proxy: the walker reports it unreadable
  }
}

function jsonLength(value: string | number | boolean | null): number {
  return JSON.stringify(value).length;
}

class Walker {
  readonly #limits: SanitizeLimits;
  // true: numbers pass as they are (NaN costs 4 characters either way, as JSON's `null`)
  readonly #exactNumbers: boolean;
  readonly #ancestors = new Set<object>();
  // characters of JSON still free; containers pay for their brackets when opened
  #remaining: number;

  constructor(limits: SanitizeLimits, exactNumbers: boolean) {
    this.#limits = limits;
    this.#exactNumbers = exactNumbers;
    this.#remaining = limits.maxTotalSize;
  }

  walk(value: unknown, depth: number): Walked {
    switch (typeof value) {
      case 'string':
        return this.#primitive(value);
      case 'number':
        if (this.#exactNumbers) return this.#primitive(value);
        return this.#primitive(Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : String(value));
      case 'boolean':
        return this.#primitive(value);
      case 'bigint':
        return this.#primitive(value.toString());
      case 'object':
        return value === null ? this.#primitive(null) : this.#object(value, depth);
      default:
        return SKIP; // function, symbol, undefined
    }
  }

  #string(value: string): string {
    const max = this.#limits.maxStringLength;
    if (value.length <= max) return value;
    let end = max - 1;
    const last = value.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--; // never split a surrogate pair
    return `${value.slice(0, Math.max(0, end))}…`;
  }

  #primitive(value: string | number | boolean | null): Walked {
    if (typeof value === 'string') value = this.#string(value);
    const cost = jsonLength(value);
    if (cost > this.#remaining) return SKIP;
    this.#remaining -= cost;
    return value;
  }

  #object(value: object, depth: number): Walked {
    if (this.#ancestors.has(value)) return this.#primitive(CIRCULAR);
    if (depth > this.#limits.maxDepth) return this.#primitive(MAX_DEPTH);
    try {
      if (value instanceof Date) {
        const time = value.getTime();
        return this.#primitive(Number.isNaN(time) ? 'Invalid Date' : value.toISOString());
      }
      if (value instanceof RegExp) return this.#primitive(String(value));
      if (value instanceof ArrayBuffer) return this.#primitive(`[ArrayBuffer ${value.byteLength} bytes]`);
      if (value instanceof DataView) return this.#primitive(`[DataView ${value.byteLength} bytes]`);
    } catch {
      return this.#primitive(UNREADABLE);
    }
    if (this.#remaining < 2) return SKIP;
    this.#remaining -= 2;
    this.#ancestors.add(value);
    try {
      if (Array.isArray(value)) return this.#items(value, value.length, depth);
      if (ArrayBuffer.isView(value)) {
        const view = value as unknown as ArrayLike<unknown>;
        return this.#items(view, view.length, depth);
      }
      if (value instanceof Set) return this.#items(first(value, this.#limits.maxArrayLength), value.size, depth);
      if (value instanceof Map) return this.#items(first(value, this.#limits.maxKeys), value.size, depth);
      if (value instanceof Error) return this.#entries(errorFields(value), depth);
      return this.#entries(readEntries(value, this.#limits.maxKeys), depth);
    } catch {
      this.#remaining += 2;
      return this.#primitive(UNREADABLE);
    } finally {
      this.#ancestors.delete(value);
    }
  }

  #items(items: ArrayLike<unknown>, length: number, depth: number): SafeValue[] {
    const out: SafeValue[] = [];
    const count = Math.min(length, this.#limits.maxArrayLength);
    for (let i = 0; i < count; i++) {
      const comma = out.length > 0 ? 1 : 0;
      if (this.#remaining < comma + 1) break;
      this.#remaining -= comma;
      let item: unknown;
      try {
        item = items[i];
      } catch {
        item = UNREADABLE;
      }
      // undefined, functions and symbols are dropped rather than turned into null
      const walked = this.walk(item, depth + 1);
      if (walked === SKIP) this.#remaining += comma;
      else out.push(walked);
    }
    return out;
  }

  #entries(entries: Iterable<[string, () => unknown]>, depth: number): SafeMetadata {
    const out: SafeMetadata = {};
    let count = 0;
    for (const [rawKey, read] of entries) {
      if (count >= this.#limits.maxKeys) break;
      if (FORBIDDEN_KEYS.has(rawKey)) continue;
      const key = this.#string(rawKey);
      if (FORBIDDEN_KEYS.has(key) || Object.hasOwn(out, key)) continue;
      const cost = jsonLength(key) + 1 + (count > 0 ? 1 : 0);
      if (cost + 1 > this.#remaining) break;
      this.#remaining -= cost;
      let raw: unknown;
      try {
        raw = read();
      } catch {
        raw = UNREADABLE;
      }
      const walked = this.walk(raw, depth + 1);
      if (walked === SKIP) {
        this.#remaining += cost;
        continue;
      }
      out[key] = walked;
      count++;
    }
    return out;
  }
}

function* readEntries(value: object, maxKeys: number): Generator<[string, () => unknown]> {
  const keys = Object.keys(value);
  // forbidden keys are skipped by the caller, so look a little past maxKeys for real ones
  const end = Math.min(keys.length, maxKeys + FORBIDDEN_KEYS.size);
  for (let i = 0; i < end; i++) {
    const key = keys[i] as string;
    yield [key, () => (value as Record<string, unknown>)[key]];
  }
}

function* errorFields(error: Error): Generator<[string, () => unknown]> {
  yield ['name', () => error.name];
  yield ['message', () => error.message];
  yield ['stack', () => error.stack];
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') yield ['code', () => code];
}

// the first `max` items of a Set or Map (as [key, value] pairs), without copying the rest
function first(collection: Iterable<unknown>, max: number): unknown[] {
  const out: unknown[] = [];
  if (max <= 0) return out;
  for (const item of collection) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}
