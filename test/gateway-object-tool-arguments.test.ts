/**
 * Tool-call arguments as a JSON object instead of JSON text, both ways through the gateway.
 *
 * From an upstream (TGI; llama-server for a while, and with `--tool-args-object`), a self-hosted provider of the
 * configuration's own: the official OpenAI client reads the call's arguments as the string OpenAI specifies, which
 * parses to the object, streamed or not, and Anthropic's client reads the object as the tool_use block's input. The
 * upstream is the provider test server replaying recorded OpenAI answers with only their arguments changed to the
 * object they encode (object-tool-arguments.test-support.ts).
 *
 * From a client: conversation history whose assistant tool call has object arguments (what a client that kept a
 * TGI or llama-server answer as it came, or one written for Ollama's own API, sends back) is taken as the object's
 * JSON text (an array too) and goes upstream as the string OpenAI specifies; arguments of any other type (a number, a
 * boolean, null) are a 400 naming them, as before.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { objectArgumentsCompletion, objectArgumentsStream } from '../src/testing/object-tool-arguments.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    providerIds: [],
    env: { LLAMA_SERVER_KEY: 'llama-server-test-key' },
    yamlText: (providers) => `
cache:
  enabled: false
providers:
  llama-server:
    protocol: openai-compatible
    baseUrl: ${providers.baseUrlFor('openai')}
    apiKeyEnv: LLAMA_SERVER_KEY
    models: [qwen3-coder]
`,
  });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const model = 'llama-server/qwen3-coder';
const schema = (property: string) => ({ type: 'object' as const, properties: { [property]: { type: property === 'number' ? 'number' : 'string' } }, required: [property] });
const openAITools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'square_number', parameters: schema('number') } },
  { type: 'function', function: { name: 'get_capital', parameters: schema('country') } },
];
const anthropicTools: Anthropic.Tool[] = [
  { name: 'square_number', input_schema: schema('number') },
  { name: 'get_capital', input_schema: schema('country') },
];

function serveCompletion(): void {
  harness.providers.setBehavior('openai', { kind: 'status', status: 200, body: objectArgumentsCompletion.body, contentType: 'application/json' });
}
function serveStream(): void {
  harness.providers.setBehavior('openai', { kind: 'status', status: 200, body: objectArgumentsStream.body, contentType: 'text/event-stream' });
}

/** A function call's id, name and arguments, parsed from the string the client got: a string, or the test fails. */
function parsedCall(call: OpenAI.ChatCompletionMessageToolCall | undefined) {
  if (call?.type !== 'function') throw new Error(`not a function call: ${call?.type}`);
  expect(typeof call.function.arguments).toBe('string');
  return { id: call.id, name: call.function.name, arguments: JSON.parse(call.function.arguments) as unknown };
}

describe('tool-call arguments an upstream sends as a JSON object', () => {
  it('reach a chat completions client as a JSON string that parses to the object', async () => {
    serveCompletion();
    const completion = await harness.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'What is 5 squared?' }], tools: openAITools });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls?.map(parsedCall)).toEqual([objectArgumentsCompletion.call]);
  });

  it("reach a chat completions client's stream helper as a JSON string that parses to the object", async () => {
    serveStream();
    const stream = harness.client.chat.completions.stream({ model, messages: [{ role: 'user', content: 'Capital of the UK?' }], tools: openAITools });
    const completion = await stream.finalChatCompletion();
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls?.map(parsedCall)).toEqual([objectArgumentsStream.call]);
  });

  it('reach a Messages client as the tool_use block\'s input', async () => {
    serveCompletion();
    const message = await harness.anthropicClient.messages.create({
      model,
      max_tokens: 200,
      messages: [{ role: 'user', content: 'What is 5 squared?' }],
      tools: anthropicTools,
    });
    expect(message.stop_reason).toBe('tool_use');
    const { call } = objectArgumentsCompletion;
    expect(message.content.filter((block) => block.type === 'tool_use')).toEqual([{ type: 'tool_use', id: call.id, name: call.name, input: call.arguments }]);
  });

  it("reach a Messages client's stream helper as the tool_use block's input", async () => {
    serveStream();
    const stream = harness.anthropicClient.messages.stream({
      model,
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Capital of the UK?' }],
      tools: anthropicTools,
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    const { call } = objectArgumentsStream;
    expect(message.content.filter((block) => block.type === 'tool_use')).toEqual([{ type: 'tool_use', id: call.id, name: call.name, input: call.arguments }]);
  });
});

/** A conversation that called a tool, its call's arguments `value`, and the tool's answer. */
function historyWithArguments(value: unknown): OpenAI.ChatCompletionMessageParam[] {
  const { call } = objectArgumentsCompletion;
  const toolCall = { id: call.id, type: 'function', function: { name: call.name, arguments: value } };
  return [
    { role: 'user', content: 'What is 5 squared?' },
    // Object arguments are what the client's types (OpenAI's) refuse: the cast is the test.
    { role: 'assistant', content: null, tool_calls: [toolCall as unknown as OpenAI.ChatCompletionMessageToolCall] },
    { role: 'tool', tool_call_id: call.id, content: '25' },
  ];
}

describe('conversation history whose tool call has arguments that are not a string', () => {
  it.each<[string, unknown]>([
    ['an object', objectArgumentsCompletion.call.arguments],
    ['an array', [5]],
  ])('(%s) is taken, and the call goes upstream with its arguments as the JSON string OpenAI specifies', async (_label, value) => {
    const completion = await harness.client.chat.completions.create({ model, messages: historyWithArguments(value), tools: openAITools });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const [request] = harness.providers.requests;
    const sent = (request?.body as { messages: { tool_calls?: { function: { arguments: unknown } }[] }[] }).messages[1]?.tool_calls?.[0]?.function.arguments;
    expect(typeof sent).toBe('string');
    expect(JSON.parse(sent as string)).toEqual(value);
  });

  it.each<[string, unknown]>([
    ['a number', 5],
    ['a boolean', true],
    ['null', null],
  ])('of any other type (%s) is a 400 naming the field, and nothing goes upstream', async (_label, value) => {
    const error = await harness.client.chat.completions.create({ model, messages: historyWithArguments(value), tools: openAITools }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toContain('messages[1].tool_calls[0].function.arguments must be a JSON string or object');
    expect(harness.providers.requests).toHaveLength(0);
  });
});

describe('Responses input whose function_call has arguments that are not a string', () => {
  /** A function_call item with arguments `value`, and its output. */
  const inputWithArguments = (value: unknown): OpenAI.Responses.ResponseInputItem[] => {
    const { call } = objectArgumentsCompletion;
    const functionCall = { type: 'function_call', call_id: call.id, name: call.name, arguments: value };
    return [
      { role: 'user', content: 'What is 5 squared?' },
      // Object arguments are what the client's types refuse: the cast is the test.
      functionCall as unknown as OpenAI.Responses.ResponseFunctionToolCall,
      { type: 'function_call_output', call_id: call.id, output: '25' },
    ];
  };

  it('(an object) is taken, and the call goes upstream with its arguments as the JSON string OpenAI specifies', async () => {
    const { call } = objectArgumentsCompletion;
    const response = await harness.client.responses.create({ model, input: inputWithArguments(call.arguments) });
    expect(response.output_text.length).toBeGreaterThan(0);
    const [request] = harness.providers.requests;
    const sent = (request?.body as { messages: { tool_calls?: { function: { arguments: unknown } }[] }[] }).messages[1]?.tool_calls?.[0]?.function.arguments;
    expect(typeof sent).toBe('string');
    expect(JSON.parse(sent as string)).toEqual(call.arguments);
  });

  it('(a number) is a 400 naming the item, and nothing goes upstream', async () => {
    const error = await harness.client.responses.create({ model, input: inputWithArguments(5) }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toContain('input[1] must have a call_id, a name and arguments (a JSON string or object)');
    expect(harness.providers.requests).toHaveLength(0);
  });
});
