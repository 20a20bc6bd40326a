import { createContext, startTransition, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { DevtoolsEngine } from '../engine/devtools-engine.js';

export const EngineContext = createContext<DevtoolsEngine | null>(null);

/** The engine of this panel; re-renders the caller whenever it announces a change. */
export function useEngine(): DevtoolsEngine {
  const engine = useContext(EngineContext);
  if (engine === null) throw new Error('useEngine outside the devtools root');
  useSyncExternalStore(engine.subscribe, engine.getVersion);
  return engine;
}

/**
 * Re-renders the caller on the stream's render ticks when `select` reads something new (the
 * number of events seen, the error count): what does not show the stream never re-renders for it.
 */
export function useStream<T>(select: (engine: DevtoolsEngine) => T): T {
  const engine = useContext(EngineContext);
  if (engine === null) throw new Error('useStream outside the devtools root');
  return useSyncExternalStore(engine.subscribeStream, () => select(engine));
}

/**
 * Like {@link useStream}, but the re-render is a transition: React renders it in slices and
 * yields to the browser between them, so a stream tick never holds a frame for long. For the
 * event list, whose renders are the panel's largest.
 */
export function useStreamTransition<T>(select: (engine: DevtoolsEngine) => T): T {
  const engine = useContext(EngineContext);
  if (engine === null) throw new Error('useStreamTransition outside the devtools root');
  const [value, setValue] = useState(() => select(engine));
  useEffect(() => {
    setValue(select(engine));
    return engine.subscribeStream(() => startTransition(() => setValue(select(engine))));
  }, [engine, select]);
  return value;
}
