import { formatMeasurements, h, replaceChildren } from '../engine/dom.js';
import type { EventEntry } from '../engine/ring-buffer.js';
import { ROW_HEIGHT } from '../engine/styles.js';
import { EventDetail } from './event-detail.js';
import { EventFilter } from './event-filter.js';
import { formatDuration, groupBySpan } from './span-groups.js';
import type { Tab, TabContext } from './tab.js';

/** Free-text filtering waits for typing to pause this long, in ms. */
export const TEXT_DEBOUNCE_MS = 150;
// rows drawn above and below the visible window, so fast scrolling shows no gaps
const OVERSCAN = 6;

function time(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * The live event stream: a virtualised list over the ring buffer (fixed-height rows, only the
 * visible ones in the DOM), filters, pause/clear, an "N new" pill when scrolled up, a detail
 * view and a span view.
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
  readonly #spans: HTMLElement;
  readonly #pill: HTMLButtonElement;
  readonly #count: HTMLElement;
  readonly #pause: HTMLButtonElement;
  readonly #patternError: HTMLElement;
  readonly #patternInput: HTMLInputElement;
  readonly #rows: HTMLElement[] = [];
  // seqs of the events that pass the filter, oldest first
  #visible: number[] = [];
  #scannedUpTo = 0;
  #stuck = true;
  #unseen = 0;
  #selected: number | undefined;
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
    this.#spans = h('div', { class: 'list', role: 'region', 'aria-label': 'Spans', hidden: !state.groupBySpans });
    this.#list.hidden = state.groupBySpans;
    this.#detail = new EventDetail(ctx.ring, (seq) => this.#select(seq));
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
      h('div', { class: 'split' }, this.#list, this.#spans, this.#detail.element),
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
      this.#scannedUpTo = ctx.ring.total;
      this.#select(undefined);
      this.#unseen = 0;
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
      this.#spans.hidden = !spans.checked;
      ctx.persist();
      this.#lastTotal = -1;
      ctx.schedule();
    });
    this.#list.addEventListener('scroll', () => {
      this.#stuck = this.#atBottom();
      if (this.#stuck) this.#unseen = 0;
      this.#drawRows();
      this.#drawPill();
    });
    this.#list.addEventListener('click', (event) => {
      const row = (event.target as Element).closest?.('[data-seq]');
      if (row) this.#select(Number(row.getAttribute('data-seq')));
    });
    this.#list.addEventListener('keydown', (event) => this.#onListKey(event));
    this.#spans.addEventListener('click', (event) => {
      const row = (event.target as Element).closest?.('[data-seq]');
      if (row) this.#select(Number(row.getAttribute('data-seq')));
    });
    this.#pill.addEventListener('click', () => {
      this.#stuck = true;
      this.#unseen = 0;
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
    const count = `${this.#visible.length} shown · ${ring.size} buffered · ${ring.total} seen`;
    if (this.#count.textContent !== count) this.#count.textContent = count;
    if (this.#ctx.state.groupBySpans) this.#drawSpans();
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

  // Tests events recorded since the last frame and forgets the ones the ring overwrote.
  #scan(): void {
    const ring = this.#ctx.ring;
    const first = ring.firstSeq;
    let drop = 0;
    while (drop < this.#visible.length && (this.#visible[drop] as number) < first) drop++;
    if (drop > 0) {
      this.#visible.splice(0, drop);
      if (!this.#stuck) this.#list.scrollTop = Math.max(0, this.#list.scrollTop - drop * ROW_HEIGHT);
    }
    for (let seq = Math.max(this.#scannedUpTo, first); seq < ring.total; seq++) {
      const entry = ring.get(seq) as EventEntry;
      if (this.#filter.test(entry)) {
        this.#visible.push(seq);
        if (!this.#stuck) this.#unseen++;
      }
    }
    this.#scannedUpTo = ring.total;
  }

  #refilter(): void {
    this.#visible = [];
    this.#scannedUpTo = 0;
    this.#lastTotal = -1;
    this.#stuck = true;
    this.#unseen = 0;
    this.#ctx.schedule();
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
    let used = 0;
    for (let i = from; i < to; i++) {
      const seq = this.#visible[i] as number;
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
      const selected = String(seq === this.#selected);
      if (row.getAttribute('aria-selected') !== selected) row.setAttribute('aria-selected', selected);
      const key = String(seq);
      if (row.getAttribute('data-seq') === key) continue;
      const entry = this.#ctx.ring.get(seq);
      if (!entry) continue;
      row.setAttribute('data-seq', key);
      row.className = seq % 2 === 0 ? 'row' : 'row alt';
      const [timeCell, nameCell, summaryCell] = row.children;
      if (timeCell) timeCell.textContent = time(entry.time);
      if (nameCell) nameCell.textContent = entry.name;
      if (summaryCell) summaryCell.textContent = formatMeasurements(entry.measurements);
    }
    for (let i = used; i < this.#rows.length; i++) this.#rows[i]?.remove();
  }

  #drawPill(): void {
    const show = !this.#stuck && this.#unseen > 0;
    this.#pill.hidden = !show;
    if (show) this.#pill.textContent = `${this.#unseen} new`;
  }

  #drawSpans(): void {
    const entries: EventEntry[] = [];
    for (const seq of this.#visible) {
      const e = this.#ctx.ring.get(seq);
      if (e) entries.push(e);
    }
    const groups = groupBySpan(entries);
    const body = h('tbody');
    for (const g of groups) {
      const first = g.events[0] as EventEntry;
      const name = h('td', {}, h('button', { type: 'button', 'data-seq': String(first.seq) }, g.prefix));
      // children indent under their parent; set through the CSSOM, which a strict CSP allows
      if (g.depth > 0) name.style.paddingLeft = `${4 + g.depth * 16}px`;
      const row = h(
        'tr',
        { 'data-seq': String(first.seq) },
        name,
        h('td', { class: g.status === 'error' ? 'error' : g.status === 'ok' ? 'ok' : 'warn' }, g.status),
        h('td', {}, formatDuration(g.duration)),
        h('td', {}, String(g.events.length)),
        h('td', { class: 'muted' }, g.spanId),
        h('td', { class: 'muted' }, g.parentSpanId ?? ''),
      );
      body.appendChild(row);
    }
    replaceChildren(
      this.#spans,
      groups.length === 0
        ? h('p', { class: 'section muted' }, 'No span events (events with a spanId) in the buffer.')
        : h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['span', 'status', 'duration', 'events', 'spanId', 'parent'].map((c) =>
                  h('th', { scope: 'col' }, c),
                ),
              ),
            ),
            body,
          ),
    );
  }

  #select(seq: number | undefined): void {
    this.#selected = seq;
    this.#detail.show(seq);
    for (const row of this.#rows) {
      row.setAttribute('aria-selected', String(row.getAttribute('data-seq') === String(seq)));
    }
  }

  #onListKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const at = this.#selected === undefined ? -1 : this.#visible.indexOf(this.#selected);
    const next =
      event.key === 'ArrowDown' ? Math.min(this.#visible.length - 1, at + 1) : Math.max(0, at < 0 ? 0 : at - 1);
    const seq = this.#visible[next];
    if (seq === undefined) return;
    this.#select(seq);
    const top = next * ROW_HEIGHT;
    if (top < this.#list.scrollTop) this.#list.scrollTop = top;
    else if (top + ROW_HEIGHT > this.#list.scrollTop + this.#list.clientHeight) {
      this.#list.scrollTop = top + ROW_HEIGHT - this.#list.clientHeight;
    }
  }
}
