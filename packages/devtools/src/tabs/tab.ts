import type { DevtoolsBackend } from '../engine/backend.js';
import type { PanelState, TabId } from '../engine/persisted-state.js';
import type { EventRing } from '../engine/ring-buffer.js';

/** What the panel hands each tab. */
export interface TabContext {
  readonly ring: EventRing;
  readonly state: PanelState;
  /** Writes the state to localStorage. */
  persist(): void;
  /** The current backend (it changes when the telemetry or collector option changes). */
  backend(): DevtoolsBackend;
  /** Asks for a render on the next animation frame. */
  schedule(): void;
  /** Sets the pause flag the event sink reads. */
  setPaused(paused: boolean): void;
}

/** One tab of the panel. */
export interface Tab {
  readonly id: TabId;
  readonly label: string;
  /** The tab's content, placed inside its tabpanel. */
  readonly element: HTMLElement;
  /** Called when the tab becomes visible (and when the backend changes while it is). */
  activate(): void;
  /** Called when another tab is selected or the panel closes. */
  deactivate(): void;
  /** Called once per animation frame while visible and something changed. */
  render(): void;
  dispose(): void;
}

/**
 * A tab that refreshes itself while visible: once when activated, then every `intervalMs`
 * (stats and handler counts change without events to render).
 */
export abstract class PollingTab implements Pick<Tab, 'activate' | 'deactivate' | 'render' | 'dispose'> {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly intervalMs = 1000) {}

  /** Draws the tab from fresh data. */
  protected abstract refresh(): void;

  /** What each interval runs; a tab may skip a refresh (e.g. while a confirm is pending). */
  protected poll(): void {
    this.refresh();
  }

  activate(): void {
    this.refresh();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.poll(), this.intervalMs);
  }

  deactivate(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  render(): void {}

  dispose(): void {
    this.deactivate();
  }
}
