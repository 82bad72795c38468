/**
 * Circuits, cooldowns, probe locks and health-check turns shared through Redis (`ProviderStateSync`); models
 * reported missing too, on keys and a channel of their own (`redis-missing-models.ts`).
 *
 * publish: write the provider's state key (with a TTL) unless it holds a newer state, then PUBLISH the same
 * envelope as stored, fire and forget. Other instances hear it on a dedicated subscriber connection. Messages can
 * be lost (Redis restarted, a connection dropped), so each instance also catches up: on every (re)connection it
 * SCANs the state keys, and every `resyncIntervalMs` (1 s) it reads the keys of the providers it knows in one MGET.
 * An envelope already applied is not applied again, and a breaker state older than the one in force is
 * dropped. While Redis is away, this instance's latest changes are kept and written again when it returns,
 * unless another instance wrote a newer state meanwhile (a circuit published later, a cooldown ending later).
 * "Newer", "later" and every time another instance reads are on Redis's clock, never a publisher's (see
 * `redis-clock.ts`): a state's times reach the listeners on this instance's own clock.
 *
 * Nothing here throws or waits long: every method catches, every Redis call is bounded by the
 * connections' command timeout and by `operationTimeoutMs`, and the locks say yes when Redis cannot answer.
 */

import { randomUUID } from 'node:crypto';
import { defaultCatalog } from '../catalog.js';
import { type Clock, type TimerHandle, systemClock } from '../clock.js';
import { ListenerSet } from '../resilience/listener-set.js';
import { maxMissingModelsPerProvider } from '../routing/missing-models.js';
import type { ProviderStateSync, SharedProviderUpdate, StoredProviderUpdate } from '../routing/provider-state-sync.js';
import type { RedisConnection } from './create-redis-client.js';
import { defaultOperationTimeoutMs } from './redis-cache-backend.js';
import { RedisChannelSubscription } from './redis-channel-subscription.js';
import { readWithRedisTime } from './redis-clock.js';
import { RedisMissingModels } from './redis-missing-models.js';
import { scanKeys } from './scan-keys.js';
import { SharedStateLedger, type OwnState } from './shared-state-ledger.js';
import { sharedStateKeys, type SharedStateKeys } from './shared-state-keys.js';
import { encodeStateEnvelope, isSharedProviderUpdate } from './state-envelope.js';
import { withinBudget } from './within-budget.js';
import { writeUnlessNewer } from './write-unless-newer-script.js';

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

const scanBatchSize = 1_000;

export class RedisProviderStateSync implements ProviderStateSync {
  readonly instanceId: string;
  readonly #client: RedisConnection;
  readonly #subscription: RedisChannelSubscription;
  readonly #keys: SharedStateKeys;
  readonly #clock: Clock;
  readonly #budgetMs: number;
  readonly #resyncIntervalMs: number;
  readonly #stateTtlMs: number;
  readonly #listeners = new ListenerSet<SharedProviderUpdate>();
  readonly #knownProviderIds: Set<string>;
  /** What is in force per state key, and our own latest states. */
  readonly #ledger: SharedStateLedger;
  readonly #missingModels: RedisMissingModels;
  readonly #onClientReady = (): void => this.#onCommandsReady();
  #resyncTimer: TimerHandle | undefined;
  #resyncRunning = false;
  #needsFullScan = true;
  #closed = false;

  constructor(options: RedisProviderStateSyncOptions) {
    this.#client = options.client;
    this.#keys = sharedStateKeys(options.prefix);
    this.#clock = options.clock ?? systemClock;
    this.instanceId = options.instanceId ?? randomUUID();
    this.#budgetMs = options.operationTimeoutMs ?? defaultOperationTimeoutMs;
    this.#resyncIntervalMs = options.resyncIntervalMs ?? 1_000;
    this.#stateTtlMs = options.stateTtlMs ?? 10 * 60_000;
    this.#knownProviderIds = new Set(options.providerIds ?? defaultCatalog.map((definition) => definition.id));
    this.#ledger = new SharedStateLedger({ instanceId: this.instanceId, clock: this.#clock });

    this.#subscription = new RedisChannelSubscription({
      subscriber: options.subscriber,
      channel: this.#keys.stateChannel,
      // A message is heard as it is written: Redis's clock then is the stamp's.
      onMessage: (text) => this.#receive(text, undefined),
      // Messages published while we were away are lost: read the keys.
      onSubscribed: () => void this.resyncNow(),
    });
    this.#missingModels = new RedisMissingModels({
      client: this.#client,
      subscriber: options.subscriber,
      keys: this.#keys,
      instanceId: this.instanceId,
      clock: this.#clock,
      maxModelsPerProvider: maxMissingModelsPerProvider,
      onUpdate: (update) => this.#listeners.emit(update),
    });
    this.#client.on('ready', this.#onClientReady);
    if (this.#client.status === 'ready') this.#onCommandsReady();
    this.#scheduleResync();
  }

  publish(update: SharedProviderUpdate): void {
    try {
      if (this.#closed) return;
      if (update.kind === 'model-missing' || update.kind === 'model-found') {
        this.#missingModels.publish(update);
        return;
      }
      const nowMs = this.#clock.now();
      if (update.kind === 'health') {
        // Figures go by message only: they are worth something for a few seconds, never stored.
        const message = encodeStateEnvelope({ instanceId: this.instanceId, publishedAtMs: nowMs, update });
        this.#client.publish(this.#keys.stateChannel, message).catch(ignore);
        return;
      }
      if (!isSharedProviderUpdate(update)) return;
      const ttlMs = this.#ttlOf(update, nowMs);
      if (ttlMs <= 0) return;
      const text = encodeStateEnvelope({ instanceId: this.instanceId, publishedAtMs: nowMs, update });
      const own: OwnState = { text, update, publishedAtMs: nowMs, expiresAtMs: nowMs + ttlMs };
      this.#knownProviderIds.add(update.providerId);
      // Written either way: a cooldown shorter than the one in force still tells the others, and stays out of the key.
      this.#ledger.recordOwn(own);
      this.#write(own, ttlMs);
    } catch {
      // Sharing is best effort: the local state is already in force.
    }
  }

  subscribe(listener: (update: SharedProviderUpdate) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  acquireProbe(providerId: string, ttlMs: number): Promise<boolean> {
    return this.#acquireLock(this.#keys.probeLock(providerId, this.#ledger.openedAtOf(providerId)), ttlMs);
  }

  acquireHealthCheckTurn(ttlMs: number): Promise<boolean> {
    return this.#acquireLock(this.#keys.healthCheckTurn, ttlMs);
  }

  /** Read every state key now (SCAN then MGET), and the models missing, and apply what changed. Resolves when done; never rejects. */
  async resyncNow(): Promise<void> {
    this.#needsFullScan = true;
    // Models missing too, at each connection and subscription: whichever is ready last, one read runs with both up.
    await Promise.all([this.#resync(), this.#missingModels.readBack({ scan: true })]);
  }

  /** Stop listening and stop the periodic resync. The connections stay open (their owner closes them). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#resyncTimer !== undefined) this.#clock.clearTimeout(this.#resyncTimer);
    this.#client.off('ready', this.#onClientReady);
    this.#subscription.close();
    this.#missingModels.close();
  }

  #onCommandsReady(): void {
    if (this.#closed) return;
    for (const { own, ttlMs } of this.#ledger.ownToWriteAgain()) this.#write(own, ttlMs);
    this.#missingModels.writeUnwrittenNow();
    void this.resyncNow();
  }

  /**
   * Store a state unless Redis holds a newer one, then tell the others, in the words the script stamped: a
   * circuit state only when it was stored (a stale one would be dropped anyway), a cooldown either way (a longer
   * one stays in the key). A circuit state refused gives way at once to the newer one the script read.
   */
  #write(own: OwnState, ttlMs: number): void {
    const { update } = own;
    const orderMs = update.kind === 'breaker' ? own.publishedAtMs : update.cooldown.untilMs;
    const key = this.#stateKey(update);
    writeUnlessNewer(this.#client, { key, text: own.text, ttlMs, kind: update.kind, orderMs, sentAtMs: this.#clock.now() })
      .then((result) => {
        if (result === undefined || this.#closed) return undefined;
        const newer = this.#ledger.written(own, result);
        if (newer !== undefined) this.#apply(newer);
        if (result.written || update.kind === 'cooldown') return this.#client.publish(this.#keys.stateChannel, result.stamped);
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

  /**
   * Apply another instance's envelope, from a message or a key, unless it is ours, known, or stale. `redisNowMs`:
   * Redis's clock when the key was read; undefined for a message, heard as it was written.
   */
  #receive(text: string, redisNowMs: number | undefined): void {
    if (this.#closed) return;
    const update = this.#ledger.accept(text, redisNowMs);
    if (update !== undefined) this.#apply(update);
  }

  #apply(update: SharedProviderUpdate): void {
    if (update.kind !== 'health') this.#knownProviderIds.add(update.providerId);
    this.#listeners.emit(update);
  }

  #scheduleResync(): void {
    if (this.#closed) return;
    this.#resyncTimer = this.#clock.setTimeout(() => {
      void Promise.all([this.#resync(), this.#missingModels.readBack({ scan: false })]).finally(() => this.#scheduleResync());
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
      // Redis's clock with the keys: what remains of each state is measured against it.
      const read = await readWithRedisTime(this.#client, keys);
      if (read === undefined) return;
      this.#ledger.noteRedisTime(read.redisNowMs);
      for (const text of read.values) if (typeof text === 'string') this.#receive(text, read.redisNowMs);
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
}

function ignore(): void {}
