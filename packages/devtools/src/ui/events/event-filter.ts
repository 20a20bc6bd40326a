import { matches } from '@isotel/core';
import { errorMessage, formatValue } from '../../engine/format-value.js';
import type { EventEntry } from '../../engine/ring-buffer.js';

/**
 * Characters of an event's measurements, and of its metadata, that the text filter searches:
 * their one-line form (as the detail's previews write it), cut at this length.
 */
export const SEARCH_TEXT_LIMIT = 2000;

// The searchable text of each measurements and metadata object, built once: re-filtering the
// buffer after each keystroke then costs a lookup per event. Weak, so it lives as long as the
// events do; an object shared by many events is formatted once.
const searchText = new WeakMap<object, string>();

function searchable(value: unknown): string {
  if (typeof value !== 'object' || value === null) return formatValue(value, SEARCH_TEXT_LIMIT).toLowerCase();
  let text = searchText.get(value);
  if (text === undefined) {
    text = formatValue(value, SEARCH_TEXT_LIMIT).toLowerCase();
    searchText.set(value, text);
  }
  return text;
}

/**
 * The Events tab's filter: a pattern (`checkout.**`, matched with core's `matches`) and a free
 * text searched in the name, measurements and metadata. Results are cached per name, and the
 * searchable text per event (bounded by {@link SEARCH_TEXT_LIMIT}), so filtering a full buffer
 * each frame stays cheap.
 */
export class EventFilter {
  #pattern = '';
  #text = '';
  /** The validation message of the pattern, or undefined when it is valid (or empty). */
  patternError: string | undefined;
  readonly #byName = new Map<string, boolean>();

  get pattern(): string {
    return this.#pattern;
  }

  get text(): string {
    return this.#text;
  }

  /** Sets the pattern; an invalid one is reported in `patternError` and matches everything. */
  setPattern(pattern: string): void {
    this.#pattern = pattern.trim();
    this.#byName.clear();
    this.patternError = undefined;
    if (this.#pattern === '') return;
    try {
      matches(this.#pattern, 'isotel');
    } catch (error) {
      this.patternError = errorMessage(error);
    }
  }

  setText(text: string): void {
    this.#text = text.trim().toLowerCase();
  }

  get active(): boolean {
    return (this.#pattern !== '' && this.patternError === undefined) || this.#text !== '';
  }

  test(entry: EventEntry): boolean {
    if (this.#pattern !== '' && this.patternError === undefined) {
      let ok = this.#byName.get(entry.name);
      if (ok === undefined) {
        ok = matches(this.#pattern, entry.name);
        // names are usually few; bound the cache anyway against dynamic names
        if (this.#byName.size > 5000) this.#byName.clear();
        this.#byName.set(entry.name, ok);
      }
      if (!ok) return false;
    }
    if (this.#text === '') return true;
    if (entry.name.toLowerCase().includes(this.#text)) return true;
    return searchable(entry.measurements).includes(this.#text) || searchable(entry.metadata).includes(this.#text);
  }
}
