// The page half of the Playwright fixture. `installPageBridge` is handed to
// `context.addInitScript`, which serialises it with `Function.prototype.toString`: it must be
// self-contained (no imports, no helpers outside its body) and run in any page, before the app.

/** One event as the page sends it to the test (JSON-safe). */
export interface BridgedEvent {
  /**
   * Sequence number within one document load of one frame (the page's main frame or an
   * iframe), from 0 after each load: contiguous, also when an event's metadata is unreadable.
   */
  readonly seq: number;
  /**
   * Identity of the document load (of one frame) that emitted the event: a random string, the
   * same for every event of that load, new after each navigation or reload.
   */
  readonly loadId: string;
  readonly name: string;
  readonly measurements: Record<string, number>;
  readonly metadata: Record<string, unknown>;
  /** Epoch milliseconds when the page saw the event. */
  readonly time: number;
  /** `location.href` of the emitting document (the iframe's, for an event of an iframe) at the time. */
  readonly url: string;
}

/** Arguments of {@link installPageBridge}. */
export interface PageBridgeOptions {
  /** Name of the function exposed by `context.exposeBinding`. */
  readonly binding: string;
  /** `Symbol.for` key of the default-bus registry (`isotel.registry`). */
  readonly registryKey: string;
  /** Handler id attached to the page's default bus. */
  readonly handlerId: string;
}

/**
 * Waits for the page's default bus (it appears in `globalThis[Symbol.for(registryKey)]` the first
 * time the app touches it) and attaches a `**` handler that queues every event, made JSON-safe,
 * and hands the queue to the exposed binding once per microtask checkpoint (at once while the
 * document is being unloaded). Events seen before the binding exists stay queued in the page.
 */
export function installPageBridge(options: PageBridgeOptions): void {
  type Bus = {
    attach(id: string, pattern: string, handler: (...args: unknown[]) => void, o: object): void;
  };
  type Scope = Record<string | symbol, unknown>;
  const scope = globalThis as unknown as Scope;
  const key = Symbol.for(options.registryKey);
  const queue: BridgedEvent[] = [];
  let seq = 0;
  let attached = false;
  let flushQueued = false;
  let unloading = false;
  let retrying = false;
  // taken before the app runs, so a library that wraps them (zone.js, a fake clock) cannot hold events back
  const later = globalThis.queueMicrotask;
  const wait = globalThis.setTimeout;
  // the page serialises each binding call whole: a long burst goes in calls of at most this many
  const MAX_BATCH = 1000;

  const loadId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

  // The rules of sanitizeMetadata (packages/core/src/sanitize) with its default limits, inlined
  // because this function runs in the page on its own. page-bridge.test.ts checks that both agree.
  const MAX_DEPTH = 6;
  const MAX_KEYS = 64;
  const MAX_ITEMS = 100;
  const MAX_STRING = 1024;
  const MAX_TOTAL = 16_384;
  const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];
  const SKIP = {};
  type Read = [string, () => unknown];

  // numbers === 'exact' keeps every number as it is (measurements: the binding carries NaN, ±Infinity
  // and -0); 'json' spells non-finite ones as strings and -0 as 0, as sanitizeMetadata does
  const sanitize = (input: unknown, numbers: 'exact' | 'json'): Record<string, unknown> => {
    const ancestors = new Set<object>();
    let remaining = MAX_TOTAL;
    const cut = (text: string): string => {
      if (text.length <= MAX_STRING) return text;
      let end = MAX_STRING - 1;
      const last = text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end--;
      return `${text.slice(0, Math.max(0, end))}…`;
    };
    const primitive = (v: string | number | boolean | null): unknown => {
      const value = typeof v === 'string' ? cut(v) : v;
      const cost = JSON.stringify(value).length;
      if (cost > remaining) return SKIP;
      remaining -= cost;
      return value;
    };
    const items = (list: ArrayLike<unknown>, length: number, depth: number): unknown[] => {
      const out: unknown[] = [];
      const count = Math.min(length, MAX_ITEMS);
      for (let i = 0; i < count; i++) {
        const comma = out.length > 0 ? 1 : 0;
        if (remaining < comma + 1) break;
        remaining -= comma;
        let item: unknown;
        try {
          item = list[i];
        } catch {
          item = '[Unreadable]';
        }
        const walked = walk(item, depth + 1);
        if (walked === SKIP) remaining += comma;
        else out.push(walked);
      }
      return out;
    };
    const entries = (list: Read[], depth: number): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      let count = 0;
      for (const [rawKey, read] of list) {
        if (count >= MAX_KEYS) break;
        if (FORBIDDEN.includes(rawKey)) continue;
        const key = cut(rawKey);
        if (FORBIDDEN.includes(key) || Object.hasOwn(out, key)) continue;
        const cost = JSON.stringify(key).length + 1 + (count > 0 ? 1 : 0);
        if (cost + 1 > remaining) break;
        remaining -= cost;
        let raw: unknown;
        try {
          raw = read();
        } catch {
          raw = '[Unreadable]';
        }
        const walked = walk(raw, depth + 1);
        if (walked === SKIP) {
          remaining += cost;
          continue;
        }
        out[key] = walked;
        count++;
      }
      return out;
    };
    const first = (collection: Iterable<unknown>, max: number): unknown[] => {
      const out: unknown[] = [];
      if (max <= 0) return out;
      for (const item of collection) {
        out.push(item);
        if (out.length >= max) break;
      }
      return out;
    };
    const object = (value: object, depth: number): unknown => {
      if (ancestors.has(value)) return primitive('[Circular]');
      if (depth > MAX_DEPTH) return primitive('[MaxDepth]');
      try {
        if (value instanceof Date) {
          const time = value.getTime();
          return primitive(Number.isNaN(time) ? 'Invalid Date' : value.toISOString());
        }
        if (value instanceof RegExp) return primitive(String(value));
        if (value instanceof ArrayBuffer) return primitive(`[ArrayBuffer ${value.byteLength} bytes]`);
        if (value instanceof DataView) return primitive(`[DataView ${value.byteLength} bytes]`);
      } catch {
        return primitive('[Unreadable]');
      }
      if (remaining < 2) return SKIP;
      remaining -= 2;
      ancestors.add(value);
      try {
        if (Array.isArray(value)) return items(value, value.length, depth);
        if (ArrayBuffer.isView(value)) {
          const view = value as unknown as ArrayLike<unknown>;
          return items(view, view.length, depth);
        }
        if (value instanceof Set) return items(first(value, MAX_ITEMS), value.size, depth);
        if (value instanceof Map) return items(first(value, MAX_KEYS), value.size, depth);
        if (value instanceof Error) {
          const error = value;
          const fields: Read[] = [
            ['name', () => error.name],
            ['message', () => error.message],
            ['stack', () => error.stack],
          ];
          const code = (error as { code?: unknown }).code;
          if (typeof code === 'string' || typeof code === 'number') fields.push(['code', () => code]);
          return entries(fields, depth);
        }
        const keys = Object.keys(value);
        const end = Math.min(keys.length, MAX_KEYS + FORBIDDEN.length);
        const fields: Read[] = [];
        for (let i = 0; i < end; i++) {
          const key = keys[i] as string;
          fields.push([key, () => (value as Record<string, unknown>)[key]]);
        }
        return entries(fields, depth);
      } catch {
        remaining += 2;
        return primitive('[Unreadable]');
      } finally {
        ancestors.delete(value);
      }
    };
    const walk = (value: unknown, depth: number): unknown => {
      switch (typeof value) {
        case 'string':
        case 'boolean':
          return primitive(value);
        case 'number':
          if (numbers === 'exact') return primitive(value);
          return primitive(Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : String(value));
        case 'bigint':
          return primitive(value.toString());
        case 'object':
          return value === null ? primitive(null) : object(value, depth);
        default:
          return SKIP;
      }
    };
    const isRecord = (value: unknown): boolean => {
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
        return true;
      }
    };
    try {
      const top = input === undefined || input === null ? {} : isRecord(input) ? input : { value: input };
      const out = walk(top, 1);
      return out !== null && typeof out === 'object' && !Array.isArray(out) ? (out as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };

  // One binding call per flush, not per event: each call costs the page a serialisation and a
  // round trip to the test (plus an evaluate for its result), which made a burst of emits block
  // its main thread for seconds. A flush runs at the next microtask checkpoint: a synchronous
  // burst crosses in one call, the test hears of an event as soon as the code that emitted it
  // yields, and nothing stays queued past the end of a task, when a navigation, a close or a
  // test's next call could come. (A timer would batch more, but is throttled in hidden pages.)
  const flush = (): void => {
    flushQueued = false;
    if (queue.length === 0) return;
    const send = scope[options.binding];
    if (typeof send !== 'function') {
      if (!retrying) {
        retrying = true;
        wait(() => {
          retrying = false;
          flush();
        }, 10);
      }
      return;
    }
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        // a page closing mid-call rejects; the events are gone with it either way
        (send(batch) as Promise<unknown>).catch(() => undefined);
      } catch {
        // the binding was removed (its context is closing): nobody is left to receive them
      }
    }
  };

  const forward = (name: unknown, measurements: unknown, metadata: unknown): void => {
    // everything that can throw (getters, Proxies, toString) is read before seq is taken
    let url = '';
    try {
      url = String((scope as { location?: { href?: string } }).location?.href ?? '');
    } catch {}
    const event: BridgedEvent = {
      seq: 0,
      loadId,
      name: typeof name === 'string' ? name : '[Unreadable]',
      measurements: sanitize(measurements, 'exact') as Record<string, number>,
      metadata: sanitize(metadata, 'json'),
      time: Date.now(),
      url,
    };
    queue.push({ ...event, seq: seq++ });
    // an unloading document may not reach its next microtask checkpoint (an iframe removed by
    // its parent's script is detached before it): send at once
    if (unloading) flush();
    else if (!flushQueued) {
      flushQueued = true;
      later(flush);
    }
  };

  // An iframe removed by its parent's script gets pagehide in the middle of that script, while it
  // can still call the binding but before its next microtask checkpoint: from then on, send at
  // once. (At a task boundary, as on a navigation or a tab switch, the queue is already empty.)
  if (typeof globalThis.addEventListener === 'function') {
    const leave = (): void => {
      unloading = true;
      flush();
    };
    // back from the back/forward cache: batch again
    const stay = (): void => {
      unloading = false;
    };
    addEventListener('pagehide', leave, true);
    addEventListener('pageshow', stay, true);
  }

  const attachTo = (record: unknown): boolean => {
    const bus = (record as { telemetry?: Bus } | undefined)?.telemetry;
    if (attached || bus === undefined || typeof bus.attach !== 'function') return attached;
    bus.attach(options.handlerId, '**', forward, { onFailure: 'keep' });
    attached = true;
    return true;
  };

  if (attachTo(scope[key])) return;
  // The bus is created with Object.defineProperty(globalThis, key, ...) right before its first
  // emit; wrapping defineProperty until then attaches in time to see that very first event.
  const original = Object.defineProperty;
  const watching = function defineProperty<T>(target: T, property: PropertyKey, descriptor: PropertyDescriptor): T {
    const result = original(target, property, descriptor);
    if (target === (globalThis as unknown) && property === key) {
      if (Object.defineProperty === watching) Object.defineProperty = original;
      attachTo(scope[key]);
    }
    return result;
  };
  Object.defineProperty = watching;
}
