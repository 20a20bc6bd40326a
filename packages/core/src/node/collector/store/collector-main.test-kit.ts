// One collector process for the multi-process tests: a collector sharing the Redis store at
// ISOTEL_REDIS_URL, behind one proxy (trustProxy: 1), on 127.0.0.1 (ISOTEL_PORT, else a free
// port), which it prints as `{"port":N}` once it listens. SIGTERM closes it gracefully.
//
// ISOTEL_SINK: a file where every event the collector re-emits is appended (`eventId\n`, written
// synchronously, so it survives a SIGKILL): what this process delivered downstream.
// ISOTEL_KILL_ON (`key=value`) + ISOTEL_KILL_MARKER: the first process to re-emit an event whose
// metadata has that value (e.g. `clientId=doomed`) creates the marker and kills itself with
// SIGKILL before delivering it, between claiming the batch's ids and confirming them; the marker
// makes that happen once across all processes.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createTelemetry } from '../../../bus/telemetry.js';
import { createCollector } from '../collector.js';
import { redisStore } from './redis-store.js';

const env = process.env;
const telemetry = createTelemetry();
const { ISOTEL_KILL_ON: killOn, ISOTEL_KILL_MARKER: killMarker, ISOTEL_SINK: sink } = env;
if (killOn !== undefined && killMarker !== undefined) {
  const [key = '', value] = killOn.split('=');
  telemetry.attach('kill-mid-batch', '**', (_name, _m, metadata) => {
    if (metadata.remote !== true || metadata[key] !== value) return;
    try {
      writeFileSync(killMarker, String(process.pid), { flag: 'wx' });
    } catch {
      return; // another process was killed already
    }
    process.kill(process.pid, 'SIGKILL');
  });
}
if (sink !== undefined) {
  telemetry.attach('sink', '**', (_name, _m, metadata) => {
    if (metadata.remote === true) appendFileSync(sink, `${String(metadata.eventId)}\n`);
  });
}
const collector = createCollector({
  telemetry,
  node: env.ISOTEL_NODE ?? 'collector',
  adminToken: env.ISOTEL_ADMIN_TOKEN ?? 'admin-secret',
  trustProxy: 1,
  ...(env.ISOTEL_INGEST_TOKEN === undefined ? {} : { ingestToken: env.ISOTEL_INGEST_TOKEN }),
  ...(env.ISOTEL_CORS_ORIGIN === undefined ? {} : { corsOrigins: [env.ISOTEL_CORS_ORIGIN] }),
  ...(env.ISOTEL_RATE_LIMIT === 'off' ? { rateLimit: false as const } : {}),
  store: redisStore({
    url: env.ISOTEL_REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: env.ISOTEL_PREFIX ?? 'isotel:',
    ...(env.ISOTEL_PENDING_MS === undefined ? {} : { pendingMs: Number(env.ISOTEL_PENDING_MS) }),
  }),
});
const { port } = await collector.listen(Number(env.ISOTEL_PORT ?? 0), '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => {
  void collector.close().then(() => process.exit(0));
});
