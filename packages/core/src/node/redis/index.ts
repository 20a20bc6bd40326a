// @isotel/core/redis: the collector's Redis store, for several collectors behind a load balancer.
// Its own subpath, like the other entries with an optional peer: `@isotel/core/node` loads none.
export { type RedisStoreOptions, redisStore } from '../collector/store/redis-store.js';
export { collectorStoreFromConfig } from '../collector/store/store-from-config.js';
