/**
 * Models their provider answered 404 `model_not_found` for, shared through Redis (part of `RedisProviderStateSync`):
 * one instance's 404 leaves the model out at every instance until the same end, and an answer from the model, or
 * its provider's health check succeeding, gives it another try at every instance.
 *
 * Per provider one sorted set, `<prefix>:state:v1:{<prefix>}:missing-models:<provider id>`, each model scored with
 * when it is asked again on Redis's clock (its `TIME`: only durations cross between instances, see
 * `redis-clock.ts`), as the failed key attempts' refusals are kept. Ended entries are dropped at each write, at most
 * `maxModelsPerProvider` are kept (those ending first go: a client naming ever new made-up models cannot grow
 * Redis without end), and the key expires with its last entry.
 *
 * Each change is one script that changes the set and PUBLISHes it on `<prefix>:missing-models:v1` in the same
 * step, so every instance hears the marks and clears of a model in the order Redis applied them (a circuit or a
 * cooldown is ordered by its own times instead: a missing model has no time that would say which of a mark and a
 * clear is the later). An instance applies another's change at once and its own never. Messages can be lost, so
 * it also reads the sets back: every provider's when it connects or subscribes (at start, after a reconnection),
 * and at each periodic resync those of the providers it knows missing models of (none, in the common case). A mark
 * it did not hear is applied, and a model it knows missing that is gone from Redis was cleared meanwhile (or has
 * ended): it clears it too. A read during which a change was told is dropped, the next one reads it right.
 *
 * Redis away: the instance's own memory is in force as it would be alone; what Redis did not take waits (at most
 * `maxModelsPerProvider` changes, the latest per model) and is written again after a backoff (0.1 s doubling to
 * 5 s) and at once when the connection is ready, a mark with what remains of it. Nothing here throws.
 */
import type { Clock } from '../clock.js';
import { isRecord } from '../json-value.js';
import { deleteOldestKey } from '../map-order.js';
import type { SharedModelUpdate } from '../routing/provider-state-sync.js';
import type { RedisConnection } from './create-redis-client.js';
import { BackoffRetry } from './backoff-retry.js';
import { RedisChannelSubscription } from './redis-channel-subscription.js';
import { scanKeys } from './scan-keys.js';
import type { SharedStateKeys } from './shared-state-keys.js';

/** Redis's clock in ms, in a script. */
const redisNowMsLua = `
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/** The message a script publishes: `ARGV[1]` the channel, `ARGV[2]` the instance, `ARGV[3]` the provider. */
const messageHeadLua = `
local head = '{"v":1,"instanceId":' .. cjson.encode(ARGV[2]) .. ',"providerId":' .. cjson.encode(ARGV[3]) ..
  ',"redisNowMs":' .. string.format('%d', nowMs)
`;

/**
 * KEYS: the provider's set. ARGV: channel, instance, provider, the model, how long it is left out (ms), how long
 * ago it was reported (ms), the most models kept.
 */
const markMissingScript = `${redisNowMsLua}${messageHeadLua}
local missingForMs = tonumber(ARGV[5])
local untilMs = nowMs + missingForMs
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs)
redis.call('ZADD', KEYS[1], untilMs, ARGV[4])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[7])
if excess > 0 then redis.call('ZPOPMIN', KEYS[1], excess) end
if redis.call('PTTL', KEYS[1]) < missingForMs then redis.call('PEXPIRE', KEYS[1], missingForMs) end
redis.call('PUBLISH', ARGV[1], head .. ',"kind":"model-missing","model":' .. cjson.encode(ARGV[4]) ..
  ',"sinceMs":' .. string.format('%d', nowMs - tonumber(ARGV[6])) .. ',"untilMs":' .. string.format('%d', untilMs) .. '}')
return 1
`;

/** KEYS: the provider's set. ARGV: channel, instance, provider, the model, or nothing for all of them. */
const markFoundScript = `${redisNowMsLua}${messageHeadLua}
local model = 'null'
if ARGV[4] then
  redis.call('ZREM', KEYS[1], ARGV[4])
  model = cjson.encode(ARGV[4])
else
  redis.call('DEL', KEYS[1])
end
redis.call('PUBLISH', ARGV[1], head .. ',"kind":"model-found","model":' .. model .. '}')
return 1
`;

/** KEYS: a provider's set. ARGV: the most read. Returns Redis's clock and the models still missing, model and end. */
const readMissingScript = `${redisNowMsLua}
return { nowMs, redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. nowMs, '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[1])) }
`;

/** Longer than any model id a provider serves; anything longer on the wire is not ours. */
const maxModelLength = 512;
const scanBatchSize = 1_000;
/** Waits between writings of changes Redis did not take, as for the failed key attempts' refusals. */
const retryDelay = { baseMs: 100, maxMs: 5_000 };

export interface RedisMissingModelsOptions {
  readonly client: RedisConnection;
  /** Its own subscription on it, beside the state channel's. */
  readonly subscriber: RedisConnection;
  readonly keys: SharedStateKeys;
  readonly instanceId: string;
  readonly clock: Clock;
  /** Most models kept in Redis per provider, and most changes waiting to be written. */
  readonly maxModelsPerProvider: number;
  /** Another instance's change, its times on this instance's clock. */
  readonly onUpdate: (update: SharedModelUpdate) => void;
}

export class RedisMissingModels {
  readonly #options: RedisMissingModelsOptions;
  readonly #subscription: RedisChannelSubscription;
  /** Changes Redis has not taken yet, the latest per model (per provider, for a clear of all), in the order they came. */
  readonly #unwritten = new Map<string, SharedModelUpdate>();
  /** Per provider, the models this instance knows missing through Redis (heard, read, or its own): a read back clears those it does not find. */
  readonly #known = new Map<string, Set<string>>();
  /** Changes told so far: a read during which one was told is not applied. */
  #changeCount = 0;
  readonly #retry: BackoffRetry;
  #closed = false;

  constructor(options: RedisMissingModelsOptions) {
    this.#options = options;
    this.#retry = new BackoffRetry({ clock: options.clock, ...retryDelay, run: () => this.writeUnwrittenNow() });
    this.#subscription = new RedisChannelSubscription({
      subscriber: options.subscriber,
      channel: options.keys.missingModelsChannel,
      onMessage: (text) => this.#receive(text),
      // Marks and clears published while we were away went unheard: read them back.
      onSubscribed: () => void this.readBack({ scan: true }),
    });
  }

  /** Share this instance's change: written and published now, or again once the connection is ready. */
  publish(update: SharedModelUpdate): void {
    if (this.#closed) return;
    const key = unwrittenKeyOf(update);
    if (update.kind === 'model-found' && update.model === undefined) {
      // A clear of every model of the provider overrides what waits for any of them.
      for (const [waitingKey, waiting] of this.#unwritten) if (waiting.providerId === update.providerId) this.#unwritten.delete(waitingKey);
    }
    this.#unwritten.delete(key);
    if (this.#unwritten.size >= this.#options.maxModelsPerProvider) deleteOldestKey(this.#unwritten);
    this.#unwritten.set(key, update);
    this.#learn(update);
    void this.#write(key, update);
  }

  /** The connection is ready again (or the backoff has passed): write what waits. */
  writeUnwrittenNow(): void {
    if (this.#closed) return;
    this.#retry.cancel();
    for (const [key, update] of [...this.#unwritten]) void this.#write(key, update);
  }

  /**
   * Read the providers' missing models and apply them: the marks this instance did not hear, and the clears. Every
   * provider's with `scan` (SCAN finds those Redis holds), else those this instance knows missing models of (the
   * periodic resync: nothing to read in the common case). Resolves when done; never rejects.
   */
  async readBack(options: { readonly scan: boolean }): Promise<void> {
    const { client, keys, maxModelsPerProvider } = this.#options;
    try {
      const providerIds = new Set(this.#known.keys());
      if (options.scan) {
        const scan = { pattern: keys.missingModelsPattern, batchSize: scanBatchSize, stopped: () => this.#closed };
        await scanKeys(client, scan, (_node, found) => {
          for (const key of found) {
            const providerId = keys.parseMissingModelsKey(key);
            if (providerId !== undefined) providerIds.add(providerId);
          }
        });
      }
      for (const providerId of providerIds) {
        if (this.#closed) return;
        const changesBefore = this.#changeCount;
        const reply = await client.eval(readMissingScript, 1, keys.missingModels(providerId), String(maxModelsPerProvider));
        // A change told while reading may be newer than what was read: the next read gets it right.
        if (this.#changeCount === changesBefore) this.#applyRead(providerId, reply);
      }
    } catch {
      // Redis is away or slow: the next resync, or the next connection, reads them again.
    }
  }

  /** Stop listening and writing. What waits is forgotten. The connections stay open. */
  close(): void {
    this.#closed = true;
    this.#retry.cancel();
    this.#unwritten.clear();
    this.#known.clear();
    this.#subscription.close();
  }

  async #write(key: string, update: SharedModelUpdate): Promise<void> {
    const { client, keys, instanceId, clock, maxModelsPerProvider } = this.#options;
    const head = [keys.missingModelsChannel, instanceId, update.providerId];
    const setKey = keys.missingModels(update.providerId);
    try {
      if (update.kind === 'model-missing') {
        const nowMs = clock.now();
        const missingForMs = Math.ceil(update.untilMs - nowMs);
        if (missingForMs > 0) {
          const ageMs = String(Math.max(0, Math.round(nowMs - update.sinceMs)));
          await client.eval(markMissingScript, 1, setKey, ...head, update.model, String(missingForMs), ageMs, String(maxModelsPerProvider));
        }
      } else {
        await client.eval(markFoundScript, 1, setKey, ...head, ...(update.model === undefined ? [] : [update.model]));
      }
      // Unless a later change of the same model came meanwhile, which waits to be written.
      if (this.#unwritten.get(key) === update) this.#unwritten.delete(key);
      if (this.#unwritten.size === 0) this.#retry.reset();
    } catch {
      // Redis is away, refused it or did not answer in time: written again after a backoff, or once the connection is back.
      if (!this.#closed) this.#retry.schedule();
    }
  }

  #receive(text: string): void {
    if (this.#closed) return;
    const update = decodeMessage(text, this.#options.instanceId, this.#options.clock.now());
    if (update !== undefined) this.#apply(update);
  }

  /** Note a change told (ours or another instance's), for the next read back. */
  #learn(update: SharedModelUpdate): void {
    this.#changeCount += 1;
    const models = this.#known.get(update.providerId);
    if (update.kind === 'model-found') {
      if (update.model === undefined) this.#known.delete(update.providerId);
      else models?.delete(update.model);
      return;
    }
    if (models === undefined) {
      this.#known.set(update.providerId, new Set([update.model]));
      return;
    }
    models.delete(update.model);
    if (models.size >= this.#options.maxModelsPerProvider) {
      // A Set keeps the order of insertion too: the first is the oldest.
      const oldest = models.values().next();
      if (oldest.done !== true) models.delete(oldest.value);
    }
    models.add(update.model);
  }

  /**
   * `[nowMs, [model, untilMs, ...]]`, as the read script returns it; anything malformed is skipped. A model known
   * missing and not found was cleared meanwhile (or has ended), unless our own change of it still waits to be written.
   */
  #applyRead(providerId: string, reply: unknown): void {
    if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) return;
    const redisNowMs = Number(reply[0]);
    const pairs = reply[1] as unknown[];
    const localNowMs = this.#options.clock.now();
    const found = new Set<string>();
    for (let index = 0; index + 1 < pairs.length; index += 2) {
      const model = pairs[index];
      const untilMs = Number(pairs[index + 1]) - redisNowMs + localNowMs;
      if (!isModel(model) || !(Number.isFinite(untilMs) && untilMs > localNowMs)) continue;
      found.add(model);
      // When it was reported is not kept: from this instance's view, since it read it.
      this.#apply({ kind: 'model-missing', providerId, model, sinceMs: localNowMs, untilMs });
    }
    for (const model of [...(this.#known.get(providerId)?.keys() ?? [])]) {
      if (found.has(model) || this.#unwritten.has(unwrittenKeyOf({ kind: 'model-found', providerId, model }))) continue;
      this.#apply({ kind: 'model-found', providerId, model });
    }
  }

  #apply(update: SharedModelUpdate): void {
    this.#learn(update);
    this.#options.onUpdate(update);
  }
}

/** Another instance's message, its times on this instance's clock (heard as it was written); undefined when ours or malformed. */
export function decodeMessage(text: string, ownInstanceId: string, localNowMs: number): SharedModelUpdate | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.v !== 1 || typeof parsed.instanceId !== 'string' || parsed.instanceId === ownInstanceId) return undefined;
  const { providerId, kind, model, redisNowMs } = parsed;
  if (typeof providerId !== 'string' || providerId.length === 0 || typeof redisNowMs !== 'number') return undefined;
  if (kind === 'model-found') {
    if (model === null) return { kind, providerId, model: undefined };
    return isModel(model) ? { kind, providerId, model } : undefined;
  }
  const { sinceMs, untilMs } = parsed;
  if (kind !== 'model-missing' || !isModel(model) || typeof sinceMs !== 'number' || typeof untilMs !== 'number') return undefined;
  const shiftMs = localNowMs - redisNowMs;
  if (!Number.isFinite(shiftMs + sinceMs + untilMs) || untilMs <= redisNowMs) return undefined;
  return { kind, providerId, model, sinceMs: sinceMs + shiftMs, untilMs: untilMs + shiftMs };
}

function isModel(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= maxModelLength;
}

function unwrittenKeyOf(update: SharedModelUpdate): string {
  return update.kind === 'model-found' && update.model === undefined ? `${update.providerId}\n` : `${update.providerId}\n${update.model}`;
}
