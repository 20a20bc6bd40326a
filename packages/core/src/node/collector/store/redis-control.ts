// How the Redis store shares control: one hash field per scope (`global`, `client:<id>`) and a
// message on the control channel per change, applied by every other collector.
import type { ControlState } from '../../../control/control-state.js';
import { logger } from '../../../log/logger.js';
import type { ControlStore } from '../control-store.js';

/** A change of control as published on the channel. */
export interface ControlMessage {
  /** The store instance that made it (it ignores its own). */
  readonly from: string;
  readonly clientId?: string;
  // null: the client's override was removed
  readonly control: ControlState | null;
}

export const GLOBAL_FIELD = 'global';
export const CLIENT_FIELD = 'client:';

/** Takes the control Redis holds (the hash), changing only what differs from this process's. */
export function applyControlHash(controls: ControlStore, hash: Record<string, string>): void {
  for (const [field, text] of Object.entries(hash)) {
    try {
      const control = JSON.parse(text) as unknown;
      if (field === GLOBAL_FIELD) {
        if (JSON.stringify(controls.snapshot().global) !== text) controls.setGlobal(control);
      } else if (field.startsWith(CLIENT_FIELD)) {
        const id = field.slice(CLIENT_FIELD.length);
        if (!controls.hasOverride(id) || JSON.stringify(controls.effective(id)) !== text)
          controls.setClient(id, control);
      }
    } catch (error) {
      logger().warn(`redisStore: ignored an invalid control in Redis (${field}).`, error);
    }
  }
}

/** Applies a change another collector published (`instance`: this store's own id, skipped). */
export function applyControlMessage(controls: ControlStore, text: string, instance: string): void {
  try {
    const message = JSON.parse(text) as ControlMessage;
    if (message.from === instance) return;
    if (message.clientId === undefined) controls.setGlobal(message.control);
    else if (message.control === null) controls.clearClient(message.clientId);
    else controls.setClient(message.clientId, message.control);
  } catch (error) {
    logger().warn('redisStore: ignored an invalid control message.', error);
  }
}
