/**
 * The router's `embed`: the input and options checked, the providers of the call's one model found, the cache read
 * within the caller's scope (a hit asks no provider), else the providers asked (uncached-embeddings.ts) and the
 * vectors stored; the result priced from the catalog's embedding price, and one `call-end` event. One per router.
 * Identical embedding calls in flight share one upstream call, as `complete`'s do (shared-cached-calls.ts).
 */
import type { CacheBackend, CachedEmbeddings, CacheEntry } from '../cache/cache-backend.js';
import { createEmbeddingCacheKey } from '../cache/cache-key.js';
import { SingleFlight } from '../cache/single-flight.js';
import type { ProviderDefinition } from '../catalog.js';
import type { Clock } from '../clock.js';
import { type Attempt, RouterClosedError } from '../errors.js';
import type { ListenerSet } from '../resilience/listener-set.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { embeddingCostOf } from './cost.js';
import type { EmbedInput, EmbedOptions, EmbeddingResult } from './embedding-options.js';
import { embeddingTargets } from './embedding-targets.js';
import { GuardedCache, reportCacheError } from './guarded-cache.js';
import type { InFlightCalls } from './in-flight-calls.js';
import type { HedgeDelays } from './hedge-delay.js';
import { noProviderError } from './no-provider-error.js';
import type { ProviderStateRegistry } from './provider-state-registry.js';
import { RetryRounds } from './retry-rounds.js';
import { type ResultContext, SharedCachedCalls } from './shared-cached-calls.js';
import { type CandidateSelection, type ProviderStanding, type SelectCandidatesOptions, selectCandidates } from './select-candidates.js';
import { routerDefaults } from './router-defaults.js';
import type { AttemptLog, BackupModelRouterOptions, RouteTarget } from './router-options.js';
import type { RouterEvent } from './router-events.js';
import { type EmbeddingCall, UncachedEmbeddings } from './uncached-embeddings.js';
import { toEmbeddingInputs, validateEmbedOptions } from './validate-embed-input.js';

export interface EmbeddingsOptions {
  readonly clock: Clock;
  readonly routerOptions: BackupModelRouterOptions;
  readonly providers: readonly ModelProvider[];
  readonly definitionById: ReadonlyMap<string, ProviderDefinition>;
  readonly events: ListenerSet<RouterEvent>;
  readonly inFlight: InFlightCalls;
  readonly registry: ProviderStateRegistry;
  readonly hedgeDelays: HedgeDelays;
  /** When a model its provider reported missing may be asked again (the router's own). */
  readonly missingUntil: SelectCandidatesOptions['missingUntil'];
  /** The router's cache backend (shared with `complete`, under keys of their own); undefined when the cache is off. */
  readonly cacheBackend: CacheBackend | undefined;
}

export class Embeddings {
  readonly #options: EmbeddingsOptions;
  readonly #uncached: UncachedEmbeddings;
  readonly #cache: GuardedCache<CachedEmbeddings> | undefined;
  /** Calls through the cache, identical ones in flight sharing one upstream call; undefined when the cache is off. */
  readonly #cachedCalls: SharedCachedCalls<EmbeddingCall, CachedEmbeddings, EmbeddingResult> | undefined;

  constructor(options: EmbeddingsOptions) {
    this.#options = options;
    const { clock, routerOptions, registry } = options;
    this.#uncached = new UncachedEmbeddings({
      clock,
      routerOptions,
      registry,
      events: options.events,
      hedgeDelays: options.hedgeDelays,
      // Retry rounds of their own: each selects again among the call's targets (its route), one model's providers.
      retryRounds: new RetryRounds({ clock, registry, routerOptions, select: (callOptions, nowMs) => this.#select(callOptions.route ?? [], nowMs) }),
      select: (targets, nowMs) => this.#select(targets, nowMs),
    });
    const { cacheBackend } = options;
    this.#cache =
      cacheBackend === undefined
        ? undefined
        : new GuardedCache(cacheBackend, {
            ttlSeconds: routerOptions.cacheTtlSeconds ?? routerDefaults.cacheTtlSeconds,
            accepts: isCachedEmbeddings,
            clock,
            // The router's own in-process LRU answers at once; a backend of the caller's own may not.
            immediate: routerOptions.cacheBackend === undefined,
            onError: (operation, error) => reportCacheError(options.events, operation, error),
          });
    this.#cachedCalls =
      this.#cache === undefined
        ? undefined
        : new SharedCachedCalls({
            cache: this.#cache,
            clock,
            inFlight: options.inFlight,
            singleFlight: new SingleFlight<CachedEmbeddings>(),
            routerOptions,
            spending: registry.spending,
            keyOf: cacheKeyOf,
            strategyOf: (call) => strategyOf(call.options),
            cacheable: () => true,
            resultOf: (embeddings, context) => this.#resultOf(embeddings, context),
            runUncached: (call, cancellation) => this.#uncached.embed(call, cancellation, options.inFlight),
          });
  }

  /** Check what is asked, then answer from the cache or the model's providers: see the module's comment. */
  async embed(input: EmbedInput, options: EmbedOptions, callId: number): Promise<EmbeddingResult> {
    const { inputs, targets } = this.check(input, options);
    const startedAtMs = this.#options.clock.now();
    const log: AttemptLog = options.attemptLog ?? { attempts: undefined };
    log.attempts = undefined;
    if (log.pricedLater !== undefined) log.pricedLater = undefined;
    const request = { model: options.model, inputs, dimensions: options.dimensions, taskType: options.taskType };
    const call: EmbeddingCall = { callId, request, options, targets, startedAtMs, log };
    try {
      const result = await this.#answer(call);
      this.#emitCallEnd(call, { result });
      return result;
    } catch (error) {
      this.#emitCallEnd(call, { error });
      throw error;
    }
  }

  /** The texts as a list and the providers to ask, or the caller's InvalidArgumentError (NoProviderAvailableError for an unlisted model). */
  check(input: EmbedInput, options: EmbedOptions): { readonly inputs: readonly string[]; readonly targets: RouteTarget[] } {
    const { providers } = this.#options;
    const inputs = toEmbeddingInputs(input);
    validateEmbedOptions(options, providers);
    return { inputs, targets: embeddingTargets(providers, options) };
  }

  /** Throw what `embed` would throw before asking anyone: the caller's error, or no provider of the model with a key. */
  validate(input: EmbedInput, options: EmbedOptions): void {
    const { targets } = this.check(input, options);
    const selection = selectCandidates({ providers: this.#options.providers, route: targets, standingOf: anyHealth });
    if (selection.candidates.length === 0) throw noProviderError(selection, this.#options.clock.now());
  }

  /** Wait for the cache writes in flight (the router closes the backend itself). */
  settle(): Promise<void> {
    return this.#cache?.settle(routerDefaults.cacheCloseWaitMs) ?? Promise.resolve();
  }

  /** The call's targets as the providers stand at `nowMs`: its route, kept in order (circuits, cooldowns, keys). */
  #select(targets: readonly RouteTarget[], nowMs: number): CandidateSelection {
    const { providers, registry, missingUntil } = this.#options;
    return selectCandidates({ providers, route: targets, standingOf: (providerId) => registry.standingOf(providerId, nowMs), missingUntil, nowMs });
  }

  async #answer(call: EmbeddingCall): Promise<EmbeddingResult> {
    const { options } = call;
    const cache = options.cache === false ? undefined : this.#cache;
    if (cache !== undefined && options.cache !== 'refresh' && this.#cachedCalls !== undefined) return this.#cachedCalls.call(call);
    const { completion, attempts } = await this.#uncached.embed(call, options.signal, this.#options.inFlight);
    // A refreshed answer replaces the cached one (not waited for: a slow store never holds up the vectors).
    if (cache !== undefined) cache.write(cacheKeyOf(call), completion);
    const result = this.#resultOf(completion, { startedAtMs: call.startedAtMs, attempts, cached: false, endedAtMs: completion.storedAtMs });
    this.#options.registry.spending.recordSpend(result.provider, result.costUsd);
    return result;
  }

  #resultOf(completion: CachedEmbeddings, context: ResultContext & { readonly endedAtMs?: number }): EmbeddingResult {
    const { embeddings, provider } = completion;
    return {
      // Copies: the completion may be the in-process cache's entry (and is on a miss, written to it), and a caller
      // that changed a vector it was given would change what every later hit of the call gets.
      embeddings: embeddings.embeddings.map((vector) => vector.slice()),
      provider,
      model: embeddings.model,
      usage: embeddings.usage,
      latencyMs: (context.endedAtMs ?? this.#options.clock.now()) - context.startedAtMs,
      costUsd: context.cached ? 0 : embeddingCostOf(this.#options.definitionById.get(provider), embeddings.model, embeddings.usage),
      cached: context.cached,
      attempts: context.attempts,
      requestId: embeddings.requestId,
    };
  }

  #emitCallEnd(call: EmbeddingCall, outcome: { readonly result?: EmbeddingResult; readonly error?: unknown }): void {
    const { events, clock } = this.#options;
    if (events.size === 0) return;
    const { result, error } = outcome;
    const aborted = error !== undefined && (call.options.signal?.aborted === true || error instanceof RouterClosedError);
    events.emit({
      type: 'call-end',
      callId: call.callId,
      operation: 'embeddings',
      outcome: result !== undefined ? 'success' : aborted ? 'aborted' : 'failure',
      startedAtMs: call.startedAtMs,
      finishReason: undefined,
      requestId: result?.requestId,
      responseId: undefined,
      streaming: false,
      cached: result?.cached ?? false,
      provider: result?.provider,
      model: result?.model,
      requestModel: call.request.model,
      latencyMs: result?.latencyMs ?? clock.now() - call.startedAtMs,
      timeToFirstTokenMs: undefined,
      attempts: result?.attempts ?? (error as { attempts?: readonly Attempt[] } | undefined)?.attempts ?? call.log.attempts ?? [],
      inputTokens: result?.usage?.inputTokens,
      outputTokens: undefined,
      costUsd: result?.costUsd,
      errorName: error === undefined ? undefined : error instanceof Error ? error.name : 'Error',
    });
  }

}

/** The call's entry in the cache: its caller's scope and what it asks (model, texts, dimensions, task type). */
function cacheKeyOf(call: EmbeddingCall): string {
  return createEmbeddingCacheKey({ scope: call.options.cacheScope ?? 'default', request: call.request });
}

/**
 * The per-call options that decide how an embed call is run, not what it asks: calls that give none share the
 * router's defaults, so the common call adds nothing to its single-flight key.
 */
function strategyOf(options: EmbedOptions): string {
  const { parallelAttempts, hedge, maxRetries, responseTimeoutMs } = options;
  if (parallelAttempts === undefined && hedge === undefined && maxRetries === undefined && responseTimeoutMs === undefined) return '';
  return `|${JSON.stringify([parallelAttempts, hedge, maxRetries, responseTimeoutMs])}`;
}

function isCachedEmbeddings(entry: CacheEntry): entry is CachedEmbeddings {
  return (entry as Partial<CachedEmbeddings>).embeddings !== undefined;
}

/** Every provider as if healthy: what configuration alone allows a call (see `validate`). */
const healthy: ProviderStanding = { available: true, successRate: 1, latencyMs: undefined };
const anyHealth = (): ProviderStanding => healthy;
