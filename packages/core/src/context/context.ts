import { StackContextManager } from './stack-context-manager.js';

/**
 * The ambient context of the code running now: the request's correlation id, the enclosing
 * span, and free-form baggage. Immutable; entering a new scope makes a new one.
 */
export interface TelemetryContext {
  /** Ties together every event of one request, job or user action. */
  readonly correlationId: string | undefined;
  /** The innermost open span, the parent of spans started here. */
  readonly spanId: string | undefined;
  /** Values given to `withContext` besides the correlation id, inherited by inner scopes. */
  readonly baggage: Readonly<Record<string, unknown>>;
}

/**
 * Carries a {@link TelemetryContext} through the code that runs inside a scope. isotel ships a
 * synchronous stack (browsers, workers) and an `AsyncLocalStorage` manager (Node, installed by
 * the package's `node` entry); {@link setContextManager} takes any other implementation.
 */
export interface ContextManager {
  /** A short name for diagnostics, e.g. `'stack'` or `'async-local-storage'`. */
  readonly kind: string;
  /** The context in force, if any. */
  active(): TelemetryContext | undefined;
  /** Runs `fn(arg)` with `context` in force and returns its result. */
  with<A, R>(context: TelemetryContext | undefined, fn: (arg: A) => R, arg: A): R;
}

interface ContextSlot {
  manager: ContextManager;
  // False until a scope may have been entered: no isotel scope has run yet and nobody outside
  // has been handed the manager. Until then no context can be in force, so `activeContext()`
  // (which every emit calls for the ambient correlation id) answers without asking the manager.
  // Only ever goes from false to true.
  inUse: boolean;
  // False until a scope whose context carries a correlation id may have been entered: until then
  // no ambient correlation id can exist, so `emit` does not ask for one (spans run without one
  // leave emit as fast as before them). Set with `inUse` when the manager is handed out or
  // replaced, since code outside may enter any context through it. Only goes from false to true.
  correlated: boolean;
}

// One slot per page or process, shared by every copy of @isotel/core (Symbol.for), so a span
// started through one copy is the parent of a span started through another. Each copy caches
// the slot object and reads `slot.manager` per call, so replacing the manager reaches them all.
const SLOT_KEY = Symbol.for('isotel.context');
type GlobalWithSlot = typeof globalThis & { [SLOT_KEY]?: ContextSlot };

function resolveSlot(): ContextSlot {
  const scope = globalThis as GlobalWithSlot;
  let found = scope[SLOT_KEY];
  if (found === undefined) {
    found = { manager: new StackContextManager(), inUse: false, correlated: false };
    // not enumerable, not writable: the defaults of defineProperty
    Object.defineProperty(scope, SLOT_KEY, { value: found, configurable: true });
  } else {
    // a slot made by a copy that does not keep a flag: always ask its manager
    if (found.inUse !== false) found.inUse = true;
    if (found.correlated !== false) found.correlated = true;
  }
  return found;
}

const slot = resolveSlot();

/**
 * The context manager in force. Code that gets it may enter scopes through it directly, so from
 * then on every `activeContext()` asks the manager.
 */
export function getContextManager(): ContextManager {
  slot.inUse = true;
  slot.correlated = true;
  return slot.manager;
}

/**
 * Replaces the context manager for the whole page or process (every copy of `@isotel/core`).
 * `import '@isotel/core'` on Node installs an `AsyncLocalStorage` manager by itself; call this
 * for other runtimes (a Zone.js or `AsyncContext` based manager).
 *
 * @example setContextManager(new StackContextManager())
 */
export function setContextManager(manager: ContextManager): void {
  // a manager from outside may have contexts in force that no isotel scope entered
  slot.inUse = true;
  slot.correlated = true;
  slot.manager = manager;
}

/** Installs one of isotel's own managers, whose scopes are entered only through {@link enterScope}. */
export function installContextManager(manager: ContextManager): void {
  slot.manager = manager;
}

/** The kind of the manager in force, without handing the manager out. */
export function contextManagerKind(): string {
  return slot.manager.kind;
}

/** Runs `fn(arg)` with `context` in force: how every isotel scope (context, span) is entered. */
export function enterScope<A, R>(context: TelemetryContext | undefined, fn: (arg: A) => R, arg: A): R {
  slot.inUse = true;
  if (context?.correlationId !== undefined) slot.correlated = true;
  return slot.manager.with(context, fn, arg);
}

/**
 * The shared slot, for a hot path that checks `inUse` (any context may be in force) or
 * `correlated` (an ambient correlation id may be) itself before calling {@link activeContext}.
 */
export function contextSlot(): { readonly inUse: boolean; readonly correlated: boolean } {
  return slot;
}

/** The context in force, if any. */
export function activeContext(): TelemetryContext | undefined {
  return slot.inUse ? slot.manager.active() : undefined;
}
