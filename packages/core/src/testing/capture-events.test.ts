import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { IsotelError } from '../errors/isotel-error.js';
import { captureEvents } from './capture-events.js';

// Resolves with 'pending' when `promise` has not settled after `ms` real milliseconds.
function stateAfter(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([
    promise.then(
      () => 'resolved',
      () => 'rejected',
    ),
    new Promise((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('waitFor with a predicate that throws', () => {
  it('rejects that waiter at once with the error as its cause; other waiters still see the event', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'a.**');
    const bad = capture.waitFor((e) => (e.metadata.user as { id: number }).id === 1, { timeout: 200 });
    const good = capture.waitFor((e) => e.name === 'a.x', { timeout: 200 });
    const badSettled = bad.catch((error: unknown) => error);
    t.emit('a.x', {}, {});

    expect(await stateAfter(bad, 0)).toBe('rejected');
    const error = await badSettled;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^waitFor predicate threw on "a\.x": /);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    await expect(good).resolves.toMatchObject({ name: 'a.x' });
  });

  it('never counts as a failure of the capture handler', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    const bad = capture.waitFor(() => {
      throw new Error('boom');
    });
    t.emit('a.x');
    await expect(bad).rejects.toThrow('boom');
    expect(capture.names).toEqual(['a.x']);
    expect(t.listHandlers().map((h) => h.failures)).toEqual([0]);
  });

  it('rejects rather than throwing when it throws on an event already seen', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    t.emit('a.x');
    let waiting: Promise<unknown> | undefined;
    expect(() => {
      waiting = capture.waitFor(() => {
        throw new Error('boom');
      });
    }).not.toThrow();
    await expect(waiting).rejects.toMatchObject({ message: 'waitFor predicate threw on "a.x": boom' });
  });
});

describe('waitFor validates its timeout', () => {
  it.each([Number.NaN, -1, Number.NEGATIVE_INFINITY, '100' as unknown as number])(
    'rejects timeout %s with invalid_argument',
    async (timeout) => {
      const t = createTelemetry();
      const capture = captureEvents(t);
      const waiting = capture.waitFor(() => true, { timeout });
      await expect(waiting).rejects.toBeInstanceOf(IsotelError);
      await expect(waiting).rejects.toMatchObject({ code: 'invalid_argument' });
      await expect(waiting).rejects.toThrow(/timeout must be a non-negative number or Infinity/);
    },
  );

  it('waits until the event comes with timeout Infinity, and with a timeout beyond setTimeout’s limit', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    const forever = capture.waitFor((e) => e.name === 'late', { timeout: Number.POSITIVE_INFINITY });
    const huge = capture.waitFor((e) => e.name === 'late', { timeout: 2 ** 31 });
    expect(await stateAfter(forever, 30)).toBe('pending');
    expect(await stateAfter(huge, 0)).toBe('pending');
    t.emit('late');
    await expect(forever).resolves.toMatchObject({ name: 'late' });
    await expect(huge).resolves.toMatchObject({ name: 'late' });
  });

  it('sets no timer for timeout Infinity', () => {
    vi.useFakeTimers();
    const capture = captureEvents(createTelemetry());
    void capture.waitFor(() => false, { timeout: Number.POSITIVE_INFINITY }).catch(() => {});
    expect(vi.getTimerCount()).toBe(0);
    capture.detach();
  });
});

describe('detach settles pending waiters', () => {
  it('rejects them at once, saying the capture was detached, and clears their timers', async () => {
    vi.useFakeTimers();
    const t = createTelemetry();
    const capture = captureEvents(t, 'job.*');
    t.emit('job.start');
    const first = capture.waitFor((e) => e.name === 'job.stop', { timeout: 60_000 });
    const second = capture.waitFor((e) => e.name === 'job.stop', { timeout: Number.POSITIVE_INFINITY });
    expect(vi.getTimerCount()).toBe(1);
    capture.detach();
    expect(vi.getTimerCount()).toBe(0);
    await expect(first).rejects.toThrow(
      'captureEvents("job.*") was detached while waitFor was waiting; no matching event; seen: job.start.',
    );
    await expect(second).rejects.toThrow(/was detached/);
  });

  it('after detach, waitFor resolves with an event already seen and rejects at once otherwise', async () => {
    vi.useFakeTimers();
    const t = createTelemetry();
    const capture = captureEvents(t);
    t.emit('seen');
    capture.detach();
    await expect(capture.waitFor((e) => e.name === 'seen')).resolves.toMatchObject({ name: 'seen' });
    await expect(capture.waitFor((e) => e.name === 'never')).rejects.toThrow(/was detached/);
    expect(vi.getTimerCount()).toBe(0);
  });
});
