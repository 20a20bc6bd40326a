import type { Telemetry } from '@isotel/core';
import { Profiler, type ProfilerOnRenderCallback, type ReactNode, useCallback, useContext } from 'react';
import { CorrelationContext } from '../correlation/correlation-scope.js';
import { useTelemetry } from '../provider.js';

/** The event {@link TelemetryProfiler} emits per commit. */
export const REACT_RENDER_EVENT = 'react.render';

/** Props of {@link TelemetryProfiler}. */
export interface TelemetryProfilerProps {
  /** Names the profiled subtree; the events' `id` metadata. */
  id: string;
  /** The event name. @default 'react.render' */
  event?: string;
  /** The instance to emit on. @default the provider's instance */
  telemetry?: Telemetry;
  children?: ReactNode;
}

/**
 * Wraps React's `<Profiler>`: each commit of the subtree emits `react.render` with
 * `{ actualDuration, baseDuration, startTime, commitTime }` (milliseconds) and
 * `{ id, phase }` (`'mount' | 'update' | 'nested-update'`), plus the `correlationId` of an
 * enclosing `CorrelationScope`. Costs nothing when nobody listens.
 *
 * React reports renders in development builds and in profiling builds (`react-dom/profiling`);
 * a plain production build calls no profiler, so no events are emitted there.
 *
 * @example
 * <TelemetryProfiler id="cart"><Cart /></TelemetryProfiler>
 */
export function TelemetryProfiler({ id, event = REACT_RENDER_EVENT, telemetry, children }: TelemetryProfilerProps) {
  const fromContext = useTelemetry();
  const t = telemetry ?? fromContext;
  const correlationId = useContext(CorrelationContext);
  const onRender = useCallback<ProfilerOnRenderCallback>(
    (profilerId, phase, actualDuration, baseDuration, startTime, commitTime) => {
      if (!t.hasHandlers(event)) return;
      const metadata =
        correlationId === undefined ? { id: profilerId, phase } : { id: profilerId, phase, correlationId };
      t.emit(event, { actualDuration, baseDuration, startTime, commitTime }, metadata);
    },
    [t, event, correlationId],
  );
  return (
    <Profiler id={id} onRender={onRender}>
      {children}
    </Profiler>
  );
}
