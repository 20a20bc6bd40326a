// The playground's offline switch. It cuts the network for the exporter only: while offline,
// the exporter's requests fail the way they do without a network, so events wait in IndexedDB;
// back online, the page gets the same `online` event a browser fires when the network returns,
// and the exporter sends the backlog.

type Listener = () => void;

let offline = false;
const listeners = new Set<Listener>();

/** True while the switch holds the exporter offline. */
export function isOffline(): boolean {
  return offline;
}

/** Turns the simulated network off or on. */
export function setOffline(value: boolean): void {
  if (value === offline) return;
  offline = value;
  for (const listener of listeners) listener();
  if (!value) globalThis.dispatchEvent?.(new Event('online'));
}

/** Subscribes to switch changes (for `useSyncExternalStore`); returns the unsubscribe function. */
export function subscribeOffline(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** `fetch` that fails like a dropped network while the switch is off. */
export const switchableFetch: typeof fetch = (input, init) =>
  offline ? Promise.reject(new TypeError('Failed to fetch (the playground is offline)')) : fetch(input, init);
