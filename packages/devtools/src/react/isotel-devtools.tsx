import { useTelemetry } from '@isotel/react';
import { type ReactNode, useEffect, useRef } from 'react';
import { type DevtoolsHandle, mountDevtools } from '../engine/mount.js';
import type { DevtoolsOptions } from '../engine/options.js';

/** Props of {@link IsotelDevtools}: the engine's options. */
export type IsotelDevtoolsProps = DevtoolsOptions;

/**
 * The devtools panel as a React component. It mounts the engine once in an effect and passes
 * prop changes through the engine's setters; events never go through React state, so the host
 * app does not re-render while they flow. Without a `telemetry` prop it watches the instance of
 * the nearest `TelemetryProvider`.
 *
 * @example
 * <TelemetryProvider telemetry={t}>
 *   <App />
 *   <IsotelDevtools initialIsOpen={false} position="bottom-left" />
 * </TelemetryProvider>
 */
export function IsotelDevtools(props: IsotelDevtoolsProps): ReactNode {
  const contextTelemetry = useTelemetry();
  const telemetry = props.telemetry ?? contextTelemetry;
  const ref = useRef<HTMLDivElement>(null);
  const handle = useRef<DevtoolsHandle | null>(null);
  // mount-time options: later changes go through setters below
  const initial = useRef({ ...props, telemetry });

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

  return <div ref={ref} data-isotel-devtools-root="" />;
}
