import type { Metadata } from '../../bus/types.js';
import { type ControlDecision, ControlEngine } from '../../control/control-engine.js';
import { type ControlState, DEFAULT_CONTROL, parseControl } from '../../control/control-state.js';

/** Called when the control of one client (or, with `undefined`, of every client) changed. */
export type ControlListener = (clientId: string | undefined) => void;

/**
 * The control the collector hands to its clients: one global control plus per-client overrides.
 * Every input goes through `parseControl` first, so an invalid PUT throws `invalid_control` and
 * leaves the previous control in force. A PUT replaces: keys it omits take their defaults. Overrides are bounded (oldest forgotten first): a client whose
 * override was forgotten falls back to the global control, which is always a valid state.
 *
 * Ingest answers carry a control only once one was set ({@link answerFor}), so an exporter's own
 * control is not replaced by a default nobody chose.
 */
export class ControlStore {
  #global: ControlState;
  // a global control was given (the collector's `control` option, a PUT, setControl)
  #globalSet: boolean;
  readonly #perClient = new Map<string, ControlState>();
  // clients whose override was removed: their answers carry the global control, default or not,
  // so they learn of the reset (bounded like the overrides, oldest forgotten first)
  readonly #reset = new Set<string>();
  readonly #listeners = new Set<ControlListener>();
  readonly #maxOverrides: number;
  // the engine of each state asked about, made on the first question and gone with the state
  readonly #engines = new WeakMap<ControlState, ControlEngine>();

  constructor(initial: ControlState, maxOverrides = 10_000) {
    this.#global = initial;
    // resolved options hold the shared DEFAULT_CONTROL itself when no `control` option was given
    this.#globalSet = initial !== DEFAULT_CONTROL;
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

  /**
   * The control to put in an ingest answer to `clientId`: its override, else the global control
   * once one was set, or once this client's override was removed; else undefined (the client
   * keeps its own control).
   */
  answerFor(clientId: string): ControlState | undefined {
    const own = this.#perClient.get(clientId);
    if (own !== undefined) return own;
    return this.#globalSet || this.#reset.has(clientId) ? this.#global : undefined;
  }

  /**
   * What `clientId`'s control (its override, else the global one) does with an event named
   * `name`, decided by the engine the bus and the exporter use: with `metadata`, for that event.
   */
  explain(name: string, clientId?: string, metadata?: Metadata): ControlDecision {
    const state = this.effective(clientId);
    let engine = this.#engines.get(state);
    if (engine === undefined) {
      engine = new ControlEngine(state);
      this.#engines.set(state, engine);
    }
    return engine.explain(name, metadata);
  }

  /** True when `clientId` has its own override. */
  hasOverride(clientId: string): boolean {
    return this.#perClient.has(clientId);
  }

  /** Validates and sets the global control; throws `invalid_control` on bad input. */
  setGlobal(input: unknown): ControlState {
    this.#global = parseControl(input);
    this.#globalSet = true;
    this.#reset.clear(); // every client gets the global control from now on
    this.#notify(undefined);
    return this.#global;
  }

  /** Validates and sets one client's override; throws `invalid_control` on bad input. */
  setClient(clientId: string, input: unknown): ControlState {
    const control = parseControl(input);
    this.#perClient.delete(clientId);
    if (this.#perClient.size >= this.#maxOverrides) {
      const oldest = this.#perClient.keys().next();
      if (!oldest.done) this.#forget(oldest.value);
    }
    this.#perClient.set(clientId, control);
    this.#reset.delete(clientId);
    this.#notify(clientId);
    return control;
  }

  /** Removes a client's override; it falls back to the global control. */
  clearClient(clientId: string): boolean {
    const removed = this.#forget(clientId);
    if (removed) this.#notify(clientId);
    return removed;
  }

  // Removes an override; the client is remembered as reset while no global control was set.
  #forget(clientId: string): boolean {
    if (!this.#perClient.delete(clientId)) return false;
    if (!this.#globalSet) {
      if (this.#reset.size >= this.#maxOverrides) this.#reset.delete(this.#reset.values().next().value as string);
      this.#reset.add(clientId);
    }
    return true;
  }

  /** The global control once one was set (else undefined) and every override, oldest first. */
  snapshot(): { readonly global: ControlState | undefined; readonly clients: readonly [string, ControlState][] } {
    return { global: this.#globalSet ? this.#global : undefined, clients: [...this.#perClient] };
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
