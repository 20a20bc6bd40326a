import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../engine/event-time.js';
import type { EventEntry } from '../../engine/ring-buffer.js';
import { groupBySpan } from './span-groups.js';

let seq = 0;
function event(name: string, spanId: string, parentSpanId?: string, duration?: number): EventEntry {
  seq++;
  return {
    seq,
    name,
    measurements: duration === undefined ? {} : { duration },
    metadata: parentSpanId === undefined ? { spanId } : { spanId, parentSpanId },
    time: seq,
  };
}

describe('groupBySpan', () => {
  it('groups start/stop/exception by spanId with status, duration and depth under its parent', () => {
    const groups = groupBySpan([
      event('checkout.order.start', 'a'),
      event('checkout.stock.start', 'b', 'a'),
      event('checkout.stock.stop', 'b', 'a', 80),
      event('checkout.payment.start', 'c', 'a'),
      event('checkout.card.start', 'd', 'c'),
      event('checkout.payment.exception', 'c', 'a', 300),
      event('checkout.order.exception', 'a', undefined, 385),
      { seq: 99, name: 'cart.add', measurements: {}, metadata: {}, time: 99 },
    ]);
    expect(groups.map((g) => [g.prefix, g.status, g.duration, g.depth, g.events.length])).toEqual([
      ['checkout.order', 'error', 385, 0, 2],
      ['checkout.stock', 'ok', 80, 1, 2],
      ['checkout.payment', 'error', 300, 1, 2],
      ['checkout.card', 'open', undefined, 2, 1],
    ]);
  });

  it('lists the children of each span right under it, also when a sibling started in between', () => {
    const groups = groupBySpan([
      event('root.start', 'r'),
      event('a.start', 'a', 'r'),
      event('b.start', 'b', 'r'),
      event('a1.start', 'a1', 'a'),
    ]);
    expect(groups.map((g) => `${'  '.repeat(g.depth)}${g.prefix}`)).toEqual(['root', '  a', '    a1', '  b']);
  });

  it('lists spans whose parents form a cycle instead of losing them', () => {
    const groups = groupBySpan([event('x.start', 'x', 'y'), event('y.start', 'y', 'x'), event('z.start', 'z', 'z')]);
    expect(groups.map((g) => g.spanId).sort()).toEqual(['x', 'y', 'z']);
  });

  it('puts a span whose parent is not in the events at depth 0', () => {
    const [orphan] = groupBySpan([event('db.query.start', 'x', 'gone'), event('db.query.stop', 'x', 'gone', 5)]);
    expect(orphan).toMatchObject({ parentSpanId: 'gone', depth: 0, status: 'ok', duration: 5 });
  });

  it('keeps only the newest spans past its limit', () => {
    const entries = Array.from({ length: 5 }, (_, i) => event('job.start', `s${i}`));
    expect(groupBySpan(entries, 2).map((g) => g.spanId)).toEqual(['s3', 's4']);
  });
});

describe('formatDuration', () => {
  it('writes milliseconds below a second and seconds above', () => {
    expect([formatDuration(2.345), formatDuration(81.06), formatDuration(1250), formatDuration(undefined)]).toEqual([
      '2.35 ms',
      '81.1 ms',
      '1.25 s',
      '—',
    ]);
  });
});
