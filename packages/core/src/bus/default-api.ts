// Module-level functions acting on the shared default instance. Each resolves the instance once
// and then forwards, so a module-level emit with nothing attached stays one property check.
// Context (`withContext`, `bind`, ...) is not per instance: its functions live in context/.
import type { Span } from '../span/types.js';
import { getDefaultTelemetry } from './default-instance.js';
import type { Telemetry } from './telemetry.js';
import type { AttachOptions, EventThunk, Handler, HandlerInfo, Measurements, Metadata } from './types.js';

let bus: Telemetry | undefined;
const t = (): Telemetry => (bus ??= getDefaultTelemetry());

/**
 * Emits on the default instance. See {@link Telemetry.emit}.
 *
 * @example emit('checkout.payment.stop', { duration: 12.5 }, { orderId })
 */
export function emit(name: string, measurements?: Measurements | EventThunk, metadata?: Metadata): void {
  t().emit(name, measurements, metadata);
}

/**
 * Attaches on the default instance. See {@link Telemetry.attach}.
 *
 * @example attach('log-checkout', 'checkout.**', (name, m) => console.info(name, m))
 */
export function attach<Config = unknown>(
  handlerId: string,
  pattern: string,
  handler: Handler<Config>,
  options?: AttachOptions<Config>,
): void {
  t().attach(handlerId, pattern, handler, options);
}

/**
 * Attaches to several patterns on the default instance. See {@link Telemetry.attachMany}.
 *
 * @example attachMany('log-shop', ['cart.**', 'checkout.**'], (name) => console.info(name))
 */
export function attachMany<Config = unknown>(
  handlerId: string,
  patterns: readonly string[],
  handler: Handler<Config>,
  options?: AttachOptions<Config>,
): void {
  t().attachMany(handlerId, patterns, handler, options);
}

/**
 * Detaches from the default instance; false when the id is unknown. See {@link Telemetry.detach}.
 *
 * @example detach('log-checkout')
 */
export function detach(handlerId: string): boolean {
  return t().detach(handlerId);
}

/**
 * Lists the default instance's handlers. See {@link Telemetry.listHandlers}.
 *
 * @example listHandlers('checkout') // handlers that can receive events under `checkout`
 */
export function listHandlers(prefixOrPattern?: string): HandlerInfo[] {
  return t().listHandlers(prefixOrPattern);
}

/**
 * True when an emit of `name` on the default instance would reach a handler. See {@link Telemetry.hasHandlers}.
 *
 * @example if (hasHandlers('report.ready')) emit('report.ready', {}, summarise(report))
 */
export function hasHandlers(name: string): boolean {
  return t().hasHandlers(name);
}

/** Runs `fn` in a span on the default instance. See {@link Telemetry.span}. */
export function span<R>(prefix: string, metadata: Metadata | undefined, fn: (span: Span) => R): R {
  return t().span(prefix, metadata, fn);
}

/** Starts a span on the default instance. See {@link Telemetry.startSpan}. */
export function startSpan(prefix: string, metadata?: Metadata): Span {
  return t().startSpan(prefix, metadata);
}

export { bind, getCorrelationId, withContext } from '../context/with-context.js';
