import { IsotelError, type Telemetry } from '@isotel/core';
import { useMemo, useSyncExternalStore } from 'react';
import { useTelemetry } from '../provider.js';
import { type EventListFlush, EventListStore, type TelemetryEvent } from './event-list-store.js';

/** Options of {@link useTelemetryEvents}. */
export interface UseTelemetryEventsOptions {
  /** How many of the newest events the list keeps. @default 100 */
  limit?: number;
  /**
   * When new events reach the list: `'frame'` once per animation frame (a 16 ms timer where
   * there is none), so even a stream spread over many tasks renders at most once per frame;
   * `'microtask'` at the end of the current task.
   * @default 'frame'
   */
  flush?: EventListFlush;
  /** The instance to listen to. @default the provider's instance */
  telemetry?: Telemetry;
}

/** What {@link useTelemetryEvents} returns. */
export interface TelemetryEventList {
  /** The newest events, oldest first; the same array until an event arrives. */
  readonly events: readonly TelemetryEvent[];
  /** Empties the list. */
  readonly clear: () => void;
}

/**
 * A live list of the newest events under `pattern`, from mount on. Events are published to
 * React once per animation frame (see `flush`), so a burst renders once; the list keeps at most
 * `limit` events. Renders an empty list on the server.
 *
 * @example
 * const { events } = useTelemetryEvents('checkout.**', { limit: 20 })
 * return <ul>{events.map((e) => <li key={e.key}>{e.name}</li>)}</ul>
 */
export function useTelemetryEvents(
  pattern: string | readonly string[],
  options: UseTelemetryEventsOptions = {},
): TelemetryEventList {
  const fromContext = useTelemetry();
  const telemetry = options.telemetry ?? fromContext;
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new IsotelError('invalid_argument', `useTelemetryEvents: limit must be a positive integer, got ${limit}.`);
  }
  const flush = options.flush ?? 'frame';
  const key = typeof pattern === 'string' ? pattern : pattern.join('\n');
  const store = useMemo(
    () => new EventListStore(telemetry, key.split('\n'), limit, flush),
    [telemetry, key, limit, flush],
  );
  const events = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
  return useMemo(() => ({ events, clear: store.clear }), [events, store]);
}

export type { EventListFlush, TelemetryEvent };
