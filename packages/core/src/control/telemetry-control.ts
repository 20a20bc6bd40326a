import type { Metadata } from '../bus/types.js';
import { copyMetadata } from '../context/copy-metadata.js';
import { logger } from '../log/logger.js';
import { type ControlInput, type ControlState, DEFAULT_CONTROL, isPassThrough, parseControl } from './control-state.js';
import { type DropReason, SampleDecisions } from './sample-decisions.js';
import { sampleHash } from './sample-hash.js';

/** Events of {@link TelemetryControl.on}. */
export interface ControlEvents {
  /** The control changed: the new state and the one it replaced. */
  change: [next: ControlState, previous: ControlState];
}

/**
 * Runtime control of what a bus (or an exporter) delivers: on/off, sampling, allow and deny
 * lists. Decisions per event name are cached and start over at each change; sampling hashes the
 * event's `correlationId`, else its `spanId`, so a span's start and stop (and, with a correlation
 * id, a whole request) are kept or dropped together.
 *
 * @example
 * t.control.set({ sampleRate: 0.1, rules: [{ pattern: 'checkout.**', sampleRate: 1 }], deny: ['debug.**'] })
 * t.control.on('change', (next) => console.info('control', next))
 */
export class TelemetryControl {
  #state: ControlState = DEFAULT_CONTROL;
  #decisions = new SampleDecisions(DEFAULT_CONTROL);
  // one event kind: a set of listeners, each isolated from the others' errors
  readonly #listeners = new Set<(...args: ControlEvents['change']) => void>();
  readonly #countDrop: (reason: DropReason) => void;
  /** False while the control delivers everything, so the bus skips it with one check. */
  filtering = false;

  constructor(countDrop: (reason: DropReason) => void = () => {}) {
    this.#countDrop = countDrop;
  }

  /** The control in force (frozen). */
  get(): ControlState {
    return this.#state;
  }

  /**
   * Merges `change` over the control in force. Invalid input throws `IsotelError`
   * (`invalid_control`) naming the key, and the previous control stays in force.
   */
  set(change: ControlInput): ControlState {
    return this.#replace(parseControl(change, this.#state));
  }

  /** Back to {@link DEFAULT_CONTROL}. */
  reset(): ControlState {
    return this.#replace(DEFAULT_CONTROL);
  }

  /**
   * Subscribes to changes; returns a function that unsubscribes. A listener that throws is
   * logged and does not stop the others, nor the change, which is already in force.
   */
  on<E extends keyof ControlEvents>(_event: E, listener: (...args: ControlEvents[E]) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Unsubscribes a listener added with {@link on}. */
  off<E extends keyof ControlEvents>(_event: E, listener: (...args: ControlEvents[E]) => void): void {
    this.#listeners.delete(listener);
  }

  /**
   * The metadata to deliver `name` with (a copy with `sampleRate` when kept at a rate below 1),
   * or undefined when the event is dropped; drops are counted per reason.
   */
  admit(name: string, metadata: Metadata): Metadata | undefined {
    const decided = this.decide(name, metadata);
    return typeof decided === 'string' ? undefined : decided;
  }

  /** {@link admit}, returning the reason (`sampled_out`, `denied`, ...) instead of undefined. */
  decide(name: string, metadata: Metadata): Metadata | DropReason {
    const rate = this.#decisions.rateOf(name);
    if (rate >= 1) return metadata;
    if (rate < 0) {
      const reason = this.#decisions.reasonOf(rate);
      this.#countDrop(reason);
      return reason;
    }
    const key = typeof metadata.correlationId === 'string' ? metadata.correlationId : metadata.spanId;
    const draw = typeof key === 'string' ? sampleHash(key) : Math.random();
    if (draw >= rate) {
      this.#countDrop('sampled_out');
      return 'sampled_out';
    }
    const out = copyMetadata(metadata);
    out.sampleRate = rate;
    return out;
  }

  /**
   * True (and the drop counted) when `name` is dropped whatever its metadata: disabled, denied,
   * not allowed, or sampled at rate 0. Lets a lazy emit skip its thunk.
   */
  dropsName(name: string): boolean {
    const rate = this.#decisions.rateOf(name);
    if (rate > 0) return false;
    this.#countDrop(rate < 0 ? this.#decisions.reasonOf(rate) : 'sampled_out');
    return true;
  }

  /**
   * Why `name` is dropped before any sampling (off, denied, not allowed), if it is; counts
   * nothing. A span's stop, whose start was kept, is dropped only for these reasons.
   */
  refusalOf(name: string): DropReason | undefined {
    const rate = this.#decisions.rateOf(name);
    return rate < 0 ? this.#decisions.reasonOf(rate) : undefined;
  }

  /** True when `name` is dropped whatever its metadata, as {@link dropsName}, counting nothing. */
  refuses(name: string): boolean {
    return this.#decisions.rateOf(name) <= 0;
  }

  #replace(next: ControlState): ControlState {
    const previous = this.#state;
    this.#state = next;
    this.#decisions = new SampleDecisions(next);
    this.filtering = !isPassThrough(next);
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
