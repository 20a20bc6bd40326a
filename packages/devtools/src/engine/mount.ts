import type { Telemetry } from '@isotel/core';
import type { DevtoolsExporter } from '../tabs/exporters-tab.js';
import type { DevtoolsMetrics } from '../tabs/metrics-tab.js';
import type { DevtoolsOptions, DevtoolsPosition, DevtoolsTheme } from './options.js';
import { DevtoolsPanel } from './panel.js';
import type { TabId } from './persisted-state.js';

/** A mounted devtools panel: open/close it and change its options without remounting. */
export interface DevtoolsHandle {
  /** Removes the panel, its listeners and its subscription. */
  unmount(): void;
  open(): void;
  close(): void;
  toggle(): void;
  readonly isOpen: boolean;
  /** Shows one tab. */
  selectTab(tab: TabId): void;
  /** Watches another in-page bus (switches back from a collector too). */
  setTelemetry(telemetry: Telemetry | undefined): void;
  /** Watches a collector (or, with `undefined`, the in-page bus again). */
  setCollector(collectorUrl: string | undefined, adminToken?: string): void;
  setTheme(theme: DevtoolsTheme): void;
  setPosition(position: DevtoolsPosition): void;
  setHotkey(hotkey: string): void;
  setExporters(exporters: readonly DevtoolsExporter[]): void;
  setMetrics(metrics: DevtoolsMetrics | undefined): void;
}

/**
 * Mounts the devtools panel into `el`: a toggle button and a resizable panel in a shadow root
 * (no CSS leaks either way). Nothing renders through the host app's framework, so the app
 * never re-renders because events flow.
 *
 * @example
 * const devtools = mountDevtools(document.body, { telemetry: t, hotkey: 'Ctrl+Shift+E' })
 * devtools.open()
 * devtools.unmount()
 */
export function mountDevtools(el: HTMLElement, options: DevtoolsOptions = {}): DevtoolsHandle {
  const panel = new DevtoolsPanel(el, options);
  let source: Pick<DevtoolsOptions, 'telemetry' | 'collectorUrl' | 'adminToken'> = {
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(options.collectorUrl ? { collectorUrl: options.collectorUrl } : {}),
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
  };
  return {
    unmount: () => panel.unmount(),
    open: () => panel.open(),
    close: () => panel.close(),
    toggle: () => panel.toggle(),
    get isOpen() {
      return panel.isOpen;
    },
    selectTab: (tab) => panel.selectTab(tab),
    setTelemetry(telemetry) {
      source = telemetry ? { telemetry } : {};
      panel.setSource(source);
    },
    setCollector(collectorUrl, adminToken) {
      const { telemetry } = source;
      source = {
        ...(telemetry ? { telemetry } : {}),
        ...(collectorUrl ? { collectorUrl } : {}),
        ...(adminToken ? { adminToken } : {}),
      };
      panel.setSource(source);
    },
    setTheme: (theme) => panel.setTheme(theme),
    setPosition: (position) => panel.setPosition(position),
    setHotkey: (hotkey) => panel.setHotkey(hotkey),
    setExporters: (exporters) => panel.setExporters(exporters),
    setMetrics: (metrics) => panel.setMetrics(metrics),
  };
}
