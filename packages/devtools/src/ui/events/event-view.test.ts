import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventRing } from '../../engine/ring-buffer.js';
import { EventView } from './event-view.js';
import { toPlain } from './plain-value.js';

function ringOf(names: string[], capacity = 100): EventRing {
  const ring = new EventRing(capacity);
  for (const [i, name] of names.entries()) ring.push(name, { duration: names.length - i }, {}, i);
  return ring;
}

const settings = { pattern: '', text: '', hideInternal: false, sort: 'time' } as const;

describe('EventView', () => {
  it('sorts by time either way, by name, and by duration', () => {
    const ring = ringOf(['b.one', 'a.two', 'c.three']);
    const view = new EventView();
    view.configure(settings);
    expect(view.update(ring).map((e) => e.name)).toEqual(['b.one', 'a.two', 'c.three']);
    view.configure({ ...settings, sort: 'time-desc' });
    expect(view.update(ring).map((e) => e.name)).toEqual(['c.three', 'a.two', 'b.one']);
    view.configure({ ...settings, sort: 'name' });
    expect(view.update(ring).map((e) => e.name)).toEqual(['a.two', 'b.one', 'c.three']);
    view.configure({ ...settings, sort: 'duration' });
    expect(view.update(ring).map((e) => e.name)).toEqual(['b.one', 'a.two', 'c.three']);
  });

  it('hides the library’s own events on request', () => {
    const ring = ringOf(['shop.cart.add', 'isotel.exporter.flush', 'shop.cart.remove']);
    const view = new EventView();
    view.configure({ ...settings, hideInternal: true });
    expect(view.update(ring).map((e) => e.name)).toEqual(['shop.cart.add', 'shop.cart.remove']);
  });

  it('stands still while not following, counts what waits, and takes it on follow', () => {
    const ring = ringOf(['a', 'b']);
    const view = new EventView();
    view.configure(settings);
    expect(view.update(ring)).toHaveLength(2);
    view.following = false;
    ring.push('c', {}, {}, 3);
    expect(view.update(ring)).toHaveLength(2);
    expect(view.pendingCount).toBe(1);
    view.follow(ring);
    expect(view.update(ring).map((e) => e.name)).toEqual(['a', 'b', 'c']);
  });

  it('forgets what the ring overwrote while following', () => {
    const ring = ringOf(['a', 'b', 'c'], 3);
    const view = new EventView();
    view.configure(settings);
    view.update(ring);
    ring.push('d', {}, {}, 4);
    expect(view.update(ring).map((e) => e.name)).toEqual(['b', 'c', 'd']);
  });
});

describe('toPlain (detail view and Copy as JSON)', () => {
  it('never throws and always gives something JSON.stringify can write', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true }), (value) => {
        const cyclic: Record<string, unknown> = { value };
        cyclic.self = cyclic;
        expect(() => JSON.stringify(toPlain(cyclic))).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('reads BigInts, Errors, Maps, Sets, cycles and throwing getters as text or plain containers', () => {
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('nope');
      },
    });
    const out = toPlain({ n: 10n, e: new Error('bad'), m: new Map([['k', 1]]), s: new Set([1]), hostile }) as Record<
      string,
      unknown
    >;
    expect(out).toMatchObject({ n: '10n', m: { k: 1 }, s: [1], hostile: { boom: '[unreadable: nope]' } });
    expect(String(out.e)).toContain('bad');
  });
});
