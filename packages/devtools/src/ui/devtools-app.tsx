import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { DevtoolsEngine } from '../engine/devtools-engine.js';
import { EngineContext, useEngine } from './engine-context.js';
import { Panel } from './panel.js';
import { Toggle } from './toggle.js';
import { useEffectiveDock } from './use-effective-dock.js';

/** The root of the panel's own React tree, rendered by the engine into its shadow root. */
export function DevtoolsApp({ engine }: { engine: DevtoolsEngine }): ReactNode {
  return (
    <EngineContext.Provider value={engine}>
      <QueryClientProvider client={engine.queryClient}>
        <Root />
      </QueryClientProvider>
    </EngineContext.Provider>
  );
}

function Root(): ReactNode {
  const engine = useEngine();
  const { open } = engine.state;
  const dock = useEffectiveDock();
  return (
    <div
      className="root"
      data-theme={engine.effectiveTheme}
      data-dock={engine.inline ? 'inline' : dock}
      data-position={engine.position}
    >
      {engine.inline ? null : <Toggle />}
      {open ? <Panel /> : null}
    </div>
  );
}
