import { createTelemetry } from '@isotel/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventListStore } from './event-list-store.js';

const task = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('EventListStore', () => {
  it('publishes a burst spread over several tasks once per animation frame', async () => {
    const frames: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
    const t = createTelemetry();
    const store = new EventListStore(t, ['a.**'], 100, 'frame');
    let notified = 0;
    const unsubscribe = store.subscribe(() => notified++);
    for (let i = 0; i < 5; i++) {
      t.emit('a.b', { i });
      await task();
    }
    expect(notified).toBe(0);
    expect(frames).toHaveLength(1);
    frames.shift()?.();
    expect(notified).toBe(1);
    expect(store.getSnapshot().map((e) => e.measurements.i)).toEqual([0, 1, 2, 3, 4]);
    unsubscribe();
  });

  it('uses a 16 ms timer as the frame where there is no requestAnimationFrame', () => {
    vi.useFakeTimers();
    const t = createTelemetry();
    const store = new EventListStore(t, ['a.**'], 100, 'frame');
    let notified = 0;
    const unsubscribe = store.subscribe(() => notified++);
    for (let i = 0; i < 5; i++) {
      t.emit('a.b', { i });
      vi.advanceTimersByTime(2);
    }
    expect(notified).toBe(0);
    vi.advanceTimersByTime(6);
    expect(notified).toBe(1);
    expect(store.getSnapshot()).toHaveLength(5);
    unsubscribe();
  });

  it('publishes once per task with microtask flushing', async () => {
    const t = createTelemetry();
    const store = new EventListStore(t, ['a.**'], 100, 'microtask');
    let notified = 0;
    const unsubscribe = store.subscribe(() => notified++);
    for (let i = 0; i < 3; i++) {
      t.emit('a.b', { i });
      t.emit('a.c', { i });
      await task();
    }
    expect(notified).toBe(3);
    unsubscribe();
  });

  it('keeps the snapshot identity until something is published', async () => {
    const t = createTelemetry();
    const store = new EventListStore(t, ['a.*'], 10, 'microtask');
    const unsubscribe = store.subscribe(() => {});
    const empty = store.getSnapshot();
    t.emit('other.event', {});
    await task();
    expect(store.getSnapshot()).toBe(empty);
    t.emit('a.b', {});
    await task();
    const one = store.getSnapshot();
    expect(one).not.toBe(empty);
    expect(store.getSnapshot()).toBe(one);
    unsubscribe();
  });

  it('attaches only while subscribed', () => {
    const t = createTelemetry();
    const store = new EventListStore(t, ['a.*'], 10);
    expect(t.listHandlers()).toHaveLength(0);
    const first = store.subscribe(() => {});
    const second = store.subscribe(() => {});
    expect(t.listHandlers()).toHaveLength(1);
    first();
    expect(t.listHandlers()).toHaveLength(1);
    second();
    expect(t.listHandlers()).toHaveLength(0);
  });

  it('holds the newest `limit` events, in order, for any sequence of bursts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }),
        async (limit, bursts) => {
          const t = createTelemetry();
          const store = new EventListStore(t, ['x'], limit, 'microtask');
          const unsubscribe = store.subscribe(() => {});
          let sent = 0;
          for (const size of bursts) {
            for (let i = 0; i < size; i++) t.emit('x', { i: sent++ });
            await Promise.resolve();
          }
          const expected = Array.from({ length: sent }, (_, i) => i).slice(-limit);
          expect(store.getSnapshot().map((e) => e.measurements.i)).toEqual(expected);
          unsubscribe();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gets a handler id of its own in each copy of the package on one bus', async () => {
    const t = createTelemetry();
    // two fresh evaluations of the module stand in for two copies of @isotel/react
    const load = async () => {
      vi.resetModules();
      return (await import('./event-list-store.js')).EventListStore;
    };
    const [one, two] = [await load(), await load()];
    expect(one).not.toBe(two);
    const first = new one(t, ['a.**'], 10).subscribe(() => {});
    const second = new two(t, ['b.**'], 10).subscribe(() => {});
    const ids = t.listHandlers().map((h) => h.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^isotel\.react\.events\./);
    first();
    second();
  });

  it('keeps what it holds when its options change, trimmed to a lower limit', async () => {
    const t = createTelemetry();
    const store = new EventListStore(t, ['a.*'], 10, 'microtask');
    let notified = 0;
    const unsubscribe = store.subscribe(() => notified++);
    for (let i = 0; i < 6; i++) t.emit('a.b', { i });
    await task();
    store.configure(20, 'frame');
    expect(store.getSnapshot().map((e) => e.measurements.i)).toEqual([0, 1, 2, 3, 4, 5]);
    const before = notified;
    store.configure(4, 'microtask');
    expect(store.getSnapshot().map((e) => e.measurements.i)).toEqual([2, 3, 4, 5]);
    expect(Object.isFrozen(store.getSnapshot())).toBe(true);
    expect(notified).toBe(before + 1);
    unsubscribe();
  });

  it('stays attached while held, whether or not anyone subscribes', () => {
    const t = createTelemetry();
    const store = new EventListStore(t, ['a.*'], 10);
    const release = store.hold();
    expect(t.listHandlers()).toHaveLength(1);
    const unsubscribe = store.subscribe(() => {});
    unsubscribe();
    expect(t.listHandlers()).toHaveLength(1);
    release();
    release();
    expect(t.listHandlers()).toHaveLength(0);
  });
});
