import type { HandlerInfo } from '@isotel/core';
import { errorMessage, focusedIn, h, placeAfter, replaceChildren, setText } from '../engine/dom.js';
import { PollingTab, type Tab, type TabContext } from './tab.js';

/** How often the Handlers tab refreshes while visible, in ms. */
export const HANDLERS_REFRESH_MS = 1000;

/** Attached handlers with their counters; detach (with a confirm step). */
export class HandlersTab extends PollingTab implements Tab {
  readonly id = 'handlers' as const;
  readonly label = 'Handlers';
  readonly element: HTMLElement;
  readonly #ctx: TabContext;
  readonly #refresh: HTMLButtonElement;
  readonly #status: HTMLElement;
  readonly #message: HTMLElement;
  readonly #error: HTMLElement;
  readonly #body: HTMLElement;
  #confirming: string | undefined;
  #handlers: readonly HandlerInfo[] = [];
  readonly #tbody = h('tbody');
  readonly #table = h(
    'table',
    { 'aria-label': 'Handlers' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['id', 'patterns', 'calls', 'failures', 'last error', 'on failure', ''].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    this.#tbody,
  );
  readonly #rows = new Map<string, { tr: HTMLElement; cells: HTMLElement[]; action: HTMLElement; mode: string }>();

  constructor(ctx: TabContext) {
    super(HANDLERS_REFRESH_MS);
    this.#ctx = ctx;
    const refresh = h('button', { type: 'button' }, 'Refresh');
    this.#refresh = refresh;
    this.#message = h('span', { role: 'status' });
    this.#error = h('span', { role: 'alert', class: 'error' });
    this.#status = h('span', { class: 'count' });
    this.#body = h('div', { class: 'section' });
    this.element = h(
      'div',
      {},
      h('div', { class: 'toolbar' }, refresh, this.#message, this.#error, this.#status),
      this.#body,
    );
    refresh.addEventListener('click', () => void this.#load());
    this.#body.addEventListener('click', (event) => {
      const button = (event.target as Element).closest?.('button[data-action]');
      if (!button) return;
      const id = button.getAttribute('data-id') ?? '';
      const action = button.getAttribute('data-action');
      if (action === 'detach') this.#confirming = id;
      else if (action === 'cancel') this.#confirming = undefined;
      else if (action === 'confirm') {
        this.#confirming = undefined;
        void this.#detach(id);
        return;
      } else if (action === 'retry') {
        void this.#load();
        return;
      }
      this.#draw();
    });
    // Esc in a pending confirmation cancels it (and is not the panel's Esc, which would close it)
    this.#body.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || this.#confirming === undefined) return;
      event.preventDefault();
      this.#confirming = undefined;
      this.#draw();
    });
  }

  protected override refresh(): void {
    void this.#load();
  }

  // a pending confirm keeps its row still
  protected override poll(): void {
    if (this.#confirming === undefined) void this.#load();
  }

  async #load(): Promise<void> {
    try {
      this.#handlers = await this.#ctx.backend().handlers();
      this.#status.textContent = `${this.#handlers.length} attached`;
      this.#draw();
    } catch (error) {
      this.#status.textContent = '';
      replaceChildren(
        this.#body,
        h('p', { class: 'error', role: 'alert' }, `Could not list handlers: ${errorMessage(error)}`),
        h('button', { type: 'button', 'data-action': 'retry' }, 'Retry'),
      );
    }
  }

  async #detach(id: string): Promise<void> {
    try {
      const removed = await this.#ctx.backend().detach(id);
      this.#message.textContent = removed ? `Detached ${id}` : `${id} was already detached`;
      this.#error.textContent = '';
    } catch (error) {
      // remote mode: the collector refused (token, its own handler) or could not be reached
      this.#message.textContent = '';
      this.#error.textContent = `Could not detach ${id}: ${errorMessage(error)}`;
    }
    await this.#load();
  }

  // Rows are kept per handler id and updated in place: the table refreshes every second, and a
  // rebuilt table would take the keyboard focus away from the button a user is about to press.
  // Where a redraw removes the focused button (a confirm that detached its row, a cancel), the
  // focus goes to the row's new button, else to the next row's (or the previous one's), else to
  // Refresh: never to the page's body.
  #draw(): void {
    const active = focusedIn(this.element.getRootNode());
    const focused = active !== null && this.#body.contains(active) ? active : null;
    const order = [...this.#rows.keys()];
    let focusRow: string | undefined;
    for (const [id, row] of this.#rows) if (focused && row.tr.contains(focused)) focusRow = id;
    this.#drawRows();
    if (!focused || focused.isConnected) return;
    const target =
      (focusRow !== undefined && this.#rows.get(focusRow)?.action.querySelector('button')) ||
      this.#neighbour(order, focusRow) ||
      this.#refresh;
    (target as HTMLElement).focus();
  }

  // The first button of the row that followed (else preceded) `id` in `order` and is still listed.
  #neighbour(order: readonly string[], id: string | undefined): HTMLElement | null {
    if (id === undefined) return null;
    const at = order.indexOf(id);
    const candidates = [...order.slice(at + 1), ...order.slice(0, at).reverse()];
    for (const other of candidates) {
      const button = this.#rows.get(other)?.action.querySelector('button');
      if (button) return button as HTMLElement;
    }
    return null;
  }

  #drawRows(): void {
    if (this.#handlers.length === 0) {
      for (const row of this.#rows.values()) row.tr.remove();
      this.#rows.clear();
      replaceChildren(this.#body, h('p', { class: 'muted' }, 'No handlers attached.'));
      return;
    }
    if (this.#table.parentNode !== this.#body) replaceChildren(this.#body, this.#table);
    const seen = new Set<string>();
    let previous: Element | null = null;
    for (const handler of this.#handlers) {
      seen.add(handler.id);
      let row = this.#rows.get(handler.id);
      if (!row) {
        const cells = [h('td'), h('td'), h('td'), h('td', { class: 'error' }), h('td')];
        const action = h('td');
        const tr = h('tr', {}, h('th', { scope: 'row' }, handler.id), ...cells, action);
        row = { tr, cells, action, mode: '' };
        this.#rows.set(handler.id, row);
      }
      const [patterns, calls, failures, lastError, onFailure] = row.cells as [
        HTMLElement,
        HTMLElement,
        HTMLElement,
        HTMLElement,
        HTMLElement,
      ];
      setText(patterns, handler.patterns.join(', '));
      setText(calls, String(handler.calls));
      setText(failures, String(handler.failures));
      failures.className = handler.failures > 0 ? 'error' : '';
      setText(lastError, handler.lastError ?? '');
      setText(onFailure, handler.onFailure);
      const mode = this.#confirming === handler.id ? 'confirm' : 'detach';
      if (row.mode !== mode) {
        row.mode = mode;
        replaceChildren(row.action, ...this.#actions(handler.id, mode));
        // the user just asked to detach: the confirm button takes the focus
        if (mode === 'confirm') (row.action.firstElementChild as HTMLElement | null)?.focus();
      }
      placeAfter(this.#tbody, row.tr, previous);
      previous = row.tr;
    }
    for (const [id, row] of this.#rows) {
      if (seen.has(id)) continue;
      row.tr.remove();
      this.#rows.delete(id);
    }
  }

  #actions(id: string, mode: string): HTMLElement[] {
    if (mode === 'detach') {
      return [
        h('button', { type: 'button', 'data-action': 'detach', 'data-id': id, 'aria-label': `Detach ${id}` }, 'Detach'),
      ];
    }
    return [
      h(
        'button',
        { type: 'button', 'data-action': 'confirm', 'data-id': id, 'aria-label': `Confirm detach ${id}` },
        'Confirm',
      ),
      h('button', { type: 'button', 'data-action': 'cancel', 'data-id': id }, 'Cancel'),
    ];
  }
}
