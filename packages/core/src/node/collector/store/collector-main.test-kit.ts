// One collector process for the multi-process tests: a collector sharing the Redis store at
// ISOTEL_REDIS_URL, behind one proxy (trustProxy: 1), on a free loopback port, which it prints
// as `{"port":N}` once it listens. SIGTERM closes it gracefully.
import { createTelemetry } from '../../../bus/telemetry.js';
import { createCollector } from '../collector.js';
import { redisStore } from './redis-store.js';

const telemetry = createTelemetry();
const collector = createCollector({
  telemetry,
  node: process.env.ISOTEL_NODE ?? 'collector',
  adminToken: process.env.ISOTEL_ADMIN_TOKEN ?? 'admin-secret',
  trustProxy: 1,
  store: redisStore({
    url: process.env.ISOTEL_REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: process.env.ISOTEL_PREFIX ?? 'isotel:',
  }),
});
const { port } = await collector.listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => {
  void collector.close().then(() => process.exit(0));
});
