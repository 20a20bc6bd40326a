import { describe, expect, it } from 'vitest';
import { eventTime, formatTime, isErrorName, isInternalName } from './event-time.js';

const received = 1_800_000_000_000;

describe('eventTime reads the time from the event itself', () => {
  it("prefers a collector record's time, then a span start's systemTime, then the receive time", () => {
    expect(eventTime({ measurements: {}, metadata: { time: 1_700_000_000_080, remote: true }, time: received })).toBe(
      1_700_000_000_080,
    );
    expect(eventTime({ measurements: { systemTime: 1_700_000_000_000 }, metadata: {}, time: received })).toBe(
      1_700_000_000_000,
    );
    expect(eventTime({ measurements: { count: 1 }, metadata: {}, time: received })).toBe(received);
  });

  it("puts a span end's monotonicTime on this page's clock, but not a remote one's", () => {
    const local = eventTime({ measurements: { duration: 80, monotonicTime: 120 }, metadata: {}, time: received });
    expect(local).toBe(performance.timeOrigin + 120);
    const remote = eventTime({
      measurements: { duration: 80, monotonicTime: 120 },
      metadata: { remote: true },
      time: received,
    });
    expect(remote).toBe(received);
  });

  it('ignores a time that is not a finite number, or a getter that throws', () => {
    const hostile = Object.defineProperty({}, 'time', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(eventTime({ measurements: { systemTime: Number.NaN }, metadata: hostile, time: received })).toBe(received);
  });
});

describe('formatTime', () => {
  it('writes one format, HH:MM:SS.mmm', () => {
    expect(formatTime(received)).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    expect(formatTime(Number.NaN)).toBe('—');
  });
});

describe('event kinds', () => {
  it('knows failures and the library’s own events by name', () => {
    expect(
      ['checkout.exception', 'react.error', 'runtime.error', 'telemetry.handler.failure'].map(isErrorName),
    ).toEqual([true, true, true, true]);
    expect(['checkout.stop', 'errors.count', 'shop.error_rate'].map(isErrorName)).toEqual([false, false, false]);
    expect(isInternalName('isotel.exporter.flush')).toBe(true);
    expect(isInternalName('shop.isotel')).toBe(false);
  });
});
