import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SANITIZE_LIMITS, type SanitizeLimits } from './limits.js';
import { sanitizeMetadata } from './sanitize-metadata.js';

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Object.values(value as object);
  return 1 + (children.length === 0 ? 0 : Math.max(...children.map(depthOf)));
}

// every way `out` breaks the limits (empty when it fits); plain checks, as this runs per node
function violations(out: unknown, limits: SanitizeLimits): string[] {
  const found: string[] = [];
  if (out === null || typeof out !== 'object' || Array.isArray(out)) return ['not an object'];
  const json = JSON.stringify(out);
  if (json.length > limits.maxTotalSize) found.push(`size ${json.length}`);
  if (JSON.stringify(JSON.parse(json)) !== json) found.push('not JSON-stable');
  if (depthOf(out) > limits.maxDepth) found.push(`depth ${depthOf(out)}`);
  const visit = (node: unknown): void => {
    if (typeof node === 'string' && node.length > limits.maxStringLength) found.push(`string ${node.length}`);
    if (typeof node === 'number' && !Number.isFinite(node)) found.push('non-finite number');
    if (node === undefined || typeof node === 'function' || typeof node === 'symbol' || typeof node === 'bigint') {
      found.push(`a ${typeof node}`);
    }
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      if (node.length > limits.maxArrayLength) found.push(`array ${node.length}`);
      for (const item of node) visit(item);
      return;
    }
    if (Object.getPrototypeOf(node) !== Object.prototype) found.push('not a plain object');
    const keys = Object.keys(node);
    if (keys.length > limits.maxKeys) found.push(`keys ${keys.length}`);
    for (const key of keys) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') found.push(`key ${key}`);
      if (key.length > limits.maxStringLength) found.push(`key length ${key.length}`);
      visit((node as Record<string, unknown>)[key]);
    }
  };
  visit(out);
  return found;
}

function expectWithin(out: unknown, limits: SanitizeLimits): void {
  expect(violations(out, limits)).toEqual([]);
  expect(JSON.parse(JSON.stringify(out))).toEqual(out);
}

describe('sanitizeMetadata serialises what JSON cannot', () => {
  it('serialises Errors, BigInts, Dates, Maps, Sets and typed arrays', () => {
    const error = new TypeError('bad');
    const out = sanitizeMetadata({
      error,
      big: 2n ** 70n,
      at: new Date(0),
      invalid: new Date(Number.NaN),
      map: new Map<unknown, unknown>([
        ['a', 1],
        [{ k: 1 }, 'obj'],
      ]),
      set: new Set([1, 'two']),
      bytes: new Uint8Array([1, 2, 3]),
      wide: new BigInt64Array([5n]),
      nan: Number.NaN,
      negZero: -0,
      regex: /a+/g,
    });
    expect(out.error).toMatchObject({ name: 'TypeError', message: 'bad' });
    expect(typeof (out.error as Record<string, unknown>).stack).toBe('string');
    expect(out).toMatchObject({
      big: '1180591620717411303424',
      at: '1970-01-01T00:00:00.000Z',
      invalid: 'Invalid Date',
      map: [
        ['a', 1],
        [{ k: 1 }, 'obj'],
      ],
      set: [1, 'two'],
      bytes: [1, 2, 3],
      wide: ['5'],
      nan: 'NaN',
      negZero: 0,
      regex: '/a+/g',
    });
  });

  it('drops functions, symbols and undefined, and removes __proto__, constructor and prototype keys', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    const out = sanitizeMetadata({
      hostile,
      fn: () => 1,
      sym: Symbol('s'),
      [Symbol('key')]: 1,
      undef: undefined,
      list: [1, () => 2, Symbol('x'), undefined, 3],
      constructor: 'x',
      prototype: 'y',
    });
    expect(out).toEqual({ hostile: { ok: 1 }, list: [1, 3] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('cuts cycles and keeps shared references that are not cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    const shared = { v: 1 };
    const out = sanitizeMetadata({ a, left: shared, right: shared, arr: [a] });
    expect(out).toEqual({
      a: { name: 'a', self: '[Circular]' },
      left: { v: 1 },
      right: { v: 1 },
      arr: [{ name: 'a', self: '[Circular]' }],
    });
  });

  it('survives throwing getters and Proxies', () => {
    const getter = Object.defineProperty({ fine: 1 }, 'bad', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('ownKeys');
        },
        getPrototypeOf() {
          throw new Error('proto');
        },
      },
    );
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const out = sanitizeMetadata({ getter, trap, revoked });
    expect(out).toEqual({ getter: { fine: 1, bad: '[Unreadable]' }, trap: '[Unreadable]', revoked: '[Unreadable]' });
    expect(sanitizeMetadata(trap)).toEqual({});
    expect(sanitizeMetadata(revoked)).toEqual({});
  });

  it('wraps non-object input and tolerates nonsense limits', () => {
    expect(sanitizeMetadata('text')).toEqual({ value: 'text' });
    expect(sanitizeMetadata(null)).toEqual({});
    expect(sanitizeMetadata(undefined)).toEqual({});
    expect(sanitizeMetadata([1, 2])).toEqual({ value: [1, 2] });
    expect(sanitizeMetadata({ a: 1 }, { maxDepth: Number.NaN, maxKeys: -5 } as never)).toEqual({});
  });
});

describe('sanitizeMetadata stays within its limits', () => {
  it('bounds depth, keys, array items, string length and total size', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    const input = { deep, wide, long: 'x'.repeat(100_000), list: Array.from({ length: 10_000 }, (_, i) => i) };
    const out = sanitizeMetadata(input);
    expectWithin(out, DEFAULT_SANITIZE_LIMITS);
    expect(JSON.stringify(out)).toContain('[MaxDepth]');
    const tiny = { maxDepth: 2, maxKeys: 3, maxArrayLength: 2, maxStringLength: 5, maxTotalSize: 60 };
    expectWithin(sanitizeMetadata(input, tiny), tiny);
  });

  it('never throws and always fits the limits, for any value (property)', () => {
    const limits = fc.record({
      maxDepth: fc.integer({ min: 1, max: 6 }),
      maxKeys: fc.integer({ min: 0, max: 20 }),
      maxArrayLength: fc.integer({ min: 0, max: 20 }),
      maxStringLength: fc.integer({ min: 1, max: 50 }),
      maxTotalSize: fc.integer({ min: 2, max: 2000 }),
    });
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
      maxDepth: 5,
    });
    fc.assert(
      fc.property(anything, limits, (value, l) => {
        expect(violations(sanitizeMetadata(value, l), l)).toEqual([]);
        expect(violations(sanitizeMetadata({ value, again: value }), DEFAULT_SANITIZE_LIMITS)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('handles a list of hostile inputs', () => {
    const cyclicArray: unknown[] = [];
    cyclicArray.push(cyclicArray);
    const manyKeys = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`key${i}`, 'v']));
    const hostile: unknown[] = [
      cyclicArray,
      manyKeys,
      new Array(1e9),
      Object.create(null),
      new Proxy([], {
        get: () => {
          throw new Error('get');
        },
      }),
      new Proxy(
        { a: 1 },
        {
          getOwnPropertyDescriptor: () => {
            throw new Error('desc');
          },
        },
      ),
      Object.assign(new Error('with cause', { cause: new Error('inner') }), { code: 'E_X', extra: () => 1 }),
      {
        toJSON: () => {
          throw new Error('toJSON');
        },
      },
      '\ud83d'.repeat(3000),
      new Map([[Symbol('k'), 1]]),
      globalThis,
    ];
    for (const input of hostile) expectWithin(sanitizeMetadata(input), DEFAULT_SANITIZE_LIMITS);
  });
});
