/**
 * Circuits, cooldowns, probe locks and health-check turns shared through Redis (`ProviderStateSync`).
 *
 * publish: write the provider's state key (with a TTL) unless it holds a newer state, then PUBLISH the same
 * envelope, fire and forget. Other instances hear it on a dedicated subscriber connection. Messages can be lost (Redis
 * restarted, a connection dropped), so each instance also catches up: on every (re)connection it SCANs the
 * state keys, and every `resyncIntervalMs` (1 s) it reads the keys of the providers it knows in one MGET.
 * An envelope already applied is not applied again, and a breaker state older than the one in force is
 * dropped. While Redis is away, this instance's latest changes are kept and written again when it returns,
 * unless another instance wrote a newer state meanwhile (a circuit published later, a cooldown ending later).
 *
 * Nothing here throws or waits long: every method catches, every Redis call is bounded by the
 * connections' command timeout and by `operationTimeoutMs`, and the locks say yes when Redis cannot answer.
 */

import { randomUUID } from 'node:crypto';
import { defaultCatalog } from '../catalog.js';
import { type Clock, type TimerHandle, systemClock } from '../clock.js';
import { ListenerSet } from '../resilience/listener-set.js';
import type { ProviderStateSync, SharedProviderUpdate, StoredProviderUpdate } from '../routing/provider-state-sync.js';
import type { RedisConnection } from './create-redis-client.js';
import { defaultOperationTimeoutMs } from './redis-cache-backend.js';
import { scanKeys } from './scan-keys.js';
import { sharedStateKeys, type SharedStateKeys } from './shared-state-keys.js';
import { decodeStateEnvelope, encodeStateEnvelope, type StateEnvelope } from './state-envelope.js';
import { withinBudget } from './within-budget.js';
import { writeUnlessNewerScript } from './write-unless-newer-script.js';

export interface RedisProviderStateSyncOptions {
  /** Runs SET, GET, MGET, SCAN, PUBLISH. Not closed by the sync. */
  readonly client: RedisConnection;
  /** A connection of its own for SUBSCRIBE (a subscribed connection can run nothing else). Not closed by the sync. */
  readonly subscriber: RedisConnection;
  /** Default 'backup-models'. */
  readonly prefix?: string;
  /** Default: a random UUID. */
  readonly instanceId?: string;
  /** Budget of a lock request. Default 50 ms. */
  readonly operationTimeoutMs?: number;
  /** How often the state keys are read again, in case a message was lost. Default 1_000. */
  readonly resyncIntervalMs?: number;
  /** How long a circuit state stays in Redis after its open period. Default 10 minutes. */
  readonly stateTtlMs?: number;
  /** Providers whose keys the periodic resync reads besides those seen. Default: the built-in catalog's. */
  readonly providerIds?: readonly string[];
  readonly clock?: Clock;
}

interface AppliedEnvelope {
  readonly text: string;
  readonly envelope: StateEnvelope;
}

const scanBatchSize = 1_000;

export class RedisProviderStateSync implements ProviderStateSync {
  readonly instanceId: string;
  readonly #client: RedisConnection;
  readonly #subscriber: RedisConnection;
  readonly #keys: SharedStateKeys;
  readonly #clock: Clock;
  readonly #budgetMs: number;
  readonly #resyncIntervalMs: number;
  readonly #stateTtlMs: number;
  readonly #listeners = new ListenerSet<SharedProviderUpdate>();
  readonly #knownProviderIds: Set<string>;
  /** The envelope in force per state key, ours or another instance's. */
  readonly #inForce = new Map<string, AppliedEnvelope>();
  /** Our own latest envelope per state key, until another instance's supersedes it: written again on reconnection. */
  readonly #ownLatest = new Map<string, AppliedEnvelope & { expiresAtMs: number }>();
  /** Per provider, `openedAtMs` of the latest open circuit: it names the probe lock of that open period. */
  readonly #openedAtMs = new Map<string, number>();
  readonly #detach: (() => void)[] = [];
  #resyncTimer: TimerHandle | undefined;
  #resyncRunning = false;
  #needsFullScan = true;
  #closed = false;

  constructor(options: RedisProviderStateSyncOptions) {
    this.#client = options.client;
    this.#subscriber = options.subscriber;
    this.#keys = sharedStateKeys(options.prefix);
    this.#clock = options.clock ?? systemClock;
    this.instanceId = options.instanceId ?? randomUUID();
    this.#budgetMs = options.operationTimeoutMs ?? defaultOperationTimeoutMs;
    this.#resyncIntervalMs = options.resyncIntervalMs ?? 1_000;
    this.#stateTtlMs = options.stateTtlMs ?? 10 * 60_000;
    this.#knownProviderIds = new Set(options.providerIds ?? defaultCatalog.map((definition) => definition.id));

    this.#listen(this.#subscriber, 'message', (channel: string, text: string) => {
      if (channel === this.#keys.stateChannel) this.#receive(text);
    });
    this.#listen(this.#subscriber, 'ready', () => this.#subscribe());
    this.#listen(this.#client, 'ready', () => this.#onCommandsReady());
    if (this.#subscriber.status === 'ready') this.#subscribe();
    if (this.#client.status === 'ready') this.#onCommandsReady();
    this.#scheduleResync();
  }

  publish(update: SharedProviderUpdate): void {
    try {
      if (this.#closed) return;
      const nowMs = this.#clock.now();
      if (update.kind === 'health') {
        // Figures go by message only: they are worth something for a few seconds, never stored.
        const message = encodeStateEnvelope({ instanceId: this.instanceId, publishedAtMs: nowMs, update });
        this.#client.publish(this.#keys.stateChannel, message).catch(ignore);
        return;
      }
      const key = this.#stateKey(update);
      const ttlMs = this.#ttlOf(update, nowMs);
      if (ttlMs <= 0) return;
      const text = encodeStateEnvelope({ instanceId: this.instanceId, publishedAtMs: nowMs, update });
      const envelope = decodeStateEnvelope(text);
      if (envelope === undefined) return;
      this.#knownProviderIds.add(update.providerId);
      this.#noteOpening(update);
      if (update.kind === 'cooldown' && this.#hasLongerCooldown(key, update.cooldown.untilMs)) {
        // Tell the others, but leave the longer cooldown in the key for instances that start later.
        this.#client.publish(this.#keys.stateChannel, text).catch(ignore);
        return;
      }
      this.#inForce.set(key, { text, envelope });
      this.#ownLatest.set(key, { text, envelope, expiresAtMs: nowMs + ttlMs });
      this.#write(key, { text, envelope }, ttlMs);
    } catch {
      // Sharing is best effort: the local state is already in force.
    }
  }

  subscribe(listener: (update: SharedProviderUpdate) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  acquireProbe(providerId: string, ttlMs: number): Promise<boolean> {
    return this.#acquireLock(this.#keys.probeLock(providerId, this.#openedAtMs.get(providerId)), ttlMs);
  }

  acquireHealthCheckTurn(ttlMs: number): Promise<boolean> {
    return this.#acquireLock(this.#keys.healthCheckTurn, ttlMs);
  }

  /** Read every state key now (SCAN then MGET) and apply what changed. Resolves when done; never rejects. */
  async resyncNow(): Promise<void> {
    this.#needsFullScan = true;
    await this.#resync();
  }

  /** Stop listening and stop the periodic resync. The connections stay open (their owner closes them). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#resyncTimer !== undefined) this.#clock.clearTimeout(this.#resyncTimer);
    for (const detach of this.#detach) detach();
    if (this.#subscriber.status === 'ready') this.#subscriber.unsubscribe(this.#keys.stateChannel).catch(ignore);
  }

  #listen(emitter: RedisConnection, event: string, handler: (...args: string[]) => void): void {
    emitter.on(event, handler);
    this.#detach.push(() => emitter.off(event, handler));
  }

  #subscribe(): void {
    if (this.#closed) return;
    this.#subscriber.subscribe(this.#keys.stateChannel).then(
      // Messages published while we were away are lost: read the keys.
      () => void this.resyncNow(),
      ignore,
    );
  }

  #onCommandsReady(): void {
    if (this.#closed) return;
    const nowMs = this.#clock.now();
    for (const [key, own] of this.#ownLatest) {
      const remainingMs = own.expiresAtMs - nowMs;
      if (remainingMs > 0) this.#write(key, own, remainingMs);
      else this.#ownLatest.delete(key);
    }
    void this.resyncNow();
  }

  /**
   * Store a state unless Redis holds a newer one, then tell the others: a circuit state only when it was
   * stored (a stale one would be dropped anyway), a cooldown either way (a longer one stays in the key).
   */
  #write(key: string, applied: AppliedEnvelope, ttlMs: number): void {
    const { text, envelope } = applied;
    const { update } = envelope;
    if (update.kind === 'health') return;
    const order = update.kind === 'breaker' ? envelope.publishedAtMs : update.cooldown.untilMs;
    this.#client
      .eval(writeUnlessNewerScript, 1, key, text, String(Math.max(1, Math.round(ttlMs))), update.kind, String(order))
      .then((written) => {
        if (written === 1 || update.kind === 'cooldown') return this.#client.publish(this.#keys.stateChannel, text);
        return undefined;
      })
      .catch(ignore);
  }

  #acquireLock(key: string, ttlMs: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(true);
    const lockMs = Number.isFinite(ttlMs) && ttlMs >= 1 ? Math.round(ttlMs) : 1;
    try {
      const operation = this.#client.set(key, this.instanceId, 'PX', lockMs, 'NX').then((reply) => reply === 'OK');
      return withinBudget(operation, { budgetMs: this.#budgetMs, clock: this.#clock, fallback: true });
    } catch {
      return Promise.resolve(true);
    }
  }

  /** Apply another instance's envelope, from a message or a key, unless it is ours, known, or stale. */
  #receive(text: string): void {
    if (this.#closed) return;
    const envelope = decodeStateEnvelope(text);
    if (envelope === undefined || envelope.instanceId === this.instanceId) return;
    const { update } = envelope;
    if (update.kind === 'health') {
      this.#listeners.emit(update);
      return;
    }
    const key = this.#stateKey(update);
    const current = this.#inForce.get(key);
    if (current?.text === text) return;
    if (update.kind === 'breaker' && current && envelope.publishedAtMs < current.envelope.publishedAtMs) return;
    if (update.kind === 'cooldown' && update.cooldown.untilMs <= this.#clock.now()) return;
    this.#inForce.set(key, { text, envelope });
    const own = this.#ownLatest.get(key);
    if (own && (update.kind === 'breaker' || !this.#hasLongerCooldown(key, update.cooldown.untilMs, own.text))) {
      this.#ownLatest.delete(key);
    }
    this.#knownProviderIds.add(update.providerId);
    this.#noteOpening(update);
    this.#listeners.emit(update);
  }

  #scheduleResync(): void {
    if (this.#closed) return;
    this.#resyncTimer = this.#clock.setTimeout(() => {
      void this.#resync().finally(() => this.#scheduleResync());
    }, this.#resyncIntervalMs);
  }

  async #resync(): Promise<void> {
    if (this.#resyncRunning || this.#closed || this.#client.status !== 'ready') return;
    this.#resyncRunning = true;
    try {
      const fullScan = this.#needsFullScan;
      const keys = fullScan ? await this.#scanStateKeys() : this.#knownStateKeys();
      if (fullScan) this.#needsFullScan = false;
      if (keys.length === 0) return;
      const texts = await this.#client.mget(keys);
      for (const text of texts) if (text !== null) this.#receive(text);
    } catch {
      // Redis is away or slow: the next resync, or the next reconnection, tries again.
    } finally {
      this.#resyncRunning = false;
    }
  }

  async #scanStateKeys(): Promise<string[]> {
    const found: string[] = [];
    const options = { pattern: this.#keys.statePattern, batchSize: scanBatchSize, stopped: () => this.#closed };
    await scanKeys(this.#client, options, (_node, keys) => {
      for (const key of keys) {
        const parsed = this.#keys.parseStateKey(key);
        if (parsed === undefined) continue;
        this.#knownProviderIds.add(parsed.providerId);
        found.push(key);
      }
    });
    return found;
  }

  #knownStateKeys(): string[] {
    const keys: string[] = [];
    for (const providerId of this.#knownProviderIds) keys.push(this.#keys.breaker(providerId), this.#keys.cooldown(providerId));
    return keys;
  }

  #stateKey(update: StoredProviderUpdate): string {
    return update.kind === 'breaker' ? this.#keys.breaker(update.providerId) : this.#keys.cooldown(update.providerId);
  }

  /** A cooldown ends with its key; a circuit state outlives its open period by `stateTtlMs`. */
  #ttlOf(update: StoredProviderUpdate, nowMs: number): number {
    if (update.kind === 'cooldown') return update.cooldown.untilMs - nowMs;
    const { state } = update;
    const openForMs = state.name === 'open' ? Math.max(0, state.halfOpenAfterMs - nowMs) : 0;
    return openForMs + this.#stateTtlMs;
  }

  #noteOpening(update: SharedProviderUpdate): void {
    if (update.kind === 'breaker' && update.state.name === 'open') {
      this.#openedAtMs.set(update.providerId, update.state.openedAtMs);
    }
  }

  /** Whether the cooldown in force under `key` (or in `text`) ends at or after `untilMs`. */
  #hasLongerCooldown(key: string, untilMs: number, text?: string): boolean {
    const envelope = text !== undefined ? decodeStateEnvelope(text) : this.#inForce.get(key)?.envelope;
    const update = envelope?.update;
    return update?.kind === 'cooldown' && update.cooldown.untilMs >= untilMs && update.cooldown.untilMs > this.#clock.now();
  }
}

function ignore(): void {}
