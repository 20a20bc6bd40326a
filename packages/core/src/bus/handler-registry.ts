import { describeValue } from '../errors/describe-error.js';
import { IsotelError } from '../errors/isotel-error.js';
import { isValidName, matchName, type Pattern, parsePattern } from './pattern.js';
import type { AttachOptions, FailurePolicy, Handler, HandlerInfo } from './types.js';

/** One attached handler. Mutable counters live here so dispatch does not allocate. */
export interface HandlerEntry {
  readonly id: string;
  readonly seq: number;
  readonly patterns: readonly Pattern[];
  /** The handler; a no-op once detached. */
  fn: Handler<unknown>;
  readonly config: unknown;
  readonly onFailure: FailurePolicy;
  calls: number;
  failures: number;
  lastError: string | undefined;
}

// Resolved lists are typed readonly and never mutated, but not Object.freeze'd: V8 (Node 20)
// reads elements of frozen arrays on a slow path, which made dispatch several times slower.
const EMPTY: readonly HandlerEntry[] = [];

// What a detached entry runs in place of its handler. An emit in progress keeps its snapshot of
// entries, so detach swaps the function out: the dispatch loop then needs no per-handler check,
// and a handler detached mid-emit (by itself or another) is never called.
const DETACHED: Handler<unknown> = () => undefined;

/**
 * The cached dispatch list of an invalid name: empty like {@link EMPTY} but a distinct array, so
 * emit can count the drop with one pointer comparison instead of re-validating the name.
 */
export const INVALID_NAME: readonly HandlerEntry[] = [];

/** Default bound of the per-name dispatch cache. */
export const DEFAULT_CACHE_SIZE = 10_000;

/**
 * The handlers of one telemetry instance and the per-name dispatch cache.
 *
 * Resolving a name walks every pattern handler once; the result (an array in attach order,
 * never mutated afterwards) is cached per name so later emits are one Map lookup. The cache is bounded because
 * names can be dynamic (ids in names): when it is full it starts over, so a hot name is
 * resolved again once per `cacheSize` new names (evicting one oldest key at a time would leave
 * V8's ordered hash table full of holes that every eviction walks). Attach and detach clear the
 * cache but never mutate a resolved array, so an emit in progress keeps its snapshot.
 */
export class HandlerRegistry {
  readonly #byId = new Map<string, HandlerEntry>();
  readonly #exact = new Map<string, HandlerEntry[]>();
  #wildcard: HandlerEntry[] = [];
  /**
   * Resolved dispatch lists per name. One Map for the instance's life (cleared, never replaced),
   * so the bus can hold it and look names up without a call into the registry.
   */
  readonly cache = new Map<string, readonly HandlerEntry[]>();
  readonly #cacheSize: number;
  #seq = 0;
  /** Bumped whenever what a name resolves to may have changed (attach, detach, clear). */
  version = 0;

  constructor(cacheSize: number = DEFAULT_CACHE_SIZE) {
    this.#cacheSize = cacheSize;
  }

  get size(): number {
    return this.#byId.size;
  }

  get cachedNames(): number {
    return this.cache.size;
  }

  add(
    id: string,
    patterns: readonly string[],
    fn: Handler<unknown>,
    options: AttachOptions<unknown> | undefined,
  ): void {
    if (typeof id !== 'string' || id.length === 0) {
      throw new IsotelError('invalid_handler', `Handler id must be a non-empty string, got ${describeValue(id)}.`);
    }
    if (this.#byId.has(id)) {
      throw new IsotelError('handler_exists', `Handler "${id}" is already attached; detach it first.`);
    }
    if (typeof fn !== 'function') {
      throw new IsotelError('invalid_handler', `Handler "${id}" must be a function, got ${typeof fn}.`);
    }
    if (!Array.isArray(patterns) || patterns.length === 0) {
      throw new IsotelError('invalid_pattern', `Handler "${id}" needs at least one pattern.`);
    }
    const onFailure = options?.onFailure ?? 'detach';
    if (onFailure !== 'detach' && onFailure !== 'keep') {
      throw new IsotelError(
        'invalid_argument',
        `onFailure must be 'detach' or 'keep', got ${describeValue(onFailure)}.`,
      );
    }
    const parsed = patterns.map(parsePattern);
    const entry: HandlerEntry = {
      id,
      seq: this.#seq++,
      patterns: parsed,
      fn,
      config: options?.config,
      onFailure,
      calls: 0,
      failures: 0,
      lastError: undefined,
    };
    this.#byId.set(id, entry);
    let wildcard = false;
    for (const pattern of parsed) {
      if (pattern.exact) {
        // replaced, never pushed to: a resolved list may be this very array
        const list = this.#exact.get(pattern.source) ?? EMPTY;
        if (!list.includes(entry)) this.#exact.set(pattern.source, [...list, entry]);
      } else {
        wildcard = true;
      }
    }
    if (wildcard) this.#wildcard = [...this.#wildcard, entry];
    this.#invalidate();
  }

  remove(id: string): boolean {
    const entry = this.#byId.get(id);
    if (entry === undefined) return false;
    entry.fn = DETACHED;
    this.#byId.delete(id);
    for (const pattern of entry.patterns) {
      const rest = this.#exact.get(pattern.source)?.filter((e) => e !== entry);
      if (rest === undefined) continue;
      if (rest.length === 0) this.#exact.delete(pattern.source);
      else this.#exact.set(pattern.source, rest);
    }
    this.#wildcard = this.#wildcard.filter((e) => e !== entry);
    this.#invalidate();
    return true;
  }

  clear(): void {
    for (const entry of this.#byId.values()) entry.fn = DETACHED;
    this.#byId.clear();
    this.#exact.clear();
    this.#wildcard = [];
    this.#invalidate();
  }

  /** The handlers for `name`, in attach order; {@link INVALID_NAME} for an invalid name. Cached; never throws. */
  resolve(name: string): readonly HandlerEntry[] {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const result = isValidName(name) ? this.#collect(name) : INVALID_NAME;
    if (this.cache.size >= this.#cacheSize) this.cache.clear();
    this.cache.set(name, result);
    return result;
  }

  // The exact list and the matching wildcard handlers (a handler in both once), in attach order.
  #collect(name: string): readonly HandlerEntry[] {
    const exact = this.#exact.get(name) ?? EMPTY;
    const matched: HandlerEntry[] = [];
    for (const entry of this.#wildcard) {
      if (!exact.includes(entry) && matchesWildcard(entry, name)) matched.push(entry);
    }
    if (matched.length === 0) return exact;
    return exact.length === 0 ? matched : [...exact, ...matched].sort((x, y) => x.seq - y.seq);
  }

  /** True while `entry` is the handler attached under its id (not detached, not replaced). */
  isAttached(entry: HandlerEntry): boolean {
    return this.#byId.get(entry.id) === entry;
  }

  entries(): IterableIterator<HandlerEntry> {
    return this.#byId.values();
  }

  info(entry: HandlerEntry): HandlerInfo {
    return {
      id: entry.id,
      patterns: entry.patterns.map((p) => p.source),
      config: entry.config,
      onFailure: entry.onFailure,
      calls: entry.calls,
      failures: entry.failures,
      ...(entry.lastError === undefined ? {} : { lastError: entry.lastError }),
    };
  }

  #invalidate(): void {
    this.cache.clear();
    this.version++;
  }
}

// True when one of the entry's wildcard patterns matches `name`.
function matchesWildcard(entry: HandlerEntry, name: string): boolean {
  for (const pattern of entry.patterns) {
    if (!pattern.exact && matchName(pattern.segments, name)) return true;
  }
  return false;
}
