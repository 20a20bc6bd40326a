import { uuidv7 } from '../id/uuidv7.js';
import { activeContext, enterScope, type TelemetryContext } from './context.js';

/** What `withContext` takes: an optional correlation id and any baggage. */
export interface ContextValues {
  /** The correlation id of the scope. @default the enclosing scope's, else a new UUIDv7 */
  readonly correlationId?: string;
  readonly [key: string]: unknown;
}

const EMPTY_BAGGAGE: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Runs `fn` in a new context scope: events emitted inside carry its `correlationId`, and its
 * baggage is readable through {@link getContext}. Inner scopes inherit what they do not set.
 *
 * @example
 * server.on('request', (req, res) => {
 *   const requestId = req.headers['x-request-id'] // string | string[] | undefined
 *   const correlation = typeof requestId === 'string' ? { correlationId: requestId } : {}
 *   withContext({ ...correlation, route: req.url }, () => handle(req, res))
 * })
 */
export function withContext<R>(values: ContextValues, fn: () => R): R {
  const parent = activeContext();
  let correlationId: string | undefined;
  let baggage: Record<string, unknown> | undefined;
  for (const key of Object.keys(values ?? {})) {
    const value = values[key];
    if (key === 'correlationId') {
      if (typeof value === 'string' && value.length > 0) correlationId = value;
    } else if (key !== '__proto__') {
      // a `__proto__` key (possible from JSON.parse) would replace the baggage's prototype
      baggage ??= { ...parent?.baggage };
      baggage[key] = value;
    }
  }
  const context: TelemetryContext = {
    correlationId: correlationId ?? parent?.correlationId ?? uuidv7(),
    spanId: parent?.spanId,
    baggage: baggage ?? parent?.baggage ?? EMPTY_BAGGAGE,
  };
  return enterScope(context, call, fn);
}

function call<R>(fn: () => R): R {
  return fn();
}

/** The context in force, if any. */
export function getContext(): TelemetryContext | undefined {
  return activeContext();
}

/** The correlation id in force, if any. */
export function getCorrelationId(): string | undefined {
  return activeContext()?.correlationId;
}

/**
 * Returns `fn` bound to the context in force now: whenever and wherever it is called later
 * (a callback, an `await` continuation in a browser), it runs in that context.
 *
 * @example button.addEventListener('click', bind(() => emit('ui.click')))
 */
export function bind<F extends (...args: never[]) => unknown>(fn: F): F {
  const context = activeContext();
  if (context === undefined) return fn;
  return function bound(this: unknown, ...args: Parameters<F>) {
    return enterScope(context, apply, { fn, self: this, args });
  } as F;
}

interface Call {
  readonly fn: (...args: never[]) => unknown;
  readonly self: unknown;
  readonly args: readonly unknown[];
}

function apply(c: Call): unknown {
  return Reflect.apply(c.fn, c.self, c.args);
}
