import { errorMessage, formatValue, h, replaceChildren } from '../engine/dom.js';
import type { Tab, TabContext } from './tab.js';

/**
 * An exporter as the Exporters tab reads it: any object with `stats()` (the browser exporter
 * of `@isotel/core/browser` fits) and, optionally, `flush()`.
 */
export interface DevtoolsExporter {
  /** Shown as the section title. @default 'exporter N' */
  readonly name?: string;
  stats(): object;
  flush?(): unknown;
}

// Known stat keys first, with readable labels; any other key is shown after them as is.
const LABELS: Readonly<Record<string, string>> = {
  queued: 'queued (IndexedDB backlog included)',
  bytes: 'queued bytes',
  storage: 'storage',
  inFlight: 'in flight',
  sent: 'sent',
  retried: 'failed attempts (retried)',
  failures: 'failures',
  dropped: 'dropped',
  breaker: 'circuit breaker',
  lastFlushAt: 'last flush',
  nextAttemptAt: 'next attempt',
  lastError: 'last error',
};

function display(key: string, value: unknown): string {
  if (typeof value === 'number' && /At$/.test(key) && value > 1e12) {
    return new Date(value).toLocaleTimeString();
  }
  return formatValue(value);
}

/** Exporter queues, backlog, failures, breaker state and last flush; "Flush now". */
export class ExportersTab implements Tab {
  readonly id = 'exporters' as const;
  readonly label = 'Exporters';
  readonly element: HTMLElement;
  readonly #body: HTMLElement;
  #exporters: readonly DevtoolsExporter[];
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #messages = new Map<number, string>();

  constructor(_ctx: TabContext, exporters: readonly DevtoolsExporter[]) {
    this.#exporters = exporters;
    this.#body = h('div', { class: 'section' });
    this.element = h('div', {}, this.#body);
    this.#body.addEventListener('click', (event) => {
      const button = (event.target as Element).closest?.('button[data-flush]');
      if (button) void this.#flush(Number(button.getAttribute('data-flush')));
    });
  }

  setExporters(exporters: readonly DevtoolsExporter[]): void {
    this.#exporters = exporters;
    this.#draw();
  }

  activate(): void {
    this.#draw();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.#draw(), 1000);
  }

  deactivate(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  render(): void {}

  dispose(): void {
    this.deactivate();
  }

  async #flush(index: number): Promise<void> {
    const exporter = this.#exporters[index];
    if (!exporter?.flush) return;
    this.#messages.set(index, 'Flushing…');
    this.#draw();
    try {
      await exporter.flush();
      this.#messages.set(index, `Flushed at ${new Date().toLocaleTimeString()}`);
    } catch (error) {
      this.#messages.set(index, `Flush failed: ${errorMessage(error)}`);
    }
    this.#draw();
  }

  #draw(): void {
    if (this.#exporters.length === 0) {
      replaceChildren(
        this.#body,
        h(
          'p',
          { class: 'muted' },
          'No exporters given. Pass them as the "exporters" option (e.g. the browser exporter of @isotel/core/browser).',
        ),
      );
      return;
    }
    const sections = this.#exporters.map((exporter, index) => {
      const name = exporter.name ?? `exporter ${index + 1}`;
      let table: HTMLElement;
      try {
        const stats = exporter.stats() as Record<string, unknown>;
        const order = Object.keys(LABELS);
        const rank = (key: string) => (key in LABELS ? order.indexOf(key) : order.length);
        const keys = Object.keys(stats).sort((a, b) => rank(a) - rank(b));
        table = h(
          'table',
          { 'aria-label': `${name} stats` },
          h(
            'tbody',
            {},
            ...keys.map((key) =>
              h('tr', {}, h('th', { scope: 'row' }, LABELS[key] ?? key), h('td', {}, display(key, stats[key]))),
            ),
          ),
        );
      } catch (error) {
        table = h('p', { class: 'error' }, `stats() failed: ${errorMessage(error)}`);
      }
      return h(
        'section',
        { 'aria-label': name },
        h('h3', {}, name),
        table,
        exporter.flush ? h('button', { type: 'button', 'data-flush': String(index) }, 'Flush now') : null,
        h('span', { class: 'muted', role: 'status' }, ` ${this.#messages.get(index) ?? ''}`),
      );
    });
    replaceChildren(this.#body, ...sections);
  }
}
