import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { captureEvents } from '../testing/capture-events.js';
import { browserRuntimeSources } from './browser-sources.js';
import { startRuntimePoller } from './runtime-poller.js';

describe('browser runtime poller (real Chromium)', () => {
  it('reports performance.memory and main-thread long tasks, and stops cleanly', async () => {
    const t = createTelemetry();
    const events = captureEvents(t, 'runtime.**');
    const poller = startRuntimePoller(t, { sources: browserRuntimeSources(), intervalMs: 0 });
    poller.poll();
    const memory = events.events.find((e) => e.name === 'runtime.memory');
    expect(memory?.measurements.heapUsed).toBeGreaterThan(0);
    expect(memory?.measurements.heapLimit).toBeGreaterThan(memory?.measurements.heapUsed as number);
    // block the main thread for 120 ms: one long task
    await new Promise((r) => setTimeout(r, 0));
    const until = performance.now() + 120;
    while (performance.now() < until) {
      // busy
    }
    const longTask = await events.waitFor((e) => e.name === 'runtime.longtask', { timeout: 5000 });
    expect(longTask.measurements.duration).toBeGreaterThanOrEqual(100);
    poller.stop();
    events.clear();
    const again = performance.now() + 80;
    while (performance.now() < again) {
      // busy, after stop: nobody reports it
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(events.events).toEqual([]);
    await t.shutdown();
  });
});
