import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { startRuntimePoller } from '../../runtime/runtime-poller.js';
import { captureEvents } from '../../testing/capture-events.js';
import { nodeRuntimeSources, startNodeRuntimePoller } from './node-sources.js';

const t = createTelemetry();
afterEach(() => t.shutdown());

describe('Node runtime poller', () => {
  it('emits memory and event-loop measurements on poll', async () => {
    const events = captureEvents(t, 'runtime.**');
    const poller = startRuntimePoller(t, { sources: nodeRuntimeSources(), intervalMs: 0 });
    // let the loop run a little so the delay histogram has samples
    await new Promise((r) => setTimeout(r, 60));
    poller.poll();
    const memory = events.events.find((e) => e.name === 'runtime.memory');
    expect(memory?.measurements.heapUsed).toBeGreaterThan(0);
    expect(memory?.measurements.rss).toBeGreaterThanOrEqual(memory?.measurements.heapUsed as number);
    const loop = events.events.find((e) => e.name === 'runtime.event_loop');
    expect(Object.keys(loop?.measurements ?? {})).toEqual(['delayP50', 'delayP99', 'delayMax', 'utilization']);
    expect(loop?.measurements.delayP99).toBeGreaterThanOrEqual(loop?.measurements.delayP50 as number);
    expect(loop?.measurements.utilization).toBeGreaterThanOrEqual(0);
    expect(loop?.measurements.utilization).toBeLessThanOrEqual(1);
    poller.stop();
  });

  it('reports garbage collections with their kind', async () => {
    const events = captureEvents(t, 'runtime.gc');
    startRuntimePoller(t, { sources: nodeRuntimeSources(), intervalMs: 0 });
    let keep: unknown[] = [];
    const gc = events.waitFor(() => true, { timeout: 5000 });
    // allocate until the young generation is collected at least once
    const churn = setInterval(() => {
      keep = Array.from({ length: 50_000 }, (_, i) => ({ i }));
    }, 1);
    try {
      const event = await gc;
      expect(event.measurements.duration).toBeGreaterThanOrEqual(0);
      expect(['minor', 'major', 'incremental', 'weakcb']).toContain(event.metadata.kind);
    } finally {
      clearInterval(churn);
      keep = [];
    }
    expect(keep).toEqual([]);
  });

  it('polls on its interval and leaves no timer behind once stopped, also through shutdown', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const events = captureEvents(t, 'runtime.memory');
      const poller = startNodeRuntimePoller(t, { intervalMs: 20 });
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(40);
      expect(events.events).toHaveLength(2);
      poller.stop();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(40);
      expect(events.events).toHaveLength(2);
      startNodeRuntimePoller(t, { intervalMs: 20 });
      expect(vi.getTimerCount()).toBe(1);
      await t.shutdown();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
