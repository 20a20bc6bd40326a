import type { Measurements, Metadata, Telemetry } from '@isotel/core';

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

let storeSeq = 0;

/**
 * The external store behind `useTelemetryEvents`: a bounded list of the events one instance
 * emits under some patterns, for `useSyncExternalStore`.
 *
 * Events are buffered and published once per animation frame (or per microtask), so a burst of
 * events, even spread over many tasks, makes one new snapshot and one render. Between
 * publications the snapshot is the same frozen array. The handler is attached only while
 * someone subscribes.
 */
export class EventListStore {
  readonly #telemetry: Telemetry;
  readonly #patterns: readonly string[];
  readonly #limit: number;
  readonly #flush: EventListFlush;
  readonly #listeners = new Set<() => void>();
  #snapshot: readonly TelemetryEvent[] = EMPTY;
  #pending: TelemetryEvent[] = [];
  #scheduled = false;
  #handlerId: string | undefined;
  #key = 0;

  constructor(telemetry: Telemetry, patterns: readonly string[], limit: number, flush: EventListFlush = 'frame') {
    this.#telemetry = telemetry;
    this.#patterns = patterns;
    this.#limit = limit;
    this.#flush = flush;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    if (this.#handlerId === undefined) this.#attach();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#detach();
    };
  };

  readonly getSnapshot = (): readonly TelemetryEvent[] => this.#snapshot;

  readonly getServerSnapshot = (): readonly TelemetryEvent[] => EMPTY;

  /** Empties the list (one publication). */
  readonly clear = (): void => {
    this.#pending = [];
    if (this.#snapshot === EMPTY) return;
    this.#snapshot = EMPTY;
    this.#notify();
  };

  #attach(): void {
    storeSeq++;
    const handlerId = `isotel.react.events.${storeSeq}`;
    this.#telemetry.attachMany(
      handlerId,
      this.#patterns,
      (name, measurements, metadata) => this.#receive(name, measurements, metadata),
      { onFailure: 'keep' },
    );
    this.#handlerId = handlerId;
  }

  #detach(): void {
    if (this.#handlerId === undefined) return;
    this.#telemetry.detach(this.#handlerId);
    this.#handlerId = undefined;
  }

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
