import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventRing } from './ring-buffer.js';

describe('EventRing', () => {
  it('keeps the newest `capacity` events in order, for any capacity and number of pushes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 200 }), (capacity, pushes) => {
        const ring = new EventRing(capacity);
        for (let i = 0; i < pushes; i++) ring.push(`e.${i}`, { i }, {}, i);
        expect(ring.size).toBe(Math.min(capacity, pushes));
        expect(ring.total).toBe(pushes);
        const names: string[] = [];
        for (let seq = ring.firstSeq; seq < ring.total; seq++) names.push(ring.get(seq)?.name ?? 'missing');
        const expected = Array.from(
          { length: Math.min(capacity, pushes) },
          (_, k) => `e.${pushes - Math.min(capacity, pushes) + k}`,
        );
        expect(names).toEqual(expected);
      }),
    );
  });

  it('forgets overwritten events and everything on clear, but keeps counting seqs', () => {
    const ring = new EventRing(2);
    ring.push('a', {}, {}, 1);
    ring.push('b', {}, {}, 2);
    ring.push('c', {}, {}, 3);
    expect(ring.get(0)).toBeUndefined();
    expect(ring.get(2)?.name).toBe('c');
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.get(2)).toBeUndefined();
    ring.push('d', {}, {}, 4);
    expect(ring.get(3)).toMatchObject({ seq: 3, name: 'd', time: 4 });
    expect(ring.firstSeq).toBe(3);
  });
});
