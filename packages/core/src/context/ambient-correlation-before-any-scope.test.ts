// Until a scope may have been entered, emit skips asking the context manager for the ambient
// correlation id. These tests pin that the shortcut never hides a context: each starts from a
// fresh context slot, as in a page or process where nothing has entered a scope yet.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Core from '../index.node.js';
import type { ContextManager, TelemetryContext } from './context.js';

const SLOT_KEY = Symbol.for('isotel.context');
const ctx = (correlationId: string): TelemetryContext => ({ correlationId, spanId: undefined, baggage: {} });

async function freshCore(): Promise<typeof Core> {
  Reflect.deleteProperty(globalThis, SLOT_KEY);
  vi.resetModules();
  return import('../index.node.js');
}

function seenCorrelationIds(core: typeof Core): { t: Core.Telemetry; seen: unknown[] } {
  const t = core.createTelemetry();
  const seen: unknown[] = [];
  t.attach('record', 'order.placed', (_name, _m, md) => seen.push(md.correlationId));
  return { t, seen };
}

describe('the ambient correlation id before any scope was entered', () => {
  afterEach(() => {
    Reflect.deleteProperty(globalThis, SLOT_KEY);
    vi.resetModules();
  });

  it('is absent outside scopes and present inside the first one', async () => {
    const core = await freshCore();
    const { t, seen } = seenCorrelationIds(core);
    t.emit('order.placed', { count: 1 });
    core.withContext({ correlationId: 'req-1' }, () => t.emit('order.placed', { count: 1 }));
    t.emit('order.placed', { count: 1 });
    expect(seen).toEqual([undefined, 'req-1', undefined]);
  });

  it('comes from a manager installed with setContextManager, whose contexts isotel never entered', async () => {
    const core = await freshCore();
    const { t, seen } = seenCorrelationIds(core);
    t.emit('order.placed', { count: 1 });
    const outside: ContextManager = {
      kind: 'outside',
      active: () => ctx('from-outside'),
      with: (_context, fn, arg) => fn(arg),
    };
    core.setContextManager(outside);
    t.emit('order.placed', { count: 1 });
    expect(seen).toEqual([undefined, 'from-outside']);
  });

  it('comes from a scope entered directly through getContextManager().with', async () => {
    const core = await freshCore();
    const { t, seen } = seenCorrelationIds(core);
    t.emit('order.placed', { count: 1 });
    core.getContextManager().with(ctx('direct'), () => t.emit('order.placed', { count: 1 }), undefined);
    expect(seen).toEqual([undefined, 'direct']);
  });

  it('follows a span started before any other scope', async () => {
    const core = await freshCore();
    const t = core.createTelemetry();
    const seen: unknown[] = [];
    t.attachMany('record', ['job.start', 'job.step'], (_name, _m, md) => seen.push(md.correlationId));
    core.withContext({ correlationId: 'job-7' }, () =>
      t.span('job', {}, () => {
        t.emit('job.step', { count: 1 });
      }),
    );
    expect(seen).toEqual(['job-7', 'job-7']);
  });

  it('is taken from a span whose metadata carries one, when no scope had one before', async () => {
    const core = await freshCore();
    const t = core.createTelemetry();
    const seen: unknown[] = [];
    t.attach('record', 'job.step', (_name, _m, md) => seen.push(md.correlationId));
    t.attachMany('recording', ['warm-up.start', 'job.start'], () => undefined);
    t.span('warm-up', {}, () => t.emit('job.step', { count: 1 }));
    t.span('job', { correlationId: 'm-1' }, () => t.emit('job.step', { count: 1 }));
    t.emit('job.step', { count: 1 });
    expect(seen).toEqual([undefined, 'm-1', undefined]);
  });

  it('is not asked for by emit after spans that carried none, and is once a scope had one', async () => {
    const core = await freshCore();
    const t = core.createTelemetry();
    t.attach('record', 'order.placed', () => undefined);
    t.attach('on-start', 'job.start', () => undefined);
    for (let i = 0; i < 3; i++) t.span('job', { route: '/checkout' }, () => undefined);
    const slot = (globalThis as Record<symbol, { manager: ContextManager }>)[SLOT_KEY];
    const active = vi.spyOn(slot?.manager as ContextManager, 'active');
    t.emit('order.placed', { count: 1 });
    t.emit('order.placed', { count: 1 });
    expect(active).not.toHaveBeenCalled();
    core.withContext({ correlationId: 'req-9' }, () => undefined);
    active.mockClear();
    t.emit('order.placed', { count: 1 });
    expect(active).toHaveBeenCalledTimes(1);
  });
});
