import type { ContextManager, TelemetryContext } from './context.js';

/**
 * A synchronous context stack: a scope's context is in force until its function returns. It is
 * what browsers and workers can offer without async context: after a bare `await` inside a
 * scope, the continuation runs with whatever context is in force then (usually none). Carry the
 * context across with `bind(fn)` or a span handle's `run(fn)`.
 *
 * @example setContextManager(new StackContextManager())
 */
export class StackContextManager implements ContextManager {
  readonly kind = 'stack';
  #current: TelemetryContext | undefined = undefined;

  active(): TelemetryContext | undefined {
    return this.#current;
  }

  with<A, R>(context: TelemetryContext | undefined, fn: (arg: A) => R, arg: A): R {
    const previous = this.#current;
    this.#current = context;
    try {
      return fn(arg);
    } finally {
      this.#current = previous;
    }
  }
}
