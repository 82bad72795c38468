/**
 * What the attempts a call cancelled after sending them cost: the loser of a race of two (whole answers and
 * streams), a hedged attempt that lost, the attempt a deadline ended, and those our own time limits ended
 * (`responseTimeoutMs`, `firstTokenTimeoutMs`), each priced at its input (about four characters a token) on
 * its entry in the attempt log, which the result, the error and the attempt-end events carry, never in the
 * answer's own cost, and counted apart from answers in its provider's health status. Real HTTP to the provider test server; its latencies and the router's
 * timers run on one ManualClock.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Attempt, type AttemptLog, BackupModelRouter, type BackupModelRouterOptions, DeadlineExceededError, type RouterEvent } from '../src/index.js';
import { defaultCatalog } from '../src/catalog.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1));
let server: ProviderTestServer;
const routers: BackupModelRouter[] = [];

beforeAll(async () => {
  server = await startProviderTestServer({ clock });
});
afterAll(async () => server.close());
beforeEach(() => server.reset());
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});

function makeRouter(options: BackupModelRouterOptions): { router: BackupModelRouter; ended: Attempt[] } {
  const router = new BackupModelRouter({ env: server.environment(['groq', 'openai']), clock, cacheEnabled: false, ...options });
  routers.push(router);
  const ended: Attempt[] = [];
  router.onEvent((event: RouterEvent) => {
    if (event.type === 'attempt-end') ended.push(event.attempt);
  });
  return { router, ended };
}

const groq = { provider: 'groq', model: 'llama-3.1-8b-instant' };
const openai = { provider: 'openai', model: 'gpt-4o-mini' };

/** 300 characters: 75 tokens at four characters a token. */
const question = 'What does a race of two cost? '.repeat(10);

function priceOf(providerId: string, model: string): { inputPerMillion: number; outputPerMillion: number } {
  const price = defaultCatalog.find((definition) => definition.id === providerId)?.models.find((entry) => entry.id === model)?.price;
  if (price === undefined) throw new Error(`no price for ${providerId}/${model}`);
  return price;
}

/** gpt-4o-mini's price of the question's 75 input tokens: what openai bills for a request it received and we cancelled. */
const openaiInputUsd = (75 * priceOf('openai', 'gpt-4o-mini').inputPerMillion) / 1_000_000;

describe('a race of two', () => {
  it("gives the loser, cancelled after its request was sent, the estimated price of its input, apart from the answer's cost", async () => {
    server.setBehavior('openai', { kind: 'stall-before-headers' });
    server.setBehavior('groq', { kind: 'success', latencyMs: 1_000 });
    const { router, ended } = makeRouter({ parallelAttempts: 2 });
    const call = router.complete(question, { route: [groq, openai] });
    // Both requests reached their providers before groq answers.
    await server.waitForRequests(2);
    clock.advance(1_000);
    const result = await call;

    expect(result.provider).toBe('groq');
    expect(result.attempts).toEqual([
      expect.objectContaining({ provider: 'groq', outcome: 'success' }),
      expect.objectContaining({ provider: 'openai', outcome: 'aborted', detail: 'lost the race', estimatedCostUsd: expect.any(Number) }),
    ]);
    expect(result.attempts[0]).not.toHaveProperty('estimatedCostUsd');
    expect(result.attempts[1]?.estimatedCostUsd).toBeCloseTo(openaiInputUsd, 12);
    // The answer's own cost is groq's alone, at the price of the model its answer names.
    const groqPrice = priceOf('groq', result.model);
    const usage = result.usage!;
    expect(result.costUsd).toBeCloseTo((usage.inputTokens * groqPrice.inputPerMillion + usage.outputTokens * groqPrice.outputPerMillion) / 1_000_000, 12);
    // The attempt-end events say the same, for a caller's own accounting.
    expect(ended).toEqual(result.attempts);
    await server.waitForClientAbort({ provider: 'openai' });
  });

  it("gives a stream's loser the estimated price of its input too", async () => {
    server.setBehavior('openai', { kind: 'stall-before-headers' });
    server.setBehavior('groq', { kind: 'success', latencyMs: 1_000 });
    const { router } = makeRouter({ parallelAttempts: 2 });
    const stream = router.stream(question, { route: [groq, openai] });
    const result = stream.result;
    await server.waitForRequests(2);
    clock.advance(1_000);
    expect((await result).provider).toBe('groq');
    const loser = stream.attempts.find((attempt) => attempt.provider === 'openai');
    expect(loser).toMatchObject({ outcome: 'aborted', detail: 'lost the race' });
    expect(loser?.estimatedCostUsd).toBeCloseTo(openaiInputUsd, 12);
    expect(stream.attempts.find((attempt) => attempt.provider === 'groq')).not.toHaveProperty('estimatedCostUsd');
  });

  it('prices a hedged attempt that lost as it prices a racer', async () => {
    server.setBehavior('openai', { kind: 'stall-before-headers' });
    const { router } = makeRouter({ parallelAttempts: 2, hedge: { delayMs: 200 } });
    const call = router.complete(question, { route: [openai, groq] });
    await server.waitForRequests(1);
    // openai is slower than the hedge's delay: groq is asked, and answers at once.
    clock.advance(200);
    const result = await call;
    expect(result.provider).toBe('groq');
    const loser = result.attempts.find((attempt) => attempt.provider === 'openai');
    expect(loser).toMatchObject({ outcome: 'aborted', detail: 'lost the race' });
    expect(loser?.estimatedCostUsd).toBeCloseTo(openaiInputUsd, 12);
  });

  it('charges nothing for an attempt that failed: its provider answered, with an error it does not bill', async () => {
    server.setBehavior('openai', { kind: 'status', status: 503 });
    const { router } = makeRouter({ parallelAttempts: 2 });
    const result = await router.complete(question, { route: [openai, groq] });
    expect(result.provider).toBe('groq');
    expect(result.attempts).toEqual([
      expect.objectContaining({ provider: 'openai', outcome: 'failure', statusCode: 503 }),
      expect.objectContaining({ provider: 'groq', outcome: 'success' }),
    ]);
    for (const attempt of result.attempts) expect(attempt).not.toHaveProperty('estimatedCostUsd');
  });
});

describe('a call that ended with an attempt in flight', () => {
  it('gives the attempt its deadline ended the estimated price of its input, in the DeadlineExceededError', async () => {
    server.setBehavior('openai', { kind: 'stall-before-headers' });
    const { router, ended } = makeRouter({ parallelAttempts: 1 });
    const call = router.complete(question, { route: [openai], timeoutMs: 500 });
    call.catch(() => undefined);
    await server.waitForRequests(1);
    clock.advance(500);
    const error = await call.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    const attempts = (error as DeadlineExceededError).attempts;
    expect(attempts).toEqual([expect.objectContaining({ provider: 'openai', outcome: 'aborted', detail: 'call ended' })]);
    expect(attempts[0]?.estimatedCostUsd).toBeCloseTo(openaiInputUsd, 12);
    expect(ended).toEqual(attempts);
  });
});

describe("a call its caller aborted", () => {
  it("rethrows the caller's reason as is, and leaves the priced attempts it sent in the call's attemptLog", async () => {
    server.setBehavior('openai', { kind: 'stall-before-headers' });
    server.setBehavior('groq', { kind: 'success', latencyMs: 1_000 });
    const { router, ended } = makeRouter({ parallelAttempts: 2 });
    const caller = new AbortController();
    const attemptLog: AttemptLog = { attempts: undefined };
    const call = router.complete(question, { route: [groq, openai], signal: caller.signal, attemptLog });
    await server.waitForRequests(2);
    const reason = new Error('the caller left');
    caller.abort(reason);
    expect(await call.catch((caught: unknown) => caught)).toBe(reason);

    expect(attemptLog.attempts).toEqual([
      expect.objectContaining({ provider: 'groq', outcome: 'aborted', detail: 'call ended', estimatedCostUsd: expect.any(Number) }),
      expect.objectContaining({ provider: 'openai', outcome: 'aborted', detail: 'call ended', estimatedCostUsd: expect.any(Number) }),
    ]);
    const groqInputUsd = (75 * priceOf('groq', 'llama-3.1-8b-instant').inputPerMillion) / 1_000_000;
    expect(attemptLog.attempts?.[0]?.estimatedCostUsd).toBeCloseTo(groqInputUsd, 12);
    expect(attemptLog.attempts?.[1]?.estimatedCostUsd).toBeCloseTo(openaiInputUsd, 12);
    expect(ended).toEqual(attemptLog.attempts);
  });

  it('leaves no earlier call\'s attempts in an attemptLog given again to a call answered from the cache', async () => {
    // Found by a review: a log reused across calls kept the aborted call's priced attempts through a cache hit,
    // and a caller charging from it would pay for them twice.
    server.setBehavior('groq', { kind: 'success' });
    const { router } = makeRouter({ parallelAttempts: 2, cacheEnabled: true });
    await router.complete('What is cached?', { route: [groq] });
    server.setBehavior('openai', { kind: 'stall-before-headers' });
    server.setBehavior('groq', { kind: 'success', latencyMs: 1_000 });
    const attemptLog: AttemptLog = { attempts: undefined };
    const caller = new AbortController();
    const aborted = router.complete(question, { route: [groq, openai], signal: caller.signal, attemptLog });
    await server.waitForRequests(3);
    caller.abort(new Error('the caller left'));
    await aborted.catch(() => undefined);
    expect(attemptLog.attempts?.some((attempt) => attempt.estimatedCostUsd !== undefined)).toBe(true);

    const hit = await router.complete('What is cached?', { route: [groq], attemptLog });
    expect(hit.cached).toBe(true);
    expect(attemptLog.attempts).toBeUndefined();
  });
});

describe('an attempt our own time limit ended after its request was sent', () => {
  it('is priced when responseTimeoutMs ended it, stays a timeout failure for its provider, and the call fails over', async () => {
    server.setBehavior('openai', { kind: 'stall-before-headers' });
    const { router, ended } = makeRouter({ parallelAttempts: 1 });
    // Below 10 s, the limit is the router's own timer, on the manual clock: undici's, in real time, waits 5 s.
    const call = router.complete(question, { route: [openai, groq], responseTimeoutMs: 5_000 });
    await server.waitForRequests(1);
    clock.advance(5_000);
    const result = await call;

    expect(result.provider).toBe('groq');
    expect(result.attempts).toEqual([
      expect.objectContaining({ provider: 'openai', outcome: 'failure', reason: 'timeout', estimatedCostUsd: expect.any(Number) }),
      expect.objectContaining({ provider: 'groq', outcome: 'success' }),
    ]);
    expect(result.attempts[0]?.estimatedCostUsd).toBeCloseTo(openaiInputUsd, 12);
    expect(result.attempts[1]).not.toHaveProperty('estimatedCostUsd');
    expect(ended).toEqual(result.attempts);
    const health = router.getHealthStatus();
    // Still the provider's failure, as before; its estimated price is counted apart from the answers'.
    expect(health.openai).toMatchObject({ totalFailures: 1, lastFailureReason: 'timeout', totalCostUsd: 0 });
    expect(health.openai?.unansweredAttemptsCostUsd).toBeCloseTo(openaiInputUsd, 12);
    expect(health.groq?.unansweredAttemptsCostUsd).toBe(0);
    expect(health.groq?.totalCostUsd).toBeCloseTo(result.costUsd!, 12);
  });

  it('is priced when firstTokenTimeoutMs ended a stream before its first token', async () => {
    // The response's headers and its opening event (the role, no text), then silence: no first token comes.
    server.setBehavior('openai', { kind: 'stall-after-events', events: 1 });
    const { router } = makeRouter({ parallelAttempts: 1 });
    const stream = router.stream(question, { route: [openai, groq], firstTokenTimeoutMs: 5_000 });
    const result = stream.result;
    await server.waitForRequests(1);
    clock.advance(5_000);
    expect((await result).provider).toBe('groq');
    const timedOut = stream.attempts.find((attempt) => attempt.provider === 'openai');
    expect(timedOut).toMatchObject({ outcome: 'failure', reason: 'timeout' });
    expect(timedOut?.estimatedCostUsd).toBeCloseTo(openaiInputUsd, 12);
    expect(router.getHealthStatus().openai).toMatchObject({ totalFailures: 1, lastFailureReason: 'timeout' });
  });

  it("leaves an attempt alone that timed out on the provider's own 504: its provider answered, with an error", async () => {
    server.setBehavior('openai', { kind: 'status', status: 504 });
    const { router } = makeRouter({ parallelAttempts: 1 });
    const result = await router.complete(question, { route: [openai, groq] });
    expect(result.attempts[0]).toMatchObject({ provider: 'openai', outcome: 'failure', reason: 'timeout', statusCode: 504 });
    expect(result.attempts[0]).not.toHaveProperty('estimatedCostUsd');
    expect(router.getHealthStatus().openai?.unansweredAttemptsCostUsd).toBe(0);
  });
});
