import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { getContextManager } from '../context/context.js';
import { bind, getCorrelationId, withContext } from '../context/with-context.js';
// the browser-safe root entry, as a bundler resolves it: it must not pull in node:*
import '../index.js';
import { captureEvents } from '../testing/index.js';

describe('context in a real browser (synchronous stack)', () => {
  it('uses the synchronous stack manager from the root entry', () => {
    expect(getContextManager().kind).toBe('stack');
  });

  it('nests spans synchronously: inner spans get the outer spanId as parent', () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    withContext({ correlationId: 'tab-1' }, () => {
      t.span('outer', {}, () => {
        t.span('inner', {}, () => t.emit('inner.note', { count: 1 }));
      });
    });
    const outer = capture.events.find((e) => e.name === 'outer.start');
    const inner = capture.events.find((e) => e.name === 'inner.start');
    expect(inner?.metadata.parentSpanId).toBe(outer?.metadata.spanId);
    expect(capture.events.every((e) => e.metadata.correlationId === 'tab-1')).toBe(true);
    expect(getCorrelationId()).toBeUndefined();
  });

  it('carries context into a timer callback through bind()', async () => {
    const seen = await withContext({ correlationId: 'tab-2' }, () => {
      return new Promise<string | undefined>((resolve) => {
        setTimeout(
          bind(() => resolve(getCorrelationId())),
          1,
        );
      });
    });
    expect(seen).toBe('tab-2');
  });

  it('carries a span across await through its handle (run) while the bare continuation loses it', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t);
    let afterAwait: string | undefined = 'unset';
    await withContext({ correlationId: 'tab-3' }, () =>
      t.span('load', {}, async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        // documented limitation: browsers have no async context yet, so the stack is gone here
        afterAwait = getCorrelationId();
        span.run(() => t.span('load.parse', {}, () => {}));
      }),
    );
    expect(afterAwait).toBeUndefined();
    const load = capture.events.find((e) => e.name === 'load.start');
    const parse = capture.events.find((e) => e.name === 'load.parse.start');
    expect(parse?.metadata.parentSpanId).toBe(load?.metadata.spanId);
    expect(parse?.metadata.correlationId).toBe('tab-3');
    expect(capture.events.find((e) => e.name === 'load.stop')?.metadata.spanId).toBe(load?.metadata.spanId);
  });
});
