/**
 * What one instance holds of the provider state shared on Redis, and the rules for what replaces what; no I/O
 * (`RedisProviderStateSync` does that). Per state key: the state in force, ours or another instance's, and our
 * own latest, written again after an outage until another instance's supersedes it.
 *
 * A circuit state replaces the one in force when it was published later, a cooldown when it ends later; both on
 * Redis's clock (see `redis-clock.ts`), never a publisher's. Another instance's state is applied once, with its
 * times on this instance's clock.
 */

import type { Clock } from '../clock.js';
import type { SharedProviderUpdate, StoredProviderUpdate } from '../routing/provider-state-sync.js';
import { orderOnRedisClock, updateOnLocalClock } from './redis-clock.js';
import { decodeStateEnvelope, type EnvelopeUpdate, isStamped } from './state-envelope.js';
import type { WriteUnlessNewerResult } from './write-unless-newer-script.js';

/** A state this instance published, as it wrote it (its times on our clock). */
export interface OwnState {
  readonly text: string;
  readonly update: StoredProviderUpdate;
  readonly publishedAtMs: number;
  readonly expiresAtMs: number;
}

/** The state in force under a key. */
interface AppliedState {
  /** As stored and published (ours: as we wrote it, before the script stamped it). */
  readonly text: string;
  /** On this instance's clock. */
  readonly update: StoredProviderUpdate;
  /**
   * When it was published, on Redis's clock. For our own state before Redis answered its write, an estimate
   * through `#redisAheadMs`: only to weigh what we hear meanwhile; the script decides what the key keeps.
   */
  readonly orderMs: number;
}

export class SharedStateLedger {
  readonly #instanceId: string;
  readonly #clock: Clock;
  readonly #inForce = new Map<string, AppliedState>();
  readonly #ownLatest = new Map<string, OwnState>();
  /**
   * Per provider, `openedAtMs` of the latest open circuit as its publisher wrote it (on the publisher's clock, so
   * the same number at every instance): it names the probe lock of that open period.
   */
  readonly #openedAtMs = new Map<string, number>();
  /** Redis's clock minus ours, as last measured (a read's TIME, a write's stamp); 0 before any. */
  #redisAheadMs = 0;

  constructor(options: { readonly instanceId: string; readonly clock: Clock }) {
    this.#instanceId = options.instanceId;
    this.#clock = options.clock;
  }

  /** `openedAtMs` of the provider's latest open period, as published: the name of its probe lock. */
  openedAtOf(providerId: string): number | undefined {
    return this.#openedAtMs.get(providerId);
  }

  /** Redis's clock, as a read of the keys just gave it. */
  noteRedisTime(redisNowMs: number): void {
    this.#redisAheadMs = redisNowMs - this.#clock.now();
  }

  /**
   * Our own new state, in force from now; except a cooldown shorter than the one in force, which the sync still
   * writes, to tell the others (the script leaves the longer one in the key).
   */
  recordOwn(own: OwnState): void {
    const { update } = own;
    const key = keyOf(update);
    this.#noteOpening(update);
    if (update.kind === 'cooldown' && this.#hasLongerCooldown(key, update.cooldown.untilMs)) return;
    const order = update.kind === 'breaker' ? own.publishedAtMs : update.cooldown.untilMs;
    this.#inForce.set(key, { text: own.text, update, orderMs: order + this.#redisAheadMs });
    this.#ownLatest.set(key, own);
  }

  /** Our states to write again after an outage, each with what remains of its TTL; expired ones are forgotten. */
  ownToWriteAgain(): { own: OwnState; ttlMs: number }[] {
    const nowMs = this.#clock.now();
    const again: { own: OwnState; ttlMs: number }[] = [];
    for (const [key, own] of this.#ownLatest) {
      const ttlMs = own.expiresAtMs - nowMs;
      if (ttlMs > 0) again.push({ own, ttlMs });
      else this.#ownLatest.delete(key);
    }
    return again;
  }

  /**
   * Redis's answer to our write of `own`. A circuit state refused gives way to the newer one the script read:
   * returned, on our clock, to apply now. Undefined otherwise.
   */
  written(own: OwnState, result: WriteUnlessNewerResult): StoredProviderUpdate | undefined {
    const stamped = decodeStateEnvelope(result.stamped);
    if (stamped === undefined || !isStamped(stamped)) return undefined;
    this.#redisAheadMs = stamped.redisClock.offsetMs;
    const key = keyOf(own.update);
    const current = this.#inForce.get(key);
    if (result.written) {
      if (current?.text === own.text) this.#inForce.set(key, { ...current, orderMs: orderOnRedisClock(stamped) });
      return undefined;
    }
    if (own.update.kind !== 'breaker') return undefined;
    const stored = decodeStateEnvelope(result.stored);
    // Ours, written before an outage and a little later by the script's reckoning: still in force.
    if (stored === undefined || stored.instanceId === this.#instanceId) return undefined;
    if (current?.text === own.text) this.#inForce.delete(key);
    if (this.#ownLatest.get(key)?.text === own.text) this.#ownLatest.delete(key);
    const update = this.accept(result.stored, result.redisNowMs);
    return update?.kind === 'health' ? undefined : update;
  }

  /**
   * Another instance's envelope, from a message or a key: the update to apply, its times on our clock; undefined
   * when it is ours, already applied, stale or malformed. `redisNowMs`: Redis's clock when the key was read;
   * undefined for a message, heard as it is written.
   */
  accept(text: string, redisNowMs: number | undefined): EnvelopeUpdate | undefined {
    const envelope = decodeStateEnvelope(text);
    if (envelope === undefined || envelope.instanceId === this.#instanceId) return undefined;
    if (envelope.update.kind === 'health') return envelope.update;
    if (!isStamped(envelope)) return undefined;
    const key = keyOf(envelope.update);
    const current = this.#inForce.get(key);
    if (current?.text === text) return undefined;
    const orderMs = orderOnRedisClock(envelope);
    if (envelope.update.kind === 'breaker' && current && orderMs < current.orderMs) return undefined;
    const nowMs = this.#clock.now();
    const update = updateOnLocalClock(envelope, { redisNowMs: redisNowMs ?? envelope.redisClock.writtenAtMs, localNowMs: nowMs });
    if (update.kind === 'cooldown' && update.cooldown.untilMs <= nowMs) return undefined;
    this.#inForce.set(key, { text, update, orderMs });
    const own = this.#ownLatest.get(key);
    if (own && (update.kind === 'breaker' || !this.#hasLongerCooldown(key, update.cooldown.untilMs, own.update))) {
      this.#ownLatest.delete(key);
    }
    // The publisher's own number: the probe lock's name is the same at every instance.
    this.#noteOpening(envelope.update);
    return update;
  }

  #noteOpening(update: StoredProviderUpdate): void {
    if (update.kind === 'breaker' && update.state.name === 'open') this.#openedAtMs.set(update.providerId, update.state.openedAtMs);
  }

  /** Whether the cooldown in force under `key` (or `update`) ends at or after `untilMs`, on this instance's clock. */
  #hasLongerCooldown(key: string, untilMs: number, update = this.#inForce.get(key)?.update): boolean {
    return update?.kind === 'cooldown' && update.cooldown.untilMs >= untilMs && update.cooldown.untilMs > this.#clock.now();
  }
}

/** The ledger's own name for a state: what it is about. The sync maps it to the Redis key. */
function keyOf(update: StoredProviderUpdate): string {
  return `${update.kind}:${update.providerId}`;
}
