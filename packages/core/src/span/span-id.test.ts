import { describe, expect, it } from 'vitest';
import { nextSpanId } from './span-id.js';

describe('span ids', () => {
  it('are 16 lowercase hex characters and unique over 100k ids', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 100_000; i++) ids.add(nextSpanId());
    expect(ids.size).toBe(100_000);
    for (const id of [...ids].slice(0, 1000)) expect(id).toMatch(/^[0-9a-f]{16}$/);
  });
});
