/**
 * A provider whose attempts a hedge keeps outpacing: it hangs before answering, so every call waits out its hedge
 * delay and is answered by the hedge. Its attempts never fail (each is cancelled when the hedge wins), and before this
 * counted the circuit never opened: every call asked it first, and each cancelled attempt, longer than the p95 the
 * hedge waits, lifted that p95 (measured on the provider simulator of bench/: a hedged call took 101 ms, then 400 ms
 * after 40 calls and 770 ms after 120; bench/versus-ai-fallback.js's hang row showed it first). An attempt a hedge
 * started after it outpaced now counts against its circuit; a racer beaten by one started with it does not. Real
 * HTTP to the provider test server; its latencies and the router's timers run on one ManualClock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BackupModelRouter, type RouterEvent } from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1));
let server: ProviderTestServer;
let router: BackupModelRouter;
let started: string[];

const groqThenOpenAI = [
  { provider: 'groq', model: 'llama-3.1-8b-instant' },
  { provider: 'openai', model: 'gpt-4o-mini' },
];

beforeAll(async () => {
  server = await startProviderTestServer({ clock });
});
afterAll(async () => server.close());
afterEach(async () => router.close());

function makeRouter(options: { readonly hedge: boolean }): void {
  server.reset();
  router = new BackupModelRouter({
    env: server.environment(['groq', 'openai']),
    clock,
    cacheEnabled: false,
    parallelAttempts: 2,
    ...(options.hedge ? { hedge: { delayMs: 'auto' as const } } : {}),
  });
  started = [];
  router.onEvent((event: RouterEvent) => {
    if (event.type === 'attempt-start') started.push(event.provider);
  });
}

/** Lets pending callbacks run: the call reaches its race, or a loser's abort reaches its attempt. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Twenty answers of groq's at 100 ms, its p95 then; then five seconds pass, as between bursts of calls. */
async function groqHealthyAt100Ms(kind: 'complete' | 'stream'): Promise<void> {
  server.setBehavior('groq', { kind: 'success', latencyMs: 100 });
  for (let call = 0; call < 20; call += 1) {
    const seen = server.requests.length;
    const answer = kind === 'complete' ? router.complete(`Healthy ${call}`, { route: [groqThenOpenAI[0]!] }) : router.stream(`Healthy ${call}`, { route: [groqThenOpenAI[0]!] }).result;
    await server.waitForRequests(seen + 1);
    clock.advance(100);
    await answer;
  }
  clock.advance(5_000);
}

/**
 * One call to groq then openai, groq hung before its headers and openai answering at once: which providers it
 * started, and which answered. The clock moves a millisecond at a time until openai is started (a hedge after
 * groq's p95, or at once in a race), up to 2 s.
 */
async function callWithGroqHung(kind: 'complete' | 'stream'): Promise<{ readonly started: readonly string[]; readonly provider: string }> {
  server.setBehavior('groq', { kind: 'stall-before-headers' });
  server.setBehavior('openai', { kind: 'success' });
  started = [];
  const call = kind === 'complete' ? router.complete('Groq hung', { route: groqThenOpenAI }) : router.stream('Groq hung', { route: groqThenOpenAI }).result;
  call.catch(() => undefined);
  await turn();
  for (let elapsedMs = 0; elapsedMs < 2_000 && !started.includes('openai'); elapsedMs += 1) clock.advance(1);
  const result = await call;
  await server.waitFor(() => server.inFlight === 0);
  await turn();
  clock.advance(100);
  return { started: [...started], provider: result.provider };
}

describe('a provider a hedge keeps outpacing', () => {
  for (const kind of ['complete', 'stream'] as const) {
    it(`opens its circuit after five calls in a row, and later calls go to the next provider at once (${kind})`, async () => {
      makeRouter({ hedge: true });
      await groqHealthyAt100Ms(kind);
      const calls = [];
      for (let call = 0; call < 7; call += 1) calls.push(await callWithGroqHung(kind));
      expect(calls.map((call) => call.provider)).toEqual(Array(7).fill('openai'));
      // Five calls wait out groq's p95 and hedge; then its circuit is open and groq is not asked.
      expect(calls.map((call) => call.started)).toEqual([...Array(5).fill(['groq', 'openai']), ['openai'], ['openai']]);
      expect(router.getHealthStatus().groq).toMatchObject({ circuitState: 'open' });
    });
  }

  it('leaves the circuit of a racer beaten by one started with it closed: a race of two is not a hedge', async () => {
    makeRouter({ hedge: false });
    const calls = [];
    for (let call = 0; call < 12; call += 1) calls.push(await callWithGroqHung('complete'));
    expect(calls.map((call) => call.started)).toEqual(Array(12).fill(['groq', 'openai']));
    expect(router.getHealthStatus().groq).toMatchObject({ circuitState: 'closed' });
  });
});
