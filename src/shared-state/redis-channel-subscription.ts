/**
 * One channel heard on a subscriber connection, subscribed again each time the connection is ready. Messages
 * published while it was down are lost, and nothing says which: `onSubscribed` is told each time the
 * subscription is made (at start and after every reconnection), so its owner can make up for them.
 * The connection may be shared by several channels (each hears only its own); it is not closed here. Two
 * subscriptions to one channel on one connection would share it: closing one would unsubscribe both.
 */

import type { RedisConnection } from './create-redis-client.js';

export interface RedisChannelSubscriptionOptions {
  readonly subscriber: RedisConnection;
  readonly channel: string;
  /** Each message's text, as published. */
  readonly onMessage: (text: string) => void;
  /** The subscription was made, again after a reconnection: what was published meanwhile went unheard. */
  readonly onSubscribed: () => void;
}

export class RedisChannelSubscription {
  readonly #subscriber: RedisConnection;
  readonly #channel: string;
  readonly #onSubscribed: () => void;
  readonly #detach: (() => void)[] = [];
  #closed = false;

  constructor(options: RedisChannelSubscriptionOptions) {
    this.#subscriber = options.subscriber;
    this.#channel = options.channel;
    this.#onSubscribed = options.onSubscribed;
    this.#listen('message', (channel: string, text: string) => {
      if (channel === this.#channel && !this.#closed) options.onMessage(text);
    });
    this.#listen('ready', () => this.#subscribe());
    if (this.#subscriber.status === 'ready') this.#subscribe();
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
      if (!this.#closed) this.#onSubscribed();
    }, ignore);
  }
}

function ignore(): void {}
