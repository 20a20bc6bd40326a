import { type ControlState, parseControl } from '../../control/control-state.js';

/** Called when the control of one client (or, with `undefined`, of every client) changed. */
export type ControlListener = (clientId: string | undefined) => void;

/**
 * The control the collector hands to its clients: one global control plus per-client overrides.
 * Every input goes through `parseControl` first, so an invalid PUT throws `invalid_control` and
 * leaves the previous control in force. A PUT replaces: keys it omits take their defaults. Overrides are bounded (oldest forgotten first): a client whose
 * override was forgotten falls back to the global control, which is always a valid state.
 */
export class ControlStore {
  #global: ControlState;
  readonly #perClient = new Map<string, ControlState>();
  readonly #listeners = new Set<ControlListener>();
  readonly #maxOverrides: number;

  constructor(initial: ControlState, maxOverrides = 10_000) {
    this.#global = initial;
    this.#maxOverrides = maxOverrides;
  }

  /** The global control. */
  get global(): ControlState {
    return this.#global;
  }

  /** The control `clientId` should apply: its override, else the global control. */
  effective(clientId: string | undefined): ControlState {
    if (clientId === undefined) return this.#global;
    const own = this.#perClient.get(clientId);
    return own === undefined ? this.#global : own;
  }

  /** True when `clientId` has its own override. */
  hasOverride(clientId: string): boolean {
    return this.#perClient.has(clientId);
  }

  /** Validates and sets the global control; throws `invalid_control` on bad input. */
  setGlobal(input: unknown): ControlState {
    this.#global = parseControl(input);
    this.#notify(undefined);
    return this.#global;
  }

  /** Validates and sets one client's override; throws `invalid_control` on bad input. */
  setClient(clientId: string, input: unknown): ControlState {
    const control = parseControl(input);
    this.#perClient.delete(clientId);
    if (this.#perClient.size >= this.#maxOverrides) {
      const oldest = this.#perClient.keys().next();
      if (!oldest.done) this.#perClient.delete(oldest.value);
    }
    this.#perClient.set(clientId, control);
    this.#notify(clientId);
    return control;
  }

  /** Removes a client's override; it falls back to the global control. */
  clearClient(clientId: string): boolean {
    const removed = this.#perClient.delete(clientId);
    if (removed) this.#notify(clientId);
    return removed;
  }

  /** Clients with an override. */
  get overrides(): number {
    return this.#perClient.size;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  subscribe(listener: ControlListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #notify(clientId: string | undefined): void {
    for (const listener of this.#listeners) listener(clientId);
  }
}
