// Node only: imported by the package's `node` entry, never by the browser-safe root entry.
import { AsyncLocalStorage, executionAsyncId } from 'node:async_hooks';
import { type ContextManager, contextManagerKind, installContextManager, type TelemetryContext } from './context.js';

/**
 * Context through Node's `AsyncLocalStorage`: a scope's context follows its `await`s, timers,
 * microtasks and event-emitter callbacks, and concurrent requests never see each other's.
 * Installed by `import '@isotel/core'` on Node.
 */
export class AsyncLocalContextManager implements ContextManager {
  readonly kind = 'async-local-storage';
  readonly #storage = new AsyncLocalStorage<TelemetryContext | undefined>();
  // The context last read and the async execution it was read in. What `getStore()` returns
  // changes only when another async resource runs (a new execution id) or inside `with`, which
  // forgets the read on the way in and out; so every emit of one execution reads the store once.
  // Why: bench/README.md, "Why emit got slower after other code ran".
  #readIn = -1;
  #read: TelemetryContext | undefined = undefined;

  active(): TelemetryContext | undefined {
    const id = executionAsyncId();
    if (id !== this.#readIn) {
      this.#read = this.#storage.getStore();
      this.#readIn = id;
    }
    return this.#read;
  }

  with<A, R>(context: TelemetryContext | undefined, fn: (arg: A) => R, arg: A): R {
    this.#readIn = -1;
    try {
      return this.#storage.run(context, fn, arg);
    } finally {
      this.#readIn = -1;
    }
  }
}

/**
 * Installs an {@link AsyncLocalContextManager} unless one is in force already (a second copy
 * of the package keeps the first one's, so both see the same context).
 */
export function installAsyncLocalContext(): void {
  if (contextManagerKind() !== 'async-local-storage') installContextManager(new AsyncLocalContextManager());
}
