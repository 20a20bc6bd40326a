import { formatValue, h, replaceChildren } from '../engine/dom.js';
import type { EventEntry, EventRing } from '../engine/ring-buffer.js';
import { formatDuration, idOf } from './span-groups.js';

const ID_KEYS = ['spanId', 'parentSpanId', 'correlationId'] as const;

function sampleRateOf(entry: EventEntry): number | undefined {
  const rate = entry.metadata.sampleRate ?? entry.measurements.sampleRate;
  return typeof rate === 'number' ? rate : undefined;
}

/** The detail view of one event: measurements, metadata, ids, sample rate and its span's events. */
export class EventDetail {
  readonly element: HTMLElement;
  readonly #ring: EventRing;
  readonly #onSelect: (seq: number) => void;
  #seq: number | undefined;
  #shownFor: number | undefined;

  constructor(ring: EventRing, onSelect: (seq: number) => void) {
    this.#ring = ring;
    this.#onSelect = onSelect;
    this.element = h('section', { class: 'detail', 'aria-label': 'Event detail', hidden: true });
    this.element.addEventListener('click', (event) => {
      const target = (event.target as Element).closest?.('[data-seq]');
      if (target) this.#onSelect(Number(target.getAttribute('data-seq')));
      else if ((event.target as Element).closest?.('[data-close]')) this.show(undefined);
    });
  }

  show(seq: number | undefined): void {
    this.#seq = seq;
    this.#shownFor = undefined;
    this.refresh();
  }

  /** Redraws when the selection changed or its span got new events. */
  refresh(): void {
    const seq = this.#seq;
    this.element.hidden = seq === undefined;
    if (seq === undefined) return;
    const entry = this.#ring.get(seq);
    if (!entry) {
      replaceChildren(this.element, h('p', { class: 'muted' }, 'This event left the buffer.'));
      return;
    }
    const spanId = idOf(entry, 'spanId');
    // a span's later events change the view; anything else is drawn once
    if (this.#shownFor === this.#ring.total || (spanId === undefined && this.#shownFor !== undefined)) return;
    this.#shownFor = this.#ring.total;
    const rate = sampleRateOf(entry);
    const ids = h('table', {}, h('tbody'));
    const idBody = ids.tBodies[0] as HTMLTableSectionElement;
    idBody.appendChild(h('tr', {}, h('th', { scope: 'row' }, 'time'), h('td', {}, new Date(entry.time).toISOString())));
    for (const key of ID_KEYS) {
      const value = idOf(entry, key);
      if (value !== undefined) idBody.appendChild(h('tr', {}, h('th', { scope: 'row' }, key), h('td', {}, value)));
    }
    idBody.appendChild(
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, 'sample rate'),
        h('td', {}, rate === undefined ? '1 (kept unsampled)' : String(rate)),
      ),
    );
    const measurements = h('table', { 'aria-label': 'Measurements' }, h('tbody'));
    for (const [key, value] of Object.entries(entry.measurements)) {
      measurements.tBodies[0]?.appendChild(
        h('tr', {}, h('th', { scope: 'row' }, key), h('td', {}, formatValue(value))),
      );
    }
    replaceChildren(
      this.element,
      h('button', { type: 'button', 'data-close': '', 'aria-label': 'Close detail' }, '×'),
      h('h3', {}, entry.name),
      ids,
      h('h3', {}, 'Measurements'),
      Object.keys(entry.measurements).length === 0 ? h('p', { class: 'muted' }, 'none') : measurements,
      h('h3', {}, 'Metadata'),
      h('pre', {}, formatValue(entry.metadata, 2)),
      spanId === undefined ? null : this.#span(spanId, entry),
    );
  }

  #span(spanId: string, selected: EventEntry): HTMLElement {
    const events: EventEntry[] = [];
    for (let seq = this.#ring.firstSeq; seq < this.#ring.total; seq++) {
      const e = this.#ring.get(seq);
      if (e && idOf(e, 'spanId') === spanId) events.push(e);
    }
    const start = events[0]?.measurements.monotonicTime;
    const body = h('tbody');
    for (const e of events) {
      const t = e.measurements.monotonicTime;
      const offset = typeof t === 'number' && typeof start === 'number' ? t - start : undefined;
      body.appendChild(
        h(
          'tr',
          {},
          h(
            'td',
            {},
            e.seq === selected.seq ? e.name : h('button', { type: 'button', 'data-seq': String(e.seq) }, e.name),
          ),
          h('td', {}, `+${formatDuration(offset)}`),
          h('td', {}, e.measurements.duration === undefined ? '' : formatDuration(e.measurements.duration)),
        ),
      );
    }
    return h(
      'div',
      { role: 'group', 'aria-label': 'Span events' },
      h('h3', {}, `Span ${spanId}`),
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'event'),
            h('th', { scope: 'col' }, 'at'),
            h('th', { scope: 'col' }, 'duration'),
          ),
        ),
        body,
      ),
    );
  }
}
