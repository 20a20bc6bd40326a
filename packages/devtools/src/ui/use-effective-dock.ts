import { useSyncExternalStore } from 'react';
import type { DevtoolsDock } from '../engine/persisted-state.js';
import { useEngine } from './engine-context.js';

// Below this window width a side dock would leave the page no room: the panel docks at the bottom.
const NARROW_QUERY = '(max-width: 639px)';

function subscribeNarrow(callback: () => void): () => void {
  const query = globalThis.matchMedia?.(NARROW_QUERY);
  query?.addEventListener('change', callback);
  return () => query?.removeEventListener('change', callback);
}

const isNarrow = (): boolean => globalThis.matchMedia?.(NARROW_QUERY).matches ?? false;

/** The dock in force: the chosen one, except a side dock on a narrow window. */
export function useEffectiveDock(): DevtoolsDock {
  const engine = useEngine();
  const narrow = useSyncExternalStore(subscribeNarrow, isNarrow, () => false);
  const { dock } = engine.state;
  return narrow && (dock === 'left' || dock === 'right') ? 'bottom' : dock;
}
