import { enterScope } from '../context/context.js';
import { logger } from '../log/logger.js';
import type { ActiveSpan } from './active-span.js';
import { call, type SpanRecorder } from './span-recorder.js';
import type { SpanScope } from './types.js';

// The scopes of each recorder. Kept here, with the code that composes them, so a bus that never
// gets a scope (no OpenTelemetry bridge) does not carry it.
const scopesOf = new WeakMap<SpanRecorder, readonly SpanScope[]>();

/** Adds a scope the code inside every span of `recorder` runs in; returns a function that removes it. */
export function addScope(recorder: SpanRecorder, scope: SpanScope): () => void {
  update(recorder, [...(scopesOf.get(recorder) ?? []), scope]);
  return () =>
    update(
      recorder,
      (scopesOf.get(recorder) ?? []).filter((s) => s !== scope),
    );
}

function update(recorder: SpanRecorder, scopes: readonly SpanScope[]): void {
  scopesOf.set(recorder, scopes);
  recorder.around = scopes.length === 0 ? undefined : (span, fn) => inScopes(scopes, span, fn);
}

// Runs `fn` with `span` as the context in force, inside every scope. A scope that fails to run its
// part (throws first, or returns without it) costs the span nothing but that scope: it is logged
// and the code runs without it.
function inScopes<R>(scopes: readonly SpanScope[], span: ActiveSpan, fn: () => R): R {
  let run = (): R => enterScope(span, call, fn);
  for (const scope of scopes) {
    const inner = run;
    run = () => {
      let entered = false;
      let result: R;
      try {
        result = scope(span.spanId, () => {
          entered = true;
          return inner();
        });
      } catch (error) {
        if (entered) throw error;
        logger().error(`A span scope failed around span ${span.spanId}; its code ran without it.`, error);
        return inner();
      }
      if (entered) return result;
      logger().error(`A span scope did not run the code of span ${span.spanId}; it ran without it.`);
      return inner();
    };
  }
  return run();
}
