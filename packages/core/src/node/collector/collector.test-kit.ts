// What the collector's tests share: a collector on a free port of 127.0.0.1, on its own bus,
// closed after each test; and a wait for a condition the server reaches asynchronously.
import { afterEach } from 'vitest';
import { createTelemetry } from '../../bus/telemetry.js';
import { type Collector, createCollector } from './collector.js';
import type { CollectorOptions } from './options.js';

const running: Collector[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.close()));
});

/** A listening collector with `options` (on a new bus unless one is given); closed after the test. */
export async function startCollector(options: CollectorOptions = {}) {
  const telemetry = options.telemetry ?? createTelemetry();
  const collector = createCollector({ ...options, telemetry });
  running.push(collector);
  const { url, port } = await collector.listen(0, '127.0.0.1');
  return { telemetry, collector, url, port };
}

/** Resolves once `condition()` holds, checking every 10 ms; throws after 5 s. */
export async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5000) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
