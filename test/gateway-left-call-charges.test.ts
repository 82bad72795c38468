/**
 * Who pays for a call whose first request left while identical requests that joined it in flight still waited:
 * every attempt that reached a provider is charged to the key once. The call goes on for those that wait, and
 * is priced as it ends. One of them that gets its failure as its own takes the call over and pays it, as the one
 * that gets its answer does (test/gateway-joined-call-charges.test.ts); when none does (every one left too, or
 * the call ended on the first request's deadline and they asked again), the first request pays, its line waiting
 * for that. The key's day (`GET /v1/key`), its spend metric and the log lines each show the estimates once. The
 * provider test server's latencies, the router's timers and the gateway's day run on one ManualClock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../src/catalog.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const callerKey = 'leaver-key-0123456789';
const opsKey = 'leaver-ops-key-0123456789';
const yamlText = `
keys:
  - name: leaver
    key: ${callerKey}
    limits: { costUsdPerDay: 100, requestsPerMinute: 600 }
  - name: ops
    key: ${opsKey}
    admin: true
routes:
  timed:
    targets: [openai/gpt-4o-mini, groq/llama-3.1-8b-instant]
    parallelAttempts: 1
cache:
  enabled: true
`;

// Noon UTC: the key's day does not turn during the test.
const clock = new ManualClock(Date.UTC(2026, 10, 27, 12, 0, 30));
let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText,
    gatewayOptions: { clock },
    providerClock: clock,
    providerIds: ['groq', 'openai'],
    // A call's deadline (10 s) passes before a second attempt's response time (6 s) is up; openai's repeated
    // timeouts never open its circuit here.
    routerOptions: { clock, timeoutMs: 10_000, responseTimeoutMs: 6_000, maxRetries: 0, breaker: { consecutiveFailures: 1_000, minimumCalls: 1_000 } },
  });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

function priceOf(providerId: string, model: string): { inputPerMillion: number; outputPerMillion: number } {
  const price = defaultCatalog.find((definition) => definition.id === providerId)?.models.find((entry) => entry.id === model)?.price;
  if (price === undefined) throw new Error(`no price for ${providerId}/${model}`);
  return price;
}

/** What openai bills for a 300-character question (75 tokens at four characters a token) it got and did not answer. */
const openaiInputUsd = (75 * priceOf('openai', 'gpt-4o-mini').inputPerMillion) / 1_000_000;
/** The same for groq. */
const groqInputUsd = (75 * priceOf('groq', 'llama-3.1-8b-instant').inputPerMillion) / 1_000_000;

/** A 300-character question of its own per test, so that no answer comes from the cache. */
function questionFor(label: string): string {
  return `${label}: who pays? `.padEnd(300, '.');
}

interface Spend {
  readonly day: number;
  readonly metric: number;
  readonly requestsLastMinute: number;
}

async function spend(): Promise<Spend> {
  const usage = (await (await fetch(`${harness.url}/v1/key`, { headers: { authorization: `Bearer ${callerKey}` } })).json()) as {
    usage: { costUsdToday: number; requestsLastMinute: number };
  };
  const metrics = await (await fetch(`${harness.url}/metrics`, { headers: { authorization: `Bearer ${opsKey}` } })).text();
  const metric = Number(/backup_models_gateway_key_spend_usd_total\{key="leaver"\} (\S+)/.exec(metrics)?.[1] ?? 0);
  return { day: usage.usage.costUsdToday, metric, requestsLastMinute: usage.usage.requestsLastMinute };
}

function ask(content: string, signal?: AbortSignal): Promise<Response> {
  const response = fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${callerKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'timed', messages: [{ role: 'user', content }] }),
    ...(signal ? { signal } : {}),
  });
  // A request aborted here is awaited as a rejection by the test; none must go unhandled meanwhile.
  response.catch(() => undefined);
  return response;
}

/** Resolves when the router next ends a call in its caller's abort. */
function abortedCallEnd(): Promise<void> {
  return new Promise((resolve) => {
    const stop = harness.router.onEvent((event) => {
      if (event.type !== 'call-end' || event.outcome !== 'aborted') return;
      stop();
      resolve();
    });
  });
}

/**
 * A first request that reached openai, a second identical one that joined its call (its key counted it), and
 * the first then left: what each test starts from.
 */
async function firstLeavesSecondWaits(content: string, options: { readonly secondAfterMs?: number } = {}) {
  const before = await spend();
  const linesBefore = harness.logLines.length;
  const leaving = new AbortController();
  const first = ask(content, leaving.signal);
  await harness.providers.waitForRequests(1);
  if (options.secondAfterMs !== undefined) clock.advance(options.secondAfterMs);
  const secondLeaving = new AbortController();
  const second = ask(content, secondLeaving.signal);
  await expect.poll(async () => (await spend()).requestsLastMinute).toBe(before.requestsLastMinute + 2);
  const left = abortedCallEnd();
  leaving.abort();
  await expect(first).rejects.toThrow();
  await left;
  return { before, linesBefore, second, secondLeaving };
}

/** The key's two log lines since `linesBefore`, once both are written: the first request's and the second's. */
async function twoLines(linesBefore: number): Promise<Record<string, unknown>[]> {
  const ofKey = (): Record<string, unknown>[] => harness.logLines.slice(linesBefore).filter((entry) => entry.key === 'leaver');
  await expect.poll(() => ofKey().length).toBe(2);
  return ofKey();
}

async function expectCharged(before: Spend, usd: number): Promise<void> {
  const after = await spend();
  expect(after.day - before.day).toBeCloseTo(usd, 12);
  expect(after.metric - before.metric).toBeCloseTo(usd, 12);
}

describe('a call whose first request left while another waited on it', () => {
  it('charges its attempts to the request that got its failure, once', async () => {
    harness.providers.setBehavior('openai', { kind: 'stall-before-headers' });
    harness.providers.setBehavior('groq', { kind: 'status', status: 503 });
    const { before, linesBefore, second } = await firstLeavesSecondWaits(questionFor('failed'));
    // openai has no answer within responseTimeoutMs (its input is billed all the same); groq answers 503.
    clock.advance(6_000);
    expect((await second).status).toBe(503);
    expect(harness.providers.requests.filter((request) => request.provider === 'openai')).toHaveLength(1);

    const lines = await twoLines(linesBefore);
    const [leftLine, failedLine] = [lines.find((line) => line.outcome === 'client_aborted'), lines.find((line) => line.outcome === 'failure')];
    expect(leftLine?.costUsd).toBeUndefined();
    expect(failedLine).toMatchObject({ status: 503, costEstimated: true });
    expect(failedLine?.attempts).toMatch(/openai:failure/);
    expect(failedLine?.costUsd).toBeCloseTo(openaiInputUsd, 12);
    await expectCharged(before, openaiInputUsd);
  });

  it('charges its attempts to the request that left when every other left too', async () => {
    harness.providers.setBehavior('openai', { kind: 'stall-before-headers' });
    const { before, linesBefore, second, secondLeaving } = await firstLeavesSecondWaits(questionFor('abandoned'));
    // Nobody waits on the call any more: it is cancelled, with openai's attempt in flight.
    secondLeaving.abort();
    await expect(second).rejects.toThrow();

    const lines = await twoLines(linesBefore);
    expect(lines.map((line) => line.outcome)).toEqual(['client_aborted', 'client_aborted']);
    // The first request's line, written once the call it began was priced, comes after the second's.
    const [joinerLine, leaverLine] = lines;
    expect(leaverLine).toMatchObject({ costEstimated: true });
    expect(leaverLine?.attempts).toMatch(/openai:aborted/);
    expect(leaverLine?.costUsd).toBeCloseTo(openaiInputUsd, 12);
    expect(joinerLine?.costUsd).toBeUndefined();
    await expectCharged(before, openaiInputUsd);
  });

  it("charges them to the request that left when the call ended on its deadline and the other asked again", async () => {
    harness.providers.setBehavior('openai', { kind: 'stall-before-headers' });
    harness.providers.setBehavior('groq', { kind: 'stall-before-headers' });
    // The second request comes 3 s after the first: its own deadline is 3 s after the call's.
    const { before, linesBefore, second } = await firstLeavesSecondWaits(questionFor('deadline'), { secondAfterMs: 3_000 });
    // openai's time is up 6 s into the call, which fails over to groq, which stalls too.
    clock.advance(3_000);
    await harness.providers.waitForRequests(2);
    // The call's deadline, 10 s into it: groq's attempt is cut. The second request, with 3 s left, asks again,
    // and openai now answers it.
    harness.providers.setBehavior('openai', { kind: 'success' });
    clock.advance(4_000);
    const answer = await second;
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { model: string; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(body.model.startsWith('openai/')).toBe(true);
    const price = priceOf('openai', 'gpt-4o-mini');
    const answerUsd = (body.usage.prompt_tokens * price.inputPerMillion + body.usage.completion_tokens * price.outputPerMillion) / 1_000_000;

    const lines = await twoLines(linesBefore);
    const [leftLine, answeredLine] = [lines.find((line) => line.outcome === 'client_aborted'), lines.find((line) => line.outcome === 'success')];
    // The first request's call: openai timed out, groq cut at the deadline, each billed its input.
    expect(leftLine).toMatchObject({ costEstimated: true });
    expect(leftLine?.attempts).toMatch(/openai:failure.*groq:aborted/);
    expect(leftLine?.costUsd).toBeCloseTo(openaiInputUsd + groqInputUsd, 12);
    // The second's own call: openai's answer, nothing estimated.
    expect(answeredLine).toMatchObject({ cached: false, provider: 'openai' });
    expect(answeredLine?.costEstimated).toBeUndefined();
    expect(answeredLine?.costUsd).toBeCloseTo(answerUsd, 12);
    await expectCharged(before, openaiInputUsd + groqInputUsd + answerUsd);
  });
});
