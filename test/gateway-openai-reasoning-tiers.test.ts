/**
 * The official OpenAI client through the gateway, asking `tier-1` (OpenAI's gpt-6-luna, the only provider given a key
 * here) with a temperature and with tools. OpenAI refuses its GPT-6 models any temperature but 1, and function tools
 * on chat completions unless asked `reasoning_effort: "none"` (400 invalid_request_error, replayed from the quoted
 * bodies in test/fixtures/openai): the gateway sends the first no temperature, and the second that effort.
 */
import { describe, expect, it } from 'vitest';
import { refuseAsOpenAIReasoningModels } from '../src/testing/openai-reasoning-refusals.test-support.js';
import { useRefusingGatewayHarness } from './gateway-harness.js';

const gateway = useRefusingGatewayHarness({ providerIds: ['openai'], yamlText: 'cache:\n  enabled: false\n' }, refuseAsOpenAIReasoningModels);

const question = [{ role: 'user' as const, content: 'What is the weather in Paris?' }];
const upstreamBody = () => gateway.current.providers.requests.at(-1)?.body as Record<string, unknown>;
const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'The weather in a city.', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

describe("OpenAI's tier models through the gateway", () => {
  it('answers tier-1 asked with temperature 0.7 and max_tokens, sending gpt-6-luna no temperature and max_completion_tokens', async () => {
    const { data, response } = await gateway.current.client.chat.completions
      .create({ model: 'tier-1', messages: question, temperature: 0.7, top_p: 0.9, max_tokens: 200 })
      .withResponse();
    expect(response.headers.get('x-backup-models-attempts')).toBe('openai:success');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(upstreamBody()).toMatchObject({ model: 'gpt-6-luna', max_completion_tokens: 200 });
    for (const field of ['temperature', 'top_p', 'max_tokens']) expect(upstreamBody()).not.toHaveProperty(field);
  });

  it('answers tier-1 asked with tools and reasoning_effort "high", sending reasoning_effort "none"', async () => {
    gateway.current.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion-tool-call' });
    const data = await gateway.current.client.chat.completions.create({ model: 'tier-1', messages: question, tools: [weather], reasoning_effort: 'high' });
    expect(data.choices[0]?.message.tool_calls).toHaveLength(1);
    expect(upstreamBody()).toMatchObject({ model: 'gpt-6-luna', reasoning_effort: 'none' });
  });
});
