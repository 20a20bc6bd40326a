import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { withContext } from '../context/with-context.js';
import { captureEvents } from '../testing/index.js';

// A prefix's handler lists are resolved once and kept; these pin that an open span still sees
// the handlers in force when it ends, and that its events go through the bus's control.
describe('a span ends with the handlers in force when it ends', () => {
  it('delivers stop to a handler attached after the span started', () => {
    const t = createTelemetry();
    const starts = captureEvents(t, 'job.start');
    const span = t.startSpan('job');
    const stops = captureEvents(t, 'job.stop');
    span.end();
    expect(starts.names).toEqual(['job.start']);
    expect(stops.names).toEqual(['job.stop']);
    expect(stops.events[0]?.metadata.spanId).toBe(span.spanId);
  });

  it('does not deliver stop to a handler detached while the span was open', () => {
    const t = createTelemetry();
    const starts = captureEvents(t, 'job.start');
    const stops = captureEvents(t, 'job.stop');
    t.span('job', {}, () => stops.detach());
    expect(starts.names).toEqual(['job.start']);
    expect(stops.names).toEqual([]);
    expect(t.stats().openSpans).toBe(0);
  });

  it('delivers exception to a handler attached inside the failing function', () => {
    const t = createTelemetry();
    captureEvents(t, 'job.start');
    let failures: ReturnType<typeof captureEvents> | undefined;
    expect(() =>
      t.span('job', {}, () => {
        failures = captureEvents(t, 'job.exception');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(failures?.names).toEqual(['job.exception']);
    expect(failures?.events[0]?.metadata.kind).toBe('error');
  });

  it('emits nothing at stop after shutdown detached every handler', async () => {
    const t = createTelemetry();
    const all = captureEvents(t, 'job.*');
    const span = t.startSpan('job');
    await t.shutdown();
    span.end();
    expect(all.names).toEqual(['job.start']);
  });

  it('keeps recording spans of two prefixes apart after handlers change', () => {
    const t = createTelemetry();
    const a = captureEvents(t, 'a.*');
    t.span('a', {}, () => {});
    const b = captureEvents(t, 'b.*');
    t.span('a', {}, () => t.span('b', {}, () => {}));
    expect(a.names).toEqual(['a.start', 'a.stop', 'a.start', 'a.stop']);
    expect(b.names).toEqual(['b.start', 'b.stop']);
  });
});

describe('span events go through the bus control', () => {
  it('drops a denied stop event and counts it, while start is delivered', () => {
    const t = createTelemetry();
    const all = captureEvents(t, 'job.*');
    t.control.set({ deny: ['job.stop'] });
    t.span('job', {}, () => {});
    expect(all.names).toEqual(['job.start']);
    expect(t.stats().dropped.denied).toBe(1);
  });

  it('adds the ambient correlation id to the events of a span started in a context', () => {
    const t = createTelemetry();
    const all = captureEvents(t, 'job.*');
    withContext({ correlationId: 'req-7' }, () => t.span('job', undefined, () => {}));
    expect(all.events.map((e) => e.metadata.correlationId)).toEqual(['req-7', 'req-7']);
  });

  it('gives a handle ended inside a later context the correlation id it started with', () => {
    const t = createTelemetry();
    const all = captureEvents(t, 'job.*');
    const outside = t.startSpan('job');
    withContext({ correlationId: 'late' }, () => outside.end());
    const inside = withContext({ correlationId: 'early' }, () => t.startSpan('job'));
    withContext({ correlationId: 'late' }, () => inside.fail(new Error('x')));
    // set() cannot give the stop another id either: all three events carry the same one, or none
    const named = t.startSpan('job');
    named.set('correlationId', 'other').end();
    expect(all.events.map((e) => [e.name, e.metadata.correlationId])).toEqual([
      ['job.start', undefined],
      ['job.stop', undefined],
      ['job.start', 'early'],
      ['job.exception', 'early'],
      ['job.start', undefined],
      ['job.stop', undefined],
    ]);
  });

  it('adds no correlation id to a span outside any context', () => {
    const t = createTelemetry();
    const all = captureEvents(t, 'job.*');
    t.span('job', { route: '/a' }, () => {});
    for (const event of all.events) expect('correlationId' in event.metadata).toBe(false);
  });
});
