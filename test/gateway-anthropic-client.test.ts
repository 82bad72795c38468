/**
 * The official Anthropic SDK, unchanged, against the gateway's Messages endpoint (POST /v1/messages); the
 * provider test server plays each of the six providers behind it, replaying their recorded traffic. Each
 * answer is checked against what the same request gets through /v1/chat/completions with OpenAI's client,
 * so both dialects are held to carry the same answer.
 */
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../src/catalog.js';
import { BackupModelRouter } from '../src/routing/backup-model-router.js';
import { anthropicStructuredOutputReplay, recordedStructuredOutputText } from '../src/testing/anthropic-structured-output-recording.test-support.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let client: Anthropic;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText: [
      'routes:',
      '  fast:',
      '    targets: [groq/llama-3.1-8b-instant, openai/gpt-4o-mini]',
      '    parallelAttempts: 1',
      // A route named after the model id an Anthropic client sends, so it fails over to another provider.
      '  claude-haiku-4-5-20251001:',
      '    targets: [anthropic/claude-haiku-4-5-20251001, openai/gpt-4o-mini]',
      '    parallelAttempts: 1',
      '',
    ].join('\n'),
  });
  client = harness.anthropicClient;
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const question = [{ role: 'user' as const, content: 'Say hello.' }];

/**
 * The text the same recorded answer gets through the OpenAI dialect. The question differs by a word, so it
 * goes upstream itself instead of being answered from the cache the two dialects share.
 */
async function openAIDialectText(model: string): Promise<string> {
  const completion = await harness.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello, please.' }], max_tokens: 100 });
  return completion.choices[0]?.message.content ?? '';
}

/** The text the same streamed request gets through the OpenAI dialect. */
async function openAIDialectStreamText(model: string): Promise<string> {
  const stream = await harness.client.chat.completions.create({ model, messages: question, max_tokens: 100, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

describe.each(defaultCatalog.map((definition) => [definition.id, definition.defaultModel] as const))(
  'provider %s through the Messages endpoint',
  (providerId, model) => {
    it('answers a plain call in Anthropic shape, with the same text as the OpenAI dialect', async () => {
      const expected = await openAIDialectText(`${providerId}/${model}`);
      harness.providers.reset();
      const { data, response, request_id: requestId } = await client.messages
        .create({ model: `${providerId}/${model}`, max_tokens: 100, messages: question })
        .withResponse();
      expect(data.type).toBe('message');
      expect(data.role).toBe('assistant');
      expect(data.id.startsWith('msg_')).toBe(true);
      // The model as the client asked it; who served it is in the headers.
      expect(data.model).toBe(`${providerId}/${model}`);
      expect(textOf(data)).toBe(expected);
      expect(expected.length).toBeGreaterThan(0);
      expect(data.stop_reason).toBe('end_turn');
      expect(data.usage.output_tokens).toBeGreaterThan(0);
      expect(response.headers.get('x-backup-models-provider')).toBe(providerId);
      expect(response.headers.get('request-id')).toBe(data.id);
      expect(requestId).toBe(data.id);
      const upstream = harness.providers.requests;
      expect(upstream.map((request) => request.provider)).toEqual([providerId]);
      // The caller's gateway key, sent as x-api-key, never travels upstream.
      expect(JSON.stringify(upstream[0]?.headers)).not.toContain(gatewayKeys[0]);
      type UpstreamBound = { max_tokens?: number; max_completion_tokens?: number; max_output_tokens?: number; generationConfig?: { maxOutputTokens?: number } };
      // The client's bound reaches the provider as the answer's room; an adaptive Claude (the catalog's Anthropic
      // tiers), which thinks unasked within it, is given the room of its thinking besides (24,576 tokens).
      const answerRoom = providerId === 'anthropic' ? 100 + 24_576 : 100;
      expect((upstream[0]?.body as UpstreamBound) ?? {}).toSatisfy(
        (body: UpstreamBound) => (body.max_tokens ?? body.max_completion_tokens ?? body.max_output_tokens ?? body.generationConfig?.maxOutputTokens) === answerRoom,
      );
    });

    it('streams events the SDK assembles into the same text', async () => {
      const expected = await openAIDialectStreamText(`${providerId}/${model}`);
      harness.providers.reset();
      const stream = client.messages.stream({ model: `${providerId}/${model}`, max_tokens: 100, messages: question });
      let streamedText = '';
      stream.on('text', (text) => {
        streamedText += text;
      });
      const message = await stream.finalMessage();
      expect(streamedText).toBe(expected);
      expect(textOf(message)).toBe(expected);
      expect(message.stop_reason).toBe('end_turn');
      expect(message.usage.output_tokens).toBeGreaterThan(0);
      expect(harness.providers.requests.map((request) => [request.provider, request.stream])).toEqual([[providerId, true]]);
    });
  },
);

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};

describe.each([
  ['openai', 'gpt-4o-mini', 'chat-completion-tool-call', 'chat-stream-tool-call'],
  ['anthropic', 'claude-haiku-4-5-20251001', 'message-tool-use', 'messages-stream-tool-use'],
  ['google', 'gemini-3.5-flash-lite', 'generateContent-function-call', 'streamGenerateContent-sse-function-call'],
] as const)('tool use through %s', (providerId, model, bodyFixture, streamFixture) => {
  /** The id the OpenAI dialect gave the same call; Gemini gives none, so each answer's is made up afresh. */
  const callId = (openAIId: string): unknown => (providerId === 'google' ? expect.stringMatching(/^call_[0-9a-f]{24}$/) : openAIId);
  it('returns tool_use blocks whose input is the call arguments, as the OpenAI dialect gives them', async () => {
    harness.providers.setBehavior(providerId, { kind: 'success', fixture: bodyFixture });
    const viaOpenAI = await harness.client.chat.completions.create({
      model: `${providerId}/${model}`,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: { name: weatherTool.name, parameters: weatherTool.input_schema } }],
    });
    const openAICall = viaOpenAI.choices[0]!.message.tool_calls![0]!;
    if (openAICall.type !== 'function') throw new Error('expected a function call');
    const message = await client.messages.create({
      model: `${providerId}/${model}`,
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: { type: 'auto' },
    });
    expect(message.stop_reason).toBe('tool_use');
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    expect(toolUse).toEqual({ type: 'tool_use', id: callId(openAICall.id), name: openAICall.function.name, input: JSON.parse(openAICall.function.arguments) });
    expect(JSON.stringify(harness.providers.requests.at(-1)?.body)).toContain('get_weather');
  });

  it('streams tool_use blocks the SDK puts back together into the calls the OpenAI dialect streams', async () => {
    harness.providers.setBehavior(providerId, { kind: 'success', fixture: streamFixture });
    const openAIStream = await harness.client.chat.completions.create({
      model: `${providerId}/${model}`,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: { name: weatherTool.name, parameters: weatherTool.input_schema } }],
      stream: true,
    });
    const expected: { id: string; name: string; arguments: string }[] = [];
    for await (const chunk of openAIStream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = (expected[delta.index] ??= { id: '', name: '', arguments: '' });
        call.id += delta.id ?? '';
        call.name += delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
      }
    }
    const message = await client.messages
      .stream({ model: `${providerId}/${model}`, max_tokens: 200, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    const calls = message.content.filter((block) => block.type === 'tool_use');
    expect(expected.length).toBeGreaterThan(0);
    expect(calls.map((call) => ({ id: call.id, name: call.name, input: call.input }))).toEqual(
      expected.map((call) => ({ id: callId(call.id), name: call.name, input: JSON.parse(call.arguments || '{}') as unknown })),
    );
  });
});

describe('tool use an agent loops on', () => {
  it("ends with stop_reason tool_use when OpenAI answers a named tool_choice with finish_reason stop", async () => {
    // OpenAI's documented answer to a named tool_choice: the recorded call, with the reason it then gives.
    const recorded = readFileSync(`${harness.providers.fixturesDirectory}/openai/chat-completion-tool-call.json`, 'utf8');
    const body = recorded.replace('"finish_reason": "tool_calls"', '"finish_reason": "stop"');
    expect(body).not.toBe(recorded);
    harness.providers.setBehavior('openai', { kind: 'status', status: 200, body, contentType: 'application/json' });
    const message = await client.messages.create({
      model: 'openai/gpt-4o-mini',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Square 5.' }],
      tools: [weatherTool],
      tool_choice: { type: 'tool', name: weatherTool.name },
    });
    expect(message.content.map((block) => block.type)).toEqual(['tool_use']);
    expect(message.stop_reason).toBe('tool_use');
  });

  it("gives Gemini's calls, which come without ids, a different id in each turn of a conversation", async () => {
    harness.providers.setBehavior('google', { kind: 'success', fixture: 'generateContent-function-call' });
    const history: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris, then in Rome?' }];
    const first = await client.messages.create({ model: 'google/gemini-3.5-flash-lite', max_tokens: 200, tools: [weatherTool], messages: history });
    const firstCall = first.content.find((block) => block.type === 'tool_use');
    if (firstCall?.type !== 'tool_use') throw new Error('expected a tool_use block');
    history.push({ role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: firstCall.id, content: 'sunny' }] });
    const second = await client.messages.create({ model: 'google/gemini-3.5-flash-lite', max_tokens: 200, tools: [weatherTool], messages: history });
    const secondCall = second.content.find((block) => block.type === 'tool_use');
    if (secondCall?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(secondCall.id).not.toBe(firstCall.id);
  });
});

describe('an answer ended by a stop sequence', () => {
  // Anthropic's own answer when a stop sequence is hit: the recordings, with the reason it then gives.
  const recorded = (name: string) => readFileSync(`${harness.providers.fixturesDirectory}/anthropic/${name}`, 'utf8');

  it('says stop_sequence and which, whole and streamed, as Anthropic said it', async () => {
    const body = recorded('message.json').replace('"stop_reason":"end_turn","stop_sequence":null', '"stop_reason":"stop_sequence","stop_sequence":"three"');
    harness.providers.setBehavior('anthropic', { kind: 'status', status: 200, body, contentType: 'application/json' });
    const request = { model: 'anthropic/claude-haiku-4-5-20251001', max_tokens: 100, stop_sequences: ['three'], messages: [{ role: 'user' as const, content: 'Count: one, two, three.' }] };
    expect(await client.messages.create(request)).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'three' });

    const stream = recorded('messages-stream.sse').replace('"stop_reason":"end_turn","stop_sequence":null', '"stop_reason":"stop_sequence","stop_sequence":"three"');
    harness.providers.setBehavior('anthropic', { kind: 'status', status: 200, body: stream, contentType: 'text/event-stream' });
    const streamed = await client.messages.stream({ ...request, messages: [{ role: 'user', content: 'Count again: one, two, three.' }] }).finalMessage();
    expect(streamed).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'three' });
  });
});

describe('one model', () => {
  it("is retrieved in Anthropic's shape, and an unknown one is Anthropic's not_found_error", async () => {
    expect(await client.models.retrieve('claude-haiku-4-5-20251001')).toMatchObject({ type: 'model', id: 'claude-haiku-4-5-20251001' });
    expect(await client.models.retrieve('anthropic/claude-haiku-4-5-20251001')).toMatchObject({ id: 'anthropic/claude-haiku-4-5-20251001' });
    const missing = await client.models.retrieve('claude-nope').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});

describe('the models list', () => {
  it("lists every provider/model, tier alias and route in Anthropic's shape for Anthropic's client", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('anthropic/claude-haiku-4-5-20251001');
    expect(ids).toContain('tier-2');
    expect(ids).toContain('claude-haiku-4-5-20251001');
    const openAIIds = (await harness.client.models.list()).data.map((model) => model.id);
    expect(ids).toEqual(openAIIds);
  });
});

describe('a tool loop from an Anthropic client to another provider', () => {
  it('sends the tool_use and tool_result upstream as OpenAI tool calls and a tool message', async () => {
    await client.messages.create({
      model: 'openai/gpt-4o-mini',
      max_tokens: 200,
      system: 'Answer in one line.',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"celsius":21}' }] },
      ],
      tools: [weatherTool],
    });
    const sent = harness.providers.requests[0]?.body as { messages: unknown[] };
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Answer in one line.' },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '{"celsius":21}' },
    ]);
  });
});

describe('images', () => {
  it('reach a model that takes them, skipping those that do not, in the provider shape', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUg==';
    const { response } = await client.messages
      .create({
        model: 'tier-1',
        max_tokens: 100,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'What is in this screenshot?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }] },
        ],
      })
      .withResponse();
    const served = response.headers.get('x-backup-models-provider');
    expect(['openai', 'google', 'anthropic']).toContain(served);
    expect(response.headers.get('x-backup-models-attempts')).not.toMatch(/groq:success|together:success/);
    const sent = JSON.stringify(harness.providers.requests.find((request) => request.provider === served)?.body);
    expect(sent).toContain(png);
    expect(sent).not.toContain('omitted');
  });
});

describe("a tool result's images (a computer-use screenshot)", () => {
  const png = 'iVBORw0KGgoAAAANSUhEUg==';
  const screenshotTurn = (model: string) =>
    client.messages.create({
      model,
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'Is the button blue?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'screenshot', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: 'The page:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }],
            },
          ],
        },
      ],
    });

  const sentWithToolAnswer = (provider: string): unknown =>
    harness.providers.requests.find((request) => request.provider === provider && JSON.stringify(request.body).includes('toolu_1'))?.body;

  it('reach Anthropic inside the tool_result, as the client sent them', async () => {
    await screenshotTurn('anthropic/claude-sonnet-4-6');
    // The race of the test before may still land a loser's request after the reset: this call's is the one with the tool's answer.
    const sent = sentWithToolAnswer('anthropic') as { messages: { content: unknown }[] };
    expect(sent.messages.at(-1)?.content).toEqual([
      {
        type: 'tool_result',
        tool_use_id: 'toolu_1',
        content: [{ type: 'text', text: 'The page:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }],
      },
    ]);
  });

  it('reach an OpenAI model as a user message after the tool message, which carries text only', async () => {
    await screenshotTurn('openai/gpt-4o-mini');
    const sent = sentWithToolAnswer('openai') as { messages: unknown[] };
    expect(sent.messages.slice(-2)).toEqual([
      { role: 'tool', tool_call_id: 'toolu_1', content: 'The page:' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'The images returned by tool call toolu_1 (screenshot):' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
        ],
      },
    ]);
  });
});

describe('prompt-cache breakpoints', () => {
  const cached = { type: 'ephemeral' as const };
  const request = (model: string) =>
    client.messages.create({
      model,
      max_tokens: 100,
      system: [{ type: 'text', text: 'You are a coding agent with a long system prompt.', cache_control: cached }],
      tools: [{ ...weatherTool, cache_control: cached }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?', cache_control: cached }] }],
    });

  it('reach an Anthropic upstream where the client put them', async () => {
    await request('anthropic/claude-haiku-4-5-20251001');
    const body = harness.providers.requests.at(-1)?.body as { system: unknown; tools: { cache_control?: unknown }[]; messages: unknown[] };
    expect(body.system).toEqual([{ type: 'text', text: 'You are a coding agent with a long system prompt.', cache_control: cached }]);
    expect(body.tools[0]?.cache_control).toEqual(cached);
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?', cache_control: cached }] }]);
  });

  it("keep an hour's lifetime to Anthropic, from Messages and from chat completions, and refuse one it does not take", async () => {
    const forAnHour = { type: 'ephemeral' as const, ttl: '1h' as const };
    await client.messages.create({
      model: 'anthropic/claude-haiku-4-5-20251001',
      max_tokens: 100,
      system: [{ type: 'text', text: 'You are a coding agent with a long system prompt.', cache_control: forAnHour }],
      tools: [{ ...weatherTool, cache_control: forAnHour }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?', cache_control: cached }] }],
    });
    const body = harness.providers.requests.at(-1)?.body as { system: { cache_control?: unknown }[]; tools: { cache_control?: unknown }[]; messages: unknown[] };
    expect(body.system[0]?.cache_control).toEqual(forAnHour);
    expect(body.tools[0]?.cache_control).toEqual(forAnHour);
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?', cache_control: cached }] }]);

    await harness.client.chat.completions.create({
      model: 'anthropic/claude-haiku-4-5-20251001',
      messages: [{ role: 'system', content: [{ type: 'text', text: 'Rules for an hour.', cache_control: forAnHour } as never] }, { role: 'user', content: 'Hi' }],
    });
    expect((harness.providers.requests.at(-1)?.body as { system: unknown }).system).toEqual([{ type: 'text', text: 'Rules for an hour.', cache_control: forAnHour }]);

    const refused = await client.messages
      .create({ model: 'anthropic/claude-haiku-4-5-20251001', max_tokens: 100, system: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '2h' as '1h' } }], messages: question })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect((refused as InstanceType<typeof Anthropic.BadRequestError>).message).toMatch(/system\[0\]\.cache_control\.ttl must be/);
  });

  it('never reach a provider that caches by itself', async () => {
    for (const model of ['openai/gpt-4o-mini', 'google/gemini-3.5-flash-lite']) {
      await request(model);
      const sent = JSON.stringify(harness.providers.requests.at(-1)?.body);
      expect(sent).toContain('Weather in Paris?');
      expect(sent).not.toMatch(/cache_control|cacheBreakpoint|ephemeral/);
    }
  });
});

describe('structured output', () => {
  it("reaches an OpenAI-wire upstream as its response_format, and Gemini's as its response schema", async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    await client.messages.create({
      model: 'openai/gpt-4o-mini',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Which city?' }],
      output_config: { format: { type: 'json_schema', schema } },
    });
    expect((harness.providers.requests.at(-1)?.body as { response_format?: unknown }).response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { schema },
    });
    await client.messages.create({
      model: 'google/gemini-3.5-flash-lite',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Which city?' }],
      output_config: { format: { type: 'json_schema', schema } },
    });
    const generationConfig = (harness.providers.requests.at(-1)?.body as { generationConfig?: Record<string, unknown> }).generationConfig;
    expect(generationConfig?.responseMimeType).toBe('application/json');
  });
});

describe('structured output to Claude', () => {
  const schema = { type: 'object', properties: { recipe: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false } }, required: ['recipe'], additionalProperties: false };

  it('reaches an Anthropic upstream as output_config.format beside the effort, and the answer is its JSON text', async () => {
    harness.providers.setBehavior('anthropic', anthropicStructuredOutputReplay());
    const message = await client.messages.create({
      model: 'anthropic/claude-haiku-5-5',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'A lasagna recipe, please.' }],
      ...({ thinking: { type: 'adaptive' }, output_config: { effort: 'low', format: { type: 'json_schema', schema } } } as object),
    });
    expect((harness.providers.requests.at(-1)?.body as { output_config?: unknown }).output_config).toEqual({ effort: 'low', format: { type: 'json_schema', schema } });
    expect(textOf(message)).toBe(recordedStructuredOutputText());
    expect(JSON.parse(textOf(message))).toMatchObject({ recipe: { name: 'Classic Lasagna' } });
  });

  it('fails over from Claude to OpenAI with its schema', async () => {
    harness.providers.setBehavior('anthropic', { kind: 'error', fixture: 'error-529-overloaded' });
    const { response } = await client.messages
      .create({
        model: 'claude-haiku-4-5-20251001',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'A lasagna recipe as JSON, please.' }],
        output_config: { format: { type: 'json_schema', schema } },
      })
      .withResponse();
    expect(response.headers.get('x-backup-models-attempts')).toBe('anthropic:failure,openai:success');
    expect((harness.providers.requests.find((request) => request.provider === 'anthropic')?.body as { output_config?: unknown }).output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect((harness.providers.requests.at(-1)?.body as { response_format?: unknown }).response_format).toMatchObject({ type: 'json_schema', json_schema: { schema } });
  });
});

describe('failover behind the Messages endpoint', () => {
  it('answers from the next provider when the first fails, and says so', async () => {
    harness.providers.setBehavior('anthropic', { kind: 'error', fixture: 'error-529-overloaded' });
    const { data, response } = await client.messages
      .create({ model: 'claude-haiku-4-5-20251001', max_tokens: 100, messages: question })
      .withResponse();
    // The model the client asked, not the one that answered (which the headers name).
    expect(data.model).toBe('claude-haiku-4-5-20251001');
    expect(response.headers.get('x-backup-models-provider')).toBe('openai');
    expect(textOf(data).length).toBeGreaterThan(0);
    expect(response.headers.get('x-backup-models-attempts')).toBe('anthropic:failure,openai:success');
  });

  it('fails over a stream before its first token, invisibly to the client', async () => {
    harness.providers.setBehavior('groq', { kind: 'status', status: 503 });
    const message = await client.messages.stream({ model: 'fast', max_tokens: 100, messages: question }).finalMessage();
    expect(message.model).toBe('fast');
    expect(textOf(message).length).toBeGreaterThan(0);
  });
});

describe("a stream's message_start", () => {
  /** The usage of the stream's message_start, as Anthropic's SDK reads it, and the stream's final message. */
  async function openingUsage(model: string, content: string): Promise<{ opening: Anthropic.Usage | undefined; final: Anthropic.Message }> {
    const stream = client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content }] });
    let opening: Anthropic.Usage | undefined;
    stream.on('streamEvent', (event) => {
      // A copy: the SDK grows its snapshot of the message, this usage included, as the stream goes on.
      if (event.type === 'message_start') opening = { ...event.message.usage };
    });
    const final = await stream.finalMessage();
    return { opening, final };
  }

  it("carries Anthropic's own input count, which its message_start gave before any content", async () => {
    // Found by a review: it said input_tokens: 0, and only message_delta told the count.
    const { opening, final } = await openingUsage('anthropic/claude-haiku-4-5-20251001', 'Say hello.');
    // The recorded stream's message_start: 17 input tokens, nothing read from or written to the prompt cache.
    expect(opening).toMatchObject({ input_tokens: 17, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    expect(final.usage.input_tokens).toBe(17);
  });

  it('carries an estimate when the provider told no count before its first token, and the final count at the end', async () => {
    const content = 'Say hello to everyone in the room, one by one, and then say goodbye.';
    const { opening, final } = await openingUsage('openai/gpt-4o-mini', content);
    // Four characters a token, as a broken-off stream is priced: 68 characters.
    expect(opening?.input_tokens).toBe(Math.ceil(content.length / 4));
    // Within reach of count_tokens' own estimate, which the opening does not wait for.
    const counted = await client.messages.countTokens({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content }] });
    expect(Math.abs((opening?.input_tokens ?? 0) - counted.input_tokens)).toBeLessThan(counted.input_tokens / 2);
    expect(final.model).toBe('openai/gpt-4o-mini');
  });
});

describe('errors in Anthropic shape', () => {
  it('refuses a wrong key with authentication_error', async () => {
    const wrong = new Anthropic({ baseURL: harness.url, apiKey: 'not-a-gateway-key', maxRetries: 0 });
    const error = await wrong.messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 10, messages: question }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(harness.providers.requests).toHaveLength(0);
  });

  it('refuses an unknown model with not_found_error, and a missing max_tokens with invalid_request_error', async () => {
    const unknown = await client.messages.create({ model: 'nobody/model', max_tokens: 10, messages: question }).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    // The call's id, in the header Anthropic's clients read (request-id), as on a success: it names the log line.
    const requestId = (unknown as InstanceType<typeof Anthropic.NotFoundError>).requestID;
    expect(requestId).toMatch(/^msg_/);
    expect(harness.logLines.map((line) => line.id)).toContain(requestId);
    const response = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': gatewayKeys[0], 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: question }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens is required.' } });
    expect(harness.providers.requests).toHaveLength(0);
  });

  it('answers a path of the Messages API it does not serve with not_found_error, and a GET with 405', async () => {
    const headers = { 'content-type': 'application/json', 'x-api-key': gatewayKeys[0] };
    const batches = await fetch(`${harness.url}/v1/messages/batches`, { method: 'POST', headers, body: '{}' });
    expect(batches.status).toBe(404);
    expect(await batches.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const get = await fetch(`${harness.url}/v1/messages`, { headers });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('answers 503 overloaded_error with Retry-After when every provider fails', async () => {
    for (const id of ['groq', 'openai']) harness.providers.setBehavior(id, { kind: 'status', status: 500 });
    const error = await client.messages.create({ model: 'fast', max_tokens: 10, messages: question }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(Number(apiError.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it("keeps Anthropic's overloaded_error in the error event of a stream that breaks after its first token", async () => {
    harness.providers.setBehavior('anthropic', { kind: 'error-event-after-events', events: 4 });
    const stream = client.messages.stream({ model: 'anthropic/claude-haiku-4-5-20251001', max_tokens: 100, messages: question });
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it('logs each call as one line named messages, without the key', async () => {
    await client.messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 10, messages: question });
    const line = harness.logLines.at(-1);
    expect(line).toMatchObject({ msg: 'messages', provider: 'openai', outcome: 'success', status: 200 });
    expect(harness.logText()).not.toContain(gatewayKeys[0]);
  });
});

describe("a max_tokens above a model's limit", () => {
  it('is lowered to the limit the catalog knows, so a model the call fails over to does not refuse it', async () => {
    const sentMaxTokens = (): unknown => (harness.providers.requests.at(-1)?.body as { max_tokens?: number }).max_tokens;
    // Claude Code asks for 32,000; gpt-4o-mini writes at most 16,384 and refuses more with a 400.
    await client.messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 32_000, messages: question });
    expect(sentMaxTokens()).toBe(16_384);
    // Claude Haiku 4.5 writes at most 64,000.
    await client.messages.stream({ model: 'anthropic/claude-haiku-4-5-20251001', max_tokens: 100_000, messages: question }).finalMessage();
    expect(sentMaxTokens()).toBe(64_000);
    // Within the limit, or a model whose limit is not in the catalog: sent as asked.
    await client.messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 1_000, messages: question });
    expect(sentMaxTokens()).toBe(1_000);
    await client.messages.create({ model: 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo', max_tokens: 32_000, messages: question });
    expect(sentMaxTokens()).toBe(32_000);
  });
});

describe('the cache', () => {
  it('is shared with the OpenAI dialect: the same question in the same scope is one upstream call', async () => {
    const asked = [{ role: 'user' as const, content: 'Is the cache shared between dialects?' }];
    const viaOpenAI = await harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: asked, max_tokens: 100 });
    const { data, response } = await client.messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 100, messages: asked }).withResponse();
    expect(textOf(data)).toBe(viaOpenAI.choices[0]?.message.content);
    expect(response.headers.get('x-backup-models-cache')).toBe('hit');
    expect(harness.providers.requests).toHaveLength(1);
  });
});

describe('our own router, pointed at the gateway as its Anthropic upstream', () => {
  it('completes and streams through it: our Anthropic decoder reads what the Messages endpoint writes', async () => {
    const router = new BackupModelRouter({
      cacheEnabled: false,
      env: { ANTHROPIC_API_KEY: gatewayKeys[0], ANTHROPIC_BASE_URL: harness.url },
    });
    try {
      const expected = await openAIDialectText('openai/gpt-4o-mini');
      const expectedStream = await openAIDialectStreamText('openai/gpt-4o-mini');
      harness.providers.reset();
      harness.providers.setBehavior('anthropic', { kind: 'error', fixture: 'error-529-overloaded' });
      const options = { preferredProvider: 'anthropic', preferredModel: 'claude-haiku-4-5-20251001', maxTokens: 100 } as const;
      const result = await router.complete('Say hello.', options);
      expect(result.provider).toBe('anthropic');
      // The model the router asked the gateway for, which answered it from OpenAI (the gateway's headers say so).
      expect(result.model).toBe('claude-haiku-4-5-20251001');
      expect(result.content).toBe(expected);
      let streamed = '';
      for await (const chunk of router.stream('Say hello.', options)) if (chunk.type === 'text-delta') streamed += chunk.text;
      expect(streamed).toBe(expectedStream);
    } finally {
      await router.close();
    }
  });
});
