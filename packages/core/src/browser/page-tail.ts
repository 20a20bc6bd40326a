import type { RecordGroup } from './event-queue.js';
import { recordId } from './record-encoder.js';

/**
 * This page's newest written records that no answer has acknowledged yet: what `pagehide` sends
 * from memory, since the page may be gone before IndexedDB answers. Keeps whole written groups
 * (no per-emit copy), newest last, as long as the older ones alone would not fill `budget`.
 */
export class PageTail {
  readonly #budget: number;
  #groups: RecordGroup[] = [];
  #bytes = 0;

  constructor(budget: number) {
    this.#budget = budget;
  }

  /** A group of records was just written. */
  remember(records: readonly string[], bytes: number): void {
    this.#groups.push({ records, bytes });
    this.#bytes += bytes;
    while (this.#groups.length > 1 && this.#bytes - (this.#groups[0] as RecordGroup).bytes >= this.#budget) {
      this.#bytes -= (this.#groups.shift() as RecordGroup).bytes;
    }
  }

  /** These records were acknowledged: no need to send them on pagehide. */
  forget(ids: ReadonlySet<string>): void {
    const groups: RecordGroup[] = [];
    let total = 0;
    for (const group of this.#groups) {
      const records = group.records.filter((json) => !ids.has(recordId(json)));
      if (records.length === 0) continue;
      let bytes = 0;
      for (const json of records) bytes += json.length;
      groups.push({ records, bytes });
      total += bytes;
    }
    this.#groups = groups;
    this.#bytes = total;
  }

  /** Every remembered record, oldest first; forgets them. */
  takeAll(): string[] {
    const records = this.#groups.flatMap((group) => group.records);
    this.#groups = [];
    this.#bytes = 0;
    return records;
  }
}
