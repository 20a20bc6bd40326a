import type { FailurePolicy, Handler, Telemetry } from '@isotel/core';
import type { Holdable } from '../use-hold.js';
import { nextHandlerId } from './handler-id.js';

/**
 * @internal One handler for one instance and set of patterns, attached while anyone holds it:
 * the first `hold` attaches it, the last release detaches it. Each attach takes a fresh id,
 * `nextHandlerId(...idParts)`. Creating one attaches nothing, so it can be made while rendering.
 */
export class HeldHandler implements Holdable {
  readonly #telemetry: Telemetry;
  readonly #patterns: readonly string[];
  readonly #handler: Handler;
  readonly #onFailure: FailurePolicy;
  readonly #idParts: readonly [string, ...string[]];
  #holds = 0;
  #handlerId: string | undefined;

  constructor(
    telemetry: Telemetry,
    patterns: readonly string[],
    handler: Handler,
    onFailure: FailurePolicy,
    idParts: readonly [kind: string, ...parts: string[]],
  ) {
    this.#telemetry = telemetry;
    this.#patterns = patterns;
    this.#handler = handler;
    this.#onFailure = onFailure;
    this.#idParts = idParts;
  }

  /** Holds the handler attached until the returned function is called (once). */
  hold(): () => void {
    if (this.#handlerId === undefined) {
      const handlerId = nextHandlerId(...this.#idParts);
      this.#telemetry.attachMany(handlerId, this.#patterns, this.#handler, { onFailure: this.#onFailure });
      this.#handlerId = handlerId;
    }
    this.#holds++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#holds--;
      if (this.#holds > 0 || this.#handlerId === undefined) return;
      this.#telemetry.detach(this.#handlerId);
      this.#handlerId = undefined;
    };
  }
}
