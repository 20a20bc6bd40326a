import type { HandlerInfo, Telemetry } from '@isotel/core';
import {
  type BackendStats,
  type ControlState,
  DEVTOOLS_HANDLER_PREFIX,
  type DevtoolsBackend,
  type EventSink,
  normalizeControl,
} from './backend.js';

// Runtime control on the bus (`t.control`), read structurally so the panel also works with a
// bus that has none.
interface BusControl {
  get(): ControlState;
  set(next: Partial<ControlState>): unknown;
  on(event: 'change', listener: () => void): unknown;
  off(event: 'change', listener: () => void): unknown;
}

function busControl(t: Telemetry): BusControl | undefined {
  const control = (t as unknown as { control?: BusControl }).control;
  return control && typeof control.get === 'function' && typeof control.set === 'function' ? control : undefined;
}

let instances = 0;

/** The in-page bus as a devtools backend. */
export class LocalBackend implements DevtoolsBackend {
  readonly label = 'in-page bus';
  readonly canDetach = true;
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
    const control = busControl(this.#t);
    return control ? normalizeControl(control.get()) : undefined;
  }

  async setControl(next: ControlState): Promise<ControlState> {
    const control = busControl(this.#t);
    if (!control) throw new Error('This bus has no runtime control.');
    control.set(next);
    return normalizeControl(control.get());
  }

  onControlChange(callback: () => void): () => void {
    const control = busControl(this.#t);
    if (!control || typeof control.on !== 'function') return () => {};
    control.on('change', callback);
    return () => {
      control.off('change', callback);
    };
  }

  dispose(): void {
    this.#t.detach(this.#handlerId);
  }
}
