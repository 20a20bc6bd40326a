import { describe, expect, it } from 'vitest';
import type { TelemetryContext } from './context.js';
import { StackContextManager } from './stack-context-manager.js';

const ctx = (correlationId: string): TelemetryContext => ({ correlationId, spanId: undefined, baggage: {} });

describe('the synchronous context stack', () => {
  it('keeps a scope in force until its function returns, then restores the outer one', () => {
    const stack = new StackContextManager();
    const seen: Array<string | undefined> = [];
    stack.with(
      ctx('outer'),
      () => {
        seen.push(stack.active()?.correlationId);
        stack.with(ctx('inner'), () => seen.push(stack.active()?.correlationId), undefined);
        seen.push(stack.active()?.correlationId);
      },
      undefined,
    );
    seen.push(stack.active()?.correlationId);
    expect(seen).toEqual(['outer', 'inner', 'outer', undefined]);
  });

  it('restores the outer scope when the function throws', () => {
    const stack = new StackContextManager();
    expect(() =>
      stack.with(
        ctx('failing'),
        () => {
          throw new Error('boom');
        },
        undefined,
      ),
    ).toThrow('boom');
    expect(stack.active()).toBeUndefined();
  });

  it('passes its argument through and returns the function result', () => {
    const stack = new StackContextManager();
    expect(stack.with(ctx('a'), (n: number) => n * 2, 21)).toBe(42);
  });

  it('loses the scope across an await (what browsers get without async context)', async () => {
    const stack = new StackContextManager();
    const after = await stack.with(
      ctx('lost'),
      async () => {
        await Promise.resolve();
        return stack.active();
      },
      undefined,
    );
    expect(after).toBeUndefined();
  });
});
