import { afterEach, describe, expect, it } from 'vitest';
import { logger, setLogger } from '../log/logger.js';
import { createTelemetry } from './telemetry.js';

describe('detach', () => {
  it('returns true and stops delivery for a known id, false for an unknown one', () => {
    const t = createTelemetry();
    let calls = 0;
    t.attach('h', 'a', () => {
      calls++;
    });
    expect(t.detach('nope')).toBe(false);
    expect(t.detach('h')).toBe(true);
    expect(t.detach('h')).toBe(false);
    t.emit('a');
    expect(calls).toBe(0);
    expect(t.stats().handlers).toBe(0);
  });

  it('leaves the other handlers of the same name and pattern in place', () => {
    const t = createTelemetry();
    const calls: string[] = [];
    t.attach('one', 'a.b', () => calls.push('one'));
    t.attach('two', 'a.b', () => calls.push('two'));
    t.attach('star', 'a.*', () => calls.push('star'));
    t.emit('a.b');
    t.detach('one');
    t.emit('a.b');
    expect(calls).toEqual(['one', 'two', 'star', 'two', 'star']);
  });
});

describe('shutdown', () => {
  const original = logger();
  afterEach(() => setLogger(original));

  it('closes sources first, so what they emit while closing reaches the sinks that close after', async () => {
    const t = createTelemetry();
    const received: string[] = [];
    const order: string[] = [];
    t.attach('sink', 'upload.drained', (name) => received.push(name));
    // a sink registered before the source: closing it detaches its handler
    t.onShutdown(() => {
      order.push('sink');
      t.detach('sink');
    });
    t.onShutdown(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push('source');
        t.emit('upload.drained');
      },
      { source: true },
    );
    await t.shutdown();
    expect(order).toEqual(['source', 'sink']);
    expect(received).toEqual(['upload.drained']);
  });

  it('runs every onShutdown callback, awaits them, then detaches all handlers', async () => {
    const t = createTelemetry();
    const order: string[] = [];
    t.attach('h', '**', (name) => order.push(`event:${name}`));
    t.onShutdown(() => {
      order.push('sync closer');
      t.emit('closing.sync');
    });
    t.onShutdown(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('async closer');
    });
    await t.shutdown();
    expect(order).toEqual(['sync closer', 'event:closing.sync', 'async closer']);
    expect(t.listHandlers()).toEqual([]);
    expect(t.hasHandlers('anything')).toBe(false);
  });

  it('does not run a callback that was unregistered', async () => {
    const t = createTelemetry();
    let ran = false;
    const unregister = t.onShutdown(() => {
      ran = true;
    });
    unregister();
    await t.shutdown();
    expect(ran).toBe(false);
  });

  it('logs a failing callback, still runs the others and still detaches all', async () => {
    const errors: string[] = [];
    setLogger({ warn() {}, error: (message) => errors.push(message) });
    const t = createTelemetry();
    let second = false;
    t.attach('h', 'a', () => {});
    t.onShutdown(() => {
      throw new Error('flush failed');
    });
    t.onShutdown(() => {
      second = true;
    });
    await expect(t.shutdown()).resolves.toBeUndefined();
    expect(second).toBe(true);
    expect(errors).toEqual(['A shutdown callback failed.']);
    expect(t.stats().handlers).toBe(0);
  });

  it('runs each callback once even when shutdown is called twice', async () => {
    const t = createTelemetry();
    let runs = 0;
    t.onShutdown(() => {
      runs++;
    });
    await t.shutdown();
    await t.shutdown();
    expect(runs).toBe(1);
  });
});
