import { getDefaultTelemetry, IsotelError, type Telemetry } from '@isotel/core';
import { RemoteBackend } from '../remote/remote-backend.js';
import { ControlTab } from '../tabs/control-tab.js';
import { EventsTab } from '../tabs/events-tab.js';
import { type DevtoolsExporter, ExportersTab } from '../tabs/exporters-tab.js';
import { HandlersTab } from '../tabs/handlers-tab.js';
import { type DevtoolsMetrics, MetricsTab } from '../tabs/metrics-tab.js';
import type { Tab, TabContext } from '../tabs/tab.js';
import type { DevtoolsBackend, StreamStatus } from './backend.js';
import { focusedIn, h } from './dom.js';
import { type Hotkey, isTypingTarget, matchesHotkey, parseHotkey } from './hotkey.js';
import { LocalBackend } from './local-backend.js';
import type { DevtoolsOptions, DevtoolsPosition, DevtoolsTheme } from './options.js';
import { PanelResizer } from './panel-resizer.js';
import { DEFAULT_STORAGE_KEY, loadState, type PanelState, saveState, type TabId } from './persisted-state.js';
import { RenderScheduler } from './render-scheduler.js';
import { EventRing } from './ring-buffer.js';
import { STYLES } from './styles.js';

/** Where the events come from: a bus, or a collector (which wins when both are given). */
interface Source {
  readonly telemetry: Telemetry | undefined;
  readonly collectorUrl: string | undefined;
  readonly adminToken: string | undefined;
}

/** The panel: toggle button, resizable panel, tabs; owns the ring buffer and the subscription. */
export class DevtoolsPanel {
  readonly host: HTMLElement;
  readonly #shadow: ShadowRoot;
  readonly #root: HTMLElement;
  readonly #toggle: HTMLButtonElement;
  readonly #panel: HTMLElement;
  readonly #resizer: PanelResizer;
  readonly #sourceLabel: HTMLElement;
  readonly #streamError: HTMLElement;
  readonly #reconnect: HTMLButtonElement;
  readonly #tabs: Tab[];
  readonly #tablist: HTMLElement;
  readonly #tabButtons = new Map<TabId, HTMLButtonElement>();
  readonly #tabPanels = new Map<TabId, HTMLElement>();
  readonly #exportersTab: ExportersTab;
  readonly #metricsTab: MetricsTab;
  readonly #state: PanelState;
  readonly #storageKey: string;
  readonly #ring: EventRing;
  readonly #recordWhileClosed: boolean;
  #source: Source;
  #backend: DevtoolsBackend;
  #unsubscribe: (() => void) | undefined;
  readonly #scheduler = new RenderScheduler(() => {
    if (this.#state.open) this.#activeTab()?.render();
  });
  #hotkey: Hotkey;
  #paused: boolean;
  readonly #onKeyDown = (event: KeyboardEvent) => this.#handleKey(event);
  // attached while open only: a closed panel listens to nothing but its hotkey
  readonly #onWindowResize = () => this.#markTabOverflow();

  constructor(el: HTMLElement, options: DevtoolsOptions) {
    this.#source = { telemetry: options.telemetry, collectorUrl: options.collectorUrl, adminToken: options.adminToken };
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
    this.#backend = this.#makeBackend(this.#source);

    this.host = h('div', { 'data-isotel-devtools': '' });
    const shadow = this.host.attachShadow({ mode: 'open' });
    this.#shadow = shadow;
    const style = h('style');
    if (options.nonce !== undefined) style.setAttribute('nonce', options.nonce);
    style.textContent = STYLES;
    this.#toggle = h(
      'button',
      { type: 'button', class: 'toggle', 'aria-expanded': 'false', 'aria-label': 'Open isotel devtools' },
      'isotel',
    );
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
    tablist.addEventListener('scroll', () => this.#markTabOverflow(), { passive: true });
    this.#tablist = tablist;
    const close = h('button', { type: 'button', 'aria-label': 'Close isotel devtools' }, '×');
    this.#sourceLabel = h('span', { class: 'source' });
    this.#streamError = h('span', { class: 'error', role: 'status' });
    this.#reconnect = h('button', { type: 'button', hidden: true }, 'Reconnect');
    this.#panel = h(
      'section',
      { class: 'panel', 'aria-label': 'isotel devtools', hidden: true },
      h(
        'div',
        { class: 'header' },
        h('h2', {}, 'isotel'),
        tablist,
        this.#streamError,
        this.#reconnect,
        this.#sourceLabel,
        close,
      ),
      ...panels,
    );
    this.#resizer = new PanelResizer(this.#panel, this.#state, () => {
      this.#persist();
      this.#schedule();
    });
    this.#panel.prepend(this.#resizer.element);
    this.#root = h('div', { class: 'root' }, this.#toggle, this.#panel);
    shadow.append(style, this.#root);
    el.appendChild(this.host);

    // opened from its button or hotkey, the panel takes the keyboard focus (the button hides)
    this.#toggle.addEventListener('click', () => this.#setOpen(!this.#state.open, true, true));
    close.addEventListener('click', () => this.close());
    this.#reconnect.addEventListener('click', () => this.#reconnectStream());
    // Esc is the panel's only while the focus is inside it; a part of the panel that uses Esc
    // itself (a pending confirmation) calls preventDefault
    this.#panel.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      this.close();
    });
    globalThis.addEventListener?.('keydown', this.#onKeyDown, true);

    this.setPosition(options.position ?? 'bottom-right');
    this.setTheme(options.theme ?? 'system');
    this.#resizer.apply();
    this.#sourceLabel.textContent = this.#backend.label;
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

  /**
   * Switches the data source to exactly `source` (another bus, a collector, or back to the
   * default bus): what it leaves out is dropped, not kept from the previous source. Given the
   * current source again, it reconnects a stream that gave up (a refused token).
   */
  setSource(source: Pick<DevtoolsOptions, 'telemetry' | 'collectorUrl' | 'adminToken'>): void {
    const { telemetry, collectorUrl, adminToken } = this.#source;
    if (telemetry === source.telemetry && collectorUrl === source.collectorUrl && adminToken === source.adminToken) {
      if (!this.#reconnect.hidden) this.#reconnectStream();
      return;
    }
    this.#source = { telemetry: source.telemetry, collectorUrl: source.collectorUrl, adminToken: source.adminToken };
    const wasSubscribed = this.#unsubscribe !== undefined;
    this.#unsubscribeAll();
    this.#backend.dispose();
    this.#backend = this.#makeBackend(this.#source);
    this.#sourceLabel.textContent = this.#backend.label;
    if (wasSubscribed) this.#subscribe();
    if (this.#state.open) this.#activeTab()?.activate();
  }

  unmount(): void {
    this.#scheduler.cancel();
    this.#unsubscribeAll();
    this.#backend.dispose();
    for (const tab of this.#tabs) tab.dispose();
    globalThis.removeEventListener?.('keydown', this.#onKeyDown, true);
    globalThis.removeEventListener?.('resize', this.#onWindowResize);
    this.#resizer.followWindow(false);
    this.host.remove();
  }

  #makeBackend(source: Source): DevtoolsBackend {
    if (source.collectorUrl) return new RemoteBackend(source.collectorUrl, source.adminToken);
    const t: Telemetry = source.telemetry ?? getDefaultTelemetry();
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
      (status) => this.#showStreamStatus(status),
    );
  }

  #showStreamStatus(status: StreamStatus | undefined): void {
    this.#streamError.textContent = status?.message ?? '';
    const hide = status === undefined || status.retrying;
    // the Reconnect button hides once it worked: the keyboard goes to the selected tab, not to the page
    if (hide && focusedIn(this.#shadow) === this.#reconnect) this.#tabButtons.get(this.#state.tab)?.focus();
    this.#reconnect.hidden = hide;
  }

  // A stream that gave up (a refused token) tries again, on the user's request.
  #reconnectStream(): void {
    if (this.#unsubscribe === undefined) return;
    this.#unsubscribeAll();
    this.#streamError.textContent = 'Reconnecting…';
    this.#subscribe();
  }

  // Stops the stream; what was said about it no longer holds.
  #unsubscribeAll(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#showStreamStatus(undefined);
  }

  /**
   * Opens or closes the panel. `takeFocus`: opened by the user (toggle button, hotkey), the
   * selected tab takes the keyboard focus. Closing while the focus is inside the panel gives it
   * back to the toggle button, so it never falls to the page's body.
   */
  #setOpen(open: boolean, persist: boolean, takeFocus = false): void {
    const changed = this.#state.open !== open;
    const focusInside = this.#panel.contains(focusedIn(this.#shadow));
    this.#state.open = open;
    this.#panel.hidden = !open;
    this.#toggle.hidden = open;
    this.#toggle.setAttribute('aria-expanded', String(open));
    this.#toggle.setAttribute('aria-label', open ? 'Close isotel devtools' : 'Open isotel devtools');
    if (persist && changed) this.#persist();
    if (open) {
      this.#resizer.followWindow(true);
      globalThis.addEventListener?.('resize', this.#onWindowResize);
      this.#subscribe();
      this.#activeTab()?.activate();
      this.#schedule();
      if (takeFocus) this.#tabButtons.get(this.#state.tab)?.focus();
      this.#markTabOverflow();
    } else {
      this.#resizer.followWindow(false);
      globalThis.removeEventListener?.('resize', this.#onWindowResize);
      this.#activeTab()?.deactivate();
      if (!this.#recordWhileClosed) this.#unsubscribeAll();
      if (focusInside) this.#toggle.focus();
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

  // Marks the side of the tab bar that has tabs out of view, which the stylesheet fades out.
  #markTabOverflow(): void {
    const list = this.#tablist;
    const max = list.scrollWidth - list.clientWidth;
    const more = max <= 1 ? '' : list.scrollLeft <= 1 ? 'end' : list.scrollLeft >= max - 1 ? 'start' : 'both';
    if ((list.getAttribute('data-more') ?? '') === more) return;
    if (more === '') list.removeAttribute('data-more');
    else list.setAttribute('data-more', more);
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
    if (isTypingTarget(event) || !matchesHotkey(this.#hotkey, event)) return;
    event.preventDefault();
    this.#setOpen(!this.#state.open, true, true);
  }

  #persist(): void {
    saveState(this.#storageKey, this.#state);
  }
}
