/**
 * A key's daily budget and spend count what its calls' raced-out attempts cost: a route that races two
 * providers, the slow one stalled so it loses, through the official OpenAI client, whole and streamed. The
 * loser's request reached its provider, which bills its input all the same: the key is charged the answer and
 * the loser's estimated input, its log line marks the cost estimated, and the spend metric counts both. So is
 * an attempt the router's `responseTimeoutMs` ended before the call failed over, and the attempts of a whole
 * answer whose client left mid-race (the router rethrows the client's abort as is: the gateway reads them from
 * the call's `attemptLog`). The provider test server's latencies, the router's timers and the gateway's day run
 * on one ManualClock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../src/catalog.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const racerKey = 'racer-key-0123456789';
const opsKey = 'ops-key-0123456789';
const yamlText = `
keys:
  - name: racer
    key: ${racerKey}
    limits: { costUsdPerDay: 100 }
  - name: ops
    key: ${opsKey}
    admin: true
routes:
  raced:
    targets: [groq/llama-3.1-8b-instant, openai/gpt-4o-mini]
    parallelAttempts: 2
  timed:
    targets: [openai/gpt-4o-mini, groq/llama-3.1-8b-instant]
    parallelAttempts: 1
  refused:
    targets: [openai/gpt-4o-mini, openai/gpt-4.1-mini, groq/llama-3.1-8b-instant]
    parallelAttempts: 3
cache:
  enabled: false
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
    // Below 10 s, a whole answer's limit is the router's own timer, on the manual clock (undici's waits 5 s in real time).
    routerOptions: { clock, responseTimeoutMs: 5_000 },
  });
});
afterAll(async () => harness?.close());
beforeEach(() => {
  harness.providers.reset();
  // openai never answers: it loses every race, after its request reached it.
  harness.providers.setBehavior('openai', { kind: 'stall-before-headers' });
  harness.providers.setBehavior('groq', { kind: 'success', latencyMs: 1_000 });
});

/** 300 characters: 75 tokens at four characters a token. */
const question = 'What does a race of two cost? '.repeat(10);

function priceOf(providerId: string, model: string): { inputPerMillion: number; outputPerMillion: number } {
  const price = defaultCatalog.find((definition) => definition.id === providerId)?.models.find((entry) => entry.id === model)?.price;
  if (price === undefined) throw new Error(`no price for ${providerId}/${model}`);
  return price;
}

/** What openai bills for the question it received and was cancelled on: gpt-4o-mini's price of 75 input tokens. */
const loserInputUsd = (75 * priceOf('openai', 'gpt-4o-mini').inputPerMillion) / 1_000_000;

/** What groq bills for the question it received and was cancelled on: llama-3.1-8b-instant's price of 75 input tokens. */
const groqInputUsd = (75 * priceOf('groq', 'llama-3.1-8b-instant').inputPerMillion) / 1_000_000;

/** groq's price of an answer, from the usage it reported and the model it names (`groq/<model>`). */
function answerUsd(servedModel: string, usage: { prompt_tokens: number; completion_tokens: number }): number {
  const price = priceOf('groq', servedModel.replace(/^groq\//, ''));
  return (usage.prompt_tokens * price.inputPerMillion + usage.completion_tokens * price.outputPerMillion) / 1_000_000;
}

async function spentToday(): Promise<number> {
  const response = await fetch(`${harness.url}/v1/key`, { headers: { authorization: `Bearer ${racerKey}` } });
  return ((await response.json()) as { usage: { costUsdToday: number } }).usage.costUsdToday;
}

async function spendMetric(): Promise<number> {
  const metrics = await (await fetch(`${harness.url}/metrics`, { headers: { authorization: `Bearer ${opsKey}` } })).text();
  return Number(/backup_models_gateway_key_spend_usd_total\{key="racer"\} (\S+)/.exec(metrics)?.[1] ?? 0);
}

describe("a key's spend on a raced call", () => {
  it("counts the loser's estimated input beside the answer, in its day, its log line and the spend metric", async () => {
    const [dayBefore, metricBefore] = [await spentToday(), await spendMetric()];
    const answering = harness.clientWithKey(racerKey).chat.completions.create({ model: 'raced', messages: [{ role: 'user', content: question }] });
    // Both providers have the request before groq answers.
    await harness.providers.waitForRequests(2);
    clock.advance(1_000);
    const completion = await answering;
    expect(completion.model.startsWith('groq/')).toBe(true);

    const line = harness.logLines.findLast((entry) => entry.key === 'racer');
    expect(line).toMatchObject({ outcome: 'success', costEstimated: true });
    expect(line?.attempts).toMatch(/openai:aborted/);
    const expected = answerUsd(completion.model, completion.usage!) + loserInputUsd;
    expect(line?.costUsd).toBeCloseTo(expected, 12);
    expect((await spentToday()) - dayBefore).toBeCloseTo(expected, 12);
    expect((await spendMetric()) - metricBefore).toBeCloseTo(expected, 12);
  });

  it('counts it for a streamed call too', async () => {
    const dayBefore = await spentToday();
    const streaming = harness.clientWithKey(racerKey).chat.completions.create({
      model: 'raced',
      messages: [{ role: 'user', content: question }],
      stream: true,
      stream_options: { include_usage: true },
    });
    await harness.providers.waitForRequests(2);
    clock.advance(1_000);
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    let model = '';
    for await (const chunk of await streaming) {
      model = chunk.model;
      usage = chunk.usage ?? usage;
    }
    const line = harness.logLines.findLast((entry) => entry.key === 'racer');
    expect(line).toMatchObject({ outcome: 'success', stream: true, costEstimated: true });
    const expected = answerUsd(model, usage!) + loserInputUsd;
    expect(line?.costUsd).toBeCloseTo(expected, 12);
    expect((await spentToday()) - dayBefore).toBeCloseTo(expected, 12);
  });
});

describe("a key's spend on attempts that gave no answer", () => {
  it('counts an attempt the response limit ended before the call failed over', async () => {
    harness.providers.setBehavior('groq', { kind: 'success' });
    const dayBefore = await spentToday();
    const answering = harness.clientWithKey(racerKey).chat.completions.create({ model: 'timed', messages: [{ role: 'user', content: question }] });
    await harness.providers.waitForRequests(1);
    // openai has no answer within responseTimeoutMs: the call fails over to groq, which answers at once.
    clock.advance(5_000);
    const completion = await answering;
    expect(completion.model.startsWith('groq/')).toBe(true);

    const line = harness.logLines.findLast((entry) => entry.key === 'racer');
    expect(line).toMatchObject({ outcome: 'success', costEstimated: true });
    expect(line?.attempts).toMatch(/openai:failure/);
    const expected = answerUsd(completion.model, completion.usage!) + loserInputUsd;
    expect(line?.costUsd).toBeCloseTo(expected, 12);
    expect((await spentToday()) - dayBefore).toBeCloseTo(expected, 12);
  });

  it('counts the attempts a whole answer sent before its client left', async () => {
    const dayBefore = await spentToday();
    const linesBefore = harness.logLines.length;
    const leaving = new AbortController();
    const answering = fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${racerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'raced', messages: [{ role: 'user', content: question }] }),
      signal: leaving.signal,
    });
    // Both requests reached their providers (groq answers only after 1 s on the manual clock, openai never).
    await harness.providers.waitForRequests(2);
    leaving.abort();
    await expect(answering).rejects.toThrow();
    await expect.poll(() => harness.logLines.slice(linesBefore).find((entry) => entry.key === 'racer')).toBeDefined();

    const line = harness.logLines.slice(linesBefore).find((entry) => entry.key === 'racer');
    expect(line).toMatchObject({ outcome: 'client_aborted', costEstimated: true });
    expect(line?.attempts).toMatch(/groq:aborted/);
    expect(line?.attempts).toMatch(/openai:aborted/);
    const expected = groqInputUsd + loserInputUsd;
    expect(line?.costUsd).toBeCloseTo(expected, 12);
    expect((await spentToday()) - dayBefore).toBeCloseTo(expected, 12);
    await harness.providers.waitForClientAbort({ provider: 'openai' });
  });

  it("counts the racers still in flight when other candidates' refusals ended a whole answer", async () => {
    // Found by a review: the router rethrows the first refusing provider's own error, which carries no attempts.
    // Both of OpenAI's models refuse: two refusals, the router's default, end the call.
    harness.providers.setBehavior('groq', { kind: 'stall-before-headers' });
    harness.providers.setBehavior('openai', { kind: 'error', fixture: 'error-400-unsupported-parameter-max_tokens', latencyMs: 1_000 });
    const dayBefore = await spentToday();
    const linesBefore = harness.logLines.length;
    const refusing = harness.clientWithKey(racerKey).chat.completions.create({ model: 'refused', messages: [{ role: 'user', content: question }] });
    const refused = refusing.catch((caught: unknown) => caught);
    // Every request reached its provider before openai refuses.
    await harness.providers.waitForRequests(3);
    clock.advance(1_000);
    expect(await refused).toMatchObject({ status: 400 });

    const line = harness.logLines.slice(linesBefore).find((entry) => entry.key === 'racer');
    expect(line).toMatchObject({ outcome: 'failure', status: 400, costEstimated: true });
    expect(line?.attempts).toMatch(/groq:aborted/);
    // openai answered: a refusal bills nothing. groq had the question and was cancelled: its input is billed.
    expect(line?.costUsd).toBeCloseTo(groqInputUsd, 12);
    expect((await spentToday()) - dayBefore).toBeCloseTo(groqInputUsd, 12);
  });
});
