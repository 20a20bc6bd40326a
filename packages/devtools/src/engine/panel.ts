import { getDefaultTelemetry, IsotelError, type Telemetry } from '@isotel/core';
import { RemoteBackend } from '../remote/remote-backend.js';
import { ControlTab } from '../tabs/control-tab.js';
import { EventsTab } from '../tabs/events-tab.js';
import { type DevtoolsExporter, ExportersTab } from '../tabs/exporters-tab.js';
import { HandlersTab } from '../tabs/handlers-tab.js';
import { type DevtoolsMetrics, MetricsTab } from '../tabs/metrics-tab.js';
import type { Tab, TabContext } from '../tabs/tab.js';
import type { DevtoolsBackend } from './backend.js';
import { h } from './dom.js';
import { type Hotkey, isTypingTarget, matchesHotkey, parseHotkey } from './hotkey.js';
import { LocalBackend } from './local-backend.js';
import type { DevtoolsOptions, DevtoolsPosition, DevtoolsTheme } from './options.js';
import { DEFAULT_STORAGE_KEY, loadState, MIN_SIZE, type PanelState, saveState, type TabId } from './persisted-state.js';
import { RenderScheduler } from './render-scheduler.js';
import { EventRing } from './ring-buffer.js';
import { STYLES } from './styles.js';

const RESIZE_STEP = 16;

function maxSize(): number {
  return Math.max(MIN_SIZE, (globalThis.innerHeight || 800) - 40);
}

/** The panel: toggle button, resizable panel, tabs; owns the ring buffer and the subscription. */
export class DevtoolsPanel {
  readonly host: HTMLElement;
  readonly #root: HTMLElement;
  readonly #toggle: HTMLButtonElement;
  readonly #panel: HTMLElement;
  readonly #separator: HTMLElement;
  readonly #source: HTMLElement;
  readonly #streamError: HTMLElement;
  readonly #tabs: Tab[];
  readonly #tabButtons = new Map<TabId, HTMLButtonElement>();
  readonly #tabPanels = new Map<TabId, HTMLElement>();
  readonly #exportersTab: ExportersTab;
  readonly #metricsTab: MetricsTab;
  readonly #state: PanelState;
  readonly #storageKey: string;
  readonly #ring: EventRing;
  readonly #recordWhileClosed: boolean;
  #options: DevtoolsOptions;
  #backend: DevtoolsBackend;
  #unsubscribe: (() => void) | undefined;
  readonly #scheduler = new RenderScheduler(() => {
    if (this.#state.open) this.#activeTab()?.render();
  });
  #hotkey: Hotkey;
  #paused: boolean;
  readonly #onKeyDown = (event: KeyboardEvent) => this.#handleKey(event);

  constructor(el: HTMLElement, options: DevtoolsOptions) {
    this.#options = options;
    this.#hotkey = parseHotkey(options.hotkey ?? 'Ctrl+Shift+E');
    const bufferSize = options.bufferSize ?? 1000;
    if (!Number.isInteger(bufferSize) || bufferSize < 1) {
      throw new IsotelError('invalid_argument', `bufferSize must be a positive integer, got ${String(bufferSize)}.`);
    }
    this.#ring = new EventRing(bufferSize);
    this.#recordWhileClosed = options.recordWhileClosed ?? false;
    this.#storageKey = options.storageKey ?? DEFAULT_STORAGE_KEY;
    this.#state = loadState(this.#storageKey, options.initialIsOpen ?? false);
    this.#paused = this.#state.paused;
    this.#backend = this.#makeBackend(options);

    this.host = h('div', { 'data-isotel-devtools': '' });
    const shadow = this.host.attachShadow({ mode: 'open' });
    const style = h('style');
    if (options.nonce !== undefined) style.setAttribute('nonce', options.nonce);
    style.textContent = STYLES;
    this.#toggle = h(
      'button',
      { type: 'button', class: 'toggle', 'aria-expanded': 'false', 'aria-label': 'Open isotel devtools' },
      'isotel',
    );
    this.#separator = h('div', {
      class: 'separator',
      role: 'separator',
      tabindex: '0',
      'aria-orientation': 'horizontal',
      'aria-label': 'Resize isotel devtools',
      'aria-valuemin': String(MIN_SIZE),
    });
    const ctx: TabContext = {
      ring: this.#ring,
      state: this.#state,
      persist: () => saveState(this.#storageKey, this.#state),
      backend: () => this.#backend,
      schedule: () => this.#schedule(),
      setPaused: (paused) => {
        this.#paused = paused;
      },
    };
    this.#exportersTab = new ExportersTab(ctx, options.exporters ?? []);
    this.#metricsTab = new MetricsTab(ctx, options.metrics);
    this.#tabs = [new EventsTab(ctx), new HandlersTab(ctx), new ControlTab(ctx), this.#exportersTab, this.#metricsTab];
    const tablist = h('div', { class: 'tablist', role: 'tablist', 'aria-label': 'isotel devtools tabs' });
    const panels: HTMLElement[] = [];
    for (const tab of this.#tabs) {
      const button = h(
        'button',
        { type: 'button', class: 'tab', role: 'tab', id: `tab-${tab.id}`, 'aria-controls': `panel-${tab.id}` },
        tab.label,
      );
      const panel = h(
        'div',
        {
          class: 'tabpanel',
          role: 'tabpanel',
          id: `panel-${tab.id}`,
          'aria-labelledby': `tab-${tab.id}`,
          tabindex: '0',
        },
        tab.element,
      );
      button.addEventListener('click', () => this.selectTab(tab.id));
      this.#tabButtons.set(tab.id, button);
      this.#tabPanels.set(tab.id, panel);
      tablist.appendChild(button);
      panels.push(panel);
    }
    tablist.addEventListener('keydown', (event) => this.#tabKey(event));
    const close = h('button', { type: 'button', 'aria-label': 'Close isotel devtools' }, '×');
    this.#source = h('span', { class: 'source' });
    this.#streamError = h('span', { class: 'error', role: 'status' });
    this.#panel = h(
      'section',
      { class: 'panel', 'aria-label': 'isotel devtools', hidden: true },
      this.#separator,
      h('div', { class: 'header' }, h('h2', {}, 'isotel'), tablist, this.#streamError, this.#source, close),
      ...panels,
    );
    this.#root = h('div', { class: 'root' }, this.#toggle, this.#panel);
    shadow.append(style, this.#root);
    el.appendChild(this.host);

    this.#toggle.addEventListener('click', () => this.toggle());
    close.addEventListener('click', () => this.close());
    this.#separator.addEventListener('keydown', (event) => this.#resizeKey(event));
    this.#separator.addEventListener('pointerdown', (event) => this.#startDrag(event));
    globalThis.addEventListener?.('keydown', this.#onKeyDown, true);

    this.setPosition(options.position ?? 'bottom-right');
    this.setTheme(options.theme ?? 'system');
    this.#applySize();
    this.#source.textContent = this.#backend.label;
    this.#showTab(this.#state.tab);
    if (this.#recordWhileClosed) this.#subscribe();
    if (this.#state.open) this.#setOpen(true, false);
  }

  get isOpen(): boolean {
    return this.#state.open;
  }

  open(): void {
    this.#setOpen(true, true);
  }

  close(): void {
    this.#setOpen(false, true);
  }

  toggle(): void {
    this.#setOpen(!this.#state.open, true);
  }

  selectTab(id: TabId): void {
    if (id === this.#state.tab) return;
    this.#activeTab()?.deactivate();
    this.#state.tab = id;
    this.#persist();
    this.#showTab(id);
    if (this.#state.open) this.#activeTab()?.activate();
  }

  setPosition(position: DevtoolsPosition): void {
    this.#toggle.setAttribute('data-position', position);
  }

  setTheme(theme: DevtoolsTheme): void {
    this.#root.setAttribute('data-theme', theme);
  }

  setHotkey(hotkey: string): void {
    this.#hotkey = parseHotkey(hotkey);
  }

  setExporters(exporters: readonly DevtoolsExporter[]): void {
    this.#exportersTab.setExporters(exporters);
  }

  setMetrics(metrics: DevtoolsMetrics | undefined): void {
    this.#metricsTab.setMetrics(metrics);
  }

  /** Switches the data source (another bus, a collector, or back to the default bus). */
  setSource(options: Pick<DevtoolsOptions, 'telemetry' | 'collectorUrl' | 'adminToken'>): void {
    const { telemetry, collectorUrl, adminToken } = this.#options;
    if (telemetry === options.telemetry && collectorUrl === options.collectorUrl && adminToken === options.adminToken) {
      return;
    }
    this.#options = { ...this.#options, ...options };
    const wasSubscribed = this.#unsubscribe !== undefined;
    this.#unsubscribeAll();
    this.#backend.dispose();
    this.#backend = this.#makeBackend(this.#options);
    this.#source.textContent = this.#backend.label;
    if (wasSubscribed) this.#subscribe();
    if (this.#state.open) this.#activeTab()?.activate();
  }

  unmount(): void {
    this.#scheduler.cancel();
    this.#unsubscribeAll();
    this.#backend.dispose();
    for (const tab of this.#tabs) tab.dispose();
    globalThis.removeEventListener?.('keydown', this.#onKeyDown, true);
    this.host.remove();
  }

  #makeBackend(options: DevtoolsOptions): DevtoolsBackend {
    if (options.collectorUrl) return new RemoteBackend(options.collectorUrl, options.adminToken);
    const t: Telemetry = options.telemetry ?? getDefaultTelemetry();
    return new LocalBackend(t);
  }

  #subscribe(): void {
    if (this.#unsubscribe) return;
    const ring = this.#ring;
    // One clock read per task, not per event: events emitted in the same synchronous run share
    // a receive time, which is what a millisecond display shows anyway.
    let now = 0;
    let fresh = false;
    const expire = () => {
      fresh = false;
    };
    this.#unsubscribe = this.#backend.subscribe(
      (name, measurements, metadata) => {
        if (this.#paused) return;
        if (!fresh) {
          now = Date.now();
          fresh = true;
          queueMicrotask(expire);
        }
        ring.push(name, measurements, metadata, now);
        if (this.#state.open) this.#scheduler.requestFromStream();
      },
      (message) => {
        this.#streamError.textContent = message ?? '';
      },
    );
  }

  #unsubscribeAll(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #setOpen(open: boolean, persist: boolean): void {
    const changed = this.#state.open !== open;
    this.#state.open = open;
    this.#panel.hidden = !open;
    this.#toggle.hidden = open;
    this.#toggle.setAttribute('aria-expanded', String(open));
    this.#toggle.setAttribute('aria-label', open ? 'Close isotel devtools' : 'Open isotel devtools');
    if (persist && changed) this.#persist();
    if (open) {
      this.#subscribe();
      this.#activeTab()?.activate();
      this.#schedule();
    } else {
      this.#activeTab()?.deactivate();
      if (!this.#recordWhileClosed) this.#unsubscribeAll();
    }
  }

  #schedule(): void {
    if (this.#state.open) this.#scheduler.request();
  }

  #activeTab(): Tab | undefined {
    return this.#tabs.find((t) => t.id === this.#state.tab);
  }

  #showTab(id: TabId): void {
    for (const [tabId, button] of this.#tabButtons) {
      const selected = tabId === id;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      const panel = this.#tabPanels.get(tabId);
      if (panel) panel.hidden = !selected;
    }
  }

  #tabKey(event: KeyboardEvent): void {
    const ids = this.#tabs.map((t) => t.id);
    const at = ids.indexOf(this.#state.tab);
    let next: number;
    if (event.key === 'ArrowRight') next = (at + 1) % ids.length;
    else if (event.key === 'ArrowLeft') next = (at - 1 + ids.length) % ids.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = ids.length - 1;
    else return;
    event.preventDefault();
    const id = ids[next] as TabId;
    this.selectTab(id);
    this.#tabButtons.get(id)?.focus();
  }

  #handleKey(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.#state.open) {
      // Esc in the host page's own fields belongs to the page
      if (isTypingTarget(event) && !event.composedPath().includes(this.host)) return;
      this.close();
      return;
    }
    if (isTypingTarget(event) || !matchesHotkey(this.#hotkey, event)) return;
    event.preventDefault();
    this.toggle();
  }

  #resizeKey(event: KeyboardEvent): void {
    const sizes: Record<string, number> = {
      ArrowUp: this.#state.size + RESIZE_STEP,
      ArrowDown: this.#state.size - RESIZE_STEP,
      PageUp: this.#state.size + RESIZE_STEP * 4,
      PageDown: this.#state.size - RESIZE_STEP * 4,
      Home: maxSize(),
      End: MIN_SIZE,
    };
    const size = sizes[event.key];
    if (size === undefined) return;
    event.preventDefault();
    this.#resize(size);
  }

  #startDrag(event: PointerEvent): void {
    event.preventDefault();
    const move = (e: PointerEvent) => this.#resize((globalThis.innerHeight || 800) - e.clientY);
    const up = () => {
      globalThis.removeEventListener('pointermove', move);
      globalThis.removeEventListener('pointerup', up);
    };
    globalThis.addEventListener('pointermove', move);
    globalThis.addEventListener('pointerup', up);
  }

  #resize(size: number): void {
    this.#state.size = Math.round(Math.min(maxSize(), Math.max(MIN_SIZE, size)));
    this.#applySize();
    this.#persist();
    this.#schedule();
  }

  #applySize(): void {
    this.#panel.style.height = `${this.#state.size}px`;
    this.#separator.setAttribute('aria-valuenow', String(this.#state.size));
    this.#separator.setAttribute('aria-valuemax', String(maxSize()));
  }

  #persist(): void {
    saveState(this.#storageKey, this.#state);
  }
}
