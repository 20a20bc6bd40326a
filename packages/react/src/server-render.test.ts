import { createTelemetry } from '@isotel/core';
import { captureEvents } from '@isotel/core/testing';
import { createElement as h, type MouseEvent } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CorrelationScope,
  TelemetryErrorBoundary,
  TelemetryProfiler,
  TelemetryProvider,
  useCorrelationId,
  useCorrelationScope,
  useEmit,
  useMountSpan,
  useTelemetry,
  useTelemetryEvents,
  useTelemetryHandler,
  useTelemetrySpan,
} from './index.js';

afterEach(() => vi.restoreAllMocks());

function Everything() {
  const t = useTelemetry();
  const emit = useEmit();
  const span = useTelemetrySpan('ssr.work', { route: '/' });
  const visit = useMountSpan('ssr.page');
  useTelemetryHandler('ssr.**', () => {});
  const { events } = useTelemetryEvents('ssr.**', { limit: 5 });
  const correlationId = useCorrelationId();
  const { bind } = useCorrelationScope();
  const onClick = bind((_event: MouseEvent<HTMLButtonElement>) => emit('ssr.click', { count: 1 }));
  return h(
    'main',
    null,
    h('p', null, `events ${events.length}`),
    h('p', null, `span ${span.active ? 'active' : 'idle'} visit ${visit.active ? 'open' : 'closed'}`),
    h('p', null, `correlation ${correlationId}`),
    h('button', { type: 'button', onClick }, `handlers ${t.listHandlers().length}`),
  );
}

describe('server rendering', () => {
  it('renders every hook and component to a string with no window, emitting and attaching nothing', () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const errors = vi.spyOn(console, 'error');
    const t = createTelemetry();
    const capture = captureEvents(t, '**');
    const html = renderToString(
      h(
        TelemetryProvider,
        { telemetry: t },
        h(
          TelemetryErrorBoundary,
          { fallback: h('p', null, 'failed') },
          h(CorrelationScope, { id: 'req-1' }, h(TelemetryProfiler, { id: 'page' }, h(Everything))),
        ),
      ),
    );
    expect(html).toContain('events 0');
    expect(html).toContain('span idle visit closed');
    expect(html).toContain('correlation req-1');
    // only the test's own capture handler: nothing attached during the server render
    expect(html).toContain('handlers 1');
    expect(capture.events).toEqual([]);
    expect(t.listHandlers()).toHaveLength(1);
    expect(t.stats().openSpans).toBe(0);
    expect(errors).not.toHaveBeenCalled();
  });

  it('lets a render error reach the caller on the server, emitting nothing', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const t = createTelemetry();
    const capture = captureEvents(t, '**');
    function Broken(): never {
      throw new Error('server boom');
    }
    // React's server renderer has no error boundaries: the error reaches the caller.
    expect(() =>
      renderToString(
        h(TelemetryProvider, { telemetry: t }, h(TelemetryErrorBoundary, { fallback: 'failed' }, h(Broken))),
      ),
    ).toThrow('server boom');
    expect(capture.events).toEqual([]);
    errors.mockRestore();
  });
});
