import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../bus/telemetry.js';
import { createAggregator } from './aggregator.js';
import { consoleReporter } from './console-reporter.js';
import { counter, distribution } from './definitions.js';

describe('metrics in a real browser', () => {
  it('aggregates counters and sketched quantiles in Chromium and reports through a writer', async () => {
    const t = createTelemetry();
    const agg = createAggregator(t, [
      counter('ui.click.count', { event: 'ui.click', tags: ['target'] }),
      distribution('page.render.duration', { reporterOptions: {} }),
    ]);
    for (let i = 1; i <= 1000; i++) {
      t.emit('ui.click', {}, { target: i % 2 ? 'buy' : 'cart' });
      t.emit('page.render', { duration: i });
    }
    const [clicks, render] = agg.snapshot();
    expect(clicks?.series.map((s) => [s.tags.target, s.count])).toEqual([
      ['buy', 500],
      ['cart', 500],
    ]);
    const p99 = render?.series[0]?.quantiles?.['0.99'] as number;
    expect(Math.abs(p99 - 990)).toBeLessThanOrEqual(990 * agg.relativeAccuracy);
    const lines: string[] = [];
    consoleReporter(t, [counter('ui.click.count', { event: 'ui.click' })], {
      intervalMs: 0,
      write: (l) => lines.push(l),
    });
    t.emit('ui.click', {}, {});
    await t.shutdown();
    expect(lines).toEqual(['ui.click.count counter count=1']);
  });
});
