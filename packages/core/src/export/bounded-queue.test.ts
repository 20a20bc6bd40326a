import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue.js';

describe('BoundedQueue', () => {
  it('drops the oldest item when full and counts it', () => {
    const q = new BoundedQueue<string>(2);
    q.push('a');
    q.push('b');
    expect(q.push('c')).toBe('a');
    expect(q.toArray()).toEqual(['b', 'c']);
    expect(q.dropped).toBe(1);
  });

  it('keeps the newest `capacity` items in order and counts every other one, for any pushes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer(), { maxLength: 100 }), (capacity, items) => {
        const q = new BoundedQueue<number>(capacity);
        for (const item of items) q.push(item);
        expect(q.toArray()).toEqual(items.slice(Math.max(0, items.length - capacity)));
        expect(q.dropped).toBe(Math.max(0, items.length - capacity));
        expect(q.size + q.dropped).toBe(items.length);
      }),
    );
  });

  it('take removes up to max items, oldest first, without counting drops', () => {
    const q = new BoundedQueue<number>(5);
    for (let i = 0; i < 4; i++) q.push(i);
    expect(q.take(3)).toEqual([0, 1, 2]);
    expect(q.take(3)).toEqual([3]);
    expect(q.shift()).toBeUndefined();
    expect(q.dropped).toBe(0);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new BoundedQueue(0)).toThrowError(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => new BoundedQueue(1.5)).toThrowError(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
