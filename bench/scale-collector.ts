// One collector process of the scale-out suite (bench/suites/collector-scale.ts): the Redis
// store at REDIS_URL, no rate limits, behind one proxy; prints `{"port":N}` once it listens and
// reached Redis. SIGTERM closes it.
import { createTelemetry, setLogger } from '@isotel/core';
import { createCollector } from '@isotel/core/node';
import { redisStore } from '@isotel/core/redis';

setLogger(null);
const telemetry = createTelemetry();
telemetry.attach('sink', 'checkout.**', () => undefined);
const collector = createCollector({
  telemetry,
  node: process.env.NODE_NAME ?? 'bench',
  rateLimit: false,
  adminToken: 'bench-admin',
  trustProxy: 1,
  store: redisStore({
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: process.env.PREFIX ?? 'isotel:',
  }),
});
const { port } = await collector.listen(0, '127.0.0.1');
while (collector.stats().store.status !== 'up') await new Promise((r) => setTimeout(r, 20));
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => {
  void collector.close().then(() => process.exit(0));
});
