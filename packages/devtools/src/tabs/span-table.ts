import { h, placeAfter, setText } from '../engine/dom.js';
import type { EventEntry } from '../engine/ring-buffer.js';
import { formatDuration, type SpanGroup } from './span-groups.js';

/** One row of the "Group by span" table, kept per spanId and updated in place. */
interface SpanRow {
  readonly tr: HTMLTableRowElement;
  readonly button: HTMLButtonElement;
  readonly name: HTMLElement;
  readonly status: HTMLElement;
  readonly duration: HTMLElement;
  readonly count: HTMLElement;
  readonly parent: HTMLElement;
}

/**
 * The "Group by span" view: one row per span (prefix, status, duration, events, ids), children
 * indented under their parent. Rows are kept per spanId and updated in place: a redraw moves or
 * rebuilds nothing that did not change, so a focused span keeps the keyboard focus while events
 * stream in.
 */
export class SpanTable {
  readonly element: HTMLElement;
  readonly #body = h('tbody');
  readonly #table: HTMLElement;
  readonly #empty: HTMLElement;
  readonly #rows = new Map<string, SpanRow>();

  constructor(hidden: boolean) {
    this.#table = h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['span', 'status', 'duration', 'events', 'spanId', 'parent'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      this.#body,
    );
    this.#empty = h('p', { class: 'section muted' }, 'No span events (events with a spanId) in the buffer.');
    this.element = h('div', { class: 'list', role: 'region', 'aria-label': 'Spans', hidden }, this.#empty, this.#table);
  }

  /** Shows these spans (in the order given), updating the rows it already has. */
  draw(groups: readonly SpanGroup[]): void {
    this.#empty.hidden = groups.length > 0;
    this.#table.hidden = groups.length === 0;
    const seen = new Set<string>();
    let previous: Element | null = null;
    for (const g of groups) {
      seen.add(g.spanId);
      let row = this.#rows.get(g.spanId);
      if (!row) {
        row = this.#row(g);
        this.#rows.set(g.spanId, row);
      }
      const first = g.events[0] as EventEntry;
      const seq = String(first.seq);
      if (row.tr.getAttribute('data-seq') !== seq) {
        row.tr.setAttribute('data-seq', seq);
        row.button.setAttribute('data-seq', seq);
      }
      setText(row.button, g.prefix);
      // children indent under their parent; set through the CSSOM, which a strict CSP allows
      const indent = g.depth > 0 ? `${4 + g.depth * 16}px` : '';
      if (row.name.style.paddingLeft !== indent) row.name.style.paddingLeft = indent;
      setText(row.status, g.status);
      const statusClass = g.status === 'error' ? 'error' : g.status === 'ok' ? 'ok' : 'warn';
      if (row.status.className !== statusClass) row.status.className = statusClass;
      setText(row.duration, formatDuration(g.duration));
      setText(row.count, String(g.events.length));
      setText(row.parent, g.parentSpanId ?? '');
      placeAfter(this.#body, row.tr, previous);
      previous = row.tr;
    }
    for (const [spanId, row] of this.#rows) {
      if (seen.has(spanId)) continue;
      row.tr.remove();
      this.#rows.delete(spanId);
    }
  }

  #row(g: SpanGroup): SpanRow {
    const button = h('button', { type: 'button' });
    const name = h('td', {}, button);
    const status = h('td');
    const duration = h('td');
    const count = h('td');
    const parent = h('td', { class: 'muted' });
    const tr = h('tr', {}, name, status, duration, count, h('td', { class: 'muted' }, g.spanId), parent);
    return { tr, button, name, status, duration, count, parent };
  }
}
