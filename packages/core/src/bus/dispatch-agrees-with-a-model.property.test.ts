import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matches } from './pattern.js';
import { createTelemetry } from './telemetry.js';

// Model-based: any sequence of attach, detach and emit on a real bus (with a tiny dispatch cache,
// so it starts over often) delivers each event to exactly the handlers a plain list says should
// get it, in attach order. This covers the per-name cache, its invalidation, its bound and the
// last-name memo together.
const segment = fc.constantFrom('a', 'b', 'c');
const name = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('.'));
const pattern = fc
  .array(fc.oneof(segment, fc.constant('*'), fc.constant('**')), { minLength: 1, maxLength: 3 })
  .map((s) => s.join('.'));

type Operation =
  | { kind: 'attach'; id: number; patterns: string[] }
  | { kind: 'detach'; id: number }
  | { kind: 'emit'; name: string };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant('attach' as const),
    id: fc.integer({ min: 0, max: 5 }),
    patterns: fc.array(pattern, { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('detach' as const), id: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('emit' as const), name }),
  fc.record({ kind: fc.constant('emit' as const), name }),
);

describe('dispatch agrees with a plain model of attached handlers', () => {
  it('delivers every emit to exactly the matching handlers, in attach order', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), (ops, cacheSize) => {
        const t = createTelemetry({ dispatchCacheSize: cacheSize });
        const model: { id: string; patterns: string[] }[] = [];
        let delivered: string[] = [];
        for (const op of ops) {
          const id = `h${op.kind === 'emit' ? '' : op.id}`;
          if (op.kind === 'attach') {
            const exists = model.some((h) => h.id === id);
            if (exists) {
              expect(() => t.attachMany(id, op.patterns, () => {})).toThrow(/already attached/);
            } else {
              t.attachMany(id, op.patterns, (n) => delivered.push(`${id}:${n}`));
              model.push({ id, patterns: op.patterns });
            }
          } else if (op.kind === 'detach') {
            const index = model.findIndex((h) => h.id === id);
            expect(t.detach(id)).toBe(index >= 0);
            if (index >= 0) model.splice(index, 1);
          } else {
            delivered = [];
            t.emit(op.name);
            const expected = model
              .filter((h) => h.patterns.some((p) => matches(p, op.name)))
              .map((h) => `${h.id}:${op.name}`);
            expect(delivered).toEqual(expected);
            expect(t.hasHandlers(op.name)).toBe(expected.length > 0);
          }
          expect(t.stats().cachedNames).toBeLessThanOrEqual(cacheSize);
        }
      }),
      { numRuns: 500 },
    );
  });
});
