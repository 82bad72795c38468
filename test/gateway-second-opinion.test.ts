/**
 * Through the gateway: a route whose first provider refuses a request as invalid (OpenAI's recorded 400) answers
 * from the next, and a client gets a 400 with the first refusal's message only once a second provider refused it
 * too (Anthropic's recorded 400), the third never asked. Real HTTP on both sides, the official OpenAI client.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayHarness, startGatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText: [
      'cache: { enabled: false }',
      'routes:',
      '  second-opinion: { targets: [openai/gpt-4o-mini, anthropic/claude-haiku-4-5-20251001, google/gemini-2.5-flash], parallelAttempts: 1 }',
    ].join('\n'),
  });
});
afterAll(async () => harness.close());
beforeEach(() => harness.providers.reset());

const requestsTo = (provider: string): number => harness.providers.requests.filter((request) => request.provider === provider).length;
const refuseAtOpenAI = (): void => harness.providers.setBehavior('openai', { kind: 'error', fixture: 'error-400-unsupported-parameter-max_tokens' });
const ask = { model: 'second-opinion', messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('a route whose first provider refuses the request', () => {
  it('answers 200 from the next provider', async () => {
    refuseAtOpenAI();
    const completion = await harness.client.chat.completions.create(ask);
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect([requestsTo('openai'), requestsTo('anthropic'), requestsTo('google')]).toEqual([1, 1, 0]);
  });

  it('streams the next provider\'s answer', async () => {
    refuseAtOpenAI();
    const stream = await harness.client.chat.completions.create({ ...ask, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect([requestsTo('openai'), requestsTo('anthropic'), requestsTo('google')]).toEqual([1, 1, 0]);
  });

  it.each([false, true])('answers 400 with the first refusal\'s message once a second provider refused too (streamed: %s)', async (stream) => {
    refuseAtOpenAI();
    harness.providers.setBehavior('anthropic', { kind: 'error', fixture: 'error-400-invalid-request' });
    const error = await harness.client.chat.completions.create({ ...ask, stream }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const refused = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(refused.status).toBe(400);
    expect(refused.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
    expect(refused.message).toContain("Unsupported parameter: 'max_tokens' is not supported with this model.");
    expect([requestsTo('openai'), requestsTo('anthropic'), requestsTo('google')]).toEqual([1, 1, 0]);
  });
});
