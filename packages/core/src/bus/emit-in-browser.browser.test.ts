import { describe, expect, it } from 'vitest';
import { captureEvents } from '../testing/index.js';
import { createTelemetry } from './telemetry.js';

describe('the bus in a real browser', () => {
  it('emits and captures events in Chromium', async () => {
    const t = createTelemetry();
    const capture = captureEvents(t, 'page.**');
    setTimeout(() => t.emit('page.ready', { value: 1 }, { agent: navigator.userAgent }), 5);
    const event = await capture.waitFor((e) => e.name === 'page.ready');
    expect(String(event.metadata.agent)).toContain('Chrome');
  });
});
