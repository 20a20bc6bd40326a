import { describe, expect, it } from 'vitest';
import { HandlerRegistry } from './handler-registry.js';

const noop = (): void => {};

// The cost of an emit must not grow with handlers attached to other names or patterns. Rather
// than time it, these pin the structure that guarantees it: a name's resolved list holds only the
// handlers that match it, and after the first emit of a name, resolving it is one cache lookup.
describe('dispatch of a name depends only on the handlers that match it', () => {
  function crowded(): HandlerRegistry {
    const registry = new HandlerRegistry();
    for (let i = 0; i < 1000; i++) registry.add(`exact-${i}`, [`other.n${i}.stop`], noop, undefined);
    for (let i = 0; i < 1000; i++) registry.add(`pattern-${i}`, [`other${i}.*.stop`], noop, undefined);
    for (let i = 0; i < 100; i++) registry.add(`globstar-${i}`, [`deep${i}.**`], noop, undefined);
    return registry;
  }

  it('resolves a name to exactly its matching handlers among 2,100 unrelated ones', () => {
    const registry = crowded();
    registry.add('exact', ['a.b.c'], noop, undefined);
    registry.add('star', ['a.*.c'], noop, undefined);
    registry.add('globstar', ['a.**'], noop, undefined);
    expect(registry.resolve('a.b.c').map((e) => e.id)).toEqual(['exact', 'star', 'globstar']);
    expect(registry.resolve('a.x').map((e) => e.id)).toEqual(['globstar']);
  });

  it('resolves a name nobody listens to to an empty list, whatever else is attached', () => {
    const registry = crowded();
    expect(registry.resolve('a.b.c')).toHaveLength(0);
  });

  it('returns the very same list on later resolves (one Map lookup, no re-matching)', () => {
    const registry = crowded();
    registry.add('star', ['a.*.c'], noop, undefined);
    const first = registry.resolve('a.b.c');
    expect(registry.cache.get('a.b.c')).toBe(first);
    expect(registry.resolve('a.b.c')).toBe(first);
  });

  it('shares one empty list among all names without handlers, and a distinct one for invalid names', () => {
    const registry = crowded();
    const none = registry.resolve('x.y');
    expect(registry.resolve('z')).toBe(none);
    const invalid = registry.resolve('x..y');
    expect(invalid).toHaveLength(0);
    expect(invalid).not.toBe(none);
  });

  it('never changes a resolved list when handlers come and go (an emit holding it keeps its snapshot)', () => {
    const registry = new HandlerRegistry();
    registry.add('one', ['a'], noop, undefined);
    const before = registry.resolve('a');
    registry.add('two', ['a'], noop, undefined);
    registry.remove('one');
    expect(before.map((e) => e.id)).toEqual(['one']);
    expect(registry.resolve('a').map((e) => e.id)).toEqual(['two']);
  });
});
