// The page half of the Playwright fixture. `installPageBridge` is handed to
// `context.addInitScript`, which serialises it with `Function.prototype.toString`: it must be
// self-contained (no imports, no helpers outside its body) and run in any page, before the app.

/** One event as the page sends it to the test (JSON-safe). */
export interface BridgedEvent {
  /** Per-page sequence number, from 0 after each load. */
  readonly seq: number;
  readonly name: string;
  readonly measurements: Record<string, number>;
  readonly metadata: Record<string, unknown>;
  /** Epoch milliseconds when the page saw the event. */
  readonly time: number;
  /** `location.href` when the event was emitted. */
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
 * time the app touches it) and attaches a `**` handler that forwards every event, made JSON-safe,
 * to the exposed binding. Events seen before the binding exists are buffered in the page.
 */
export function installPageBridge(options: PageBridgeOptions): void {
  type Bus = {
    attach(id: string, pattern: string, handler: (...args: unknown[]) => void, o: object): void;
  };
  type Scope = Record<string | symbol, unknown>;
  const scope = globalThis as unknown as Scope;
  const key = Symbol.for(options.registryKey);
  const buffer: BridgedEvent[] = [];
  let seq = 0;
  let attached = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const safe = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
    if (typeof value === 'bigint') return `${value.toString()}n`;
    if (typeof value !== 'object') return undefined; // undefined, functions, symbols
    if (seen.has(value)) return '[Circular]';
    if (depth > 8) return '[Truncated]';
    seen.add(value);
    let out: unknown;
    if (value instanceof Error) {
      out = { name: value.name, message: value.message, stack: value.stack };
    } else if (value instanceof Date) {
      out = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    } else if (Array.isArray(value)) {
      out = value.map((item) => {
        const v = safe(item, depth + 1, seen);
        return v === undefined ? null : v;
      });
    } else {
      const record: Record<string, unknown> = {};
      for (const k of Object.keys(value)) {
        const v = safe((value as Record<string, unknown>)[k], depth + 1, seen);
        if (v !== undefined) record[k] = v;
      }
      out = record;
    }
    seen.delete(value);
    return out;
  };

  const deliver = (): void => {
    retry = undefined;
    const send = scope[options.binding];
    if (typeof send !== 'function') {
      retry = setTimeout(deliver, 10);
      return;
    }
    const batch = buffer.splice(0, buffer.length);
    // a page closing mid-call rejects; the events are gone with it either way
    (send(batch) as Promise<unknown>).catch(() => undefined);
  };

  const forward = (name: unknown, measurements: unknown, metadata: unknown): void => {
    buffer.push({
      seq: seq++,
      name: String(name),
      measurements: safe(measurements, 0, new WeakSet()) as Record<string, number>,
      metadata: (safe(metadata, 0, new WeakSet()) ?? {}) as Record<string, unknown>,
      time: Date.now(),
      url: String((scope as { location?: { href?: string } }).location?.href ?? ''),
    });
    // send now (in order, and before an imminent navigation), unless the binding is still missing
    if (retry === undefined) deliver();
  };

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
