import { IsotelError, type Telemetry } from '@isotel/core';
import { useLayoutEffect, useMemo, useSyncExternalStore } from 'react';
import { useTelemetry } from '../provider.js';
import { useHold } from '../use-hold.js';
import { type EventListFlush, EventListStore, type TelemetryEvent } from './event-list-store.js';

/** Options of {@link useTelemetryEvents}. */
export interface UseTelemetryEventsOptions {
  /** How many of the newest events the list keeps; lowering it keeps the newest. @default 100 */
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
 * A live list of the newest events under `pattern`, from mount on: it includes what the other
 * components of the commit that mounts it emit in their effects. Events are published to React
 * once per animation frame (see `flush`), so a burst renders once; the list keeps at most
 * `limit` events. Changing `limit` or `flush` keeps the list; changing the pattern or the
 * instance starts a new one. Renders an empty list on the server, where nothing is attached.
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
  // Options are applied to the living store below: rebuilding it would drop what it holds.
  // biome-ignore lint/correctness/useExhaustiveDependencies: limit and flush are deliberately left out
  const store = useMemo(() => new EventListStore(telemetry, key.split('\n'), limit, flush), [telemetry, key]);
  // Held from the mounting commit on, so what siblings and children emit while mounting is listed
  // (useSyncExternalStore only subscribes after all of that). A hide keeps the hold, so a hidden
  // list keeps recording (bounded by limit). Nothing is attached on the server.
  useHold(store);
  useLayoutEffect(() => store.configure(limit, flush), [store, limit, flush]);
  const held = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
  // Until the layout effect above trims the store to a lower limit, this render trims its copy.
  const events = useMemo(() => (held.length > limit ? Object.freeze(held.slice(-limit)) : held), [held, limit]);
  return useMemo(() => ({ events, clear: store.clear }), [events, store]);
}

export type { EventListFlush, TelemetryEvent };
