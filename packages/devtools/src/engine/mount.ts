import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { DevtoolsApp } from '../ui/devtools-app.js';
import { DevtoolsEngine } from './devtools-engine.js';
import type { DevtoolsExporter, DevtoolsMetrics } from './exporter-types.js';
import type { DevtoolsOptions, DevtoolsPosition, DevtoolsTheme } from './options.js';
import type { TabId } from './persisted-state.js';
import { STYLES } from './styles.js';

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
  setTelemetry(telemetry: DevtoolsOptions['telemetry']): void;
  /** Watches a collector (or, with `undefined`, the in-page bus again). */
  setCollector(collectorUrl: string | undefined, adminToken?: string): void;
  setTheme(theme: DevtoolsTheme): void;
  setPosition(position: DevtoolsPosition): void;
  setHotkey(hotkey: string): void;
  setExporters(exporters: readonly DevtoolsExporter[]): void;
  setMetrics(metrics: DevtoolsMetrics | undefined): void;
}

/**
 * Mounts the devtools into `el`: a toggle button and a docked, resizable panel (or, with
 * `inline`, the panel itself in the page's flow), drawn by the panel's own React root inside a
 * shadow root, so no CSS leaks either way and the host app needs no React and never re-renders
 * because events flow. Recording starts at once, so opening the panel shows what came before.
 *
 * @example
 * const devtools = mountDevtools(document.body, { telemetry: t, hotkey: 'Ctrl+Shift+E' })
 * devtools.open()
 * devtools.unmount()
 */
export function mountDevtools(el: HTMLElement, options: DevtoolsOptions = {}): DevtoolsHandle {
  const engine = new DevtoolsEngine(options);
  const host = document.createElement('div');
  host.setAttribute('data-isotel-devtools', '');
  if (engine.inline) host.setAttribute('data-inline', '');
  const shadow = host.attachShadow({ mode: 'open' });
  engine.shadowRoot = shadow;
  const style = document.createElement('style');
  if (options.nonce !== undefined) style.setAttribute('nonce', options.nonce);
  style.textContent = STYLES;
  const container = document.createElement('div');
  container.className = 'container';
  shadow.append(style, container);
  el.appendChild(host);
  const root = createRoot(container, { identifierPrefix: 'isotel-' });
  // drawn before this returns: callers (and tests) find the toggle right after mounting
  flushSync(() => root.render(createElement(DevtoolsApp, { engine })));

  let source = {
    telemetry: options.telemetry,
    collectorUrl: options.collectorUrl,
    adminToken: options.adminToken,
  };
  return {
    unmount() {
      root.unmount();
      engine.dispose();
      host.remove();
    },
    open: () => engine.setOpen(true),
    close: () => engine.setOpen(false),
    toggle: () => engine.setOpen(!engine.state.open),
    get isOpen() {
      return engine.state.open;
    },
    selectTab: (tab) => engine.selectTab(tab),
    setTelemetry(telemetry) {
      source = { telemetry, collectorUrl: undefined, adminToken: undefined };
      engine.setSource(source);
    },
    setCollector(collectorUrl, adminToken) {
      source = { telemetry: source.telemetry, collectorUrl, adminToken };
      engine.setSource(source);
    },
    setTheme: (theme) => engine.setTheme(theme),
    setPosition: (position) => engine.setPosition(position),
    setHotkey: (hotkey) => engine.setHotkey(hotkey),
    setExporters: (exporters) => engine.setExporters(exporters),
    setMetrics: (metrics) => engine.setMetrics(metrics),
  };
}
