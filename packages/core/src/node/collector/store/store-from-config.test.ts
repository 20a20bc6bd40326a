import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../../bus/telemetry.js';
import { loadConfig } from '../../../config/config.js';
import { createCollector } from '../collector.js';
import { hasRedis, RedisServer } from './redis-server.test-kit.js';
import { redisStore } from './redis-store.js';
import { collectorStoreFromConfig } from './store-from-config.js';

describe('collectorStoreFromConfig', () => {
  it('gives the in-memory store by default', async () => {
    const collector = createCollector({
      telemetry: createTelemetry(),
      store: collectorStoreFromConfig(loadConfig({ env: {} })),
    });
    expect(collector.stats().store).toMatchObject({ kind: 'memory', status: 'up' });
    await collector.close();
  });

  it('refuses a store it does not know, naming the key', () => {
    const config = loadConfig({ env: { ISOTEL_COLLECTOR_STORE: 'etcd' } });
    expect(() => collectorStoreFromConfig(config)).toThrow(
      expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining('collector.store') }),
    );
  });

  it('refuses a Redis URL that is not a URL, as every key is checked', () => {
    expect(() => loadConfig({ env: { ISOTEL_COLLECTOR_REDIS_URL: 'not a url' } })).toThrow(/collector\.redisUrl/);
  });

  it.skipIf(!hasRedis)(
    'gives the Redis store at collector.redisUrl from the environment',
    async () => {
      const redis = await RedisServer.start();
      try {
        const config = loadConfig({ env: { ISOTEL_COLLECTOR_STORE: 'redis', ISOTEL_COLLECTOR_REDIS_URL: redis.url } });
        const collector = createCollector({ telemetry: createTelemetry(), store: collectorStoreFromConfig(config) });
        for (let waited = 0; collector.stats().store.status !== 'up' && waited < 5000; waited += 20)
          await new Promise((r) => setTimeout(r, 20));
        expect(collector.stats().store).toMatchObject({ kind: 'redis', status: 'up' });
        await collector.close();
      } finally {
        await redis.dispose();
      }
    },
    20_000,
  );
});

describe('redisStore options', () => {
  it('refuses an empty url and a timeout or pending time that is not a positive number', () => {
    const code = { code: 'invalid_argument' };
    expect(() => redisStore({ url: '' })).toThrow(expect.objectContaining(code));
    expect(() => redisStore({ timeoutMs: 0 })).toThrow(expect.objectContaining(code));
    expect(() => redisStore({ pendingMs: -1 })).toThrow(expect.objectContaining(code));
    expect(() => redisStore({ pendingMs: Number.NaN })).toThrow(/pendingMs/);
  });
});
