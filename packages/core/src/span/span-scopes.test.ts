import { afterEach, describe, expect, it } from 'vitest';
import { addSpanScope, createTelemetry } from '../bus/telemetry.js';
import { getContext } from '../context/with-context.js';
import { logger, setLogger } from '../log/logger.js';

// The scopes a bridge to another tracing system runs span code in (addSpanScope, internal).

const previous = logger();
afterEach(() => setLogger(previous));

function quiet(): string[] {
  const errors: string[] = [];
  setLogger({ warn: () => undefined, error: (message) => errors.push(message) });
  return errors;
}

function recordingBus() {
  const t = createTelemetry();
  t.attach('spans', 'work.*', () => undefined);
  return t;
}

describe('span scopes', () => {
  it('wrap the code of span(), run() and bind(), the latest added outermost, around the span context', () => {
    const t = recordingBus();
    const seen: string[] = [];
    addSpanScope(t, (spanId, run) => {
      seen.push(`first, span context ${spanId === getContext()?.spanId ? 'entered' : 'not entered yet'}`);
      return run();
    });
    addSpanScope(t, (spanId, run) => {
      seen.push(`second, id of ${spanId.length}`);
      return run();
    });
    const scoped = ['second, id of 16', 'first, span context not entered yet'];
    expect(t.span('work', {}, (span) => span.spanId.length)).toBe(16);
    const started = t.startSpan('work');
    started.run(() => seen.push('ran'));
    started.bind(() => seen.push('bound'))();
    started.end();
    expect(seen).toEqual([
      ...scoped, // span()
      ...scoped,
      'ran',
      ...scoped,
      'bound',
    ]);
  });

  it('cost the span nothing when one fails: the code runs once, its own errors pass through', () => {
    const errors = quiet();
    const t = recordingBus();
    addSpanScope(t, () => {
      throw new Error('broken bridge');
    });
    let runs = 0;
    expect(t.span('work', {}, () => ++runs)).toBe(1);
    const forgetful = createTelemetry();
    forgetful.attach('spans', 'work.*', () => undefined);
    addSpanScope(forgetful, () => undefined as never);
    expect(forgetful.span('work', {}, () => ++runs)).toBe(2);
    expect(errors).toHaveLength(2);
    const own = new RangeError('the code failed');
    expect(() =>
      t.span('work', {}, () => {
        throw own;
      }),
    ).toThrow(own);
    expect(errors).toHaveLength(3); // the broken scope again, not the code's error
  });

  it('are removed by the function addSpanScope returns, and never run for spans nobody records', () => {
    const t = createTelemetry();
    let calls = 0;
    const remove = addSpanScope(t, (_spanId, run) => {
      calls++;
      return run();
    });
    t.span('work', {}, () => undefined); // nobody listens: no span, no scope
    t.attach('spans', 'work.*', () => undefined);
    t.span('work', {}, () => undefined);
    remove();
    t.span('work', {}, () => undefined);
    expect(calls).toBe(1);
  });
});
