/**
 * Token counts a provider reports that no real answer has (negative, or past any count a number holds exactly),
 * through the real gateway in front of the provider test server replaying each wire's recorded answer with its
 * usage changed: on every wire (chat completions, Responses, Anthropic's Messages whole and streamed, Gemini,
 * embeddings) a negative count reads as none and a huge one as the largest exact count, where it is read. So a
 * client, the log line and the key's spend never see a negative count, a count that cancels another (Anthropic's
 * cache reads added to its input, Gemini's thoughts to its candidates), or one that sums to Infinity (priced as none,
 * and `null` in JSON).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAIEmbeddingsReplay, readOpenAIEmbeddingsRecording } from '../src/testing/openai-embeddings-recordings.test-support.js';
import { readOpenAIResponsesRecording } from '../src/testing/openai-responses-recordings.test-support.js';
import type { StatusBehavior } from '../src/testing/provider-behavior.js';
import { recordedFixtures } from '../src/testing/shared-fixtures.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

/** A recorded answer with counts of its usage object (`usageField`) replaced, replayed as a 200 of JSON. */
function recordedAnswer(text: string, usageField: string, counts: Readonly<Record<string, number>>): StatusBehavior {
  const body = JSON.parse(text) as Record<string, Record<string, unknown>>;
  body[usageField] = { ...body[usageField], ...counts };
  return { kind: 'status', status: 200, contentType: 'application/json', body: JSON.stringify(body) };
}

const shared = (folder: string, name: string): string => recordedFixtures(folder).readFixtureText(name);

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n' });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

/** The log line of the last call. */
const lastCallLine = (): Record<string, unknown> => harness.logLines.filter((line) => line.msg === 'chat.completions' || line.msg === 'embeddings').at(-1)!;

function expectCountsUsable(usage: object | undefined | null): void {
  expect(usage).toBeDefined();
  for (const [name, count] of Object.entries(usage!)) {
    if (typeof count === 'object' && count !== null) expectCountsUsable(count);
    else if (count !== undefined && count !== null) expect({ name, count }).toEqual({ name, count: expect.any(Number) });
    if (typeof count === 'number') {
      expect(count, name).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(count), name).toBe(true);
    }
  }
}

describe('usage counts no real answer has, on every wire', () => {
  it("Anthropic: a negative cache read does not cancel the input it is added to, nor a negative output count show", async () => {
    harness.providers.enqueue(
      'anthropic',
      // The recorded input_tokens is 12.
      recordedAnswer(shared('anthropic', 'message.json'), 'usage', { cache_read_input_tokens: -12, output_tokens: -5 }),
    );
    const answer = await harness.client.chat.completions.create({ model: 'anthropic/claude-haiku-4-5-20251001', messages: [{ role: 'user', content: 'Hi' }] });
    expectCountsUsable(answer.usage);
    expect(answer.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 0 });
    expect(lastCallLine()).toMatchObject({ inputTokens: 12, outputTokens: 0, costUsd: expect.any(Number) });
    expect(lastCallLine().costUsd as number).toBeGreaterThan(0);
  });

  it("Anthropic streamed: message_start's and message_delta's negative counts read as none", async () => {
    const sse = shared('anthropic', 'messages-stream.sse')
      .replaceAll('"cache_read_input_tokens":0', '"cache_read_input_tokens":-17') // the recorded input_tokens is 17
      .replace('"output_tokens":10', '"output_tokens":-10');
    harness.providers.enqueue('anthropic', { kind: 'status', status: 200, contentType: 'text/event-stream', body: sse });
    const stream = await harness.client.chat.completions.create({
      model: 'anthropic/claude-haiku-4-5-20251001',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: object | undefined | null;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expectCountsUsable(usage);
    expect(usage).toMatchObject({ prompt_tokens: 17, completion_tokens: 0 });
  });

  it('OpenAI chat completions: a negative prompt count reads as none', async () => {
    harness.providers.enqueue(
      'openai',
      recordedAnswer(shared('openai', 'chat-completion.json'), 'usage', { prompt_tokens: -1_000_000 }),
    );
    const answer = await harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    expectCountsUsable(answer.usage);
    expect(answer.usage?.prompt_tokens).toBe(0);
    expect(lastCallLine().inputTokens).toBe(0);
  });

  it("OpenAI's Responses API: a negative input count reads as none", async () => {
    harness.providers.enqueue(
      'openai',
      recordedAnswer(readOpenAIResponsesRecording('responses.json'), 'usage', { input_tokens: -13 }),
    );
    const answer = await harness.client.chat.completions.create({ model: 'openai/gpt-6-luna', messages: [{ role: 'user', content: 'Hi' }] });
    expectCountsUsable(answer.usage);
    expect(answer.usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 5 });
  });

  it("Gemini: negative thoughts do not cancel the candidates they are added to; huge counts do not sum to Infinity", async () => {
    harness.providers.enqueue(
      'google',
      recordedAnswer(shared('gemini', 'generateContent.json'), 'usageMetadata', { candidatesTokenCount: 8, thoughtsTokenCount: -8 }),
      recordedAnswer(shared('gemini', 'generateContent.json'), 'usageMetadata', { candidatesTokenCount: 1e308, thoughtsTokenCount: 1e308 }),
    );
    const negative = await harness.client.chat.completions.create({ model: 'google/gemini-3.5-flash-lite', messages: [{ role: 'user', content: 'Hi' }] });
    expectCountsUsable(negative.usage);
    expect(negative.usage?.completion_tokens).toBe(8);

    const huge = await harness.client.chat.completions.create({ model: 'google/gemini-3.5-flash-lite', messages: [{ role: 'user', content: 'Hi' }] });
    expectCountsUsable(huge.usage);
    // Priced, not taken for none: a finite cost, as large as such a count makes it.
    expect(lastCallLine().costUsd as number).toBeGreaterThan(1_000_000);
  });

  it('OpenAI embeddings: a negative prompt count reads as none', async () => {
    const negative = recordedAnswer(readOpenAIEmbeddingsRecording('embeddings-dimensions-128.json'), 'usage', { prompt_tokens: -8, total_tokens: -8 });
    harness.providers.enqueue('openai', { ...openAIEmbeddingsReplay(), body: negative.body! });
    const answer = await harness.client.embeddings.create({ model: 'text-embedding-3-small', input: 'Hi', dimensions: 128 });
    expectCountsUsable(answer.usage);
    expect(answer.usage.prompt_tokens).toBe(0);
    expect(lastCallLine().inputTokens).toBe(0);
  });
});
