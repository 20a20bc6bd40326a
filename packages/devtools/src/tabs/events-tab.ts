import { formatMeasurements, h, setText } from '../engine/dom.js';
import type { EventEntry } from '../engine/ring-buffer.js';
import { ROW_HEIGHT } from '../engine/styles.js';
import { EventDetail } from './event-detail.js';
import { EventFilter } from './event-filter.js';
import { groupBySpan } from './span-groups.js';
import { SpanTable } from './span-table.js';
import type { Tab, TabContext } from './tab.js';

/** Free-text filtering waits for typing to pause this long, in ms. */
export const TEXT_DEBOUNCE_MS = 150;
// rows drawn above and below the visible window, so fast scrolling shows no gaps
const OVERSCAN = 6;

/** The index of the entry with this seq in a list sorted by seq, or -1. */
function indexOfSeq(list: readonly EventEntry[], seq: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = (list[mid] as EventEntry).seq;
    if (at === seq) return mid;
    if (at < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function time(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * The live event stream: a virtualised list over the ring buffer (fixed-height rows, only the
 * visible ones in the DOM), filters, pause/clear, an "N new" pill when scrolled up, a detail
 * view and a span view.
 *
 * The list holds its own references to the entries it shows, so while the user is scrolled up it
 * stands still even when the ring overwrites every event in it: new matching events wait in
 * `#pending` (the pill counts those the ring still holds) until the user is back at the end.
 */
export class EventsTab implements Tab {
  readonly id = 'events' as const;
  readonly label = 'Events';
  readonly element: HTMLElement;
  readonly #ctx: TabContext;
  readonly #filter = new EventFilter();
  readonly #detail: EventDetail;
  readonly #list: HTMLElement;
  readonly #spacer: HTMLElement;
  readonly #window: HTMLElement;
  readonly #spans: SpanTable;
  readonly #pill: HTMLButtonElement;
  readonly #count: HTMLElement;
  readonly #pause: HTMLButtonElement;
  readonly #patternError: HTMLElement;
  readonly #patternInput: HTMLInputElement;
  readonly #rows: HTMLElement[] = [];
  // the events that pass the filter, oldest first: what the list shows
  #visible: EventEntry[] = [];
  // while scrolled up: matching events that arrived since, shown once the user is back at the end
  #pending: EventEntry[] = [];
  #scannedUpTo = 0;
  #stuck = true;
  #selected: EventEntry | undefined;
  #textTimer: ReturnType<typeof setTimeout> | undefined;
  #lastTotal = -1;

  constructor(ctx: TabContext) {
    this.#ctx = ctx;
    const { state } = ctx;
    this.#filter.setPattern(state.pattern);
    this.#filter.setText(state.text);
    this.#pause = h(
      'button',
      { type: 'button', 'aria-pressed': String(state.paused) },
      state.paused ? 'Resume' : 'Pause',
    );
    const clear = h('button', { type: 'button' }, 'Clear');
    this.#patternInput = h('input', {
      type: 'text',
      'aria-label': 'Filter by pattern',
      placeholder: 'pattern, e.g. checkout.**',
      value: state.pattern,
      spellcheck: 'false',
    });
    this.#patternInput.value = state.pattern;
    const textInput = h('input', {
      type: 'text',
      'aria-label': 'Filter by text',
      placeholder: 'text',
      spellcheck: 'false',
    });
    textInput.value = state.text;
    const spans = h('input', { type: 'checkbox' });
    spans.checked = state.groupBySpans;
    this.#patternError = h('span', { class: 'error', role: 'alert' });
    this.#count = h('span', { class: 'count', 'aria-live': 'off' });
    this.#window = h('div', { class: 'window' });
    this.#spacer = h('div', { class: 'spacer' }, this.#window);
    this.#list = h('div', { class: 'list', role: 'listbox', 'aria-label': 'Events', tabindex: '0' }, this.#spacer);
    this.#pill = h('button', { type: 'button', class: 'pill', hidden: true });
    this.#list.appendChild(this.#pill);
    this.#spans = new SpanTable(state.groupBySpans);
    this.#list.hidden = state.groupBySpans;
    this.#detail = new EventDetail(ctx.ring, (entry) => {
      this.#select(entry);
      // the detail closed with its × button: the keyboard goes back to the list
      if (entry === undefined && !this.#list.hidden) this.#list.focus();
    });
    this.element = h(
      'div',
      // no style attribute anywhere: a strict CSP (style-src with a nonce) blocks them
      { class: 'events' },
      h(
        'div',
        { class: 'toolbar' },
        this.#pause,
        clear,
        this.#patternInput,
        textInput,
        h('label', {}, spans, 'Group by span'),
        this.#patternError,
        this.#count,
      ),
      h('div', { class: 'split' }, this.#list, this.#spans.element, this.#detail.element),
    );

    this.#pause.addEventListener('click', () => {
      state.paused = !state.paused;
      this.#pause.setAttribute('aria-pressed', String(state.paused));
      this.#pause.textContent = state.paused ? 'Resume' : 'Pause';
      ctx.setPaused(state.paused);
      ctx.persist();
    });
    clear.addEventListener('click', () => {
      ctx.ring.clear();
      this.#visible = [];
      this.#pending = [];
      this.#stuck = true;
      this.#scannedUpTo = ctx.ring.total;
      this.#select(undefined);
      this.#lastTotal = -1;
      ctx.schedule();
    });
    this.#patternInput.addEventListener('input', () => {
      state.pattern = this.#patternInput.value;
      this.#filter.setPattern(state.pattern);
      ctx.persist();
      this.#refilter();
    });
    textInput.addEventListener('input', () => {
      clearTimeout(this.#textTimer);
      this.#textTimer = setTimeout(() => {
        state.text = textInput.value;
        this.#filter.setText(state.text);
        ctx.persist();
        this.#refilter();
      }, TEXT_DEBOUNCE_MS);
    });
    spans.addEventListener('change', () => {
      state.groupBySpans = spans.checked;
      this.#list.hidden = spans.checked;
      this.#spans.element.hidden = !spans.checked;
      // the span view groups everything held; the list comes back at its live end
      this.#follow();
      ctx.persist();
      this.#lastTotal = -1;
      ctx.schedule();
    });
    this.#list.addEventListener('scroll', () => {
      const atBottom = this.#atBottom();
      if (atBottom && !this.#stuck) {
        this.#follow();
        this.#lastTotal = -1;
        ctx.schedule();
      }
      this.#stuck = atBottom;
      this.#drawRows();
      this.#drawPill();
    });
    this.#list.addEventListener('click', (event) => {
      const row = (event.target as Element).closest?.('[data-seq]');
      if (row) this.#select(this.#entryOf(Number(row.getAttribute('data-seq'))));
    });
    this.#list.addEventListener('keydown', (event) => this.#onListKey(event));
    this.#spans.element.addEventListener('click', (event) => {
      const row = (event.target as Element).closest?.('[data-seq]');
      if (row) this.#select(this.#entryOf(Number(row.getAttribute('data-seq'))));
    });
    this.#pill.addEventListener('click', () => {
      this.#follow();
      this.#lastTotal = -1;
      this.#list.scrollTop = this.#list.scrollHeight;
      ctx.schedule();
    });
  }

  activate(): void {
    this.#lastTotal = -1;
    this.#ctx.schedule();
  }

  deactivate(): void {}

  render(): void {
    const ring = this.#ctx.ring;
    if (ring.total === this.#lastTotal) return;
    this.#lastTotal = ring.total;
    // layout reads first, writes after: one layout per frame, not one per row
    const viewport = this.#list.clientHeight || this.#ctx.state.size;
    this.#scan();
    this.#patternError.textContent = this.#filter.patternError ?? '';
    this.#patternInput.setAttribute('aria-invalid', String(this.#filter.patternError !== undefined));
    setText(this.#count, `${this.#visible.length} shown · ${ring.size} buffered · ${ring.total} seen`);
    if (this.#ctx.state.groupBySpans) this.#spans.draw(groupBySpan(this.#visible));
    else {
      const height = this.#visible.length * ROW_HEIGHT;
      this.#spacer.style.height = `${height}px`;
      let top: number;
      if (this.#stuck) {
        top = Math.max(0, height - viewport);
        // past the end on purpose: the browser clamps it, even if the toolbar just wrapped
        this.#list.scrollTop = height;
      } else top = this.#list.scrollTop;
      this.#drawRows(top, viewport);
      this.#drawPill();
    }
    this.#detail.refresh();
  }

  dispose(): void {
    clearTimeout(this.#textTimer);
  }

  // Tests the events recorded since the last frame. Following the live end, the list forgets the
  // events the ring overwrote; scrolled up, it keeps them and new ones wait in #pending.
  #scan(): void {
    const ring = this.#ctx.ring;
    const first = ring.firstSeq;
    const into = this.#stuck ? this.#visible : this.#pending;
    if (this.#stuck) dropBefore(this.#visible, first);
    for (let seq = Math.max(this.#scannedUpTo, first); seq < ring.total; seq++) {
      const entry = ring.get(seq) as EventEntry;
      if (this.#filter.test(entry)) into.push(entry);
    }
    // the pill counts only what can still be shown
    dropBefore(this.#pending, first);
    this.#scannedUpTo = ring.total;
  }

  // Back to the live end: the list takes the waiting events and forgets what left the ring.
  #follow(): void {
    this.#stuck = true;
    const first = this.#ctx.ring.firstSeq;
    dropBefore(this.#visible, first);
    dropBefore(this.#pending, first);
    if (this.#pending.length > 0) {
      this.#visible = this.#visible.concat(this.#pending);
      this.#pending = [];
    }
  }

  #refilter(): void {
    this.#visible = [];
    this.#pending = [];
    this.#scannedUpTo = 0;
    this.#lastTotal = -1;
    this.#stuck = true;
    this.#ctx.schedule();
  }

  #entryOf(seq: number): EventEntry | undefined {
    const i = indexOfSeq(this.#visible, seq);
    return i >= 0 ? this.#visible[i] : this.#ctx.ring.get(seq);
  }

  #atBottom(): boolean {
    const l = this.#list;
    return l.scrollTop + l.clientHeight >= l.scrollHeight - ROW_HEIGHT;
  }

  // Draws the rows in view (plus overscan) into one absolutely placed window: moving the window
  // is one style write, and a row whose event did not change is not touched.
  #drawRows(top = this.#list.scrollTop, viewport = this.#list.clientHeight || this.#ctx.state.size): void {
    const from = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const to = Math.min(this.#visible.length, Math.ceil((top + viewport) / ROW_HEIGHT) + OVERSCAN);
    this.#window.style.transform = `translateY(${from * ROW_HEIGHT}px)`;
    const setSize = String(this.#visible.length);
    let used = 0;
    let active: string | undefined;
    for (let i = from; i < to; i++) {
      const entry = this.#visible[i] as EventEntry;
      let row = this.#rows[used];
      if (!row) {
        row = h(
          'div',
          { class: 'row', role: 'option' },
          h('span', { class: 'time' }),
          h('span', { class: 'name' }),
          h('span', { class: 'summary' }),
        );
        this.#rows.push(row);
      }
      if (row.parentNode !== this.#window) this.#window.appendChild(row);
      used++;
      const isSelected = entry.seq === this.#selected?.seq;
      if (isSelected) active = row.id || `isotel-event-${entry.seq}`;
      const selected = String(isSelected);
      if (row.getAttribute('aria-selected') !== selected) row.setAttribute('aria-selected', selected);
      // a virtualised list: each option says where it sits in the whole list
      if (row.getAttribute('aria-setsize') !== setSize) row.setAttribute('aria-setsize', setSize);
      const position = String(i + 1);
      if (row.getAttribute('aria-posinset') !== position) row.setAttribute('aria-posinset', position);
      const key = String(entry.seq);
      if (row.getAttribute('data-seq') === key) continue;
      row.setAttribute('data-seq', key);
      row.id = `isotel-event-${key}`;
      row.className = entry.seq % 2 === 0 ? 'row' : 'row alt';
      const [timeCell, nameCell, summaryCell] = row.children;
      if (timeCell) timeCell.textContent = time(entry.time);
      if (nameCell) nameCell.textContent = entry.name;
      if (summaryCell) summaryCell.textContent = formatMeasurements(entry.measurements);
    }
    for (let i = used; i < this.#rows.length; i++) this.#rows[i]?.remove();
    // the active option, for screen readers, while it is drawn (rows out of view are not in the DOM)
    if (active === undefined) this.#list.removeAttribute('aria-activedescendant');
    else if (this.#list.getAttribute('aria-activedescendant') !== active) {
      this.#list.setAttribute('aria-activedescendant', active);
    }
  }

  #drawPill(): void {
    const show = !this.#stuck && this.#pending.length > 0;
    this.#pill.hidden = !show;
    if (show) setText(this.#pill, `${this.#pending.length} new`);
  }

  #select(entry: EventEntry | undefined): void {
    this.#selected = entry;
    this.#detail.show(entry);
    const key = entry === undefined ? null : String(entry.seq);
    let active: string | undefined;
    for (const row of this.#rows) {
      const selected = row.isConnected && row.getAttribute('data-seq') === key;
      if (selected) active = row.id;
      row.setAttribute('aria-selected', String(selected));
    }
    if (active === undefined) this.#list.removeAttribute('aria-activedescendant');
    else this.#list.setAttribute('aria-activedescendant', active);
  }

  #onListKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const at = this.#selected === undefined ? -1 : indexOfSeq(this.#visible, this.#selected.seq);
    const next =
      event.key === 'ArrowDown' ? Math.min(this.#visible.length - 1, at + 1) : Math.max(0, at < 0 ? 0 : at - 1);
    const entry = this.#visible[next];
    if (entry === undefined) return;
    const top = next * ROW_HEIGHT;
    if (top < this.#list.scrollTop) this.#list.scrollTop = top;
    else if (top + ROW_HEIGHT > this.#list.scrollTop + this.#list.clientHeight) {
      this.#list.scrollTop = top + ROW_HEIGHT - this.#list.clientHeight;
    }
    // draw the rows now, so the selected one exists for aria-activedescendant
    this.#drawRows();
    this.#select(entry);
  }
}

/** Removes the entries older than `first` from the front of a list sorted by seq. */
function dropBefore(list: EventEntry[], first: number): void {
  let drop = 0;
  while (drop < list.length && (list[drop] as EventEntry).seq < first) drop++;
  if (drop > 0) list.splice(0, drop);
}
