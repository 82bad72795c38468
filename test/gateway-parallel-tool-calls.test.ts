/**
 * One tool call at most per answer, asked in each API's own way (`parallel_tool_calls: false` in both of
 * OpenAI's, `tool_choice.disable_parallel_tool_use` in Anthropic's), by the official clients, reaches each
 * upstream in that upstream's own way. The provider test server records what it was sent.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let anthropicClient: Anthropic;
beforeAll(async () => {
  // No cache: every request below must reach its upstream.
  harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n' });
  anthropicClient = harness.anthropicClient;
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const parameters = { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] };
const question = 'Weather in Paris and in Rome?';
const toolFixtures = { openai: 'chat-completion-tool-call', anthropic: 'message-tool-use', google: 'generateContent-function-call' } as const;

/** What the upstream was sent about parallel calls: OpenAI's field, Anthropic's tool_choice, or the whole body. */
function sentBody(): Record<string, unknown> {
  return harness.providers.requests.at(-1)?.body as Record<string, unknown>;
}

function expectOneCallAsked(providerId: keyof typeof toolFixtures): void {
  const body = sentBody();
  if (providerId === 'openai') expect(body['parallel_tool_calls']).toBe(false);
  if (providerId === 'anthropic') expect(body['tool_choice']).toEqual({ type: 'auto', disable_parallel_tool_use: true });
  // Gemini has no such switch: it is asked as is, with nothing it would refuse.
  if (providerId === 'google') expect(JSON.stringify(body)).not.toMatch(/parallel/);
  expect(JSON.stringify(body)).toContain('get_weather');
}

describe.each(Object.entries(toolFixtures) as [keyof typeof toolFixtures, string][])('to %s', (providerId, fixture) => {
  const model = { openai: 'openai/gpt-4o-mini', anthropic: 'anthropic/claude-haiku-4-5-20251001', google: 'google/gemini-3.5-flash-lite' }[providerId];
  beforeEach(() => harness.providers.setBehavior(providerId, { kind: 'success', fixture }));

  it('chat completions: parallel_tool_calls false', async () => {
    const completion = await harness.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: question }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters } }],
      parallel_tool_calls: false,
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expectOneCallAsked(providerId);
  });

  it('responses: parallel_tool_calls false, echoed in the response with the other parameters', async () => {
    const response = await harness.client.responses.create({
      model,
      input: question,
      tools: [{ type: 'function', name: 'get_weather', parameters, strict: false }],
      parallel_tool_calls: false,
      temperature: 0.2,
      max_output_tokens: 300,
    });
    expect(response.output.some((item) => item.type === 'function_call')).toBe(true);
    expect(response).toMatchObject({ parallel_tool_calls: false, temperature: 0.2, max_output_tokens: 300, tool_choice: 'auto' });
    expectOneCallAsked(providerId);
  });

  it('messages: disable_parallel_tool_use', async () => {
    const message = await anthropicClient.messages.create({
      model,
      max_tokens: 300,
      messages: [{ role: 'user', content: question }],
      tools: [{ name: 'get_weather', input_schema: parameters as Anthropic.Tool.InputSchema }],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(message.stop_reason).toBe('tool_use');
    expectOneCallAsked(providerId);
  });
});

describe('by default', () => {
  it('nothing about parallel calls is sent, and the Responses API says they are allowed', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', fixture: toolFixtures.openai });
    const response = await harness.client.responses.create({
      model: 'openai/gpt-4o-mini',
      input: question,
      tools: [{ type: 'function', name: 'get_weather', parameters, strict: false }],
    });
    expect(response.parallel_tool_calls).toBe(true);
    // OpenAI's default, echoed as its answers do, and not sent upstream.
    expect(response.temperature).toBe(1);
    expect(sentBody()).not.toHaveProperty('parallel_tool_calls');
    expect(sentBody()).not.toHaveProperty('temperature');
  });

  it('parallel_tool_calls that is not a boolean gets a 400 naming it, before any upstream call', async () => {
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gatewayKeys[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: question }], parallel_tool_calls: 'no' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { param: string; message: string } };
    expect(body.error.param).toBe('parallel_tool_calls');
    expect(body.error.message).toMatch(/true or false/);
    expect(harness.providers.requests).toHaveLength(0);
  });
});
