/**
 * `hedge: { delayMs: 'auto' }` end to end: a call waits on its provider for that provider's p95 of the same
 * kind of call (whole answers for `complete`, first tokens for `stream`), and an attempt that lost a race
 * still tells how slow its provider was when it was slower than that p95. Real HTTP to the provider test
 * server; the server's latencies and the router's timers run on one ManualClock, and when a hedge starts is
 * read from the router's attempt-start events, which the hedge timer emits as it fires.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BackupModelRouter, type RouterEvent } from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1));
let server: ProviderTestServer;
let router: BackupModelRouter;
let started: string[];

const onlyGroq = [{ provider: 'groq', model: 'llama-3.1-8b-instant' }];
const groqThenOpenAI = [...onlyGroq, { provider: 'openai', model: 'gpt-4o-mini' }];

beforeAll(async () => {
  server = await startProviderTestServer({ clock });
});
afterAll(async () => server.close());
beforeEach(() => {
  server.reset();
  router = new BackupModelRouter({
    env: server.environment(['groq', 'openai']),
    clock,
    cacheEnabled: false,
    parallelAttempts: 2,
    hedge: { delayMs: 'auto' },
  });
  started = [];
  router.onEvent((event: RouterEvent) => {
    if (event.type === 'attempt-start') started.push(event.provider);
  });
});
afterEach(async () => router.close());

/** Lets pending callbacks run: the call reaches its race, or a loser's abort reaches its attempt. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** One whole answer from groq alone (nothing to hedge to), taking `latencyMs` on the clock. */
async function wholeAnswerTaking(latencyMs: number): Promise<void> {
  server.setBehavior('groq', { kind: 'success', latencyMs });
  const seen = server.requests.length;
  const call = router.complete(`Whole answer ${seen}`, { route: onlyGroq });
  await server.waitForRequests(seen + 1);
  clock.advance(latencyMs);
  await call;
}

/** One stream from groq alone whose first token comes after `latencyMs` on the clock. */
async function streamFirstTokenAfter(latencyMs: number): Promise<void> {
  server.setBehavior('groq', { kind: 'success', latencyMs });
  const seen = server.requests.length;
  const stream = router.stream(`Stream ${seen}`, { route: onlyGroq });
  const result = stream.result;
  await server.waitForRequests(seen + 1);
  clock.advance(latencyMs);
  await result;
}

/**
 * A call to groq then openai with groq stalled: how long the hedge waited before it started openai (undefined
 * when it had not within `upToMs`). openai answers `openaiTakesMs` after it starts; groq, the loser, is cancelled
 * then, and the function returns once that cancellation has reached groq's attempt.
 */
async function hedgeDelayOf(
  kind: 'complete' | 'stream',
  options: { readonly upToMs: number; readonly openaiTakesMs?: number },
): Promise<number | undefined> {
  // A moment after the last call, as calls come: the p95 a hedge reads is recomputed at most every 100 ms.
  clock.advance(100);
  server.setBehavior('groq', { kind: 'stall-before-headers' });
  server.setBehavior('openai', { kind: 'success', latencyMs: options.openaiTakesMs ?? 0 });
  started = [];
  const seen = server.requests.length;
  const call = kind === 'complete' ? router.complete('Hedged?', { route: groqThenOpenAI }) : router.stream('Hedged?', { route: groqThenOpenAI }).result;
  call.catch(() => undefined);
  await turn();
  expect(started).toEqual(['groq']);
  let waitedMs: number | undefined;
  for (let elapsedMs = 1; elapsedMs <= options.upToMs && waitedMs === undefined; elapsedMs += 1) {
    clock.advance(1);
    if (started.includes('openai')) waitedMs = elapsedMs;
  }
  if (waitedMs === undefined) clock.advance(1_000_000);
  await server.waitForRequests(seen + 2);
  clock.advance(options.openaiTakesMs ?? 0);
  await expect(call).resolves.toMatchObject({ provider: 'openai' });
  await server.waitFor(() => server.inFlight === 0);
  await turn();
  return waitedMs;
}

describe("hedge: 'auto' waits on each kind of call its own p95", () => {
  it("hedges a stream after its provider's first-token p95, not after the p95 of its whole answers", async () => {
    // Found by a review: one p95 for both kinds, so twenty slow whole answers kept a stream waiting 2 s.
    for (let call = 0; call < 20; call += 1) await wholeAnswerTaking(2_000);
    for (let call = 0; call < 20; call += 1) await streamFirstTokenAfter(100);
    expect(await hedgeDelayOf('stream', { upToMs: 3_000 })).toBe(100);
  });

  it("hedges a whole answer after its provider's whole-answer p95, not after the p95 of its first tokens", async () => {
    for (let call = 0; call < 2; call += 1) await wholeAnswerTaking(2_000);
    for (let call = 0; call < 60; call += 1) await streamFirstTokenAfter(100);
    expect(await hedgeDelayOf('complete', { upToMs: 3_000 })).toBe(2_000);
  });
});

describe("hedge: 'auto' and the attempts that lost a race", () => {
  it('counts a loser that was slower than the p95 as at least that slow, so a provider that stalls is hedged later, not sooner', async () => {
    for (let call = 0; call < 20; call += 1) await wholeAnswerTaking(100);
    expect(await hedgeDelayOf('complete', { upToMs: 1_000 })).toBe(100);
    // openai answers 50 ms after the hedge starts it: groq, cancelled then, took at least 150 ms, past its p95
    // of 100 ms. Two such calls make 150 ms groq's p95 (22 samples: the 21st, by nearest rank).
    const hedgedAfter: (number | undefined)[] = [];
    for (let call = 0; call < 3; call += 1) hedgedAfter.push(await hedgeDelayOf('complete', { upToMs: 1_000, openaiTakesMs: 50 }));
    expect(hedgedAfter).toEqual([100, 100, 150]);
  });
});

describe("hedge: 'auto' times a stream's first token from its own attempt", () => {
  it('counts the hedge delay a provider was started after as none of its own first-token time', async () => {
    // Before: the call's time to its first token, so openai, started by a hedge after 1 s, was taken to need 1.1 s.
    server.setBehavior('groq', { kind: 'stall-before-headers' });
    server.setBehavior('openai', { kind: 'success', latencyMs: 100 });
    const hedged = router.stream('Hedged stream', { route: groqThenOpenAI }).result;
    hedged.catch(() => undefined);
    await server.waitForRequests(1);
    clock.advance(1_000); // no samples yet: the hedge waits 1 s
    await server.waitForRequests(2);
    clock.advance(100);
    await expect(hedged).resolves.toMatchObject({ provider: 'openai', timeToFirstTokenMs: 1_100 });
    await server.waitFor(() => server.inFlight === 0);

    // Now openai leads and stalls: the hedge to groq waits openai's own first-token p95.
    clock.advance(100);
    server.setBehavior('openai', { kind: 'stall-before-headers' });
    server.setBehavior('groq', { kind: 'success' });
    started = [];
    const next = router.stream('Openai first', { route: [groqThenOpenAI[1]!, groqThenOpenAI[0]!] }).result;
    next.catch(() => undefined);
    await turn();
    expect(started).toEqual(['openai']);
    clock.advance(99);
    expect(started).toEqual(['openai']);
    clock.advance(1);
    expect(started).toEqual(['openai', 'groq']);
    await expect(next).resolves.toMatchObject({ provider: 'groq' });
  });
});
