import type { Metadata } from '@isotel/core';
import { describe, expect, it } from 'vitest';
import type { EventEntry } from '../../engine/ring-buffer.js';
import { EventFilter, SEARCH_TEXT_LIMIT } from './event-filter.js';

// The text filter runs over the whole buffer each time the filter changes and over every new
// event: its work per event must not grow with the event's metadata.

function entry(metadata: Metadata, seq = 0): EventEntry {
  return { seq, name: 'api.response', measurements: { ms: 3 }, metadata, time: 0 };
}

/** An object whose properties count how often they are read. */
function counted(size: number, reads: { n: number }): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < size; i++) {
    Object.defineProperty(o, `k${i}`, {
      enumerable: true,
      get() {
        reads.n++;
        return `value ${i}`;
      },
    });
  }
  return o;
}

describe('the text filter', () => {
  it('finds text in the name, measurements and metadata', () => {
    const filter = new EventFilter();
    filter.setText('A-1');
    expect(filter.test(entry({ orderId: 'a-1' }))).toBe(true);
    expect(filter.test(entry({ orderId: 'b-2' }))).toBe(false);
    filter.setText('api.resp');
    expect(filter.test(entry({}))).toBe(true);
    filter.setText('ms');
    expect(filter.test(entry({}))).toBe(true);
  });

  it('reads a large metadata only up to a bounded length', () => {
    const reads = { n: 0 };
    const filter = new EventFilter();
    filter.setText('needle');
    expect(filter.test(entry({ rows: counted(50_000, reads) }))).toBe(false);
    expect(reads.n).toBeGreaterThan(0);
    expect(reads.n).toBeLessThan(SEARCH_TEXT_LIMIT / 4);
  });

  it('builds the searchable text of an event once, whatever the filters typed after', () => {
    const reads = { n: 0 };
    const filter = new EventFilter();
    const e = entry({ fields: counted(20, reads) });
    filter.setText('value 3');
    expect(filter.test(e)).toBe(true);
    const once = reads.n;
    for (const text of ['value 1', 'value', 'nothing', 'VALUE 19']) {
      filter.setText(text);
      filter.test({ ...e });
    }
    expect(reads.n).toBe(once);
  });

  it('does not search past the limit', () => {
    const filter = new EventFilter();
    filter.setText('needle');
    expect(filter.test(entry({ pad: 'x'.repeat(SEARCH_TEXT_LIMIT * 2), late: 'needle' }))).toBe(false);
    expect(filter.test(entry({ early: 'needle', pad: 'x'.repeat(SEARCH_TEXT_LIMIT * 2) }))).toBe(true);
  });
});
