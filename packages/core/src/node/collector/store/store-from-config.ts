import type { Config } from '../../../config/config.js';
import { IsotelError } from '../../../errors/isotel-error.js';
import type { CollectorStore } from './collector-store.js';
import { memoryStore } from './memory-store.js';
import { type RedisStoreOptions, redisStore } from './redis-store.js';

/**
 * The collector store the configuration names: `collector.store` = `memory` (the default) gives
 * `memoryStore()`, `redis` gives `redisStore` at `collector.redisUrl` (`ISOTEL_COLLECTOR_STORE`,
 * `ISOTEL_COLLECTOR_REDIS_URL`, or a config file). Read once, when the collector is created.
 * Throws `invalid_config` for another store name.
 *
 * @example createCollector({ telemetry: t, store: collectorStoreFromConfig(loadConfig()) })
 */
export function collectorStoreFromConfig(
  config: Pick<Config, 'get'>,
  options: Omit<RedisStoreOptions, 'url'> = {},
): CollectorStore {
  const kind = config.get('collector.store');
  if (kind === 'memory') return memoryStore();
  if (kind === 'redis') return redisStore({ ...options, url: config.get('collector.redisUrl') });
  throw new IsotelError('invalid_config', `collector.store must be "memory" or "redis", got ${JSON.stringify(kind)}.`);
}
