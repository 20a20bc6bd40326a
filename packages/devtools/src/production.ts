// @isotel/devtools/production: the panel, in every build. Import this entry to ship the
// devtools in a production bundle on purpose; the root entry is a no-op outside development.
export type { BackendStats, ControlState } from './engine/backend.js';
export type { DevtoolsExporter, DevtoolsMetrics, DevtoolsSeries } from './engine/exporter-types.js';
export { type DevtoolsHandle, mountDevtools } from './engine/mount.js';
export type { DevtoolsOptions, DevtoolsPosition, DevtoolsTheme } from './engine/options.js';
export {
  DEFAULT_STORAGE_KEY,
  type DevtoolsDock,
  type EventSort,
  STATE_VERSION,
  type TabId,
} from './engine/persisted-state.js';
export { RENDER_SHARE_FACTOR, STREAM_RENDER_INTERVAL_MS } from './engine/render-scheduler.js';
export { DEVTOOLS_Z_INDEX } from './engine/styles.js';
export { IsotelDevtools, IsotelDevtoolsPanel, type IsotelDevtoolsProps } from './react/isotel-devtools.js';
