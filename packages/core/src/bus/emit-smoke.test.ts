import { describe, expect, it } from 'vitest';
import { captureEvents } from '../testing/index.js';
import { createTelemetry } from './telemetry.js';

describe('emit reaches exact and wildcard handlers', () => {
  it('delivers to `a.b.c`, `a.*.c` and `a.**` in attach order', () => {
    const t = createTelemetry();
    const order: string[] = [];
    t.attach('exact', 'a.b.c', () => order.push('exact'));
    t.attach('star', 'a.*.c', () => order.push('star'));
    t.attach('globstar', 'a.**', () => order.push('globstar'));
    t.attach('other', 'x.y', () => order.push('other'));
    t.emit('a.b.c', { count: 1 });
    expect(order).toEqual(['exact', 'star', 'globstar']);
    const capture = captureEvents(t, 'a');
    t.emit('a');
    expect(capture.names).toEqual(['a']);
    expect(order).toEqual(['exact', 'star', 'globstar', 'globstar']);
  });
});
