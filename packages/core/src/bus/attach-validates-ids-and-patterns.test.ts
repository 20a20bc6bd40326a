import { describe, expect, it } from 'vitest';
import { IsotelError, type IsotelErrorCode } from '../errors/isotel-error.js';
import { assertName } from './pattern.js';
import { createTelemetry } from './telemetry.js';
import type { Handler } from './types.js';

const noop = (): void => {};

function codeOf(fn: () => unknown): IsotelErrorCode | 'no error' {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(IsotelError);
    return (error as IsotelError).code;
  }
  return 'no error';
}

describe('attach validates its input and throws IsotelError with a stable code', () => {
  it('refuses a handler id that is already attached (handler_exists) and keeps the first', () => {
    const t = createTelemetry();
    const calls: string[] = [];
    t.attach('log', 'a', () => calls.push('first'));
    expect(codeOf(() => t.attach('log', 'b', () => calls.push('second')))).toBe('handler_exists');
    expect(codeOf(() => t.attachMany('log', ['c'], noop))).toBe('handler_exists');
    t.emit('a');
    t.emit('b');
    expect(calls).toEqual(['first']);
    expect(t.listHandlers().map((h) => h.patterns)).toEqual([['a']]);
  });

  it('accepts the id again once it was detached', () => {
    const t = createTelemetry();
    t.attach('log', 'a', noop);
    t.detach('log');
    expect(codeOf(() => t.attach('log', 'a', noop))).toBe('no error');
  });

  it.each([
    ['', 'empty'],
    ['a..b', 'empty segment'],
    ['.a', 'leading dot'],
    ['a.', 'trailing dot'],
    ['a b', 'space'],
    ['a.b*', 'wildcard inside a segment'],
    ['a.***', 'three stars'],
    ['checkout/payment', 'slash'],
    ['é', 'non-ASCII'],
  ])('refuses the pattern %j (%s) with invalid_pattern', (pattern) => {
    const t = createTelemetry();
    expect(codeOf(() => t.attach('h', pattern, noop))).toBe('invalid_pattern');
    expect(t.stats().handlers).toBe(0);
  });

  it('refuses non-string patterns and an empty pattern list with invalid_pattern', () => {
    const t = createTelemetry();
    expect(codeOf(() => t.attach('h', 42 as unknown as string, noop))).toBe('invalid_pattern');
    expect(codeOf(() => t.attachMany('h', [], noop))).toBe('invalid_pattern');
    expect(codeOf(() => t.attachMany('h', ['a', 'b..c'], noop))).toBe('invalid_pattern');
    expect(t.stats().handlers).toBe(0);
  });

  it.each(['a', 'a.b.c', 'A-b_c.9', '*', '**', 'a.*', 'a.**', '**.stop', 'a.*.c.**'])(
    'accepts the pattern %j',
    (pattern) => {
      const t = createTelemetry();
      expect(codeOf(() => t.attach('h', pattern, noop))).toBe('no error');
    },
  );

  it('refuses an empty or non-string id and a non-function handler (invalid_handler)', () => {
    const t = createTelemetry();
    expect(codeOf(() => t.attach('', 'a', noop))).toBe('invalid_handler');
    expect(codeOf(() => t.attach(7 as unknown as string, 'a', noop))).toBe('invalid_handler');
    expect(codeOf(() => t.attach('h', 'a', 'not a function' as unknown as Handler))).toBe('invalid_handler');
  });

  it("refuses an onFailure other than 'detach' or 'keep' (invalid_argument)", () => {
    const t = createTelemetry();
    expect(codeOf(() => t.attach('h', 'a', noop, { onFailure: 'retry' as 'keep' }))).toBe('invalid_argument');
  });

  it('says what is wrong and how to fix it in the message', () => {
    const t = createTelemetry();
    expect(() => t.attach('h', 'a..b', noop)).toThrow(/segment "" must be \[A-Za-z0-9_-\]\+/);
    t.attach('h', 'a', noop);
    expect(() => t.attach('h', 'a', noop)).toThrow(/already attached; detach it first/);
  });

  it('refuses invalid event names where a concrete name is required (invalid_name)', () => {
    expect(codeOf(() => assertName('checkout.payment.stop'))).toBe('no error');
    for (const name of ['', 'a..b', 'a.*', 'a.**', 'a b', 3]) {
      expect(codeOf(() => assertName(name))).toBe('invalid_name');
    }
  });
});
