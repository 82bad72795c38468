/** Shared state on Redis: the response cache and provider state of many instances, as one. */
export { createRedisSharedState, type RedisSharedState, type RedisSharedStateOptions } from './create-redis-shared-state.js';
export { RedisCacheBackend, type CacheEntryWithTtl, type RedisCacheBackendOptions } from './redis-cache-backend.js';
export { RedisQuotaStore, type RedisQuotaStoreOptions } from './redis-quota-store.js';
export { RedisResponseStore, type RedisResponseStoreOptions } from './redis-response-store.js';
export { RedisFailedKeyAttempts, type RedisFailedKeyAttemptsOptions } from './redis-failed-key-attempts.js';
export { RedisSessionRevocations, type RedisSessionRevocationsOptions } from './redis-session-revocations.js';
export { TieredCacheBackend, type RemainingTtlReader } from './tiered-cache-backend.js';
export type { CacheInvalidation, CacheInvalidationSource } from './cache-invalidation.js';
export { RedisProviderStateSync, type RedisProviderStateSyncOptions } from './redis-provider-state-sync.js';
export {
  createRedisClient,
  type CreateRedisClientOptions,
  type RedisConnectionEvent,
  type RedisConnectionRole,
} from './create-redis-client.js';
export { sharedStateKeys, type SharedStateKeys } from './shared-state-keys.js';
