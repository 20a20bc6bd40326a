import type { Telemetry } from '@isotel/core';
import type { DevtoolsExporter, DevtoolsMetrics } from './exporter-types.js';

/** Where the toggle button sits. */
export type DevtoolsPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

/** Colour scheme; `system` follows `prefers-color-scheme`. */
export type DevtoolsTheme = 'light' | 'dark' | 'system';

/** Options of `mountDevtools` (and props of `<IsotelDevtools />`). */
export interface DevtoolsOptions {
  /** The in-page bus to watch. @default getDefaultTelemetry() */
  telemetry?: Telemetry;
  /**
   * Watch a collector instead of the in-page bus: its `GET /v1/stream` (SSE), `/v1/handlers`
   * (list, and `DELETE /v1/handlers/:id` to detach), `/v1/stats` and `/v1/control`.
   * @default undefined (in-page bus)
   */
  collectorUrl?: string;
  /** Bearer token of the collector's admin routes. @default undefined */
  adminToken?: string;
  /**
   * Draw the panel inside `el`, always open, without the toggle button or an overlay (what
   * `<IsotelDevtoolsPanel />` uses to embed it in a page of its own). @default false
   */
  inline?: boolean;
  /** Open on first mount; a choice stored by an earlier session wins. @default false */
  initialIsOpen?: boolean;
  /** Corner of the toggle button. @default 'bottom-right' */
  position?: DevtoolsPosition;
  /** Key combination that opens and closes the panel (ignored while typing in a field). @default 'Ctrl+Shift+E' */
  hotkey?: string;
  /** Colour scheme until the user picks one in the panel's Settings menu. @default 'system' */
  theme?: DevtoolsTheme;
  /** CSP nonce set on the panel's `<style>` element. @default undefined */
  nonce?: string;
  /** Events kept in the ring buffer. @default 1000 */
  bufferSize?: number;
  /**
   * Record into the ring buffer from mount on, open or closed (one cheap handler on `**`), so
   * opening the panel shows what happened since the page loaded. Set false to hold no
   * subscription while closed (the bus then keeps its nothing-attached fast path, and lazy
   * metadata thunks do not run for the panel), at the price of an empty list on first open.
   * @default true
   */
  recordWhileClosed?: boolean;
  /** Exporters shown in the Exporters tab. @default [] */
  exporters?: readonly DevtoolsExporter[];
  /** A metrics aggregator shown in the Metrics tab. @default undefined */
  metrics?: DevtoolsMetrics;
  /** The localStorage key of the panel's state. @default 'isotel.devtools' */
  storageKey?: string;
}
