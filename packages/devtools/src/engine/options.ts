import type { Telemetry } from '@isotel/core';
import type { DevtoolsExporter } from '../tabs/exporters-tab.js';
import type { DevtoolsMetrics } from '../tabs/metrics-tab.js';

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
  /** Open on first mount; a choice stored by an earlier session wins. @default false */
  initialIsOpen?: boolean;
  /** Corner of the toggle button. @default 'bottom-right' */
  position?: DevtoolsPosition;
  /** Key combination that opens and closes the panel (ignored while typing in a field). @default 'Ctrl+Shift+E' */
  hotkey?: string;
  /** @default 'system' */
  theme?: DevtoolsTheme;
  /** CSP nonce set on the panel's `<style>` element. @default undefined */
  nonce?: string;
  /** Events kept in the ring buffer. @default 1000 */
  bufferSize?: number;
  /**
   * Keep recording into the ring buffer while the panel is closed (one cheap handler on `**`).
   * Off by default: closed, the panel holds no subscription, so the bus keeps its
   * nothing-attached fast path and lazy metadata thunks do not run for it.
   * @default false
   */
  recordWhileClosed?: boolean;
  /** Exporters shown in the Exporters tab. @default [] */
  exporters?: readonly DevtoolsExporter[];
  /** A metrics aggregator shown in the Metrics tab. @default undefined */
  metrics?: DevtoolsMetrics;
  /** The localStorage key of the panel's state. @default 'isotel.devtools' */
  storageKey?: string;
}
