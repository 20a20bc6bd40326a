import { describe, expect, it } from 'vitest';
import { describeError } from './describe-error.js';
import { IsotelError, isIsotelError } from './isotel-error.js';

describe('isIsotelError', () => {
  it('recognises an IsotelError, with or without a code', () => {
    const error = new IsotelError('invalid_pattern', 'bad');
    expect(isIsotelError(error)).toBe(true);
    expect(isIsotelError(error, 'invalid_pattern')).toBe(true);
    expect(isIsotelError(error, 'handler_exists')).toBe(false);
  });

  it('recognises an error thrown by another copy of the package', () => {
    // another copy's class: same name and shape, another identity
    class OtherCopyError extends Error {
      readonly code = 'invalid_handler';
      constructor(message: string) {
        super(message);
        this.name = 'IsotelError';
      }
    }
    const foreign = new OtherCopyError('not a function');
    expect(foreign instanceof IsotelError).toBe(false);
    expect(isIsotelError(foreign, 'invalid_handler')).toBe(true);
  });

  it('refuses look-alikes that are not errors or carry no code', () => {
    expect(isIsotelError({ name: 'IsotelError', code: 'invalid_name' })).toBe(false);
    expect(isIsotelError(Object.assign(new Error('x'), { name: 'IsotelError' }))).toBe(false);
    expect(isIsotelError(new TypeError('x'))).toBe(false);
    expect(isIsotelError(undefined)).toBe(false);
  });
});

describe('describeError', () => {
  it('gives an Error’s message, or its name and message', () => {
    expect(describeError(new TypeError('boom'))).toBe('boom');
    expect(describeError(new TypeError('boom'), true)).toBe('TypeError: boom');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(42)).toBe('42');
  });

  it('never throws, whatever was thrown', () => {
    const noPrototype = Object.create(null);
    const badToString = {
      toString: () => {
        throw new Error('no');
      },
    };
    const badMessage = new Error('x');
    Object.defineProperty(badMessage, 'message', {
      get: () => {
        throw new Error('getter');
      },
    });
    const proxy = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        getPrototypeOf: () => {
          throw new Error('trap');
        },
      },
    );
    for (const value of [noPrototype, badToString, badMessage, proxy, Symbol('s')]) {
      expect(typeof describeError(value)).toBe('string');
      expect(typeof describeError(value, true)).toBe('string');
    }
    expect(describeError(Symbol('s'))).toBe('Symbol(s)');
  });
});
