import { describe, expect, it } from 'vitest';
import { captureEvents } from '../testing/index.js';
import { createTelemetry } from './telemetry.js';

describe('captureEvents records one instance, under one pattern', () => {
  it('records name, measurements and metadata in order, and only under its pattern', () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'checkout.**');
    t.emit('checkout.start', { count: 1 }, { orderId: 'o-1' });
    t.emit('cart.add');
    t.emit('checkout.stop', { duration: 5 });
    expect(capture.names).toEqual(['checkout.start', 'checkout.stop']);
    expect(capture.events[0]).toMatchObject({
      name: 'checkout.start',
      measurements: { count: 1 },
      metadata: { orderId: 'o-1' },
    });
    expect(typeof capture.events[0]?.time).toBe('number');
  });

  it('never sees the events of another instance, even with the same names', () => {
    const a = createTelemetry();
    const b = createTelemetry();
    const fromA = captureEvents(a);
    const fromB = captureEvents(b);
    a.emit('job.done', { value: 1 });
    b.emit('job.done', { value: 2 });
    expect(fromA.events.map((e) => e.measurements.value)).toEqual([1]);
    expect(fromB.events.map((e) => e.measurements.value)).toEqual([2]);
  });

  it('waitFor resolves with an event already seen, or with one still to come', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'job.*');
    t.emit('job.start');
    await expect(capture.waitFor((e) => e.name === 'job.start')).resolves.toMatchObject({ name: 'job.start' });
    setTimeout(() => t.emit('job.stop', { duration: 3 }), 5);
    const stop = await capture.waitFor((e) => e.name === 'job.stop', { timeout: 2000 });
    expect(stop.measurements).toEqual({ duration: 3 });
  });

  it('waitFor rejects after its timeout, naming the events it did see', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    t.emit('seen.one');
    await expect(capture.waitFor((e) => e.name === 'never', { timeout: 20 })).rejects.toThrow(
      'No matching event under "**" within 20 ms; seen: seen.one.',
    );
  });

  it('clear forgets what was seen; detach stops recording and frees the handler', () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    t.emit('a');
    capture.clear();
    expect(capture.events).toEqual([]);
    t.emit('b');
    expect(capture.names).toEqual(['b']);
    capture.detach();
    t.emit('c');
    expect(capture.names).toEqual(['b']);
    expect(t.listHandlers()).toEqual([]);
  });

  it('keeps recording when a test handler beside it throws', () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    t.attach('broken', 'a', () => {
      throw new Error('x');
    });
    t.emit('a');
    expect(capture.names).toEqual(['a', 'telemetry.handler.failure']);
  });
});

describe.concurrent('parallel tests, each with its own instance, see only their own events', () => {
  for (const id of [1, 2, 3, 4]) {
    it(`test ${id}`, async () => {
      const t = createTelemetry();
      const capture = captureEvents(t, 'work.**');
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        t.emit('work.step', { id, i });
      }
      expect(capture.events.map((e) => e.measurements.id)).toEqual([id, id, id, id, id]);
    });
  }
});
