import { describeError } from '../errors/describe-error.js';
import { logger } from '../log/logger.js';
import type { HandlerEntry } from './handler-registry.js';
import type { Measurements, Metadata } from './types.js';

/** The event isotel emits when a handler throws or rejects. */
export const HANDLER_FAILURE_EVENT = 'telemetry.handler.failure';

/** What failure handling needs of its bus. */
export interface FailureHost {
  isAttached(entry: HandlerEntry): boolean;
  detach(handlerId: string): void;
  emit(name: string, measurements: Measurements, metadata: Metadata): void;
}

/**
 * A bus's handling of failed handler calls: counters, the failure policy, and the
 * `telemetry.handler.failure` event, emitted so that a broken failure handler can never loop.
 */
export class HandlerFailures {
  readonly #host: FailureHost;
  #depth = 0;
  /** Handler calls that threw or rejected. */
  count = 0;

  constructor(host: FailureHost) {
    this.#host = host;
  }

  /**
   * Watches what a handler returned: a promise that rejects is a failure. Kept out of the dispatch
   * loop: a closure there would capture `entry` and `name`, and V8 would then allocate a context
   * for every handler call, even synchronous ones.
   */
  watch(result: unknown, entry: HandlerEntry, name: string): void {
    if (typeof result !== 'object' || result === null) return;
    if (typeof (result as Promise<unknown>).then !== 'function') return;
    (result as Promise<unknown>).then(undefined, (error: unknown) => this.failed(entry, name, error));
  }

  /** A handler threw (or its promise rejected) while handling `name`. */
  failed(entry: HandlerEntry, name: string, error: unknown): void {
    entry.failures++;
    this.count++;
    entry.lastError = describeError(error);
    // A handler failing while handling a failure event is detached whatever its policy. A failure
    // during the delivery of a failure event (in a handler of another event the failure handler
    // emitted) is logged instead of emitted. Either way no failure event is emitted, so a broken
    // failure handler can never loop.
    const host = this.#host;
    const ofFailureHandler = name === HANDLER_FAILURE_EVENT;
    if (host.isAttached(entry) && (entry.onFailure === 'detach' || ofFailureHandler)) host.detach(entry.id);
    if (ofFailureHandler) {
      logger().error(`Handler "${entry.id}" failed while handling "${name}" and was detached.`, error);
      return;
    }
    if (this.#depth > 0) {
      logger().error(
        `Handler "${entry.id}" failed while handling "${name}" inside failure handling; no failure event is emitted for it.`,
        error,
      );
      return;
    }
    this.#depth++;
    try {
      host.emit(HANDLER_FAILURE_EVENT, { count: 1 }, { handlerId: entry.id, event: name, error });
    } finally {
      this.#depth--;
    }
  }
}
