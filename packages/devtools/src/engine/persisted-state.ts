// The panel's state (open, size, tab, filters, settings) in ONE versioned localStorage key. A
// stored choice beats `initialIsOpen`: a developer who closed the panel keeps it closed on reload.
import type { DevtoolsTheme } from './options.js';

/** Tabs of the panel. */
export type TabId = 'events' | 'handlers' | 'control' | 'exporters' | 'metrics';

/** The tabs, in display order. */
export const TAB_IDS: readonly TabId[] = ['events', 'handlers', 'control', 'exporters', 'metrics'];

/** The side of the window the floating panel is docked to. */
export type DevtoolsDock = 'bottom' | 'top' | 'left' | 'right';

/** The docks, in the order the settings menu lists them. */
export const DOCKS: readonly DevtoolsDock[] = ['bottom', 'top', 'left', 'right'];

/** How the Events tab orders the list. */
export type EventSort = 'time' | 'time-desc' | 'name' | 'duration';

export const SORTS: readonly EventSort[] = ['time', 'time-desc', 'name', 'duration'];

/** What survives a reload. */
export interface PanelState {
  open: boolean;
  /** Panel height (docked top or bottom) or width (left or right) in CSS pixels. */
  size: number;
  tab: TabId;
  pattern: string;
  text: string;
  paused: boolean;
  groupBySpans: boolean;
  hideInternal: boolean;
  sort: EventSort;
  /** The theme chosen in the settings menu; undefined follows the `theme` option. */
  theme: DevtoolsTheme | undefined;
  dock: DevtoolsDock;
}

/** The version written with the state; a stored state of another version is ignored. */
export const STATE_VERSION = 1;

/** The localStorage key of the devtools state. @default 'isotel.devtools' */
export const DEFAULT_STORAGE_KEY = 'isotel.devtools';

export const MIN_SIZE = 120;
export const DEFAULT_SIZE = 320;

function storage(): Storage | undefined {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage;
  } catch {
    // reading localStorage throws in sandboxed iframes and with storage disabled
    return undefined;
  }
}

/** Reads the stored state over the defaults; unknown versions and bad JSON fall back to defaults. */
export function loadState(key: string, initialIsOpen: boolean): PanelState {
  const state: PanelState = {
    open: initialIsOpen,
    size: DEFAULT_SIZE,
    tab: 'events',
    pattern: '',
    text: '',
    paused: false,
    groupBySpans: false,
    hideInternal: false,
    sort: 'time',
    theme: undefined,
    dock: 'bottom',
  };
  let raw: string | null | undefined;
  try {
    raw = storage()?.getItem(key);
  } catch {
    raw = null;
  }
  if (!raw) return state;
  let stored: Partial<Record<keyof PanelState | 'version', unknown>>;
  try {
    stored = JSON.parse(raw) as typeof stored;
  } catch {
    return state;
  }
  if (typeof stored !== 'object' || stored === null || stored.version !== STATE_VERSION) return state;
  if (typeof stored.open === 'boolean') state.open = stored.open;
  if (typeof stored.size === 'number' && Number.isFinite(stored.size)) state.size = Math.max(MIN_SIZE, stored.size);
  if (typeof stored.tab === 'string' && (TAB_IDS as readonly string[]).includes(stored.tab)) {
    state.tab = stored.tab as TabId;
  }
  if (typeof stored.pattern === 'string') state.pattern = stored.pattern;
  if (typeof stored.text === 'string') state.text = stored.text;
  if (typeof stored.paused === 'boolean') state.paused = stored.paused;
  if (typeof stored.groupBySpans === 'boolean') state.groupBySpans = stored.groupBySpans;
  if (typeof stored.hideInternal === 'boolean') state.hideInternal = stored.hideInternal;
  if ((SORTS as readonly unknown[]).includes(stored.sort)) state.sort = stored.sort as EventSort;
  if (stored.theme === 'light' || stored.theme === 'dark' || stored.theme === 'system') state.theme = stored.theme;
  if ((DOCKS as readonly unknown[]).includes(stored.dock)) state.dock = stored.dock as DevtoolsDock;
  return state;
}

/** Writes the state; storage errors (quota, disabled) are ignored: persistence is a convenience. */
export function saveState(key: string, state: PanelState): void {
  try {
    storage()?.setItem(key, JSON.stringify({ version: STATE_VERSION, ...state }));
  } catch {
    // ignored on purpose
  }
}
