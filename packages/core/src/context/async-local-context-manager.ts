// Node only: imported by the package's `node` entry, never by the browser-safe root entry.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type ContextManager, contextManagerKind, installContextManager, type TelemetryContext } from './context.js';

/**
 * Context through Node's `AsyncLocalStorage`: a scope's context follows its `await`s, timers,
 * microtasks and event-emitter callbacks, and concurrent requests never see each other's.
 * Installed by `import '@isotel/core'` on Node.
 */
export class AsyncLocalContextManager implements ContextManager {
  readonly kind = 'async-local-storage';
  readonly #storage = new AsyncLocalStorage<TelemetryContext | undefined>();

  active(): TelemetryContext | undefined {
    return this.#storage.getStore();
  }

  with<A, R>(context: TelemetryContext | undefined, fn: (arg: A) => R, arg: A): R {
    return this.#storage.run(context, fn, arg);
  }
}

/**
 * Installs an {@link AsyncLocalContextManager} unless one is in force already (a second copy
 * of the package keeps the first one's, so both see the same context).
 */
export function installAsyncLocalContext(): void {
  if (contextManagerKind() !== 'async-local-storage') installContextManager(new AsyncLocalContextManager());
}
