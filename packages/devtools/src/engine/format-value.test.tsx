import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatValue } from './format-value.js';

// One-line previews of metadata values: what the detail's collapsed nodes, the Exporters tab and
// the text filter read.

describe('formatValue', () => {
  it('writes an object referenced twice in full both times: only an ancestor is a cycle', () => {
    const shared = { x: 1 };
    expect(formatValue({ a: shared, b: shared, list: [shared, shared] })).toBe(
      '{"a": {"x": 1}, "b": {"x": 1}, "list": [{"x": 1}, {"x": 1}]}',
    );
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(formatValue(loop)).toBe('{"a": 1, "self": [cycle]}');
  });

  it('shows the contents of Maps and Sets', () => {
    expect(
      formatValue(
        new Map<unknown, unknown>([
          ['k', 2],
          [1, { a: true }],
        ]),
      ),
    ).toBe('Map(2) {"k" => 2, 1 => {"a": true}}');
    expect(formatValue({ tags: new Set(['a', 'b']) })).toBe('{"tags": Set(2) {"a", "b"}}');
  });

  it('writes BigInts, Errors, Dates, functions and unreadable properties without throwing', () => {
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('nope');
      },
    });
    expect(formatValue({ n: 10n, e: new Error('bad'), d: new Date(0), f: function named() {}, hostile })).toBe(
      '{"n": 10n, "e": Error: bad, "d": 1970-01-01T00:00:00.000Z, "f": ƒ named(), "hostile": {"boom": [unreadable: nope]}}',
    );
  });

  it('stays within its length and never throws, for any value', () => {
    fc.assert(
      fc.property(fc.anything({ withMap: true, withSet: true, withBigInt: true, withDate: true }), (value) => {
        expect(formatValue(value, 200).length).toBeLessThanOrEqual(201);
      }),
    );
    const wide = Array.from({ length: 100_000 }, (_, i) => ({ i }));
    expect(formatValue(wide, 100).length).toBeLessThanOrEqual(101);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) deep = { c: deep };
    expect(formatValue(deep, 100).length).toBeLessThanOrEqual(101);
    expect(formatValue('A'.repeat(10_000), 50)).toBe(`${'A'.repeat(49)}…`);
  });
});
