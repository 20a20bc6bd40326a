import { errorMessage, formatValue, h, placeAfter, replaceChildren, setText } from '../engine/dom.js';
import { PollingTab, type Tab, type TabContext } from './tab.js';

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
  if (isCounts(value)) {
    // counts per reason (`dropped`): `none`, or `max_events 3, quota 2`
    const entries = Object.entries(value);
    return entries.length === 0 ? 'none' : entries.map(([reason, n]) => `${reason} ${n}`).join(', ');
  }
  return formatValue(value);
}

function isCounts(value: unknown): value is Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((n) => typeof n === 'number');
}

/** The stats a flush's outcome is read from (the browser exporter's `queued`, `sent`, `lastError`). */
interface FlushCounts {
  readonly queued: number | undefined;
  readonly sent: number | undefined;
  readonly lastError: string | undefined;
}

function countsOf(exporter: DevtoolsExporter): FlushCounts {
  let stats: Record<string, unknown>;
  try {
    stats = exporter.stats() as Record<string, unknown>;
  } catch {
    return { queued: undefined, sent: undefined, lastError: undefined };
  }
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return {
    queued: num(stats.queued),
    sent: num(stats.sent),
    lastError: typeof stats.lastError === 'string' ? stats.lastError : undefined,
  };
}

/**
 * What a flush did, from the stats before and after: a flush that resolves has not necessarily
 * sent anything (the queue was empty, the breaker is open, the collector refused).
 */
function flushOutcome(before: FlushCounts, after: FlushCounts): string {
  const at = new Date().toLocaleTimeString();
  if (before.sent === undefined || after.sent === undefined) return `Flush finished at ${at}`;
  const sent = after.sent - before.sent;
  const left = after.queued ?? 0;
  if (sent > 0) return `Flushed at ${at}: ${sent} sent${left > 0 ? `, ${left} still queued` : ''}`;
  if ((before.queued ?? 0) === 0 && left === 0) return `Flushed at ${at}: nothing was queued`;
  return `Nothing sent at ${at}: ${left} still queued${after.lastError ? ` (last error: ${after.lastError})` : ''}`;
}

interface ExporterView {
  readonly exporter: DevtoolsExporter;
  readonly section: HTMLElement;
  readonly tbody: HTMLElement;
  readonly status: HTMLElement;
  readonly error: HTMLElement;
  readonly rows: Map<string, HTMLElement>;
}

/** Exporter queues, backlog, failures, breaker state and last flush; "Flush now". */
export class ExportersTab extends PollingTab implements Tab {
  readonly id = 'exporters' as const;
  readonly label = 'Exporters';
  readonly element: HTMLElement;
  readonly #body: HTMLElement;
  #exporters: readonly DevtoolsExporter[];
  readonly #messages = new Map<number, string>();
  #views: ExporterView[] = [];

  constructor(_ctx: TabContext, exporters: readonly DevtoolsExporter[]) {
    super();
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

  protected override refresh(): void {
    this.#draw();
  }

  async #flush(index: number): Promise<void> {
    const exporter = this.#exporters[index];
    if (!exporter?.flush) return;
    this.#messages.set(index, 'Flushing…');
    this.#draw();
    try {
      const before = countsOf(exporter);
      await exporter.flush();
      this.#messages.set(index, flushOutcome(before, countsOf(exporter)));
    } catch (error) {
      this.#messages.set(index, `Flush failed: ${errorMessage(error)}`);
    }
    this.#draw();
  }

  // Sections and stat rows are kept and updated in place every second, so the "Flush now"
  // button keeps the keyboard focus and a pending click.
  #draw(): void {
    if (this.#exporters.length === 0) {
      this.#views = [];
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
    if (
      this.#views.length !== this.#exporters.length ||
      this.#views.some((v, i) => v.exporter !== this.#exporters[i])
    ) {
      this.#views = this.#exporters.map((exporter, index) => this.#view(exporter, index));
      replaceChildren(this.#body, ...this.#views.map((v) => v.section));
    }
    this.#views.forEach((view, index) => {
      setText(view.status, ` ${this.#messages.get(index) ?? ''}`);
      let stats: Record<string, unknown>;
      try {
        stats = view.exporter.stats() as Record<string, unknown>;
        setText(view.error, '');
      } catch (error) {
        setText(view.error, `stats() failed: ${errorMessage(error)}`);
        return;
      }
      const order = Object.keys(LABELS);
      const rank = (key: string) => (key in LABELS ? order.indexOf(key) : order.length);
      const keys = Object.keys(stats).sort((a, b) => rank(a) - rank(b));
      let previous: Element | null = null;
      for (const key of keys) {
        let row = view.rows.get(key);
        if (!row) {
          row = h('tr', {}, h('th', { scope: 'row' }, LABELS[key] ?? key), h('td'));
          view.rows.set(key, row);
        }
        setText(row.lastElementChild as Element, display(key, stats[key]));
        placeAfter(view.tbody, row, previous);
        previous = row;
      }
      for (const [key, row] of view.rows) {
        if (keys.includes(key)) continue;
        row.remove();
        view.rows.delete(key);
      }
    });
  }

  #view(exporter: DevtoolsExporter, index: number): ExporterView {
    const name = exporter.name ?? `exporter ${index + 1}`;
    const tbody = h('tbody');
    const status = h('span', { class: 'muted', role: 'status' });
    const error = h('p', { class: 'error' });
    const section = h(
      'section',
      { 'aria-label': name },
      h('h3', {}, name),
      h('table', { 'aria-label': `${name} stats` }, tbody),
      error,
      exporter.flush ? h('button', { type: 'button', 'data-flush': String(index) }, 'Flush now') : null,
      status,
    );
    return { exporter, section, tbody, status, error, rows: new Map() };
  }
}
