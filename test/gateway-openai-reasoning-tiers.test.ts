/**
 * The official OpenAI client through the gateway's chat completions endpoint, asking OpenAI's GPT-6 tiers (the only
 * provider given a key here), which the gateway asks on OpenAI's Responses API. The upstream refuses them any
 * temperature (the Responses 400 vercel/ai recorded, replayed by refuseAsOpenAIReasoningModels): the gateway sends
 * none. With tools they reason at the effort asked, and the model's function call reaches the client as a chat
 * completions tool call; the client's next turn goes back as `function_call` and `function_call_output` items.
 */
import { describe, expect, it } from 'vitest';
import { refuseAsOpenAIReasoningModels } from '../src/testing/openai-reasoning-refusals.test-support.js';
import { useRefusingGatewayHarness } from './gateway-harness.js';

const gateway = useRefusingGatewayHarness({ providerIds: ['openai'], yamlText: 'cache:\n  enabled: false\n' }, refuseAsOpenAIReasoningModels);

const question = [{ role: 'user' as const, content: 'Find papers on machine learning.' }];
const upstream = () => gateway.current.providers.requests.at(-1);
const upstreamBody = () => upstream()?.body as Record<string, unknown>;
const search = {
  type: 'function' as const,
  function: { name: 'semantic_scholar_search', description: 'Search papers.', parameters: { type: 'object', properties: { query: { type: 'string' } } } },
};

describe("OpenAI's tier models through the gateway, asked on the Responses API", () => {
  it('answers tier-1 asked with temperature 0.7 and max_tokens, sending gpt-6-luna no temperature and max_output_tokens', async () => {
    const { data, response } = await gateway.current.client.chat.completions
      .create({ model: 'tier-1', messages: question, temperature: 0.7, top_p: 0.9, max_tokens: 200 })
      .withResponse();
    expect(response.headers.get('x-backup-models-attempts')).toBe('openai:success');
    expect(data.choices[0]?.message.content).toBe('ok');
    expect(upstream()?.path).toBe('/openai/v1/responses');
    expect(upstreamBody()).toMatchObject({ model: 'gpt-6-luna', max_output_tokens: 200, store: false });
    for (const field of ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens']) expect(upstreamBody()).not.toHaveProperty(field);
  });

  it('answers tier-3 (gpt-6.2-sol) asked with tools and reasoning_effort "high": it reasons, calls the tool, and takes the result back', async () => {
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-function-call' });
    const first = await gateway.current.client.chat.completions.create({ model: 'tier-3', messages: question, tools: [search], reasoning_effort: 'high' });
    const call = first.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ id: 'call_2mhz5FtwkZnzXQkTOMtYZpZH', function: { name: 'semantic_scholar_search' } });
    expect(upstreamBody()).toMatchObject({
      model: 'gpt-6.2-sol',
      reasoning: { effort: 'high' },
      tools: [{ type: 'function', name: 'semantic_scholar_search', description: 'Search papers.' }],
    });

    const second = await gateway.current.client.chat.completions.create({
      model: 'tier-3',
      messages: [...question, { role: 'assistant', content: null, tool_calls: first.choices[0]!.message.tool_calls! }, { role: 'tool', tool_call_id: call.id, content: '3 papers' }],
      tools: [search],
      reasoning_effort: 'high',
    });
    expect(second.choices[0]?.message.content).toBe('ok');
    expect(upstreamBody()['input']).toEqual([
      { role: 'user', content: 'Find papers on machine learning.' },
      { type: 'function_call', call_id: 'call_2mhz5FtwkZnzXQkTOMtYZpZH', name: 'semantic_scholar_search', arguments: call.function.arguments },
      { type: 'function_call_output', call_id: 'call_2mhz5FtwkZnzXQkTOMtYZpZH', output: '3 papers' },
    ]);
  });

  it('streams the reasoning summary and the tool call of tier-1 to a chat completions client', async () => {
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-stream-reasoning-function-call' });
    const stream = await gateway.current.client.chat.completions.create({ model: 'tier-1', messages: question, tools: [search], reasoning_effort: 'high', stream: true });
    let argumentsText = '';
    let name: string | undefined;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        name ??= call.function?.name;
        argumentsText += call.function?.arguments ?? '';
      }
    }
    expect(name).toBe('calculator');
    expect(argumentsText).toBe('{"a":12,"b":7,"op":"add"}');
    expect(upstreamBody()).toMatchObject({ model: 'gpt-6-luna', stream: true, reasoning: { effort: 'high' } });
  });
});
