/**
 * The router's response cache end to end: its settings, a cache backend that fails, and callers sharing one
 * upstream call (single-flight) while each keeps its own deadline and abort. Real HTTP to the provider test
 * server; deadlines run on a ManualClock.
 */
import { describe, expect, it } from 'vitest';
import {
  type AttemptLog,
  BackupModelRouter,
  type CacheEntry,
  type CachedCompletion,
  DeadlineExceededError,
  InvalidArgumentError,
  MemoryCacheBackend,
  type RouterEvent,
} from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ parallelAttempts: 1 });
const { makeRouter } = harness;

describe('cache settings', () => {
  it('refuses a TTL that could store nothing when the router is made, before any call is paid for', () => {
    for (const cacheTtlSeconds of [0, -1, Number.POSITIVE_INFINITY, Number.NaN]) {
      const made = () => new BackupModelRouter({ env: harness.server.environment(), cacheTtlSeconds });
      expect(made).toThrow(InvalidArgumentError);
      expect(made).toThrow(expect.objectContaining({ argument: 'cacheTtlSeconds' }));
    }
    expect(() => new BackupModelRouter({ env: harness.server.environment(), cacheMaxEntries: 0 })).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', argument: 'cacheMaxEntries' }),
    );
    expect(harness.server.requests).toHaveLength(0);
  });

  it('keeps a fractional TTL, and answers the second call from the cache', async () => {
    const router = makeRouter({ cacheTtlSeconds: 0.5, clock: new ManualClock(Date.UTC(2026, 0, 1)) });
    await router.complete('Short-lived');
    expect((await router.complete('Short-lived')).cached).toBe(true);
    expect(harness.server.requests).toHaveLength(1);
  });
});

/** A cache store that is down for one operation, as a Redis behind a dead connection is: its error names its URL. */
class FailingCacheBackend extends MemoryCacheBackend {
  constructor(readonly failing: 'get' | 'set') {
    super();
  }
  override get(key: string): Promise<CacheEntry | undefined> {
    return this.failing === 'get' ? Promise.reject(storeDown()) : super.get(key);
  }
  override set(key: string, value: CacheEntry, ttlSeconds: number): Promise<void> {
    return this.failing === 'set' ? Promise.reject(storeDown()) : super.set(key, value, ttlSeconds);
  }
}
const storePassword = 'gsk_cachestorepassword123';
const storeDown = () => new Error(`read ECONNRESET redis://default:${storePassword}@cache:6379`);

describe('a cache backend that fails', () => {
  for (const failing of ['get', 'set'] as const) {
    it(`answers the call when ${failing}() fails, and reports it without the secret`, async () => {
      const router = makeRouter({ cacheBackend: new FailingCacheBackend(failing) });
      const reported: RouterEvent[] = [];
      router.onEvent((event) => {
        if (event.type === 'cache-error') reported.push(event);
      });
      const result = await router.complete('Cache store down');
      expect(result.content.length).toBeGreaterThan(0);
      expect(result.cached).toBe(false);
      expect(harness.server.requests).toHaveLength(1);
      expect(reported).toEqual([{ type: 'cache-error', operation: failing, errorName: 'Error', message: expect.stringContaining('ECONNRESET') }]);
      expect(JSON.stringify(reported)).not.toContain(storePassword);
    });
  }
});

/** A cache store that answers only when the test lets it: a read or a write held up as a slow store holds it. */
class HeldCacheBackend extends MemoryCacheBackend {
  readonly #held: (() => void)[] = [];
  constructor(readonly holding: 'get' | 'set') {
    super();
  }
  override get(key: string): Promise<CacheEntry | undefined> {
    return this.holding === 'get' ? this.#hold(() => super.get(key)) : super.get(key);
  }
  override set(key: string, value: CacheEntry, ttlSeconds: number): Promise<void> {
    return this.holding === 'set' ? this.#hold(() => super.set(key, value, ttlSeconds)) : super.set(key, value, ttlSeconds);
  }
  /** Let every held operation answer. */
  release(): void {
    for (const answer of this.#held.splice(0)) answer();
  }
  #hold<T>(operation: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => this.#held.push(() => operation().then(resolve, reject)));
  }
}

describe('a cache backend that is slow', () => {
  /** Lets the call reach its cache read (promise callbacks run). */
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  /** Whether `promise` has settled once pending callbacks ran. */
  async function settledYet(promise: Promise<unknown>): Promise<boolean> {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    await turn();
    return done;
  }
  /** The promise's value, or a failure instead of a test that hangs when it never comes (not a timing check). */
  function orGiveUp<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer after 5 s')), 5_000);
      promise.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  it('gives a read a tenth of the time left (here 1 s of 10 s), then asks a provider and reports the slow read', async () => {
    // Found by a review: a custom backend's read held the call past its deadline, a provider never asked.
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const backend = new HeldCacheBackend('get');
    const router = makeRouter({ clock, cacheBackend: backend, timeoutMs: 10_000 });
    const reported: RouterEvent[] = [];
    router.onEvent((event) => {
      if (event.type === 'cache-error') reported.push(event);
    });
    try {
      const call = router.complete('Slow store', { preferredProvider: 'groq' });
      await turn();
      clock.advance(999);
      await turn();
      expect(harness.server.requests).toHaveLength(0);
      clock.advance(1);
      await harness.server.waitForRequests(1);
      const result = await call;
      expect(result).toMatchObject({ provider: 'groq', cached: false });
      expect(reported).toEqual([
        { type: 'cache-error', operation: 'get', errorName: 'TimeoutError', message: expect.stringContaining('1000 ms') },
      ]);
    } finally {
      backend.release();
    }
  });

  it('ends a call whose caller aborts during a slow read at once, with the caller\'s reason', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const backend = new HeldCacheBackend('get');
    const router = makeRouter({ clock, cacheBackend: backend });
    const caller = new AbortController();
    try {
      const call = router.complete('Slow store', { signal: caller.signal });
      await turn();
      caller.abort(new Error('the caller left'));
      expect(await settledYet(call)).toBe(true);
      await expect(call).rejects.toThrow('the caller left');
      expect(harness.server.requests).toHaveLength(0);
    } finally {
      backend.release();
    }
  });

  it('answers before a slow write has finished, serves the same question from the write meanwhile, and close() waits for it', async () => {
    const backend = new HeldCacheBackend('set');
    const router = makeRouter({ cacheBackend: backend });
    try {
      const answer = await orGiveUp(router.complete('Slow store', { preferredProvider: 'groq' }));
      expect(answer).toMatchObject({ provider: 'groq', cached: false });
      const again = await router.complete('Slow store', { preferredProvider: 'groq' });
      expect(again).toMatchObject({ content: answer.content, cached: true });
      expect(harness.server.requests).toHaveLength(1);
      const closed = router.close();
      expect(await settledYet(closed)).toBe(false);
      backend.release();
      await closed;
    } finally {
      backend.release();
    }
  });
});

describe('a cache backend whose write never settles', () => {
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('serves the answer being written only within its TTL, then asks a provider again', async () => {
    // Found by a review: the answer of a write that never settled was served past its TTL, for good.
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const backend = new HeldCacheBackend('set');
    const router = makeRouter({ clock, cacheBackend: backend, cacheTtlSeconds: 60 });
    try {
      expect(await router.complete('Stuck store', { preferredProvider: 'groq' })).toMatchObject({ cached: false });
      clock.advance(59_999);
      expect(await router.complete('Stuck store', { preferredProvider: 'groq' })).toMatchObject({ cached: true });
      clock.advance(1);
      expect(await router.complete('Stuck store', { preferredProvider: 'groq' })).toMatchObject({ cached: false });
      expect(harness.server.requests).toHaveLength(2);
    } finally {
      backend.release();
    }
  });

  it('lets close() end after a few seconds instead of waiting for the write for good', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const backend = new HeldCacheBackend('set');
    const router = makeRouter({ clock, cacheBackend: backend });
    try {
      await router.complete('Stuck store', { preferredProvider: 'groq' });
      let closed = false;
      const closing = router.close().then(() => (closed = true));
      await turn();
      clock.advance(4_999);
      await turn();
      expect(closed).toBe(false);
      clock.advance(1);
      for (let turns = 0; turns < 5 && !closed; turns++) await turn();
      expect(closed).toBe(true);
      await closing;
    } finally {
      backend.release();
    }
  });
});

describe('identical calls in flight share one upstream call, each under its own deadline and abort', () => {
  const question = { preferredProvider: 'groq' } as const;

  /** Whether `promise` has settled, once pending callbacks ran. */
  async function settled(promise: Promise<unknown>): Promise<boolean> {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    await new Promise((resolve) => setImmediate(resolve));
    return done;
  }

  it('ends a joiner at its own shorter deadline, while the first caller goes on waiting', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    harness.server.setBehavior('groq', { kind: 'stall-before-headers' });
    const router = makeRouter({ clock });
    const first = router.complete('Same question', { ...question, timeoutMs: 30_000 });
    const joiner = router.complete('Same question', { ...question, timeoutMs: 500 });
    first.catch(() => undefined);
    await harness.server.waitForRequests(1);

    clock.advance(500);
    expect(await settled(joiner)).toBe(true);
    await expect(joiner).rejects.toThrow(DeadlineExceededError);
    await expect(joiner).rejects.toMatchObject({ timeoutMs: 500 });
    expect(await settled(first)).toBe(false);

    clock.advance(29_500);
    await expect(first).rejects.toMatchObject({ name: 'DeadlineExceededError', timeoutMs: 30_000 });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("asks again for a joiner still in time when the first caller's deadline ended the shared call", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    harness.server.enqueue('groq', { kind: 'stall-before-headers' });
    const router = makeRouter({ clock });
    const first = router.complete('Same question', { ...question, timeoutMs: 500 });
    const joiner = router.complete('Same question', { ...question, timeoutMs: 30_000 });
    first.catch(() => undefined);
    await harness.server.waitForRequests(1);

    clock.advance(500);
    await expect(first).rejects.toMatchObject({ name: 'DeadlineExceededError', timeoutMs: 500 });
    const answer = await joiner;
    expect(answer).toMatchObject({ provider: 'groq', cached: false });
    expect(answer.attempts).toEqual([expect.objectContaining({ provider: 'groq', outcome: 'success' })]);
    expect(harness.server.requests).toHaveLength(2);
    // The stalled request was the first caller's, ended by its deadline: nothing counts against groq.
    expect(router.getHealthStatus().groq).toMatchObject({ circuitState: 'closed', successRate: 1 });
  });

  /** A router on `clock` whose groq stalls before its headers, and the call-end events it emits. */
  function routerOfStalledGroq(clock: ManualClock): { router: BackupModelRouter; ended: RouterEvent[] } {
    harness.server.setBehavior('groq', { kind: 'stall-before-headers' });
    const router = makeRouter({ clock });
    const ended: RouterEvent[] = [];
    router.onEvent((event) => {
      if (event.type === 'call-end') ended.push(event);
    });
    return { router, ended };
  }

  it('tells a joiner that asked again and ran out of time what was tried: the shared attempt it waited on, then its own', async () => {
    // Found by a review: the joiner's DeadlineExceededError carried no attempts, unlike every other one.
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { router, ended } = routerOfStalledGroq(clock);
    const first = router.complete('Same question', { ...question, timeoutMs: 500 });
    const joiner = router.complete('Same question', { ...question, timeoutMs: 1_700 });
    first.catch(() => undefined);
    joiner.catch(() => undefined);
    await harness.server.waitForRequests(1);

    clock.advance(500);
    await expect(first).rejects.toMatchObject({ name: 'DeadlineExceededError', timeoutMs: 500 });
    await harness.server.waitForRequests(2);
    clock.advance(1_200);
    const error = await joiner.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    const startedAtMs = Date.UTC(2026, 0, 1);
    expect(error).toMatchObject({
      timeoutMs: 1_700,
      attempts: [
        { provider: 'groq', outcome: 'aborted', detail: 'call ended', startedAtMs, durationMs: 500 },
        { provider: 'groq', outcome: 'aborted', detail: 'call ended', startedAtMs: startedAtMs + 500, durationMs: 1_200 },
      ],
    });
    // Its own request's estimated price is its to bear; the first caller's is not.
    const [seen, own] = (error as DeadlineExceededError).attempts;
    expect(seen).not.toHaveProperty('estimatedCostUsd');
    expect(own?.estimatedCostUsd).toBeGreaterThan(0);
    // The call's end event tells the same story.
    expect(ended.at(-1)).toMatchObject({ outcome: 'failure', attempts: (error as DeadlineExceededError).attempts });
  });

  it('gives a caller that asked again and left on its own deadline, while another waited on its call, that call\'s estimates once it ended', async () => {
    // The call it started goes on for the one waiting, until its own deadline (a whole timeoutMs from when it was
    // asked): that one then asks again, so the attempts of the call that ended are the leaver's, told through its
    // log's pricedLater.
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { router } = routerOfStalledGroq(clock);
    const first = router.complete('Same question', { ...question, timeoutMs: 500 });
    const leaverLog: AttemptLog = { attempts: undefined };
    const leaver = router.complete('Same question', { ...question, timeoutMs: 1_700, attemptLog: leaverLog });
    first.catch(() => undefined);
    leaver.catch(() => undefined);
    await harness.server.waitForRequests(1);
    clock.advance(500);
    await expect(first).rejects.toMatchObject({ name: 'DeadlineExceededError', timeoutMs: 500 });
    // The leaver asked again; a third identical call joins that call.
    await harness.server.waitForRequests(2);
    const joiner = router.complete('Same question', { ...question, timeoutMs: 30_000 });
    joiner.catch(() => undefined);
    // Past its cache read, it waits on the leaver's call.
    await new Promise((resolve) => setImmediate(resolve));

    clock.advance(1_200);
    await expect(leaver).rejects.toMatchObject({ name: 'DeadlineExceededError', timeoutMs: 1_700 });
    expect(leaverLog.pricedLater).toBeDefined();
    expect(await settled(leaverLog.pricedLater!)).toBe(false);
    clock.advance(500);
    await leaverLog.pricedLater;
    // The first caller's attempt, which that caller bears, and its own call's, cut at its deadline.
    const [seen, own] = leaverLog.attempts ?? [];
    expect(seen).not.toHaveProperty('estimatedCostUsd');
    expect(own).toMatchObject({ provider: 'groq', outcome: 'aborted', startedAtMs: Date.UTC(2026, 0, 1) + 500, durationMs: 1_700 });
    expect(own?.estimatedCostUsd).toBeGreaterThan(0);

    // The joiner asked again itself: it bears its own request only.
    await harness.server.waitForRequests(3);
    clock.advance(28_300);
    const error = (await joiner.catch((caught: unknown) => caught)) as DeadlineExceededError;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    // The leaver's call's attempt, seen; then its own, priced.
    expect(error.attempts.map((attempt) => attempt.estimatedCostUsd !== undefined)).toEqual([false, true]);
  });

  it('never writes a left call\'s share into its log once the log was given to a later call', async () => {
    // Found by a review: the log of a caller that left a call others still waited on got that call's attempts
    // whenever the call ended, after the router had emptied the log for the next call it was given to.
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { router } = routerOfStalledGroq(clock);
    const log: AttemptLog = { attempts: undefined };
    const leaving = new AbortController();
    const leaver = router.complete('Same question', { ...question, signal: leaving.signal, attemptLog: log });
    const joinerLeaving = new AbortController();
    const joiner = router.complete('Same question', { ...question, signal: joinerLeaving.signal });
    leaver.catch(() => undefined);
    joiner.catch(() => undefined);
    await harness.server.waitForRequests(1);
    leaving.abort();
    await expect(leaver).rejects.toThrow();
    const leftCallPriced = log.pricedLater;
    expect(leftCallPriced).toBeDefined();

    // The same log, given to the caller's next call, which groq answers.
    harness.server.setBehavior('groq', { kind: 'success' });
    const next = await router.complete('Another question', { ...question, attemptLog: log });
    expect(log.attempts).toEqual(next.attempts);
    expect(log.pricedLater).toBeUndefined();

    // The call left behind now ends, nobody waiting on it: its share is known, and the log is the next call's still.
    joinerLeaving.abort();
    await expect(joiner).rejects.toThrow();
    await leftCallPriced;
    expect(log.attempts).toEqual(next.attempts);
  });

  it('tells a joiner whose deadline is its first caller\'s what was tried, asking no provider again with no time left', async () => {
    // Two identical calls made in the same millisecond with the same timeout: the first caller's deadline ends
    // the shared call, and the joiner hears of it before its own timer fires (timers apart, as Node runs them).
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { router, ended } = routerOfStalledGroq(clock);
    const first = router.complete('Same question', { ...question, timeoutMs: 500 });
    const joiner = router.complete('Same question', { ...question, timeoutMs: 500 });
    first.catch(() => undefined);
    joiner.catch(() => undefined);
    await harness.server.waitForRequests(1);

    await clock.advanceAsync(500);
    await expect(first).rejects.toMatchObject({ name: 'DeadlineExceededError', timeoutMs: 500 });
    const error = await joiner.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).attempts).toEqual([
      expect.objectContaining({ provider: 'groq', outcome: 'aborted', detail: 'call ended', durationMs: 500 }),
    ]);
    expect(ended.at(-1)).toMatchObject({ outcome: 'failure', attempts: (error as DeadlineExceededError).attempts });
    expect(harness.server.requests).toHaveLength(1);
  });

  it('ends a joiner left with a millisecond when the shared call fails with its deadline error, asking no provider again', async () => {
    // Found by a review: with 1 ms left it started an upstream request of its own, which could not answer in time
    // and which its provider bills all the same. A new call needs time of its own, as a retry round does.
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { router, ended } = routerOfStalledGroq(clock);
    const first = router.complete('Same question', { ...question, timeoutMs: 500 });
    const joiner = router.complete('Same question', { ...question, timeoutMs: 501 });
    first.catch(() => undefined);
    joiner.catch(() => undefined);
    await harness.server.waitForRequests(1);

    await clock.advanceAsync(500);
    const firstError = await first.catch((caught: unknown) => caught);
    expect(firstError).toMatchObject({ name: 'DeadlineExceededError', timeoutMs: 500 });
    // The stalled request was sent: its estimated price is the first caller's, whose call it was, not the joiner's.
    expect((firstError as DeadlineExceededError).attempts[0]?.estimatedCostUsd).toBeGreaterThan(0);
    // Ended at once, its last millisecond not waited out on a request of its own.
    expect(await settled(joiner)).toBe(true);
    const error = await joiner.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ timeoutMs: 501 });
    // What it saw tried: the shared call's attempt, ended by the first caller's deadline.
    expect((error as DeadlineExceededError).attempts).toEqual([
      expect.objectContaining({ provider: 'groq', outcome: 'aborted', detail: 'call ended', durationMs: 500 }),
    ]);
    expect((error as DeadlineExceededError).attempts[0]).not.toHaveProperty('estimatedCostUsd');
    expect(ended.at(-1)).toMatchObject({ outcome: 'failure', attempts: (error as DeadlineExceededError).attempts });
    expect(harness.server.requests).toHaveLength(1);
  });

  it('tells a joiner that ran out of time while it waited what the shared call had tried by then', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    harness.server.enqueue('groq', { kind: 'status', status: 503 });
    harness.server.setBehavior('openai', { kind: 'stall-before-headers' });
    const router = makeRouter({ clock });
    const route = [
      { provider: 'groq', model: 'llama-3.1-8b-instant' },
      { provider: 'openai', model: 'gpt-4o-mini' },
    ];
    const first = router.complete('Same question', { route, timeoutMs: 30_000 });
    first.catch(() => undefined);
    await harness.server.waitForRequests(2);
    const joiner = router.complete('Same question', { route, timeoutMs: 500 });
    joiner.catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));

    clock.advance(500);
    const error = await joiner.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).attempts).toEqual([
      expect.objectContaining({ provider: 'groq', outcome: 'failure', reason: 'overloaded', statusCode: 503 }),
    ]);
    expect(await settled(first)).toBe(false);
    clock.advance(29_500);
    await expect(first).rejects.toMatchObject({ name: 'DeadlineExceededError' });
    expect(harness.server.requests).toHaveLength(2);
  });

  it('shares a call only between callers that ask the same way: a race of two does not wait on a sequential call', async () => {
    harness.server.setBehavior('groq', { kind: 'success', latencyMs: 300 });
    const router = makeRouter();
    // The router's default: one attempt at a time.
    const sequential = router.complete('Same question', question);
    await harness.server.waitForRequests(1);
    // Asked for a race of two: it runs its own (two requests) instead of joining the sequential call...
    const raced = router.complete('Same question', { ...question, parallelAttempts: 2 });
    await harness.server.waitForRequests(3);
    // ...and a third caller asking for the same race joins it, asking nobody again.
    const joiner = router.complete('Same question', { ...question, parallelAttempts: 2 });
    const [first, second, third] = await Promise.all([sequential, raced, joiner]);
    expect(first.cached).toBe(false);
    expect(second.attempts.length).toBeGreaterThanOrEqual(1);
    expect(third.cached).toBe(true);
    expect(harness.server.requests).toHaveLength(3);
  });

  it("answers a joiner when the first caller aborts, from the same upstream call", async () => {
    harness.server.setBehavior('groq', { kind: 'success', latencyMs: 300 });
    const router = makeRouter();
    const firstCaller = new AbortController();
    const first = router.complete('Same question', { ...question, signal: firstCaller.signal });
    const joiner = router.complete('Same question', { ...question, timeoutMs: 30_000 });
    await harness.server.waitForRequests(1);

    firstCaller.abort(new Error('the first caller left'));
    await expect(first).rejects.toThrow('the first caller left');
    // The first caller left before the answer: the joiner takes the call over, its answer and its attempts, as
    // its own (not cached, and priced), so that the answer the provider bills once is charged once.
    const taken = await joiner;
    expect(taken).toMatchObject({ provider: 'groq', cached: false });
    expect(taken.attempts.map((attempt) => attempt.provider)).toEqual(['groq']);
    expect(taken.costUsd).toBeGreaterThan(0);
    expect(harness.server.requests).toHaveLength(1);
  });
});

describe("cache: 'refresh'", () => {
  it('asks a provider although an answer is cached, and stores the new one in its place', async () => {
    const router = makeRouter({});
    harness.server.setBehavior('groq', { kind: 'success', text: 'First.' });
    expect(await router.complete('Again, please', { preferredProvider: 'groq' })).toMatchObject({ content: 'First.', cached: false });
    harness.server.setBehavior('groq', { kind: 'success', text: 'Second.' });
    expect(await router.complete('Again, please', { preferredProvider: 'groq' })).toMatchObject({ content: 'First.', cached: true });
    expect(await router.complete('Again, please', { preferredProvider: 'groq', cache: 'refresh' })).toMatchObject({ content: 'Second.', cached: false });
    expect(await router.complete('Again, please', { preferredProvider: 'groq' })).toMatchObject({ content: 'Second.', cached: true });
    expect(harness.server.requests).toHaveLength(2);
  });

  it('refuses any other value, asking no provider', async () => {
    const router = makeRouter({});
    await expect(router.complete('Bad cache option', { cache: 'yes' as unknown as boolean })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'cache',
    });
    expect(harness.server.requests).toHaveLength(0);
  });
});
