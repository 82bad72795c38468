import { type CacheBackend, type CachedCompletion, isCachedCompletion } from '../cache/cache-backend.js';
import { createCacheKey } from '../cache/cache-key.js';
import type { SingleFlight } from '../cache/single-flight.js';
import type { Cancellation } from '../cancellation.js';
import type { Clock } from '../clock.js';
import type { Attempt } from '../errors.js';
import type { ListenerSet } from '../resilience/listener-set.js';
import type { Message } from '../types.js';
import { cacheTarget, isCacheable } from './call-request.js';
import type { CompletionResults } from './completion-results.js';
import { GuardedCache, reportCacheError } from './guarded-cache.js';
import type { InFlightCalls } from './in-flight-calls.js';
import type { ProviderSpending } from './provider-spending.js';
import { routerDefaults } from './router-defaults.js';
import type { RouterEvent } from './router-events.js';
import type { AttemptLog, BackupModelRouterOptions, CompleteOptions, CompletionResult } from './router-options.js';
import { SharedCachedCalls } from './shared-cached-calls.js';

/** One `complete` call that goes through the cache. */
export interface CachedCall {
  readonly callId: number;
  readonly messages: readonly Message[];
  readonly options: CompleteOptions;
  readonly startedAtMs: number;
  /** Where the call's race leaves its attempts as it begins (see `AttemptLog`). */
  readonly log: AttemptLog;
}

export interface CachedCompletionsOptions {
  readonly backend: CacheBackend;
  readonly ttlSeconds: number;
  /** The backend answers at once (the router's own in-process LRU): see `GuardedCacheOptions.immediate`. */
  readonly immediate: boolean;
  readonly clock: Clock;
  /** Where a backend's failure is reported, as a `cache-error` event. */
  readonly events: ListenerSet<RouterEvent>;
  /** The router's work in flight: each call and each shared call is part of it, so close() cancels them. */
  readonly inFlight: InFlightCalls;
  readonly singleFlight: SingleFlight<CachedCompletion>;
  /** The router's options, for the `timeoutMs` of a call that sets none. */
  readonly routerOptions: Pick<BackupModelRouterOptions, 'timeoutMs'>;
  readonly results: Pick<CompletionResults, 'of'>;
  /** Charged for what a call spent when it ran here or took a shared call over (not when it only joined one, or hit the cache). */
  readonly spending: Pick<ProviderSpending, 'recordSpend'>;
  /**
   * The call without the cache, under `cancellation`: run once for everyone waiting on the same request. It sets
   * `call.log.attempts` to its race's live log before its first wait.
   */
  readonly completeUncached: (
    call: CachedCall,
    cancellation: Cancellation,
  ) => Promise<{ completion: CachedCompletion; attempts: readonly Attempt[] }>;
}

/** The router's `complete` through its response cache, with single-flight for identical calls in flight. */
export class CachedCompletions {
  readonly #cache: GuardedCache<CachedCompletion>;
  readonly #backend: CacheBackend;
  readonly #calls: SharedCachedCalls<CachedCall, CachedCompletion, CompletionResult>;

  constructor(options: CachedCompletionsOptions) {
    const { events, results } = options;
    this.#backend = options.backend;
    this.#cache = new GuardedCache(options.backend, {
      ttlSeconds: options.ttlSeconds,
      accepts: isCachedCompletion,
      clock: options.clock,
      immediate: options.immediate,
      onError: (operation, error) => reportCacheError(events, operation, error),
    });
    this.#calls = new SharedCachedCalls({
      cache: this.#cache,
      clock: options.clock,
      inFlight: options.inFlight,
      singleFlight: options.singleFlight,
      routerOptions: options.routerOptions,
      spending: options.spending,
      keyOf: (call) => cacheKeyOf(call.messages, call.options),
      strategyOf: (call) => strategyOf(call.options),
      cacheable: (completion) => isCacheable(completion.response),
      resultOf: (completion, context) => results.of(completion, context),
      runUncached: options.completeUncached,
    });
  }

  /** The backend this cache reads and writes (the router's embeddings share it, under keys of their own). */
  get backend(): CacheBackend {
    return this.#backend;
  }

  /** Wait for the writes in flight, a few seconds at most, leaving the backend open (a router replacing this one uses it). */
  settle(): Promise<void> {
    return this.#cache.settle(routerDefaults.cacheCloseWaitMs);
  }

  /** Close the backend once the writes in flight have settled, waiting for them a few seconds at most. */
  close(): Promise<void> {
    return this.#cache.close(routerDefaults.cacheCloseWaitMs);
  }

  /** Store an answer got without the cache's help (`cache: 'refresh'`) under the call's key, in place of the old. */
  store(messages: readonly Message[], options: CompleteOptions, completion: CachedCompletion): void {
    if (!isCacheable(completion.response)) return;
    this.#cache.write(cacheKeyOf(messages, options), completion);
  }

  /**
   * Through the cache, with single-flight (shared-cached-calls.ts): a caller that finds the same request in flight
   * (same scope) waits for that call's answer instead of asking again, within its own deadline and abort. Only
   * calls that ask the same way share one: the same strategy options given per call (parallelAttempts, hedge,
   * maxRetries, the three time limits).
   */
  complete(context: CachedCall): Promise<CompletionResult> {
    return this.#calls.call(context);
  }
}

/**
 * The per-call options that decide how a call is run, not what it asks: calls that give none share the
 * router's defaults, so the common call adds nothing to its key.
 */
function strategyOf(options: CompleteOptions): string {
  const { parallelAttempts, hedge, maxRetries, firstTokenTimeoutMs, responseTimeoutMs, idleTimeoutMs } = options;
  if (
    parallelAttempts === undefined &&
    hedge === undefined &&
    maxRetries === undefined &&
    firstTokenTimeoutMs === undefined &&
    responseTimeoutMs === undefined &&
    idleTimeoutMs === undefined
  ) {
    return '';
  }
  return `|${JSON.stringify([parallelAttempts, hedge, maxRetries, firstTokenTimeoutMs, responseTimeoutMs, idleTimeoutMs])}`;
}

/** The call's entry in the cache: its caller's scope and what shapes its answer. */
function cacheKeyOf(messages: readonly Message[], options: CompleteOptions): string {
  return createCacheKey({ scope: options.cacheScope ?? 'default', request: cacheTarget(messages, options) });
}
