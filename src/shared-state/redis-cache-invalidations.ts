/**
 * Hears, on a subscriber connection, the cache entries other instances removed (see `cache-invalidation.ts`).
 * Messages published while the connection was down are lost, and nothing says which: each time the subscription
 * is made (at start and after every reconnection) listeners hear that every entry may be stale.
 * The connection may be shared (RedisProviderStateSync subscribes on it too); it is not closed here.
 */

import { ListenerSet } from '../resilience/listener-set.js';
import { decodeCacheInvalidation, type CacheInvalidation } from './cache-invalidation.js';
import type { RedisConnection } from './create-redis-client.js';

export class RedisCacheInvalidations {
  readonly #subscriber: RedisConnection;
  readonly #channel: string;
  readonly #instanceId: string;
  readonly #listeners = new ListenerSet<CacheInvalidation>();
  readonly #detach: (() => void)[] = [];
  #closed = false;

  constructor(options: { readonly subscriber: RedisConnection; readonly channel: string; readonly instanceId: string }) {
    this.#subscriber = options.subscriber;
    this.#channel = options.channel;
    this.#instanceId = options.instanceId;
    this.#listen('message', (channel: string, text: string) => {
      if (channel === this.#channel) this.#receive(text);
    });
    this.#listen('ready', () => this.#subscribe());
    if (this.#subscriber.status === 'ready') this.#subscribe();
  }

  subscribe(listener: (invalidation: CacheInvalidation) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  /** Stop listening and unsubscribe. The connection stays open (its owner closes it). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const detach of this.#detach) detach();
    if (this.#subscriber.status === 'ready') this.#subscriber.unsubscribe(this.#channel).catch(ignore);
  }

  #listen(event: string, handler: (...args: string[]) => void): void {
    this.#subscriber.on(event, handler);
    this.#detach.push(() => this.#subscriber.off(event, handler));
  }

  #subscribe(): void {
    if (this.#closed) return;
    this.#subscriber.subscribe(this.#channel).then(() => {
      // Whatever was removed while we were not subscribed went unheard.
      if (!this.#closed) this.#listeners.emit({ all: true });
    }, ignore);
  }

  #receive(text: string): void {
    if (this.#closed) return;
    const message = decodeCacheInvalidation(text);
    // Our own removals are already done here.
    if (message === undefined || message.from === this.#instanceId) return;
    this.#listeners.emit(message.invalidation);
  }
}

function ignore(): void {}
