import { formatValue, h, setText } from '../engine/dom.js';
import type { EventEntry, EventRing } from '../engine/ring-buffer.js';
import { formatDuration, idIn, idOf } from './span-groups.js';
import { valueTree } from './value-tree.js';

const ID_KEYS = ['spanId', 'parentSpanId', 'correlationId'] as const;
/** Measurements listed in the detail's table; more are counted, not drawn. */
const MEASUREMENT_ROWS = 100;
/** Events of the selected span listed in its table; later ones are counted, not drawn. */
const SPAN_ROWS = 200;

function sampleRateOf(entry: EventEntry): number | undefined {
  const rate = entry.metadata.sampleRate ?? entry.measurements.sampleRate;
  return typeof rate === 'number' ? rate : undefined;
}

function row(label: string, value: Node | string): HTMLTableRowElement {
  return h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, value));
}

/** The span table of the detail: built once, then extended as the span's later events arrive. */
interface SpanView {
  readonly spanId: string;
  readonly body: HTMLElement;
  readonly more: HTMLElement;
  readonly events: Map<number, EventEntry>;
  start: number | undefined;
  hidden: number;
  /** The ring is scanned for this span's events up to (not including) this seq. */
  scannedTo: number;
}

/**
 * The detail view of one event: measurements, metadata (a collapsible tree), ids, sample rate and
 * its span's events. It is drawn once per selection; later redraws only add the span's new events
 * and note when the event left the buffer, so the scroll position and expanded nodes stay put.
 */
export class EventDetail {
  readonly element: HTMLElement;
  readonly #ring: EventRing;
  readonly #onSelect: (entry: EventEntry | undefined) => void;
  readonly #gone: HTMLElement;
  #entry: EventEntry | undefined;
  #span: SpanView | undefined;

  constructor(ring: EventRing, onSelect: (entry: EventEntry | undefined) => void) {
    this.#ring = ring;
    this.#onSelect = onSelect;
    this.element = h('section', { class: 'detail', 'aria-label': 'Event detail', hidden: true });
    // in the heading's line: appearing there shifts nothing the user is reading
    this.#gone = h('span', { class: 'muted', role: 'status' });
    this.element.addEventListener('click', (event) => {
      const target = (event.target as Element).closest?.('[data-seq]');
      if (target) {
        const entry = this.#span?.events.get(Number(target.getAttribute('data-seq')));
        if (entry) this.#onSelect(entry);
      } else if ((event.target as Element).closest?.('[data-close]')) this.#onSelect(undefined);
    });
  }

  /** The event shown, if any. */
  get entry(): EventEntry | undefined {
    return this.#entry;
  }

  show(entry: EventEntry | undefined): void {
    if (entry === this.#entry || (entry && entry.seq === this.#entry?.seq)) return;
    this.#entry = entry;
    this.#span = undefined;
    this.element.hidden = entry === undefined;
    this.element.textContent = '';
    if (entry) this.#draw(entry);
  }

  /** Brings the view up to date with the ring: the span's new events, whether the event is still held. */
  refresh(): void {
    const entry = this.#entry;
    if (!entry) return;
    setText(this.#gone, entry.seq < this.#ring.firstSeq ? ' (left the buffer)' : '');
    if (this.#span) this.#scanSpan(this.#span);
  }

  #draw(entry: EventEntry): void {
    const rate = sampleRateOf(entry);
    const ids = h('table', {}, h('tbody'));
    const idBody = ids.tBodies[0] as HTMLTableSectionElement;
    idBody.appendChild(row('time', new Date(entry.time).toISOString()));
    for (const key of ID_KEYS) {
      const value = idOf(entry, key);
      if (value !== undefined) idBody.appendChild(row(key, value));
    }
    idBody.appendChild(row('sample rate', rate === undefined ? '1 (kept unsampled)' : String(rate)));
    const spanId = idOf(entry, 'spanId');
    this.element.append(
      h('button', { type: 'button', 'data-close': '', 'aria-label': 'Close detail' }, '×'),
      h('h3', {}, entry.name, this.#gone),
      ids,
      h('h3', {}, 'Measurements'),
      this.#measurements(entry),
      h('h3', {}, 'Metadata'),
      valueTree(entry.metadata),
    );
    if (spanId !== undefined) this.element.appendChild(this.#spanSection(spanId, entry));
    this.refresh();
  }

  #measurements(entry: EventEntry): HTMLElement {
    const body = h('tbody');
    let count = 0;
    for (const key in entry.measurements) {
      if (!Object.hasOwn(entry.measurements, key)) continue;
      if (++count > MEASUREMENT_ROWS) continue;
      // exact values here; the list rounds them
      body.appendChild(row(key, formatValue(entry.measurements[key], 500)));
    }
    if (count === 0) return h('p', { class: 'muted' }, 'none');
    if (count > MEASUREMENT_ROWS) body.appendChild(row('…', `${count - MEASUREMENT_ROWS} more`));
    return h('table', { 'aria-label': 'Measurements' }, body);
  }

  #spanSection(spanId: string, selected: EventEntry): HTMLElement {
    const span: SpanView = {
      spanId,
      body: h('tbody'),
      more: h('p', { class: 'muted', hidden: true }),
      events: new Map(),
      start: undefined,
      hidden: 0,
      scannedTo: this.#ring.firstSeq,
    };
    this.#span = span;
    // the selected event may already have left the ring (a still list holds it): it is listed first
    if (selected.seq < this.#ring.firstSeq) this.#addSpanEvent(span, selected);
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
        span.body,
      ),
      span.more,
    );
  }

  // Adds the span's events recorded since the last scan (the first scan reads the whole ring).
  #scanSpan(span: SpanView): void {
    const ring = this.#ring;
    for (let seq = Math.max(span.scannedTo, ring.firstSeq); seq < ring.total; seq++) {
      if (idIn(ring.metadataAt(seq), 'spanId') === span.spanId) {
        this.#addSpanEvent(span, ring.get(seq) as EventEntry);
      }
    }
    span.scannedTo = ring.total;
  }

  #addSpanEvent(span: SpanView, e: EventEntry): void {
    if (span.events.has(e.seq)) return;
    if (span.events.size >= SPAN_ROWS) {
      span.hidden++;
      span.more.hidden = false;
      setText(span.more, `… ${span.hidden} later events of this span not listed`);
      return;
    }
    span.events.set(e.seq, e);
    const t = e.measurements.monotonicTime;
    if (span.start === undefined && typeof t === 'number') span.start = t;
    const offset = typeof t === 'number' && span.start !== undefined ? t - span.start : undefined;
    const selected = e.seq === this.#entry?.seq;
    span.body.appendChild(
      h(
        'tr',
        {},
        h('td', {}, selected ? e.name : h('button', { type: 'button', 'data-seq': String(e.seq) }, e.name)),
        h('td', {}, `+${formatDuration(offset)}`),
        h('td', {}, e.measurements.duration === undefined ? '' : formatDuration(e.measurements.duration)),
      ),
    );
  }
}
