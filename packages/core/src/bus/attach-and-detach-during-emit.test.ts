import { describe, expect, it } from 'vitest';
import { createTelemetry } from './telemetry.js';

// The rule: an emit dispatches to the handlers attached when it began, in attach order.
// A handler attached during the emit is first called by the next emit; a handler detached
// during the emit (by itself or by another handler) is not called after its detach.
describe('attach and detach during an emit: the emit in progress sees a stable snapshot', () => {
  it('does not call a handler attached by an earlier handler of the same emit', () => {
    const t = createTelemetry();
    const calls: string[] = [];
    t.attach('attacher', 'a', () => {
      calls.push('attacher');
      if (t.listHandlers('a').length === 1) t.attach('late', 'a', () => calls.push('late'));
    });
    t.emit('a');
    expect(calls).toEqual(['attacher']);
    t.emit('a');
    expect(calls).toEqual(['attacher', 'attacher', 'late']);
  });

  it('does not call a wildcard handler attached during the emit', () => {
    const t = createTelemetry();
    const calls: string[] = [];
    t.attach('attacher', 'a.b', () => {
      calls.push('attacher');
      if (t.listHandlers().length === 1) t.attach('late', 'a.*', () => calls.push('late'));
    });
    t.emit('a.b');
    t.emit('a.b');
    expect(calls).toEqual(['attacher', 'attacher', 'late']);
  });

  it('does not call a later handler that an earlier one detached', () => {
    const t = createTelemetry();
    const calls: string[] = [];
    t.attach('detacher', 'a', () => {
      calls.push('detacher');
      t.detach('victim');
    });
    t.attach('victim', 'a', () => calls.push('victim'));
    t.attach('last', 'a', () => calls.push('last'));
    t.emit('a');
    expect(calls).toEqual(['detacher', 'last']);
  });

  it('lets a handler detach itself and still runs the handlers after it', () => {
    const t = createTelemetry();
    const calls: string[] = [];
    t.attach('once', 'a', () => {
      calls.push('once');
      t.detach('once');
    });
    t.attach('always', 'a', () => calls.push('always'));
    t.emit('a');
    t.emit('a');
    expect(calls).toEqual(['once', 'always', 'always']);
  });

  it('runs the remaining snapshot when a handler detaches everything and re-attaches a new set', () => {
    const t = createTelemetry();
    const calls: string[] = [];
    t.attach('reset', 'a', () => {
      calls.push('reset');
      t.detach('reset');
      t.detach('old');
      t.attach('new', 'a', () => calls.push('new'));
    });
    t.attach('old', 'a', () => calls.push('old'));
    t.emit('a');
    expect(calls).toEqual(['reset']);
    t.emit('a');
    expect(calls).toEqual(['reset', 'new']);
  });

  it('keeps counting calls correctly across re-entrant emits that change handlers', () => {
    const t = createTelemetry();
    t.attach('outer', 'a', () => {
      t.attach(`inner-${t.listHandlers().length}`, 'b', () => {});
      t.emit('b');
    });
    t.emit('a');
    t.emit('a');
    expect(t.listHandlers().map((h) => [h.id, h.calls])).toEqual([
      ['outer', 2],
      ['inner-1', 2],
      ['inner-2', 1],
    ]);
  });
});
