/**
 * The official OpenAI client's Responses API (`client.responses`) against the gateway's POST /v1/responses;
 * the provider test server plays the six providers behind it. Each answer is checked against what the same
 * request gets through /v1/chat/completions, and streams go through the SDK's own event accumulator.
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../src/catalog.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let client: OpenAI;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText: 'routes:\n  fast:\n    targets: [groq/llama-3.1-8b-instant, openai/gpt-4o-mini]\n    parallelAttempts: 1\ncache:\n  enabled: false\n',
  });
  client = harness.client;
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

async function chatText(model: string, stream: boolean): Promise<string> {
  if (!stream) {
    const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello.' }] });
    return completion.choices[0]?.message.content ?? '';
  }
  const chunks = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello.' }], stream: true });
  let text = '';
  for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe.each(defaultCatalog.map((definition) => [definition.id, definition.defaultModel] as const))('provider %s through /v1/responses', (providerId, model) => {
  it('answers with a response object whose output_text is the chat dialect text', async () => {
    const expected = await chatText(`${providerId}/${model}`, false);
    harness.providers.reset();
    const { data, response } = await client.responses.create({ model: `${providerId}/${model}`, input: 'Say hello.' }).withResponse();
    expect(data.object).toBe('response');
    expect(data.id.startsWith('resp_')).toBe(true);
    expect(data.status).toBe('completed');
    expect(data.model.startsWith(`${providerId}/`)).toBe(true);
    expect(data.output_text).toBe(expected);
    expect(expected.length).toBeGreaterThan(0);
    expect(data.usage?.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-backup-models-provider')).toBe(providerId);
    expect(harness.providers.requests.map((request) => request.provider)).toEqual([providerId]);
  });

  it("streams events the SDK's accumulator turns into the same text", async () => {
    const expected = await chatText(`${providerId}/${model}`, true);
    harness.providers.reset();
    const stream = client.responses.stream({ model: `${providerId}/${model}`, input: 'Say hello.' });
    const types: string[] = [];
    const sequence: number[] = [];
    let deltas = '';
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') deltas += event.delta;
    }
    const final = await stream.finalResponse();
    expect(deltas).toBe(expected);
    expect(final.output_text).toBe(expected);
    expect(final.status).toBe('completed');
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.at(-1)).toBe('response.completed');
    expect(sequence).toEqual(sequence.map((_value, index) => index));
  });
});

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  strict: false,
};

describe.each([
  ['openai', 'gpt-4o-mini', 'chat-completion-tool-call', 'chat-stream-tool-call'],
  ['anthropic', 'claude-haiku-4-5-20251001', 'message-tool-use', 'messages-stream-tool-use'],
  ['google', 'gemini-3.5-flash-lite', 'generateContent-function-call', 'streamGenerateContent-sse-function-call'],
] as const)('function calls through %s', (providerId, model, bodyFixture, streamFixture) => {
  const chatCalls = async (stream: boolean) => {
    const tools = [{ type: 'function' as const, function: { name: weather.name, parameters: weather.parameters } }];
    const messages = [{ role: 'user' as const, content: 'Weather in Paris?' }];
    if (!stream) {
      const completion = await client.chat.completions.create({ model: `${providerId}/${model}`, messages, tools });
      return (completion.choices[0]?.message.tool_calls ?? []).map((call) => (call.type === 'function' ? { id: call.id, name: call.function.name, arguments: call.function.arguments } : undefined));
    }
    const chunks = await client.chat.completions.create({ model: `${providerId}/${model}`, messages, tools, stream: true });
    const calls: { id: string; name: string; arguments: string }[] = [];
    for await (const chunk of chunks) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
        call.id += delta.id ?? '';
        call.name += delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
      }
    }
    return calls;
  };
  const responseCalls = (output: OpenAI.Responses.ResponseOutputItem[]) =>
    output.flatMap((item) => (item.type === 'function_call' ? [{ id: item.call_id, name: item.name, arguments: item.arguments }] : []));
  /** The calls as the chat dialect gave them; Gemini gives no ids, so each answer's are made up afresh. */
  const sameCalls = (calls: Awaited<ReturnType<typeof chatCalls>>) =>
    providerId === 'google' ? calls.map((call) => ({ ...call, id: expect.stringMatching(/^call_[0-9a-f]{24}$/) })) : calls;

  it('answers with function_call items, as the chat dialect gives the calls', async () => {
    harness.providers.setBehavior(providerId, { kind: 'success', fixture: bodyFixture });
    const expected = await chatCalls(false);
    const response = await client.responses.create({ model: `${providerId}/${model}`, input: 'Weather in Paris?', tools: [weather] });
    expect(expected.length).toBeGreaterThan(0);
    expect(responseCalls(response.output)).toEqual(sameCalls(expected));
    expect(JSON.stringify(harness.providers.requests.at(-1)?.body)).toContain('get_weather');
  });

  it('streams function calls the accumulator puts back together', async () => {
    harness.providers.setBehavior(providerId, { kind: 'success', fixture: streamFixture });
    const expected = await chatCalls(true);
    const stream = client.responses.stream({ model: `${providerId}/${model}`, input: 'Weather in Paris?', tools: [weather] });
    const doneNames: string[] = [];
    for await (const event of stream) if (event.type === 'response.function_call_arguments.done') doneNames.push(event.name);
    const final = await stream.finalResponse();
    expect(expected.length).toBeGreaterThan(0);
    expect(responseCalls(final.output)).toEqual(sameCalls(expected));
    expect(doneNames).toEqual(expected.map((call) => call?.name));
  });
});

describe('function tool definitions', () => {
  it("pass strict mode upstream only as the client set it: OpenAI's default of strict is not forced on a schema", async () => {
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion-tool-call' });
    await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Weather in Paris, strictly?', tools: [{ ...weather, strict: true }] });
    expect(harness.providers.requests.at(-1)?.body).toMatchObject({ tools: [{ function: { name: 'get_weather', strict: true } }] });
    const { strict: _strict, ...unsaid } = weather;
    await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Weather in Paris, as you like?', tools: [unsaid as typeof weather] });
    const sent = (harness.providers.requests.at(-1)?.body as { tools: { function: Record<string, unknown> }[] }).tools[0]!.function;
    expect(sent).not.toHaveProperty('strict');
  });
});

describe('custom (free-form) tools, as Codex declares apply_patch', () => {
  it('are answered as custom_tool_call items, whole and streamed, while a hosted tool declared beside them is left out', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-stream-tool-call' });
    // The recorded call's own name and arguments, read through the chat dialect.
    const chunks = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
      stream: true,
    });
    let name = '';
    let argumentsText = '';
    for await (const chunk of chunks) {
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      if (delta?.index === 0) {
        name += delta.function?.name ?? '';
        argumentsText += delta.function?.arguments ?? '';
      }
    }
    const tools: OpenAI.Responses.Tool[] = [{ type: 'web_search' }, { type: 'custom', name, description: 'Free-form input' }];
    const final = await client.responses.stream({ model: 'openai/gpt-4o-mini', input: 'Go.', tools }).finalResponse();
    const custom = final.output.find((item) => item.type === 'custom_tool_call');
    expect(custom).toMatchObject({ type: 'custom_tool_call', name, input: argumentsText, status: 'completed' });
    const sentTools = (harness.providers.requests.at(-1)?.body as { tools: { function: { name: string; parameters: unknown } }[] }).tools;
    expect(sentTools.map((tool) => tool.function.name)).toEqual([name]);
    expect(sentTools[0]?.function.parameters).toMatchObject({ properties: { input: { type: 'string' } }, required: ['input'] });

    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion-tool-call' });
    const recorded = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
    });
    const wholeCall = recorded.choices[0]?.message.tool_calls?.[0];
    if (wholeCall?.type !== 'function') throw new Error('expected the recorded function call');
    const whole = await client.responses.create({
      model: 'openai/gpt-4o-mini',
      input: 'Go.',
      tools: [{ type: 'custom', name: wholeCall.function.name }],
    });
    expect(whole.output.find((item) => item.type === 'custom_tool_call')).toMatchObject({
      name: wholeCall.function.name,
      call_id: wholeCall.id,
      input: wholeCall.function.arguments,
    });
  });
});

describe('a stateless conversation', () => {
  it('sends instructions, the function call and its output upstream as chat messages', async () => {
    await client.responses.create({
      model: 'openai/gpt-4o-mini',
      instructions: 'Answer in one line.',
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '{"celsius":21}' },
      ],
      tools: [weather],
    });
    const sent = harness.providers.requests[0]?.body as { messages: unknown[] };
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Answer in one line.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"celsius":21}' },
    ]);
  });

  it("carries an image a tool returned (Codex's view_image) to Anthropic inside its tool_result", async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUg==';
    await client.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      input: [
        { role: 'user', content: 'What does a.png show?' },
        { type: 'function_call', call_id: 'call_v', name: 'view_image', arguments: '{"path":"a.png"}' },
        { type: 'function_call_output', call_id: 'call_v', output: [{ type: 'input_image', image_url: `data:image/png;base64,${png}`, detail: 'auto' }] },
      ],
      tools: [{ type: 'function', name: 'view_image', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: false }],
    });
    const sent = harness.providers.requests[0]?.body as { messages: { content: unknown }[] };
    expect(harness.providers.requests.map((request) => request.provider)).toEqual(['anthropic']);
    expect(sent.messages.at(-1)?.content).toEqual([
      { type: 'tool_result', tool_use_id: 'call_v', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }] },
    ]);
  });

  it('refuses a previous_response_id it never answered with a 400 that says to send the conversation', async () => {
    const error = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'And then?', previous_response_id: 'resp_abc' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, param: 'previous_response_id', code: 'previous_response_not_found' });
    expect(String((error as Error).message)).toMatch(/send the whole conversation as input/);
    expect(harness.providers.requests).toHaveLength(0);
  });
});

describe("the request's parameters, echoed in the response as OpenAI echoes them", () => {
  const params = {
    model: 'openai/gpt-4o-mini',
    input: 'Weather in Paris?',
    instructions: 'Answer in one line.',
    tools: [weather, { type: 'custom' as const, name: 'apply_patch', description: 'Apply a patch.' }],
    tool_choice: { type: 'function' as const, name: 'get_weather' },
    text: { format: { type: 'json_schema' as const, name: 'weather', schema: { type: 'object', properties: { sky: { type: 'string' } } }, strict: false } },
    temperature: 0.4,
    top_p: 0.8,
    max_output_tokens: 256,
    parallel_tool_calls: false,
    reasoning: { effort: 'low' as const },
    truncation: 'auto' as const,
    user: 'user-7',
    metadata: { team: 'search' },
  };
  const echoed = {
    instructions: 'Answer in one line.',
    tools: [
      { type: 'function', description: weather.description, name: weather.name, parameters: weather.parameters, strict: false },
      { type: 'custom', name: 'apply_patch', description: 'Apply a patch.' },
    ],
    tool_choice: { type: 'function', name: 'get_weather' },
    text: { format: params.text.format, verbosity: 'medium' },
    temperature: 0.4,
    top_p: 0.8,
    max_output_tokens: 256,
    parallel_tool_calls: false,
    previous_response_id: null,
    reasoning: { effort: 'low', summary: null },
    // Left unsaid, as OpenAI's default: the answer's items are kept for later requests to name.
    store: true,
    truncation: 'auto',
    user: 'user-7',
    metadata: { team: 'search' },
  };

  it('in the whole answer, read by the official client and over raw HTTP in its recorded key order', async () => {
    const response = await client.responses.create(params);
    expect(response).toMatchObject(echoed);
    const raw = await fetch(`${harness.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gatewayKeys[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', input: 'Hi' }),
    });
    const body = (await raw.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ instructions: null, tools: [], tool_choice: 'auto', text: { format: { type: 'text' }, verbosity: 'medium' }, temperature: 1, top_p: 1, user: null, metadata: {} });
    expect(Object.keys(body).slice(-4)).toEqual(['truncation', 'usage', 'user', 'metadata']);
  });

  it('in response.created, response.in_progress and response.completed', async () => {
    const stream = client.responses.stream(params);
    const responses: Record<string, OpenAI.Responses.Response> = {};
    for await (const event of stream) {
      if (event.type === 'response.created' || event.type === 'response.in_progress' || event.type === 'response.completed') responses[event.type] = event.response;
    }
    expect(Object.keys(responses)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
    for (const response of Object.values(responses)) expect(response).toMatchObject(echoed);
    expect(await stream.finalResponse()).toMatchObject(echoed);
  });
});

describe('failures', () => {
  it('fails over before the first token, invisibly', async () => {
    harness.providers.setBehavior('groq', { kind: 'status', status: 503 });
    const response = await client.responses.create({ model: 'fast', input: 'Say hello.' });
    expect(response.model.startsWith('openai/')).toBe(true);
    expect(response.output_text.length).toBeGreaterThan(0);
  });

  it('ends a stream that breaks after its first token with response.failed, its error named', async () => {
    harness.providers.setBehavior('openai', { kind: 'reset-after-events', events: 3 });
    const stream = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Say hello.', stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const last = events.at(-1);
    expect(last?.type).toBe('response.failed');
    if (last?.type !== 'response.failed') throw new Error('expected response.failed');
    expect(last.response.status).toBe('failed');
    expect(last.response.error?.message.length).toBeGreaterThan(0);
    // The text that did arrive is kept, in an item marked incomplete.
    const streamed = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : [])).join('');
    expect(streamed.length).toBeGreaterThan(0);
    expect(last.response.output).toEqual([expect.objectContaining({ type: 'message', status: 'incomplete', content: [expect.objectContaining({ text: streamed })] })]);
  });

  it("names a rate limit that broke the stream rate_limit_exceeded in response.failed, as OpenAI's own code", async () => {
    harness.providers.setBehavior('anthropic', { kind: 'error-event-after-events', events: 4, errorFixture: 'error-429-rate-limit' });
    const stream = await client.responses.create({ model: 'anthropic/claude-haiku-4-5-20251001', input: 'Rate limited mid-stream.', stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const last = events.at(-1);
    if (last?.type !== 'response.failed') throw new Error(`expected response.failed, got ${last?.type}`);
    expect(last.response.error?.code).toBe('rate_limit_exceeded');
  });
});
