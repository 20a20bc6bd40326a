import type { Span } from './types.js';

/** The inert span handed out when nobody listens to a prefix: no clock, no event, no allocation. */
export const NOOP_SPAN: Span = Object.freeze({
  spanId: '',
  parentSpanId: undefined,
  correlationId: undefined,
  ended: true,
  recording: false,
  context: undefined,
  set(): Span {
    return NOOP_SPAN;
  },
  measure(): Span {
    return NOOP_SPAN;
  },
  end(): void {},
  fail(): void {},
  run<R>(fn: () => R): R {
    return fn();
  },
  bind<F>(fn: F): F {
    return fn;
  },
});
