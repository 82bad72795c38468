/**
 * A key is charged once for the attempts of a call it made twice at the same time: the second, identical
 * request joins the first one's call in flight (single-flight, through the cache) and shares its outcome, but
 * the attempts that call sent are the first request's to bear. Here the first provider has no answer within the
 * router's `responseTimeoutMs` (its input is billed all the same, so it is priced) and the second fails with a
 * 503: both requests get the AllProvidersFailedError, and only one may charge the timed-out attempt. When the first
 * request leaves before the answer, the second, which gets it, pays the answer and the attempts' estimates. The provider
 * test server's latencies, the router's timers and the gateway's day run on one ManualClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../src/catalog.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const racerKey = 'joiner-key-0123456789';
const yamlText = `
keys:
  - name: joiner
    key: ${racerKey}
    limits: { costUsdPerDay: 100, requestsPerMinute: 600 }
routes:
  timed:
    targets: [openai/gpt-4o-mini, groq/llama-3.1-8b-instant]
    parallelAttempts: 1
cache:
  enabled: true
`;

// Noon UTC: the key's day does not turn during the test.
const clock = new ManualClock(Date.UTC(2026, 10, 26, 12, 0, 30));
let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText,
    gatewayOptions: { clock },
    providerClock: clock,
    providerIds: ['groq', 'openai'],
    routerOptions: { clock, responseTimeoutMs: 5_000, maxRetries: 0 },
  });
});
afterAll(async () => harness?.close());

/** 300 characters: 75 tokens at four characters a token. */
const question = 'What does a shared call cost? '.repeat(10);
const openaiPrice = defaultCatalog.find((definition) => definition.id === 'openai')!.models.find((model) => model.id === 'gpt-4o-mini')!.price!;
/** What openai bills for the 75 input tokens it received before our timer ended its attempt. */
const timedOutInputUsd = (75 * openaiPrice.inputPerMillion) / 1_000_000;

/** groq's price of an answer, from the usage it reported and the model it names (`groq/<model>`). */
function groqAnswerUsd(servedModel: string, answerUsage: { prompt_tokens: number; completion_tokens: number }): number {
  const price = defaultCatalog.find((definition) => definition.id === 'groq')!.models.find((model) => `groq/${model.id}` === servedModel)!.price!;
  return (answerUsage.prompt_tokens * price.inputPerMillion + answerUsage.completion_tokens * price.outputPerMillion) / 1_000_000;
}

async function usage(): Promise<{ costUsdToday: number; requestsLastMinute: number }> {
  const response = await fetch(`${harness.url}/v1/key`, { headers: { authorization: `Bearer ${racerKey}` } });
  return ((await response.json()) as { usage: { costUsdToday: number; requestsLastMinute: number } }).usage;
}

async function spentToday(): Promise<number> {
  return (await usage()).costUsdToday;
}

function ask(options: { content?: string; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${racerKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'timed', messages: [{ role: 'user', content: options.content ?? question }] }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
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

describe('a call joined while in flight', () => {
  it("charges the key its first caller's timed-out attempt once, not once per request that shared it", async () => {
    harness.providers.setBehavior('openai', { kind: 'stall-before-headers' });
    harness.providers.setBehavior('groq', { kind: 'status', status: 503 });
    const dayBefore = await spentToday();
    const linesBefore = harness.logLines.length;
    const first = ask();
    await harness.providers.waitForRequests(1);
    const second = ask();
    // The second request was admitted (its key counted it), and so waits on the first's call, before openai's time is up.
    await expect.poll(async () => (await usage()).requestsLastMinute).toBe(2);
    clock.advance(5_000);
    const [firstResponse, secondResponse] = await Promise.all([first, second]);
    expect([firstResponse.status, secondResponse.status]).toEqual([503, 503]);
    // Only one request reached openai: the second shared the first's call.
    expect(harness.providers.requests.filter((request) => request.provider === 'openai')).toHaveLength(1);

    const lines = harness.logLines.slice(linesBefore).filter((entry) => entry.key === 'joiner');
    expect(lines).toHaveLength(2);
    const charged = lines.reduce((sum, line) => sum + ((line.costUsd as number | undefined) ?? 0), 0);
    expect(charged).toBeCloseTo(timedOutInputUsd, 12);
    expect((await spentToday()) - dayBefore).toBeCloseTo(timedOutInputUsd, 12);
  });

  it('charges the answer and its attempts once, to the request that got it, when the first request left', async () => {
    // Found in the README's known limits: the first request's line was written as it left, before the race ended
    // and priced its attempts, and the second's answer was a shared one, which cost it nothing.
    harness.providers.reset();
    harness.providers.setBehavior('openai', { kind: 'stall-before-headers' });
    harness.providers.setBehavior('groq', { kind: 'success' });
    // 300 characters, as `question`: openai bills the same 75 input tokens.
    const leftQuestion = 'Who pays for a call left now? '.repeat(10);
    const dayBefore = await spentToday();
    const requestsBefore = (await usage()).requestsLastMinute;
    const linesBefore = harness.logLines.length;
    const leaving = new AbortController();
    const first = ask({ content: leftQuestion, signal: leaving.signal });
    await harness.providers.waitForRequests(1);
    const second = ask({ content: leftQuestion });
    await expect.poll(async () => (await usage()).requestsLastMinute).toBe(requestsBefore + 2);
    // The router saw the first request leave (its line waits until the call it left is priced).
    const left = abortedCallEnd();
    leaving.abort();
    await expect(first).rejects.toThrow();
    await left;
    // openai has no answer within responseTimeoutMs: the call, which the second request still waits on, fails over to groq.
    clock.advance(5_000);
    const answer = await second;
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { model: string; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(body.model.startsWith('groq/')).toBe(true);
    expect(harness.providers.requests.filter((request) => request.provider === 'openai')).toHaveLength(1);
    expect(harness.providers.requests.filter((request) => request.provider === 'groq')).toHaveLength(1);

    const expected = groqAnswerUsd(body.model, body.usage) + timedOutInputUsd;
    await expect.poll(() => harness.logLines.slice(linesBefore).filter((entry) => entry.key === 'joiner')).toHaveLength(2);
    const lines = harness.logLines.slice(linesBefore).filter((entry) => entry.key === 'joiner');
    const [leftLine, answeredLine] = [lines.find((line) => line.outcome === 'client_aborted'), lines.find((line) => line.outcome === 'success')];
    expect(leftLine?.costUsd ?? 0).toBe(0);
    expect(answeredLine).toMatchObject({ cached: false, costEstimated: true });
    expect(answeredLine?.attempts).toMatch(/openai:failure/);
    expect(answeredLine?.costUsd).toBeCloseTo(expected, 12);
    expect((await spentToday()) - dayBefore).toBeCloseTo(expected, 12);
  });
});
