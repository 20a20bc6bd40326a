import { describe, expectTypeOf, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import type { ControlChangeListener, ControlDecision, ControlState, DropReason, TelemetryControl } from '../index.js';

describe('t.control', () => {
  it('is read, set, reset, subscribe and explain, and nothing of the engine behind it', () => {
    expectTypeOf<keyof TelemetryControl>().toEqualTypeOf<'get' | 'set' | 'reset' | 'subscribe' | 'explain'>();
    const t = createTelemetry();
    expectTypeOf(t.control.get()).toEqualTypeOf<ControlState>();
    expectTypeOf(t.control.subscribe).parameter(0).toEqualTypeOf<ControlChangeListener>();
    expectTypeOf(t.control.subscribe(() => {})).toEqualTypeOf<() => void>();
    expectTypeOf(t.control.explain('app.a')).toEqualTypeOf<ControlDecision>();
  });

  it('names one vocabulary of drop reasons', () => {
    expectTypeOf<DropReason>().toEqualTypeOf<'disabled' | 'denied' | 'not_allowed' | 'sampled_out'>();
    const decision = {} as ControlDecision;
    if (!decision.kept) expectTypeOf(decision.reason).toEqualTypeOf<DropReason>();
    else expectTypeOf(decision.sampleRate).toEqualTypeOf<number>();
  });
});
