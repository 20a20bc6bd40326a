import type { Measurements, Metadata, Telemetry } from '@isotel/core';
import { HeldHandler } from '../handler/held-handler.js';
import type { Holdable } from '../use-hold.js';

/** One event in a {@link useTelemetryEvents} list. */
export interface TelemetryEvent {
  /** Increases by one per event the list received; a stable React `key`. */
  readonly key: number;
  readonly name: string;
  readonly measurements: Measurements;
  readonly metadata: Metadata;
  /** Epoch milliseconds when the event was received. */
  readonly time: number;
}

/** When a list publishes the events it received: once per animation frame, or once per microtask. */
export type EventListFlush = 'frame' | 'microtask';

const EMPTY: readonly TelemetryEvent[] = Object.freeze([]);

// Where there is no requestAnimationFrame (SSR, workers, Node), a frame is a 16 ms timer.
function scheduleFrame(run: () => void): void {
  const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
  if (typeof raf === 'function') raf(run);
  else setTimeout(run, 16);
}

/**
 * The external store behind `useTelemetryEvents`: a bounded list of the events one instance
 * emits under some patterns, for `useSyncExternalStore`.
 *
 * Events are buffered and published once per animation frame (or per microtask), so a burst of
 * events, even spread over many tasks, makes one new snapshot and one render. Between
 * publications the snapshot is the same frozen array. The handler is attached only while the
 * store is held (`hold`) or subscribed to.
 */
export class EventListStore implements Holdable {
  readonly #handler: HeldHandler;
  #limit: number;
  #flush: EventListFlush;
  readonly #listeners = new Set<() => void>();
  #snapshot: readonly TelemetryEvent[] = EMPTY;
  #pending: TelemetryEvent[] = [];
  #scheduled = false;
  #key = 0;

  constructor(telemetry: Telemetry, patterns: readonly string[], limit: number, flush: EventListFlush = 'frame') {
    this.#handler = new HeldHandler(
      telemetry,
      patterns,
      (name, measurements, metadata) => this.#receive(name, measurements, metadata),
      'keep',
      ['events'],
    );
    this.#limit = limit;
    this.#flush = flush;
  }

  /**
   * Holds the store attached until the returned function is called (once), whether or not anyone
   * subscribes. `useTelemetryEvents` holds it from its mounting commit on (`useHold`), so the list
   * already receives what the rest of that commit emits; `useSyncExternalStore` only subscribes
   * in a passive effect.
   */
  hold(): () => void {
    return this.#handler.hold();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    const release = this.#handler.hold();
    return () => {
      this.#listeners.delete(listener);
      release();
    };
  };

  /**
   * Changes the limit and the flush mode in place: what the list holds is kept (the newest
   * `limit` of it) and the handler stays attached, so no event is lost across the change.
   */
  configure(limit: number, flush: EventListFlush): void {
    this.#flush = flush;
    if (limit === this.#limit) return;
    this.#limit = limit;
    if (this.#pending.length > limit) this.#pending = this.#pending.slice(-limit);
    if (this.#snapshot.length <= limit) return;
    this.#snapshot = Object.freeze(this.#snapshot.slice(-limit));
    this.#notify();
  }

  readonly getSnapshot = (): readonly TelemetryEvent[] => this.#snapshot;

  readonly getServerSnapshot = (): readonly TelemetryEvent[] => EMPTY;

  /** Empties the list (one publication). */
  readonly clear = (): void => {
    this.#pending = [];
    if (this.#snapshot === EMPTY) return;
    this.#snapshot = EMPTY;
    this.#notify();
  };

  #receive(name: string, measurements: Measurements, metadata: Metadata): void {
    this.#key++;
    this.#pending.push({ key: this.#key, name, measurements, metadata, time: Date.now() });
    // A burst longer than the limit only needs its newest events.
    if (this.#pending.length > this.#limit * 2) this.#pending = this.#pending.slice(-this.#limit);
    if (this.#scheduled) return;
    this.#scheduled = true;
    if (this.#flush === 'microtask') queueMicrotask(this.#publish);
    else scheduleFrame(this.#publish);
  }

  readonly #publish = (): void => {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const merged = this.#snapshot.concat(this.#pending);
    this.#pending = [];
    this.#snapshot = Object.freeze(merged.length > this.#limit ? merged.slice(-this.#limit) : merged);
    this.#notify();
  };

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
