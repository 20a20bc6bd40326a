import { useEmit } from '@isotel/react';
import { useSyncExternalStore } from 'react';
import { collectorUrl } from './setup.js';

/** What the devtools panel watches: this page's bus, or the dev collector's (remote mode). */
export type DevtoolsSource = 'page' | 'collector';

const KEY = 'playground.devtools.source';
const listeners = new Set<() => void>();

function read(): DevtoolsSource {
  try {
    return collectorUrl !== undefined && localStorage.getItem(KEY) === 'collector' ? 'collector' : 'page';
  } catch {
    return 'page';
  }
}

function write(source: DevtoolsSource): void {
  try {
    localStorage.setItem(KEY, source);
  } catch {
    // storage disabled: the choice lasts until the page reloads
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The source chosen in the header (remembered across reloads). */
export function useDevtoolsSource(): DevtoolsSource {
  return useSyncExternalStore(subscribe, read, read);
}

/**
 * The header's choice of what the devtools panel watches: this page's bus, or the dev collector
 * (the panel then reads the collector's live stream, handlers, stats and control over HTTP).
 */
export function DevtoolsSourceSelect() {
  const emit = useEmit();
  const source = useDevtoolsSource();
  if (collectorUrl === undefined) return null;
  return (
    <label className="source-select">
      Devtools watch{' '}
      <select
        value={source}
        onChange={(event) => {
          const next = event.target.value as DevtoolsSource;
          write(next);
          emit('playground.devtools.source', { count: 1 }, { source: next });
        }}
      >
        <option value="page">this page</option>
        <option value="collector">the dev collector</option>
      </select>
    </label>
  );
}
