/**
 * Calls through the router's cache with single-flight, whatever they ask (`complete`'s answers, `embed`'s vectors):
 * a cache hit asks no provider, and identical calls in flight share one upstream call, each caller keeping its own
 * deadline and abort, the attempts billed once (shared-call.ts). What the calls ask, how they are keyed and what
 * their result is are the caller's: see `SharedCachedCallsOptions`.
 */
import type { CacheEntry } from '../cache/cache-backend.js';
import type { SingleFlight } from '../cache/single-flight.js';
import { CancelScope, type Cancellation, cancellationOf } from '../cancellation.js';
import type { Clock } from '../clock.js';
import { AllProvidersFailedError, type Attempt, DeadlineExceededError } from '../errors.js';
import { createDeadlineSignal, type DeadlineSignal } from '../resilience/deadline.js';
import type { GuardedCache } from './guarded-cache.js';
import type { InFlightCalls } from './in-flight-calls.js';
import { minimumRoundMs } from './plan-retry-round.js';
import type { ProviderSpending } from './provider-spending.js';
import { routerDefaults } from './router-defaults.js';
import type { AttemptLog, BackupModelRouterOptions } from './router-options.js';
import { SharedCall, seenOnly } from './shared-call.js';

/** What every call through the cache carries: its caller's options, when it began, and its attempts' log. */
export interface SharedCachedCall {
  readonly options: {
    readonly signal?: AbortSignal | Cancellation | undefined;
    readonly timeoutMs?: number | undefined;
  };
  readonly startedAtMs: number;
  /** Where the call's race leaves its attempts as it begins (see `AttemptLog`). */
  readonly log: AttemptLog;
}

/** How a result is made of an entry: when its call began, its attempts, and whether it was served without a cost. */
export interface ResultContext {
  readonly startedAtMs: number;
  readonly attempts: readonly Attempt[];
  readonly cached: boolean;
}

export interface SharedCachedCallsOptions<Call extends SharedCachedCall, Entry extends CacheEntry, Result> {
  readonly cache: GuardedCache<Entry>;
  readonly clock: Clock;
  /** The router's work in flight: each call and each shared call is part of it, so close() cancels them. */
  readonly inFlight: InFlightCalls;
  readonly singleFlight: SingleFlight<Entry>;
  /** The router's options, for the `timeoutMs` of a call that sets none. */
  readonly routerOptions: Pick<BackupModelRouterOptions, 'timeoutMs'>;
  /** Charged for what a call spent when it ran here or took a shared call over (not when it only joined one, or hit the cache). */
  readonly spending: Pick<ProviderSpending, 'recordSpend'>;
  /** The call's entry in the cache: its caller's scope and what shapes its answer. */
  readonly keyOf: (call: Call) => string;
  /**
   * How the call is run, not what it asks (its per-call racing options and time limits): only calls that ask the
   * same way share one upstream call. '' for a call that gives none.
   */
  readonly strategyOf: (call: Call) => string;
  /** Whether an entry may be stored (a complete answer; a truncated one is not). */
  readonly cacheable: (entry: Entry) => boolean;
  readonly resultOf: (entry: Entry, context: ResultContext) => Result;
  /**
   * The call without the cache, under `cancellation`: run once for everyone waiting on the same request. It sets
   * `call.log.attempts` to its race's live log before its first wait.
   */
  readonly runUncached: (call: Call, cancellation: Cancellation) => Promise<{ completion: Entry; attempts: readonly Attempt[] }>;
}

export class SharedCachedCalls<Call extends SharedCachedCall, Entry extends CacheEntry, Result extends { readonly provider: string; readonly costUsd: number | undefined }> {
  readonly #cache: GuardedCache<Entry>;
  readonly #clock: Clock;
  readonly #inFlight: InFlightCalls;
  readonly #singleFlight: SingleFlight<Entry>;
  readonly #routerOptions: Pick<BackupModelRouterOptions, 'timeoutMs'>;
  readonly #spending: Pick<ProviderSpending, 'recordSpend'>;
  readonly #keyOf: (call: Call) => string;
  readonly #strategyOf: (call: Call) => string;
  readonly #cacheable: (entry: Entry) => boolean;
  readonly #resultOf: (entry: Entry, context: ResultContext) => Result;
  readonly #runUncached: SharedCachedCallsOptions<Call, Entry, Result>['runUncached'];
  /** Each shared call in flight, by its single-flight key: what a joiner sees tried, and who pays for it. */
  readonly #sharedCalls = new Map<string, SharedCall>();

  constructor(options: SharedCachedCallsOptions<Call, Entry, Result>) {
    this.#cache = options.cache;
    this.#clock = options.clock;
    this.#inFlight = options.inFlight;
    this.#singleFlight = options.singleFlight;
    this.#routerOptions = options.routerOptions;
    this.#spending = options.spending;
    this.#keyOf = options.keyOf;
    this.#strategyOf = options.strategyOf;
    this.#cacheable = options.cacheable;
    this.#resultOf = options.resultOf;
    this.#runUncached = options.runUncached;
  }

  /**
   * Through the cache, with single-flight: a caller that finds the same request in flight (same scope) waits
   * for that call's answer instead of asking again. Each caller keeps its own deadline and abort: a caller who
   * joins waits only within them, and when the shared call fails because of its first caller (its deadline
   * passed), a joiner still in time asks again itself. Only calls that ask the same way share one (the same
   * `strategyOf`).
   */
  async call(context: Call): Promise<Result> {
    // The call's own cancellation (the caller's signal, and close()), which its wait and the shared work follow.
    const call = new CancelScope();
    const stopFollowingCaller = context.options.signal ? call.follow(cancellationOf(context.options.signal)) : undefined;
    const inFlightCall = this.#inFlight.enter(call);
    try {
      return await this.#callUnder(call, context);
    } finally {
      stopFollowingCaller?.();
      this.#inFlight.leave(inFlightCall);
    }
  }

  /** The cache read, then single-flight: see `call`. `call` ends with the caller or close(). */
  async #callUnder(call: Cancellation, context: Call): Promise<Result> {
    const { options, startedAtMs, log } = context;
    const cache = this.#cache;
    const key = this.#keyOf(context);
    const timeoutMs = options.timeoutMs ?? this.#routerOptions.timeoutMs ?? routerDefaults.timeoutMs;
    // A store slower than this is taken as a miss: the call keeps most of its time for a provider. The
    // router's own in-process cache answers at once, and its calls make no limit.
    const readLimit = cache.answersAtOnce
      ? undefined
      : {
          withinMs: Math.min(routerDefaults.cacheReadMaxMs, (startedAtMs + timeoutMs - this.#clock.now()) * routerDefaults.cacheReadShareOfTimeLeft),
          cancellation: call,
        };
    // Calls share one upstream call only when they ask for it the same way: one that wants a race of three
    // (or no retries, a shorter first-token limit) must not wait on another's sequential call.
    const flightKey = key + this.#strategyOf(context);
    const hit = await cache.read(key, readLimit);
    if (hit) return this.#resultOf(hit, { startedAtMs, attempts: [], cached: true });
    call.throwIfAborted();
    // The attempts of shared calls this caller waited on that ended on their first caller's deadline, before it
    // asked again: with those of the call it waits on last, what its own DeadlineExceededError says was tried.
    let seenAttempts: readonly Attempt[] = [];
    for (let askingAgain = false; ; askingAgain = true) {
      let attempts: readonly Attempt[] = [];
      let ranHere = false;
      // Whoever starts the call the first time owns its deadline (the call's own, with its attempts); anyone
      // else waits under a deadline of their own, counted from when their call began. A caller asking again
      // with nobody's call to join starts a request of its own: only with the time a retry round needs left,
      // as a request that cannot answer in time is billed all the same.
      const joining = this.#singleFlight.has(flightKey);
      const ownWait =
        askingAgain || joining
          ? this.#waitDeadline({ timeoutMs, startedAtMs, signal: call, minimumMs: askingAgain && !joining ? minimumRoundMs : 0 })
          : undefined;
      if (ownWait === null) {
        // Too little time left to wait or ask again (a joiner whose deadline is, or nearly is, the one that just
        // ended the shared call): it says what it saw tried, as every DeadlineExceededError does.
        log.attempts = seenAttempts;
        throw new DeadlineExceededError({ timeoutMs, attempts: seenAttempts });
      }
      let completion: Entry;
      let sharedWork: { readonly scope: CancelScope; readonly ended: Promise<void> } | undefined;
      let waitedOn: SharedCall | undefined;
      // The shared call when this caller joined it, rather than started it; and whether it pays for what it got.
      let joined: SharedCall | undefined;
      let paysForIt = false;
      try {
        const shared = this.#singleFlight.run(
          flightKey,
          async (cancellation) => {
            ranHere = true;
            // The shared work is cancelled when every caller left, or by close(), which waits for it.
            const work = new CancelScope();
            let endWork!: () => void;
            sharedWork = { scope: work, ended: new Promise<void>((resolve) => (endWork = resolve)) };
            const stopFollowing = work.follow(cancellation);
            const inFlightWork = this.#inFlight.enter(work);
            const running = this.#runUncached(context, work);
            // Set as the race began (before its first wait): the log its attempts go to as they end.
            const sharedCall = log.attempts === undefined ? undefined : new SharedCall(log.attempts);
            if (sharedCall !== undefined) this.#sharedCalls.set(flightKey, sharedCall);
            try {
              const outcome = await running;
              attempts = outcome.attempts;
              // Not waited for: a slow store never holds up the answer (joiners meanwhile are served from the write).
              if (this.#cacheable(outcome.completion)) cache.write(key, outcome.completion);
              return outcome.completion;
            } finally {
              // The race is over, its attempts priced: before any caller waiting on it gets the outcome.
              sharedCall?.end();
              if (sharedCall !== undefined && this.#sharedCalls.get(flightKey) === sharedCall) this.#sharedCalls.delete(flightKey);
              stopFollowing();
              this.#inFlight.leave(inFlightWork);
              endWork();
            }
          },
          { signal: ownWait?.cancellation ?? call },
        );
        // Its own call's attempts when it started the call (registered as it started), else its first caller's.
        waitedOn = this.#sharedCalls.get(flightKey);
        if (!ranHere) {
          joined = waitedOn;
          joined?.join();
        }
        completion = await shared;
        // A caller that joined another's identical call in flight shares its answer, as a cache hit would; but
        // when that call's first caller left before it, the first joiner to get the answer takes the call as its
        // own: the answer and its attempts are billed once, and nobody else is there to bear them.
        paysForIt = ranHere || joined?.takeOver() === true;
        if (joined !== undefined && paysForIt) log.attempts = attempts = joined.attempts;
      } catch (error) {
        // This caller left (its abort, its own deadline) rather than got the shared call's outcome.
        const ownSignal = ownWait?.cancellation ?? call;
        const left = ownSignal.aborted && error === ownSignal.reason;
        // This caller left the work it started and so cancelled it: its race logs the attempt in flight as
        // aborted in a moment, for the call's end event. When others still wait on it, it goes on for them, and
        // who pays for it is known only when it ends (the log's `pricedLater`).
        const leftToOthers = ranHere && left && sharedWork?.scope.aborted === false;
        if (sharedWork?.scope.aborted) await sharedWork.ended;
        else if (leftToOthers) waitedOn?.leave(log, seenAttempts);
        if (ownWait?.timedOut()) {
          // As every DeadlineExceededError does, it says what was tried: what this caller saw end before it
          // asked again, then the attempts of the call it waited on (ended ones: another's may go on).
          const waitedOnAttempts = waitedOn?.attempts ?? [];
          if (!(leftToOthers && waitedOn !== undefined)) log.attempts = [...seenAttempts, ...(ranHere ? waitedOnAttempts : seenOnly(waitedOnAttempts))];
          throw new DeadlineExceededError({ timeoutMs, attempts: log.attempts ?? [] });
        }
        // Another caller's deadline ended the shared call: this one, still in time, asks again.
        if (!ranHere && ownWait !== undefined && !ownWait.cancellation.aborted && DeadlineExceededError.isInstance(error)) {
          seenAttempts = [...seenAttempts, ...seenOnly(error.attempts)];
          continue;
        }
        // A joiner shares the first caller's failure, not the price of its attempts: a gateway charges each
        // request's key from its error's attempts, and would charge them once per request that shared the call.
        // But the first joiner to get it after the first caller left takes it over, estimates and all, as it
        // would an answer. (Never the caller's own abort reason, which is rethrown as is.)
        if (!ranHere && !left) {
          if (joined?.takeOver() !== true) throw seenByJoiner(error);
          log.attempts = [...seenAttempts, ...joined.attempts];
        }
        throw error;
      } finally {
        // Done with the shared call, whatever became of it (taken over, shared, asked again, left).
        joined?.stopWaiting();
        ownWait?.dispose();
      }
      const result = this.#resultOf(completion, { startedAtMs, attempts, cached: !paysForIt });
      if (paysForIt) this.#spending.recordSpend(result.provider, result.costUsd);
      return result;
    }
  }

  /**
   * The deadline of a caller waiting on a call it did not start, or asking again: the rest of its own
   * `timeoutMs`, counted from when its call began, and its own abort; null when none of it is left, or less
   * than `minimumMs`.
   */
  #waitDeadline(options: { timeoutMs: number; startedAtMs: number; signal: Cancellation; minimumMs: number }): DeadlineSignal | null {
    const remainingMs = options.startedAtMs + options.timeoutMs - this.#clock.now();
    if (remainingMs <= 0 || remainingMs < options.minimumMs) return null;
    return createDeadlineSignal({ clock: this.#clock, timeoutMs: remainingMs, parent: options.signal });
  }
}

/** The shared call's failure as a caller that joined it gets it: an AllProvidersFailedError without its estimates. */
function seenByJoiner(error: unknown): unknown {
  if (!AllProvidersFailedError.isInstance(error)) return error;
  const attempts = seenOnly(error.attempts);
  if (attempts === error.attempts) return error;
  return new AllProvidersFailedError({ attempts, errors: error.errors, retryAfterMs: error.retryAfterMs });
}
