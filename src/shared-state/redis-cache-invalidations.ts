/**
 * Hears, on a subscriber connection, the cache entries other instances removed (see `cache-invalidation.ts`).
 * Messages published while the connection was down are lost, and nothing says which: each time the subscription
 * is made (at start and after every reconnection) listeners hear that every entry may be stale.
 * The connection may be shared (RedisProviderStateSync subscribes on it too); it is not closed here.
 */

import { ListenerSet } from '../resilience/listener-set.js';
import { decodeCacheInvalidation, type CacheInvalidation } from './cache-invalidation.js';
import type { RedisConnection } from './create-redis-client.js';
import { RedisChannelSubscription } from './redis-channel-subscription.js';

export class RedisCacheInvalidations {
  readonly #instanceId: string;
  readonly #listeners = new ListenerSet<CacheInvalidation>();
  readonly #subscription: RedisChannelSubscription;

  constructor(options: { readonly subscriber: RedisConnection; readonly channel: string; readonly instanceId: string }) {
    this.#instanceId = options.instanceId;
    this.#subscription = new RedisChannelSubscription({
      subscriber: options.subscriber,
      channel: options.channel,
      onMessage: (text) => this.#receive(text),
      // Whatever was removed while we were not subscribed went unheard.
      onSubscribed: () => this.#listeners.emit({ all: true }),
    });
  }

  subscribe(listener: (invalidation: CacheInvalidation) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  /** Stop listening and unsubscribe. The connection stays open (its owner closes it). */
  close(): void {
    this.#subscription.close();
  }

  #receive(text: string): void {
    const message = decodeCacheInvalidation(text);
    // Our own removals are already done here.
    if (message === undefined || message.from === this.#instanceId) return;
    this.#listeners.emit(message.invalidation);
  }
}
