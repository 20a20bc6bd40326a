// The page half of the Playwright fixture. It runs in every page, before the app, as the init
// script built from this module (imports included) by scripts/build-page-bridge.mjs into
// page-bridge-script.generated.ts; see page-bridge-script.ts.
import { sanitizeKeepingNumbers, sanitizeMetadata } from '../sanitize/sanitize-metadata.js';

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
      // the binding carries NaN, ±Infinity and -0; metadata follows JSON's rules like everywhere else
      measurements: sanitizeKeepingNumbers(measurements) as Record<string, number>,
      metadata: sanitizeMetadata(metadata),
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
