import type { Metadata } from '../bus/types.js';
import { logger } from '../log/logger.js';
import { type ControlDecision, ControlEngine } from './control-engine.js';
import { type ControlInput, type ControlState, DEFAULT_CONTROL, parseControl } from './control-state.js';

/** Called after the control changed, with the state now in force and the one it replaced. */
export type ControlChangeListener = (next: ControlState, previous: ControlState) => void;

// How the bus reaches the engine behind its control, which the public API does not hand out.
let engineOf!: (control: TelemetryControl) => ControlEngine;

/**
 * Runtime control of what a bus delivers: on/off, sampling, allow and deny lists. Sampling hashes
 * the event's `correlationId`, else its `spanId`, so a span's start and stop (and, with a
 * correlation id, a whole request) are kept or dropped together.
 *
 * @example
 * t.control.set({ sampleRate: 0.1, rules: [{ pattern: 'checkout.**', sampleRate: 1 }], deny: ['debug.**'] })
 * t.control.subscribe((next) => console.info('control', next))
 * t.control.explain('debug.sql') // { kept: false, reason: 'denied' }
 */
export class TelemetryControl {
  static {
    engineOf = (control) => control.#engine;
  }

  readonly #engine = new ControlEngine();
  readonly #listeners = new Set<ControlChangeListener>();

  /** The control in force (frozen). */
  get(): ControlState {
    return this.#engine.state;
  }

  /**
   * Merges `change` over the control in force. Invalid input throws `IsotelError`
   * (`invalid_control`) naming the key, and the previous control stays in force.
   */
  set(change: ControlInput): ControlState {
    return this.#replace(parseControl(change, this.#engine.state));
  }

  /** Back to {@link DEFAULT_CONTROL}. */
  reset(): ControlState {
    return this.#replace(DEFAULT_CONTROL);
  }

  /**
   * Calls `listener` after every change; returns a function that unsubscribes. A listener that
   * throws is logged and does not stop the others, nor the change, which is already in force.
   */
  subscribe(listener: ControlChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * What the control in force would do with an event named `name`: kept (at which rate) or
   * dropped (and why). With `metadata`, sampling is decided as for that event; without, only
   * what holds for every event of the name. Counts and delivers nothing.
   *
   * @example t.control.explain('checkout.pay', { correlationId }) // { kept: true, sampleRate: 0.5 }
   */
  explain(name: string, metadata?: Metadata): ControlDecision {
    return this.#engine.explain(name, metadata);
  }

  #replace(next: ControlState): ControlState {
    const previous = this.#engine.state;
    this.#engine.use(next);
    for (const listener of [...this.#listeners]) {
      try {
        listener(next, previous);
      } catch (error) {
        logger().error('A control change listener threw; the change is in force.', error);
      }
    }
    return next;
  }
}

/** @internal The engine a bus consults for each event under `control`. */
export function controlEngineOf(control: TelemetryControl): ControlEngine {
  return engineOf(control);
}
