import type { HandlerInfo, Telemetry } from '@isotel/core';
import {
  type BackendStats,
  type ControlState,
  DEVTOOLS_HANDLER_PREFIX,
  type DevtoolsBackend,
  type EventSink,
} from './backend.js';

let instances = 0;

/** The in-page bus as a devtools backend. */
export class LocalBackend implements DevtoolsBackend {
  readonly label = 'in-page bus';
  readonly #t: Telemetry;
  readonly #handlerId = `${DEVTOOLS_HANDLER_PREFIX}${++instances}`;

  constructor(telemetry: Telemetry) {
    this.#t = telemetry;
  }

  subscribe(sink: EventSink): () => void {
    // 'keep': the panel must not vanish because one render failed
    this.#t.attach(this.#handlerId, '**', sink, { onFailure: 'keep' });
    return () => {
      this.#t.detach(this.#handlerId);
    };
  }

  async handlers(): Promise<readonly HandlerInfo[]> {
    return this.#t.listHandlers().filter((h) => !h.id.startsWith(DEVTOOLS_HANDLER_PREFIX));
  }

  async detach(handlerId: string): Promise<boolean> {
    return this.#t.detach(handlerId);
  }

  async stats(): Promise<BackendStats> {
    const s = this.#t.stats();
    return { dropped: s.dropped, handlerFailures: s.handlerFailures };
  }

  async control(): Promise<ControlState | undefined> {
    return this.#t.control.get();
  }

  /** Throws the bus's `invalid_control` IsotelError on bad input; the previous control stays. */
  async setControl(next: ControlState): Promise<ControlState> {
    return this.#t.control.set(next);
  }

  onControlChange(callback: () => void): () => void {
    return this.#t.control.subscribe(callback);
  }

  dispose(): void {
    this.#t.detach(this.#handlerId);
  }
}
