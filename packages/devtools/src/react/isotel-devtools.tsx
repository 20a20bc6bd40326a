import { useTelemetry } from '@isotel/react';
import { type ReactNode, useEffect, useRef } from 'react';
import { type DevtoolsHandle, mountDevtools } from '../engine/mount.js';
import type { DevtoolsOptions } from '../engine/options.js';

/** Props of {@link IsotelDevtools} and {@link IsotelDevtoolsPanel}: the engine's options. */
export type IsotelDevtoolsProps = Omit<DevtoolsOptions, 'inline'>;

/**
 * Mounts the engine once into a div of its own and passes prop changes through its setters.
 * The panel renders in its own React root (inside a shadow root): events never go through the
 * host app's React tree, so the app does not re-render while they flow.
 */
function useDevtools(props: IsotelDevtoolsProps, inline: boolean) {
  const contextTelemetry = useTelemetry();
  const telemetry = props.telemetry ?? contextTelemetry;
  const ref = useRef<HTMLDivElement>(null);
  const handle = useRef<DevtoolsHandle | null>(null);
  // mount-time options: later changes go through setters below
  const initial = useRef<DevtoolsOptions>({ ...props, telemetry, inline });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const devtools = mountDevtools(el, initial.current);
    handle.current = devtools;
    return () => {
      handle.current = null;
      devtools.unmount();
    };
  }, []);

  const { collectorUrl, adminToken, theme, position, hotkey, exporters, metrics } = props;
  useEffect(() => {
    if (collectorUrl) handle.current?.setCollector(collectorUrl, adminToken);
    else handle.current?.setTelemetry(telemetry);
  }, [telemetry, collectorUrl, adminToken]);
  useEffect(() => {
    if (theme) handle.current?.setTheme(theme);
  }, [theme]);
  useEffect(() => {
    if (position) handle.current?.setPosition(position);
  }, [position]);
  useEffect(() => {
    if (hotkey) handle.current?.setHotkey(hotkey);
  }, [hotkey]);
  useEffect(() => {
    if (exporters) handle.current?.setExporters(exporters);
  }, [exporters]);
  useEffect(() => {
    handle.current?.setMetrics(metrics);
  }, [metrics]);
  return ref;
}

/**
 * The floating devtools: a toggle button (with an error-count badge) and a panel docked to a
 * side of the window. Without a `telemetry` prop it watches the instance of the nearest
 * `TelemetryProvider` (else the default bus).
 *
 * @example
 * <TelemetryProvider telemetry={t}>
 *   <App />
 *   <IsotelDevtools initialIsOpen={false} position="bottom-left" />
 * </TelemetryProvider>
 */
export function IsotelDevtools(props: IsotelDevtoolsProps): ReactNode {
  const ref = useDevtools(props, false);
  return <div ref={ref} data-isotel-devtools-root="" />;
}

/**
 * The devtools panel inline, for embedding in a page or layout of your own (like TanStack
 * Query's `ReactQueryDevtoolsPanel`): always open, no toggle button, it fills its container
 * (give the container a height).
 *
 * @example
 * <div style={{ height: 400 }}>
 *   <IsotelDevtoolsPanel collectorUrl="http://127.0.0.1:4318" />
 * </div>
 */
export function IsotelDevtoolsPanel(props: IsotelDevtoolsProps): ReactNode {
  const ref = useDevtools(props, true);
  return <div ref={ref} data-isotel-devtools-root="" style={{ height: '100%' }} />;
}
