// @isotel/devtools: the panel in development, nothing in production. Bundlers replace
// `process.env.NODE_ENV` statically, so in a production build the conditionals below fold to
// the no-op branch and the real panel is tree-shaken away (the TanStack Query devtools pattern).
// `@isotel/devtools/production` ships it on purpose.
import type { ReactNode } from 'react';
import type { DevtoolsHandle } from './engine/mount.js';
import type { DevtoolsOptions } from './engine/options.js';
import * as Devtools from './production.js';
import type { IsotelDevtoolsProps } from './react/isotel-devtools.js';

declare const process: { env: { NODE_ENV?: string } };

export type { BackendStats, ControlState } from './engine/backend.js';
export type { DevtoolsExporter, DevtoolsMetrics, DevtoolsSeries } from './engine/exporter-types.js';
export type { DevtoolsHandle } from './engine/mount.js';
export type { DevtoolsOptions, DevtoolsPosition, DevtoolsTheme } from './engine/options.js';
export type { DevtoolsDock, EventSort, TabId } from './engine/persisted-state.js';
export type { IsotelDevtoolsProps } from './react/isotel-devtools.js';

const noopHandle: DevtoolsHandle = {
  unmount() {},
  open() {},
  close() {},
  toggle() {},
  isOpen: false,
  selectTab() {},
  setTelemetry() {},
  setCollector() {},
  setTheme() {},
  setPosition() {},
  setHotkey() {},
  setExporters() {},
  setMetrics() {},
};

/**
 * Mounts the devtools panel (see `@isotel/devtools/production` for the options). Outside
 * development builds (`process.env.NODE_ENV !== 'development'`) it mounts nothing and returns
 * a handle whose methods do nothing.
 *
 * @example const devtools = mountDevtools(document.body, { telemetry: t })
 */
export const mountDevtools: (el: HTMLElement, options?: DevtoolsOptions) => DevtoolsHandle =
  process.env.NODE_ENV !== 'development' ? () => noopHandle : Devtools.mountDevtools;

/**
 * The floating devtools (toggle button and docked panel) as a React component; renders nothing
 * outside development builds.
 *
 * @example <IsotelDevtools initialIsOpen position="bottom-left" />
 */
export const IsotelDevtools: (props: IsotelDevtoolsProps) => ReactNode =
  process.env.NODE_ENV !== 'development' ? () => null : Devtools.IsotelDevtools;

/**
 * The devtools panel inline, for embedding (always open, no toggle); renders nothing outside
 * development builds.
 *
 * @example <div style={{ height: 400 }}><IsotelDevtoolsPanel /></div>
 */
export const IsotelDevtoolsPanel: (props: IsotelDevtoolsProps) => ReactNode =
  process.env.NODE_ENV !== 'development' ? () => null : Devtools.IsotelDevtoolsPanel;
