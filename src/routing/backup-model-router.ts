import type { CacheBackend, CachedCompletion } from '../cache/cache-backend.js';
import { MemoryCacheBackend } from '../cache/memory-cache-backend.js';
import { SingleFlight } from '../cache/single-flight.js';
import { defaultCatalog, type ProviderDefinition } from '../catalog.js';
import { CancelScope, cancellationOf } from '../cancellation.js';
import { type Clock, systemClock } from '../clock.js';
import { InvalidArgumentError, RouterClosedError } from '../errors.js';
import { HttpClient } from '../http/http-client.js';
import { createHttpModelProvider } from '../providers/http-model-provider.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { Message } from '../types.js';
import type { EmbedInput, EmbedOptions, EmbeddingResult } from './embedding-options.js';
import { Embeddings } from './embeddings.js';
import { candidateRequest, classifyFailure } from './call-request.js';
import { ListenerSet } from '../resilience/listener-set.js';
import { CachedCompletions } from './cached-completions.js';
import { checkProviders } from './check-providers.js';
import { CompleteCallEnds } from './complete-call-end.js';
import { CompletionResults } from './completion-results.js';
import { HedgeDelays } from './hedge-delay.js';
import { InFlightCalls } from './in-flight-calls.js';
import { routerDefaults } from './router-defaults.js';
import { HealthCheckSchedule } from './health-check-schedule.js';
import { type HealthStatus, buildHealthStatus } from './health-status.js';
import { ProviderStateRegistry } from './provider-state-registry.js';
import { noProviderError } from './no-provider-error.js';
import { outboundProxyOf } from './outbound-proxy.js';
import { RememberedSelections } from './remembered-selections.js';
import { RetryRounds } from './retry-rounds.js';
import { providersOfSameUpstream, takeOverProviderStates } from './router-handover.js';
import type {
  AttemptLog,
  BackupModelRouterOptions,
  CompleteOptions,
  CompletionResult,
  PromptOrMessages,
  RouterStream,
  StreamOptions,
} from './router-options.js';
import type { RouterEvent } from './router-events.js';
import { type CandidateSelection, type ImageNeed, type ProviderStanding, selectCandidates } from './select-candidates.js';
import { startRouterStream } from './stream-call.js';
import { UncachedCompletions } from './uncached-completions.js';
import { imageNeedOf, validateCompleteOptions, validateRouterOptions } from './validate-input.js';
import { toMessages } from './validate-messages.js';
import { maxEmbeddingInputs } from './validate-embed-input.js';

/**
 * Routes each call across providers: parallel fallback or hedging, circuit breakers, cooldowns,
 * a response cache with single-flight, tiers, and health checks.
 */
export class BackupModelRouter {
  readonly #clock: Clock;
  readonly #options: BackupModelRouterOptions;
  readonly #httpClient: HttpClient;
  readonly #providers: readonly ModelProvider[];
  readonly #results: CompletionResults;
  readonly #providerIds: ReadonlySet<string>;
  readonly #registry: ProviderStateRegistry;
  readonly #hedgeDelays: HedgeDelays;
  readonly #retryRounds: RetryRounds;
  readonly #uncached: UncachedCompletions;
  readonly #events = new ListenerSet<RouterEvent>();
  readonly #callEnds: CompleteCallEnds;
  readonly #cached: CachedCompletions | undefined;
  readonly #embeddings: Embeddings;
  readonly #healthChecks: HealthCheckSchedule | undefined;
  readonly #inFlight = new InFlightCalls();
  readonly #selections: RememberedSelections;
  /** The cache's backend is this router's own in-process one (made here, or taken over from a previous router). */
  readonly #ownsCacheBackend: boolean;
  /** A router replacing this one uses its cache backend: close() leaves it open. */
  #cacheHandedOver = false;
  #nextCallId = 1;
  #closing: Promise<void> | undefined;

  constructor(options: BackupModelRouterOptions = {}) {
    validateRouterOptions(options);
    const previous = options.previousRouter;
    if (previous !== undefined && !(previous instanceof BackupModelRouter)) {
      throw new InvalidArgumentError({ argument: 'previousRouter', message: 'previousRouter must be a BackupModelRouter.' });
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#callEnds = new CompleteCallEnds({ events: this.#events, clock: this.#clock });
    this.#httpClient = new HttpClient({ connectTimeoutMs: options.connectTimeoutMs ?? 10_000, proxy: outboundProxyOf(options.env ?? process.env) });
    const catalog: readonly ProviderDefinition[] = options.catalog ?? defaultCatalog;
    this.#providers = [
      ...catalog.map((definition) =>
        createHttpModelProvider(definition, {
          httpClient: this.#httpClient,
          clock: this.#clock,
          maxResponseBytes: options.maxProviderResponseBytes ?? routerDefaults.maxProviderResponseBytes,
          maxEmbeddingResponseBytesPerText:
            (options.maxProviderEmbeddingResponseBytes ?? routerDefaults.maxProviderEmbeddingResponseBytes) / maxEmbeddingInputs,
          ...(options.env ? { env: options.env } : {}),
        }),
      ),
      ...(options.extraProviders ?? []),
    ];
    const definitionById = new Map(this.#providers.map((provider) => [provider.id, provider.definition]));
    this.#providerIds = new Set(definitionById.keys());
    this.#results = new CompletionResults({ clock: this.#clock, definitionById });
    this.#registry = new ProviderStateRegistry({
      clock: this.#clock,
      breaker: options.breaker ?? {},
      credentialCooldownMs: options.credentialCooldownMs ?? routerDefaults.credentialCooldownMs,
      defaultRateLimitCooldownMs: options.defaultRateLimitCooldownMs ?? routerDefaults.defaultRateLimitCooldownMs,
      missingModelPeriodMs: options.missingModelPeriodMs ?? routerDefaults.missingModelPeriodMs,
      events: this.#events,
      ...(options.stateSync ? { sync: options.stateSync } : {}),
    });
    if (previous !== undefined) {
      // Without an environment of its own, a router's providers read process.env, the same for both.
      const providerIds = providersOfSameUpstream({
        previous: previous.#providers,
        next: this.#providers,
        previousEnv: previous.#options.env ?? noEnvironment,
        nextEnv: options.env ?? noEnvironment,
      });
      takeOverProviderStates({ previous: previous.#registry, next: this.#registry, providerIds, nowMs: this.#clock.now() });
    }
    this.#hedgeDelays = new HedgeDelays(this.#registry);
    this.#selections = new RememberedSelections({
      clock: this.#clock,
      providers: this.#providers,
      standingOf: this.#standingOf,
      missingUntil: this.#missingUntil,
    });
    this.#retryRounds = new RetryRounds({
      clock: this.#clock,
      registry: this.#registry,
      routerOptions: options,
      select: (callOptions, nowMs, messages) => this.#select(callOptions, nowMs, messages),
    });
    this.#uncached = new UncachedCompletions({
      clock: this.#clock,
      routerOptions: options,
      registry: this.#registry,
      events: this.#events,
      hedgeDelays: this.#hedgeDelays,
      retryRounds: this.#retryRounds,
      select: (callOptions, nowMs, messages) => this.#select(callOptions, nowMs, messages),
    });
    this.#ownsCacheBackend = options.cacheBackend === undefined;
    if (options.cacheEnabled ?? true) {
      const backend =
        options.cacheBackend ??
        (previous === undefined ? undefined : previous.#ownCacheBackend()) ??
        new MemoryCacheBackend({ clock: this.#clock, maxEntries: options.cacheMaxEntries ?? routerDefaults.cacheMaxEntries });
      if (previous !== undefined && previous.#cached !== undefined && previous.#cached.backend === backend) previous.#cacheHandedOver = true;
      this.#cached = new CachedCompletions({
        backend,
        ttlSeconds: options.cacheTtlSeconds ?? routerDefaults.cacheTtlSeconds,
        immediate: options.cacheBackend === undefined,
        clock: this.#clock,
        events: this.#events,
        inFlight: this.#inFlight,
        singleFlight: new SingleFlight<CachedCompletion>(),
        routerOptions: options,
        results: this.#results,
        spending: this.#registry.spending,
        completeUncached: (call, cancellation) =>
          this.#uncached.complete(call.callId, call.messages, call.options, cancellation, undefined, call.log),
      });
    }
    this.#embeddings = new Embeddings({
      clock: this.#clock,
      routerOptions: options,
      providers: this.#providers,
      definitionById,
      events: this.#events,
      inFlight: this.#inFlight,
      registry: this.#registry,
      hedgeDelays: this.#hedgeDelays,
      missingUntil: this.#missingUntil,
      cacheBackend: this.#cached?.backend,
    });
    if (options.healthCheckIntervalMs !== undefined) {
      this.#healthChecks = new HealthCheckSchedule({
        clock: this.#clock,
        intervalMs: options.healthCheckIntervalMs,
        sync: options.stateSync,
        check: () => this.healthCheck(),
      });
    }
  }

  /** Subscribe to every attempt, call, circuit change and cooldown. Returns the unsubscribe function. */
  onEvent(listener: (event: RouterEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** The providers this router knows, configured or not. */
  get providers(): readonly ModelProvider[] {
    return this.#providers;
  }

  /**
   * Throw what `complete` or `stream` would throw for this input and these options before asking anyone: an
   * `InvalidArgumentError` naming a bad message or option, or a `NoProviderAvailableError` when no configured
   * provider could serve the call whatever its health (no key, no model of the tier, none that takes its
   * images). Asks no provider and changes nothing: a gateway checks a call this way before counting it against
   * a key's request rate. Providers out for now (circuit open, cooling down) pass: that may change by the call.
   */
  validate(input: PromptOrMessages, options: CompleteOptions = {}): void {
    const messages = toMessages(input);
    validateCompleteOptions(options, this.#providerIds);
    const selection = this.#select(options, undefined, messages, anyHealth, undefined);
    if (selection.candidates.length === 0) throw noProviderError(selection, this.#clock.now());
  }

  /** Ask the best available providers; the first success wins. */
  async complete(input: PromptOrMessages, options: CompleteOptions = {}): Promise<CompletionResult> {
    this.#assertOpen();
    const messages = toMessages(input);
    validateCompleteOptions(options, this.#providerIds);
    const callId = this.#nextCallId++;
    const startedAtMs = this.#clock.now();
    const cached = options.cache === false ? undefined : this.#cached;
    // The attempts of the race this call ran, for its call-end event (and the caller's own log, when it gave one)
    // when it ends in the caller's abort, which is rethrown as is and so carries none.
    const log: AttemptLog = options.attemptLog ?? { attempts: undefined };
    // A log given again holds its last call's attempts: a cache hit or a joined call sets none of its own.
    log.attempts = undefined;
    if (log.pricedLater !== undefined) log.pricedLater = undefined;
    try {
      let result: CompletionResult;
      if (!cached || options.cache === 'refresh') {
        // close() cancels the call's deadline itself: no cancellation of its own to make and follow.
        const { completion, attempts } = await this.#uncached.complete(callId, messages, options, options.signal, startedAtMs, log, this.#inFlight);
        // A refreshed answer replaces the cached one (not waited for, as every cache write).
        if (cached) cached.store(messages, options, completion);
        // The answer was stored the moment it arrived: that is also when the call ended.
        result = this.#results.of(completion, { startedAtMs, attempts, cached: false, endedAtMs: completion.storedAtMs });
        this.#registry.spending.recordSpend(result.provider, result.costUsd);
      } else {
        result = await cached.complete({ callId, messages, options, startedAtMs, log });
      }
      this.#callEnds.success(callId, { result, startedAtMs, request: options });
      return result;
    } catch (error) {
      // The caller left, or close() ended the call (its error, on either path): not the providers' failure.
      const aborted = options.signal?.aborted === true || error instanceof RouterClosedError;
      this.#callEnds.failure(callId, { error, startedAtMs, aborted, attempts: log.attempts, request: options });
      throw error;
    }
  }

  /** Stream the answer. Fails over silently until the first content token, never after it. */
  stream(input: PromptOrMessages, options: StreamOptions = {}): RouterStream {
    this.#assertOpen();
    const messages = toMessages(input);
    validateCompleteOptions(options, this.#providerIds);
    const callId = this.#nextCallId++;
    return startRouterStream({
      callId,
      messages,
      options,
      clock: this.#clock,
      selection: this.#select(options, undefined, messages),
      registry: this.#registry,
      events: this.#events,
      inFlight: this.#inFlight,
      parallelAttempts: options.parallelAttempts ?? this.#options.parallelAttempts ?? routerDefaults.parallelAttempts,
      hedgeDelayMs: this.#hedgeDelays.of(options.hedge ?? this.#options.hedge, 'first-token'),
      timeoutMs: options.timeoutMs ?? this.#options.timeoutMs ?? routerDefaults.timeoutMs,
      firstTokenTimeoutMs:
        options.firstTokenTimeoutMs ?? this.#options.firstTokenTimeoutMs ?? routerDefaults.firstTokenTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs ?? this.#options.idleTimeoutMs ?? routerDefaults.idleTimeoutMs,
      buildRequest: (candidate) => candidateRequest(candidate, messages, options),
      classify: classifyFailure,
      stopAfterInvalidRequests: this.#options.stopAfterInvalidRequests,
      costOf: (provider, model, usage) => this.#results.costOf(provider, model, usage),
      retryRounds: (deadline, attempts, lastResort) => this.#retryRounds.of(options, messages, deadline, attempts, lastResort),
    });
  }

  /**
   * Vectors for `input` (one text or a list), from the model the call names: asked of that model's providers only
   * (`provider`, or every provider whose catalog lists it), never of another model, whose vectors would not be
   * comparable. Circuits, cooldowns, retry rounds, the deadline, the cache (within `cacheScope`) and the catalog's
   * embedding price apply as for `complete`. Bad input is an InvalidArgumentError before anything is sent.
   */
  embed(input: EmbedInput, options: EmbedOptions): Promise<EmbeddingResult> {
    if (this.#closing) return Promise.reject(new RouterClosedError());
    return this.#embeddings.embed(input, options, this.#nextCallId++);
  }

  /**
   * Throw what `embed` would throw for this input and these options before asking anyone (an InvalidArgumentError,
   * or a NoProviderAvailableError when no provider of the model has a key), as `validate` does for `complete`.
   */
  validateEmbed(input: EmbedInput, options: EmbedOptions): void {
    this.#embeddings.validate(input, options);
  }

  /** Circuit state, success rate, latency and cooldown of every provider, keyed by provider id. */
  getHealthStatus(): Record<string, HealthStatus> {
    return buildHealthStatus({ providers: this.#providers, registry: this.#registry, clock: this.#clock });
  }

  /**
   * Prove each provider's key and endpoint work with its cheapest call (the models list), in parallel and
   * bounded in time. A provider with no key is false.
   */
  async healthCheck(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Record<string, boolean>> {
    this.#assertOpen();
    const check = new CancelScope();
    const stopFollowingCaller = options.signal ? check.follow(cancellationOf(options.signal)) : undefined;
    const inFlightCheck = this.#inFlight.enter(check);
    try {
      return await checkProviders({
        providers: this.#providers,
        registry: this.#registry,
        clock: this.#clock,
        timeoutMs: options.timeoutMs ?? this.#options.healthCheckTimeoutMs ?? routerDefaults.healthCheckTimeoutMs,
        signal: check.signal,
      });
    } finally {
      stopFollowingCaller?.();
      this.#inFlight.leave(inFlightCheck);
    }
  }

  /**
   * Cancel every call, stream and health check in flight (each rejects with RouterClosedError, and no
   * provider is charged for it), start no upstream request from then on, and release every socket and timer
   * once that work has settled, so a script exits by itself. Calls made afterwards reject with
   * RouterClosedError. A stream that waits on its reader counts as settled: its upstream request is ended.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    this.#healthChecks?.stop();
    await this.#inFlight.cancelAll(new RouterClosedError());
    this.#registry.dispose();
    const closeCache = (): Promise<void> | undefined => (this.#cacheHandedOver ? this.#cached?.settle() : this.#cached?.close());
    await Promise.all([this.#httpClient.close(), this.#embeddings.settle().then(closeCache)]);
  }

  /** The in-process cache this router made (or took over), for a router replacing it; none once closing. */
  #ownCacheBackend(): CacheBackend | undefined {
    return this.#ownsCacheBackend && this.#closing === undefined ? this.#cached?.backend : undefined;
  }

  #select(
    options: CompleteOptions,
    nowMs: number | undefined,
    messages: readonly Message[],
    standingOf: (providerId: string, nowMs: number | undefined) => ProviderStanding = this.#standingOf,
    missingUntil: ((providerId: string, model: string, nowMs: number | undefined) => number | undefined) | undefined = this.#missingUntil,
  ): CandidateSelection {
    const images = imageNeedOf(messages);
    if (options.route === undefined && images === undefined && options.serverTools === undefined && standingOf === this.#standingOf && missingUntil === this.#missingUntil) {
      // As the providers stand, for a call without a route, images or server tools: the selection may be one remembered.
      // One reading of the clock for the whole selection and its check (a stream's selection is given none).
      const selectedAtMs = nowMs ?? this.#clock.now();
      const remembered = this.#selections.find(options, selectedAtMs);
      if (remembered !== undefined) return remembered;
      const selection = this.#selectNow(options, selectedAtMs, undefined, standingOf, missingUntil);
      this.#selections.remember(options, selectedAtMs, selection);
      return selection;
    }
    return this.#selectNow(options, nowMs, images, standingOf, missingUntil);
  }

  #selectNow(
    options: CompleteOptions,
    nowMs: number | undefined,
    images: ImageNeed | undefined,
    standingOf: (providerId: string, nowMs: number | undefined) => ProviderStanding,
    missingUntil: ((providerId: string, model: string, nowMs: number | undefined) => number | undefined) | undefined,
  ): CandidateSelection {
    return selectCandidates({
      providers: this.#providers,
      tier: options.tier,
      preferredProvider: options.preferredProvider,
      preferredModel: options.preferredModel,
      route: options.route,
      standingOf,
      missingUntil,
      nowMs,
      images,
      serverTools: options.serverTools,
    });
  }

  readonly #standingOf = (providerId: string, nowMs: number | undefined): ProviderStanding =>
    this.#registry.standingOf(providerId, nowMs);

  /** The clock is read only when some model is remembered missing (a stream's selection is given no time). */
  readonly #missingUntil = (providerId: string, model: string, nowMs: number | undefined): number | undefined => {
    const missing = this.#registry.missingModels;
    return missing.isEmpty ? undefined : missing.missingUntil(providerId, model, nowMs ?? this.#clock.now());
  };


  #assertOpen(): void {
    if (this.#closing) throw new RouterClosedError();
  }
}

const noEnvironment: Readonly<Record<string, string | undefined>> = {};

/** Every provider as if healthy: what configuration alone allows a call (see `validate`). */
const healthy: ProviderStanding = { available: true, successRate: 1, latencyMs: undefined };
const anyHealth = (): ProviderStanding => healthy;
