import { isInternalName } from '../../engine/event-time.js';
import type { EventSort } from '../../engine/persisted-state.js';
import type { EventEntry, EventRing } from '../../engine/ring-buffer.js';
import { EventFilter } from './event-filter.js';

/** What the view filters and orders by: the Events tab's persisted controls. */
export interface ViewSettings {
  readonly pattern: string;
  readonly text: string;
  readonly hideInternal: boolean;
  readonly sort: EventSort;
}

/**
 * The events the list shows, kept up to date incrementally: each update tests only the events
 * recorded since the last one. Following the live end, the list forgets the events the ring
 * overwrote; scrolled away from it (`following` false), the list stands still and new matching
 * events wait in `pending` until the user comes back.
 */
export class EventView {
  readonly filter = new EventFilter();
  /** Matching events, oldest first. */
  #matched: EventEntry[] = [];
  #pending: EventEntry[] = [];
  #scannedUpTo = 0;
  #settings: ViewSettings | undefined;
  #sorted: readonly EventEntry[] = [];

  /** What the last update returned. */
  get entries(): readonly EventEntry[] {
    return this.#sorted;
  }
  #dirty = true;
  following = true;

  /** Applies the controls; a change starts over from the whole buffer. */
  configure(settings: ViewSettings): void {
    const s = this.#settings;
    if (s && s.pattern === settings.pattern && s.text === settings.text && s.hideInternal === settings.hideInternal) {
      if (s.sort !== settings.sort) {
        this.#settings = settings;
        this.#dirty = true;
      }
      return;
    }
    this.#settings = settings;
    this.filter.setPattern(settings.pattern);
    this.filter.setText(settings.text);
    this.reset();
  }

  /** Forgets everything (after Clear, or a filter change). */
  reset(): void {
    this.#matched = [];
    this.#pending = [];
    this.#scannedUpTo = 0;
    this.following = true;
    this.#dirty = true;
  }

  /** Takes the events recorded since the last update; returns the list to show. */
  update(ring: EventRing): readonly EventEntry[] {
    const first = ring.firstSeq;
    if (this.#scannedUpTo < ring.total || (this.#matched[0]?.seq ?? first) < first) {
      const into = this.following ? this.#matched : this.#pending;
      if (this.following) dropBefore(this.#matched, first);
      const hideInternal = this.#settings?.hideInternal ?? false;
      for (let seq = Math.max(this.#scannedUpTo, first); seq < ring.total; seq++) {
        const entry = ring.get(seq) as EventEntry;
        if (hideInternal && isInternalName(entry.name)) continue;
        if (this.filter.test(entry)) into.push(entry);
      }
      dropBefore(this.#pending, first);
      this.#scannedUpTo = ring.total;
      if (this.following || into === this.#matched) this.#dirty = true;
    }
    if (this.#dirty) {
      this.#dirty = false;
      this.#sorted = sortEntries(this.#matched, this.#settings?.sort ?? 'time');
    }
    return this.#sorted;
  }

  /** Matching events that arrived while the list stood still. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Back to the live end: the list takes the waiting events and forgets what left the ring. */
  follow(ring: EventRing): void {
    this.following = true;
    const first = ring.firstSeq;
    dropBefore(this.#matched, first);
    dropBefore(this.#pending, first);
    if (this.#pending.length > 0) {
      this.#matched = this.#matched.concat(this.#pending);
      this.#pending = [];
    }
    this.#dirty = true;
  }
}

function durationOf(entry: EventEntry): number {
  const d = entry.measurements.duration;
  return typeof d === 'number' && Number.isFinite(d) ? d : -1;
}

function sortEntries(entries: EventEntry[], sort: EventSort): readonly EventEntry[] {
  // a copy either way: the list component compares by reference to know it changed
  if (sort === 'time') return entries.slice();
  if (sort === 'time-desc') return entries.slice().reverse();
  const out = entries.slice();
  if (sort === 'name') out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.seq - b.seq));
  else if (sort === 'duration') out.sort((a, b) => durationOf(b) - durationOf(a) || a.seq - b.seq);
  return out;
}

/** Removes the entries older than `first` from the front of a list sorted by seq. */
function dropBefore(list: EventEntry[], first: number): void {
  let drop = 0;
  while (drop < list.length && (list[drop] as EventEntry).seq < first) drop++;
  if (drop > 0) list.splice(0, drop);
}
