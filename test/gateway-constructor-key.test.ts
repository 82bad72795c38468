/**
 * `constructor` is an ordinary key in a request body: a tool whose JSON Schema has a property named
 * `constructor` (Formula 1's word for a team), a tool call's arguments holding one, the caller's own
 * `metadata` tags. Each reaches every wire protocol that carries it (OpenAI-compatible, Anthropic, Gemini)
 * intact, as the provider test server records it; even `constructor.prototype`, the shape that polluted
 * Object.prototype through a careless deep merge, goes through and pollutes nothing. `__proto__` stays
 * refused (test/hostile-input.test.ts).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let anthropicClient: Anthropic;
beforeAll(async () => {
  // No cache: every request below must reach its upstream.
  harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n' });
  anthropicClient = harness.anthropicClient;
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());
afterEach(() => {
  // Whatever went through, Object.prototype is as it was.
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
});

const constructorProperty = { type: 'string', description: "The team, as Formula 1 names it: a constructor's name." };
const parameters = {
  type: 'object',
  properties: { season: { type: 'integer' }, constructor: constructorProperty },
  required: ['constructor'],
};
const tool = { name: 'get_constructor_standings', description: 'Standings of a Formula 1 constructor in a season.' };
const question = 'How did Ferrari do in 2024?';

const upstreams = {
  openai: { model: 'openai/gpt-4o-mini', fixture: 'chat-completion-tool-call' },
  anthropic: { model: 'anthropic/claude-haiku-4-5-20251001', fixture: 'message-tool-use' },
  google: { model: 'google/gemini-3.5-flash-lite', fixture: 'generateContent-function-call' },
} as const;
type UpstreamId = keyof typeof upstreams;

type Json = Record<string, unknown>;
const sentBody = (): Json => harness.providers.requests.at(-1)?.body as Json;
const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((node, step) => (node !== null && typeof node === 'object' && Object.hasOwn(node, step) ? (node as Json)[step] : undefined), value);

/** The tool's parameters as the upstream got them, in its own wire format. */
function sentParameters(providerId: UpstreamId): unknown {
  const body = sentBody();
  if (providerId === 'openai') return at(body, 'tools', 0, 'function', 'parameters');
  if (providerId === 'anthropic') return at(body, 'tools', 0, 'input_schema');
  return at(body, 'tools', 0, 'functionDeclarations', 0, 'parameters');
}

/** The earlier tool call's arguments as the upstream got them, parsed. */
function sentArguments(providerId: UpstreamId): unknown {
  const body = sentBody();
  if (providerId === 'openai') return JSON.parse(String(at(body, 'messages', 1, 'tool_calls', 0, 'function', 'arguments')));
  if (providerId === 'anthropic') return at(body, 'messages', 1, 'content', 0, 'input');
  return at(body, 'contents', 1, 'parts', 0, 'functionCall', 'args');
}

describe.each(Object.keys(upstreams) as UpstreamId[])('to %s', (providerId) => {
  const { model, fixture } = upstreams[providerId];
  beforeEach(() => harness.providers.setBehavior(providerId, { kind: 'success', fixture }));

  it('a chat completion whose tool schema has a property named constructor reaches the upstream with it', async () => {
    const completion = await harness.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: question }],
      tools: [{ type: 'function', function: { ...tool, parameters } }],
      metadata: { constructor: 'standings-page' },
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    const sent = sentParameters(providerId);
    expect(at(sent, 'properties', 'constructor')).toEqual(providerId === 'google' ? { type: 'string', description: constructorProperty.description } : constructorProperty);
    expect(at(sent, 'required')).toEqual(['constructor']);
    // The caller's own tags never go upstream.
    expect(JSON.stringify(sentBody())).not.toContain('standings-page');
  });

  it('a Messages tool loop whose tool_use input has a constructor key, and a Responses tool, carry it upstream', async () => {
    await anthropicClient.messages.create({
      model,
      max_tokens: 300,
      tools: [{ ...tool, input_schema: parameters as Anthropic.Tool.InputSchema }],
      messages: [
        { role: 'user', content: question },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: tool.name, input: { season: 2024, constructor: 'Ferrari' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'Ferrari: 2nd, 652 points.' }] },
      ],
    });
    expect(sentArguments(providerId)).toEqual({ season: 2024, constructor: 'Ferrari' });
    expect(at(sentParameters(providerId), 'properties', 'constructor')).toMatchObject({ type: 'string' });

    await harness.client.responses.create({ model, input: question, tools: [{ type: 'function', ...tool, parameters, strict: false }] });
    expect(at(sentParameters(providerId), 'required')).toEqual(['constructor']);
  });

  it('constructor.prototype, the shape a careless deep merge polluted Object.prototype with, goes through and pollutes nothing', async () => {
    const payload = { prototype: { polluted: true } };
    const completion = await harness.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: question, constructor: payload } as never],
      tools: [{ type: 'function', function: { ...tool, parameters: { ...parameters, properties: { ...parameters.properties, constructor: { ...constructorProperty, ...payload } } } } }],
      metadata: { constructor: payload } as never,
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(sentParameters(providerId)).toBeDefined();
  });
});
