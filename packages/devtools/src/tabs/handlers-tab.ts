import type { HandlerInfo } from '@isotel/core';
import { errorMessage, h, replaceChildren } from '../engine/dom.js';
import type { Tab, TabContext } from './tab.js';

/** How often the Handlers tab refreshes while visible, in ms. */
export const HANDLERS_REFRESH_MS = 1000;

/** Attached handlers with their counters; detach (with a confirm step). */
export class HandlersTab implements Tab {
  readonly id = 'handlers' as const;
  readonly label = 'Handlers';
  readonly element: HTMLElement;
  readonly #ctx: TabContext;
  readonly #status: HTMLElement;
  readonly #message: HTMLElement;
  readonly #body: HTMLElement;
  #timer: ReturnType<typeof setInterval> | undefined;
  #confirming: string | undefined;
  #handlers: readonly HandlerInfo[] = [];

  constructor(ctx: TabContext) {
    this.#ctx = ctx;
    const refresh = h('button', { type: 'button' }, 'Refresh');
    this.#message = h('span', { role: 'status' });
    this.#status = h('span', { class: 'count' });
    this.#body = h('div', { class: 'section' });
    this.element = h('div', {}, h('div', { class: 'toolbar' }, refresh, this.#message, this.#status), this.#body);
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
  }

  activate(): void {
    void this.#load();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      // a pending confirm keeps its row still
      if (this.#confirming === undefined) void this.#load();
    }, HANDLERS_REFRESH_MS);
  }

  deactivate(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  render(): void {}

  dispose(): void {
    this.deactivate();
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
    } catch (error) {
      this.#message.textContent = `Could not detach ${id}: ${errorMessage(error)}`;
    }
    await this.#load();
  }

  #draw(): void {
    if (this.#handlers.length === 0) {
      replaceChildren(this.#body, h('p', { class: 'muted' }, 'No handlers attached.'));
      return;
    }
    const body = h('tbody');
    for (const handler of this.#handlers) {
      const confirming = this.#confirming === handler.id;
      body.appendChild(
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, handler.id),
          h('td', {}, handler.patterns.join(', ')),
          h('td', {}, String(handler.calls)),
          h('td', { class: handler.failures > 0 ? 'error' : '' }, String(handler.failures)),
          h('td', { class: 'error' }, handler.lastError ?? ''),
          h('td', {}, handler.onFailure),
          h(
            'td',
            {},
            !this.#ctx.backend().canDetach
              ? null
              : confirming
                ? h(
                    'span',
                    {},
                    h(
                      'button',
                      {
                        type: 'button',
                        'data-action': 'confirm',
                        'data-id': handler.id,
                        'aria-label': `Confirm detach ${handler.id}`,
                      },
                      'Confirm',
                    ),
                    ' ',
                    h('button', { type: 'button', 'data-action': 'cancel', 'data-id': handler.id }, 'Cancel'),
                  )
                : h(
                    'button',
                    {
                      type: 'button',
                      'data-action': 'detach',
                      'data-id': handler.id,
                      'aria-label': `Detach ${handler.id}`,
                    },
                    'Detach',
                  ),
          ),
        ),
      );
    }
    replaceChildren(
      this.#body,
      h(
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
        body,
      ),
    );
  }
}
