import { getDefaultTelemetry, IsotelError, type Telemetry } from '@isotel/core';
import { QueryClient } from '@tanstack/react-query';
import { RemoteBackend } from '../remote/remote-backend.js';
import type { DevtoolsBackend, StreamStatus } from './backend.js';
import { isErrorName } from './event-time.js';
import type { DevtoolsExporter, DevtoolsMetrics } from './exporter-types.js';
import { type Hotkey, isTypingTarget, matchesHotkey, parseHotkey } from './hotkey.js';
import { LocalBackend } from './local-backend.js';
import type { DevtoolsOptions, DevtoolsPosition, DevtoolsTheme } from './options.js';
import { DEFAULT_STORAGE_KEY, loadState, type PanelState, saveState, type TabId } from './persisted-state.js';
import { RenderScheduler } from './render-scheduler.js';
import { EventRing } from './ring-buffer.js';

/** Where the events come from: a bus, or a collector (which wins when both are given). */
export interface DevtoolsSource {
  readonly telemetry: Telemetry | undefined;
  readonly collectorUrl: string | undefined;
  readonly adminToken: string | undefined;
}

/**
 * The framework-free host of the panel: the ring buffer and its subscription, the render
 * throttle, the backend, the persisted state and the options. The React UI reads it through
 * {@link DevtoolsEngine.subscribe} / {@link DevtoolsEngine.version} and changes it through its
 * methods; events reach the UI only as a version bump at most every 100 ms.
 */
export class DevtoolsEngine {
  readonly ring: EventRing;
  readonly state: PanelState;
  readonly inline: boolean;
  readonly queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1 } } });
  theme: DevtoolsTheme;
  position: DevtoolsPosition;
  hotkey: Hotkey;
  hotkeyLabel: string;
  exporters: readonly DevtoolsExporter[];
  metrics: DevtoolsMetrics | undefined;
  backend: DevtoolsBackend;
  /** Bumped for each change the UI shows: a render tick of the stream, a setter, a state change. */
  version = 0;
  /** Error events (see `isErrorName`) recorded since mount or the last Clear. */
  errors = 0;
  /** Whether Clear emptied the buffer (the empty state says so). */
  cleared = false;
  streamStatus: StreamStatus | undefined;
  /** Bumped when the user opens the panel, so the UI moves the keyboard focus into it. */
  focusRequest = 0;
  /** Set by the UI when it closes the panel with the focus inside: the toggle button takes it. */
  returnFocus = false;
  /** The shadow root the UI lives in (set by `mountDevtools`). */
  shadowRoot: ShadowRoot | undefined;
  readonly #storageKey: string;
  readonly #recordWhileClosed: boolean;
  readonly #listeners = new Set<() => void>();
  readonly #errorNames = new Map<string, boolean>();
  #source: DevtoolsSource;
  #unsubscribe: (() => void) | undefined;
  #sourceId = 0;
  readonly #streamListeners = new Set<() => void>();
  // a render tick of the stream reaches only what shows the stream (the list, the badge)
  #tickStart = 0;
  readonly #scheduler = new RenderScheduler(() => {
    this.#tickStart = performance.now();
    for (const listener of this.#streamListeners) listener();
  });
  readonly #onKeyDown = (event: KeyboardEvent) => {
    if (this.inline || isTypingTarget(event) || !matchesHotkey(this.hotkey, event)) return;
    event.preventDefault();
    if (this.state.open) this.returnFocus = this.shadowRoot?.activeElement != null;
    this.setOpen(!this.state.open, true);
  };

  constructor(options: DevtoolsOptions) {
    const bufferSize = options.bufferSize ?? 1000;
    if (!Number.isInteger(bufferSize) || bufferSize < 1) {
      throw new IsotelError('invalid_argument', `bufferSize must be a positive integer, got ${String(bufferSize)}.`);
    }
    this.ring = new EventRing(bufferSize);
    this.inline = options.inline ?? false;
    this.#storageKey = options.storageKey ?? DEFAULT_STORAGE_KEY;
    this.state = loadState(this.#storageKey, options.initialIsOpen ?? false);
    if (this.inline) this.state.open = true;
    this.#recordWhileClosed = options.recordWhileClosed ?? true;
    this.theme = options.theme ?? 'system';
    this.position = options.position ?? 'bottom-right';
    this.hotkeyLabel = options.hotkey ?? 'Ctrl+Shift+E';
    this.hotkey = parseHotkey(this.hotkeyLabel);
    this.exporters = options.exporters ?? [];
    this.metrics = options.metrics;
    this.#source = {
      telemetry: options.telemetry,
      collectorUrl: options.collectorUrl,
      adminToken: options.adminToken,
    };
    this.backend = this.#makeBackend();
    globalThis.addEventListener?.('keydown', this.#onKeyDown, true);
    if (this.#recordWhileClosed || this.state.open) this.#subscribe();
  }

  /** For `useSyncExternalStore`: calls back after each change. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  readonly getVersion = (): number => this.version;

  /**
   * For `useSyncExternalStore` over the stream: calls back at most once per render tick
   * (every STREAM_RENDER_INTERVAL_MS while events flow); read `ring.total` and `errors`.
   */
  readonly subscribeStream = (listener: () => void): (() => void) => {
    this.#streamListeners.add(listener);
    return () => {
      this.#streamListeners.delete(listener);
    };
  };

  /** A key that changes with the data source: queries of one source do not answer another. */
  get sourceKey(): string {
    return `${this.#sourceId}:${this.backend.label}`;
  }

  /** The theme in force: the one chosen in the settings menu, else the option. */
  get effectiveTheme(): DevtoolsTheme {
    return this.state.theme ?? this.theme;
  }

  setOpen(open: boolean, byUser = false): void {
    if (this.inline) open = true;
    if (this.state.open === open) return;
    this.state.open = open;
    this.#persist();
    if (open) {
      this.#subscribe();
      if (byUser) this.focusRequest++;
    } else if (!this.#recordWhileClosed) this.#unsubscribeStream();
    this.#notify();
  }

  selectTab(tab: TabId): void {
    this.update({ tab });
  }

  /** Changes persisted state (filters, switches, settings) and redraws. */
  update(patch: Partial<PanelState>): void {
    Object.assign(this.state, patch);
    this.#persist();
    this.#notify();
  }

  /** Empties the buffer and the error count. */
  clear(): void {
    this.ring.clear();
    this.errors = 0;
    this.cleared = true;
    this.#notify();
    this.#scheduler.request();
  }

  setTheme(theme: DevtoolsTheme): void {
    this.theme = theme;
    this.#notify();
  }

  setPosition(position: DevtoolsPosition): void {
    this.position = position;
    this.#notify();
  }

  setHotkey(hotkey: string): void {
    this.hotkey = parseHotkey(hotkey);
    this.hotkeyLabel = hotkey;
    this.#notify();
  }

  setExporters(exporters: readonly DevtoolsExporter[]): void {
    this.exporters = exporters;
    this.#notify();
  }

  setMetrics(metrics: DevtoolsMetrics | undefined): void {
    this.metrics = metrics;
    this.#notify();
  }

  /**
   * Switches the data source to exactly `source` (another bus, a collector, or back to the
   * default bus). Given the current source again, it reconnects a stream that gave up.
   */
  setSource(source: Partial<DevtoolsSource>): void {
    const current = this.#source;
    if (
      current.telemetry === source.telemetry &&
      current.collectorUrl === source.collectorUrl &&
      current.adminToken === source.adminToken
    ) {
      if (this.streamStatus && !this.streamStatus.retrying) this.reconnect();
      return;
    }
    this.#source = {
      telemetry: source.telemetry,
      collectorUrl: source.collectorUrl,
      adminToken: source.adminToken,
    };
    const wasSubscribed = this.#unsubscribe !== undefined;
    this.#unsubscribeStream();
    this.backend.dispose();
    this.#sourceId++;
    this.backend = this.#makeBackend();
    this.queryClient.clear();
    if (wasSubscribed) this.#subscribe();
    this.#notify();
  }

  /** Starts a stream that gave up (a refused token) again. */
  reconnect(): void {
    this.#unsubscribeStream();
    this.streamStatus = { message: 'Reconnecting…', retrying: true };
    this.#subscribe();
    this.#notify();
  }

  /**
   * Called by the UI once a render tick of the stream is committed: its cost spaces the next
   * ticks, so the panel's share of the main thread stays bounded under any load.
   */
  streamRendered(): void {
    if (this.#tickStart === 0) return;
    this.#scheduler.rendered(performance.now() - this.#tickStart);
    this.#tickStart = 0;
  }

  /** Redraws on the next frame (after a user action). */
  requestStreamRender(): void {
    this.#scheduler.request();
  }

  dispose(): void {
    this.#scheduler.cancel();
    this.#unsubscribeStream();
    this.backend.dispose();
    this.queryClient.clear();
    globalThis.removeEventListener?.('keydown', this.#onKeyDown, true);
    this.#listeners.clear();
    this.#streamListeners.clear();
  }

  #makeBackend(): DevtoolsBackend {
    const { telemetry, collectorUrl, adminToken } = this.#source;
    if (collectorUrl) return new RemoteBackend(collectorUrl, adminToken);
    return new LocalBackend(telemetry ?? getDefaultTelemetry());
  }

  #subscribe(): void {
    if (this.#unsubscribe) return;
    const ring = this.ring;
    const state = this.state;
    const scheduler = this.#scheduler;
    const errorNames = this.#errorNames;
    // One clock read per task, not per event: events emitted in the same synchronous run share
    // a receive time (used only when the event carries no time of its own).
    let now = 0;
    let fresh = false;
    const expire = () => {
      fresh = false;
    };
    this.#unsubscribe = this.backend.subscribe(
      (name, measurements, metadata) => {
        if (state.paused) return;
        if (!fresh) {
          now = Date.now();
          fresh = true;
          queueMicrotask(expire);
        }
        ring.push(name, measurements, metadata, now);
        let failed = errorNames.get(name);
        if (failed === undefined) {
          failed = isErrorName(name);
          // names are usually few; bound the cache anyway against dynamic names
          if (errorNames.size > 5000) errorNames.clear();
          errorNames.set(name, failed);
        }
        if (failed) {
          this.errors++;
          scheduler.requestFromStream();
        } else if (state.open) scheduler.requestFromStream();
      },
      (status) => {
        this.streamStatus = status;
        this.#notify();
      },
    );
  }

  #unsubscribeStream(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.streamStatus = undefined;
  }

  #notify(): void {
    this.version++;
    for (const listener of this.#listeners) listener();
  }

  #persist(): void {
    saveState(this.#storageKey, this.state);
  }
}
