import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../catalog.js';
import type { ChatRequest, Message, ToolChoice } from '../../types.js';
import { buildOpenAIChatRequest } from './build-openai-chat-request.js';
import type { BuildChatRequestOptions } from '../wire-protocol.js';
import { convertToOpenAIChatMessages } from './convert-to-openai-chat-messages.js';
import { openAICompatibleProtocol } from './openai-compatible-protocol.js';
import { sharedFixturesDirectory } from '../../testing/shared-fixtures.test-support.js';

const fixturesDirectory = sharedFixturesDirectory();
type Wire = Record<string, unknown>;
const readJson = (path: string): Wire => JSON.parse(readFileSync(`${fixturesDirectory}/${path}`, 'utf8')) as Wire;
const apiKey = 'sk-test-abcdefghijklmnopqrstuvwxyz';
const endpointFor = (providerId: string) => ({
  providerId,
  apiKey,
  baseUrl: defaultCatalog.find((definition) => definition.id === providerId)?.baseUrl ?? '',
});

/** A recorded wire request read back into our ChatRequest (the inverse of the builder, written separately). */
function toChatRequest(body: Wire): ChatRequest {
  const messages = (body.messages as Wire[]).map((message): Message => {
    const content = (message.content as string | null) ?? '';
    if (message.role === 'tool') return { role: 'tool', toolCallId: message.tool_call_id as string, content };
    if (message.role === 'assistant') {
      const calls = (message.tool_calls as { id: string; function: { name: string; arguments: string } }[]) ?? [];
      return {
        role: 'assistant',
        content,
        ...(calls.length > 0 && {
          toolCalls: calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
        }),
      };
    }
    return { role: message.role as 'system' | 'user', content };
  });
  const tools = body.tools as { function: { name: string; description?: string; parameters: Wire } }[] | undefined;
  return {
    model: body.model as string,
    messages,
    ...(body.temperature !== undefined && { temperature: body.temperature as number }),
    ...((body.max_tokens ?? body.max_completion_tokens) !== undefined && {
      maxTokens: (body.max_tokens ?? body.max_completion_tokens) as number,
    }),
    ...(body.stop !== undefined && { stop: body.stop as string[] }),
    ...(tools !== undefined && {
      tools: tools.map(({ function: tool }) => ({
        name: tool.name,
        ...(tool.description !== undefined && { description: tool.description }),
        parameters: tool.parameters,
      })),
    }),
    ...(body.tool_choice !== undefined && { toolChoice: body.tool_choice as ToolChoice }),
  };
}

/**
 * Keys the recording clients sent that we do not, on purpose: `n: 1` and Groq's `reasoning_format` (SDK
 * extras), `stream: false` (the default), a tool's `strict` (not in our ToolDefinition).
 */
function withoutClientExtras(body: Wire): Wire {
  const { n: _n, reasoning_format: _format, ...rest } = body;
  if (rest.stream === false) delete rest.stream;
  if (Array.isArray(rest.tools)) {
    rest.tools = (rest.tools as { type: string; function: Wire }[]).map(({ type, function: { strict: _s, ...fn } }) => ({
      type,
      function: fn,
    }));
  }
  return rest;
}

const recordedRequests = [
  'openai/chat-completion.request.json',
  'openai/chat-completion-max_tokens.request.json',
  'openai/chat-completion-max_completion_tokens-o3-mini.request.json',
  'openai/chat-completion-tool-call.request.json',
  'openai/chat-stream-include-usage.request.json',
  'openai/chat-stream-tool-call.request.json',
  'openai/error-404-model-not-found.request.json',
  'groq/chat-stream.request.json',
  'groq/chat-stream-error-tool-use-failed.request.json',
  'together/chat-completion.request.json',
  'together/chat-completion-tool-call.request.json',
  'together/chat-stream.request.json',
  'together/chat-stream-tool-call.request.json',
  'moonshot/chat-request.docs.json',
  'moonshot/chat-request-tools.docs.json',
];

describe('buildOpenAIChatRequest against the recorded requests', () => {
  for (const path of recordedRequests) {
    it(`rebuilds ${path}`, () => {
      const recorded = readJson(path);
      const providerId = path.split('/')[0] ?? '';
      const stream = recorded.stream === true;
      const spec = buildOpenAIChatRequest(toChatRequest(recorded), {
        endpoint: endpointFor(providerId),
        stream,
        reasoningModel: recorded.max_completion_tokens !== undefined,
      });
      const built = JSON.parse(spec.body ?? '') as Wire;
      const expected = withoutClientExtras(recorded);
      // We always ask a stream for its usage; the Groq and Together recordings did not.
      if (stream) expected.stream_options = { include_usage: true };
      expect(built).toEqual(expected);

      const headersPath = `${fixturesDirectory}/${path.replace(/\.request\.json$/, '.request-headers.txt')}`;
      if (path.endsWith('.request.json') && existsSync(headersPath)) {
        const [requestLine = '', ...headerLines] = readFileSync(headersPath, 'utf8').trim().split('\n');
        expect(`${spec.method} ${spec.url}`).toBe(requestLine);
        const recordedNames = new Set(headerLines.map((line) => line.slice(0, line.indexOf(':')).toLowerCase()));
        // The recorders strip the authorization header from some recordings; every other name must be there.
        for (const name of Object.keys(spec.headers)) {
          if (name !== 'authorization') expect(recordedNames).toContain(name);
        }
        expect(spec.headers['content-type']).toBe('application/json');
      }
    });
  }

  it('sends max_completion_tokens and no temperature to a reasoning model, as the o3-mini and gpt-5.1 requests', () => {
    const recorded = readJson('openai/error-401-invalid-api-key.request.json');
    const spec = buildOpenAIChatRequest(toChatRequest(recorded), {
      endpoint: endpointFor('openai'),
      stream: false,
      reasoningModel: true,
    });
    const { temperature: _temperature, ...withoutTemperature } = recorded;
    expect(JSON.parse(spec.body ?? '')).toEqual(withoutTemperature);
  });
});

describe('buildOpenAIChatRequest', () => {
  const request: ChatRequest = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hi' }],
    temperature: 0.2,
    maxTokens: 50,
    topP: 0.9,
  };

  it('puts the key in the authorization header and nowhere else', () => {
    const spec = buildOpenAIChatRequest(request, { endpoint: endpointFor('openai'), stream: false });
    expect(spec.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(spec.url).not.toContain(apiKey);
    expect(spec.body).not.toContain(apiKey);
    expect(Object.entries(spec.headers).filter(([, value]) => value.includes(apiKey))).toHaveLength(1);
  });

  it('sends no authorization to a keyless endpoint', () => {
    const spec = buildOpenAIChatRequest(request, {
      endpoint: { providerId: 'ollama', baseUrl: 'http://localhost:11434/v1', apiKey: '' },
      stream: true,
    });
    expect(spec.headers).toEqual({ 'content-type': 'application/json', accept: 'text/event-stream' });
    expect(spec.url).toBe('http://localhost:11434/v1/chat/completions');
  });

  it('sends each endpoint to its own base URL, call after call', () => {
    const local = { providerId: 'ollama', baseUrl: 'http://localhost:11434/v1', apiKey: '' };
    const remote = { providerId: 'groq', baseUrl: 'https://api.groq.com/openai/v1', apiKey };
    for (let round = 0; round < 2; round += 1) {
      expect(buildOpenAIChatRequest(request, { endpoint: local, stream: false }).url).toBe('http://localhost:11434/v1/chat/completions');
      expect(buildOpenAIChatRequest(request, { endpoint: remote, stream: false }).url).toBe('https://api.groq.com/openai/v1/chat/completions');
    }
  });

  it('drops temperature and top_p for a reasoning model and renames max_tokens', () => {
    const body = JSON.parse(
      buildOpenAIChatRequest(request, { endpoint: endpointFor('openai'), stream: false, reasoningModel: true }).body ?? '',
    ) as Wire;
    expect(body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 50 });
  });

  it('sends the seed and the penalties, and to a reasoning model the seed alone (it refuses the penalties)', () => {
    const sampled: ChatRequest = { ...request, seed: 7, presencePenalty: 0.5, frequencyPenalty: -0.25 };
    const bodyFor = (reasoningModel: boolean) =>
      JSON.parse(buildOpenAIChatRequest(sampled, { endpoint: endpointFor('openai'), stream: false, reasoningModel }).body ?? '') as Wire;
    expect(bodyFor(false)).toMatchObject({ seed: 7, presence_penalty: 0.5, frequency_penalty: -0.25 });
    expect(bodyFor(true)).toMatchObject({ seed: 7 });
    expect(bodyFor(true)).not.toHaveProperty('presence_penalty');
    expect(bodyFor(true)).not.toHaveProperty('frequency_penalty');
  });

  it('sends reasoning_effort to a reasoning model only: the others refuse the field', () => {
    const bodyFor = (reasoningModel: boolean) =>
      JSON.parse(buildOpenAIChatRequest({ ...request, reasoningEffort: 'high' }, { endpoint: endpointFor('openai'), stream: false, reasoningModel }).body ?? '') as Wire;
    expect(bodyFor(true)['reasoning_effort']).toBe('high');
    expect(bodyFor(false)).not.toHaveProperty('reasoning_effort');
  });

  it('sends no reasoning (`none`) as the least effort the catalog gives the model, and nothing when it gives none', () => {
    const bodyFor = (options: Partial<BuildChatRequestOptions>) =>
      JSON.parse(buildOpenAIChatRequest({ ...request, reasoningEffort: 'none' }, { endpoint: endpointFor('openai'), stream: false, reasoningModel: true, ...options }).body ?? '') as Wire;
    expect(bodyFor({ leastReasoningEffort: 'none' })['reasoning_effort']).toBe('none');
    expect(bodyFor({ leastReasoningEffort: 'low' })['reasoning_effort']).toBe('low');
    // o3-mini and gpt-oss take no `none`: a model without a least effort is sent none, as a call asking no effort.
    expect(bodyFor({})).not.toHaveProperty('reasoning_effort');
  });

  it('maps tool choice and response formats', () => {
    const build = (extra: Partial<ChatRequest>): Wire =>
      JSON.parse(
        buildOpenAIChatRequest({ ...request, ...extra }, { endpoint: endpointFor('openai'), stream: false }).body ?? '',
      ) as Wire;
    const tools = [{ name: 'get_weather', parameters: { type: 'object' } }];
    expect(build({ tools, toolChoice: 'required' }).tool_choice).toBe('required');
    // No tools, no tool_choice: OpenAI refuses one without the other.
    expect(build({ toolChoice: 'required' })).not.toHaveProperty('tool_choice');
    expect(build({ tools, toolChoice: { name: 'get_weather' } }).tool_choice).toEqual({
      type: 'function',
      function: { name: 'get_weather' },
    });
    expect(build({ responseFormat: { type: 'json_object' } }).response_format).toEqual({ type: 'json_object' });
    expect(
      build({ responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } })
        .response_format,
    ).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } });
    expect(build({ tools: [], stop: [] })).not.toHaveProperty('tools');
  });

  it('asks for one tool call at most only when told, and only with tools', () => {
    const build = (extra: Partial<ChatRequest>): Wire =>
      JSON.parse(buildOpenAIChatRequest({ ...request, ...extra }, { endpoint: endpointFor('openai'), stream: false }).body ?? '') as Wire;
    const tools = [{ name: 'get_weather', parameters: { type: 'object' } }];
    expect(build({ tools, parallelToolCalls: false }).parallel_tool_calls).toBe(false);
    // The default is the provider's own: nothing is sent for it.
    expect(build({ tools, parallelToolCalls: true })).not.toHaveProperty('parallel_tool_calls');
    expect(build({ tools })).not.toHaveProperty('parallel_tool_calls');
    // OpenAI refuses parallel_tool_calls without tools, and from a reasoning model.
    expect(build({ parallelToolCalls: false })).not.toHaveProperty('parallel_tool_calls');
    const reasoning = JSON.parse(
      buildOpenAIChatRequest({ ...request, tools, parallelToolCalls: false }, { endpoint: endpointFor('openai'), stream: false, reasoningModel: true }).body ?? '',
    ) as Wire;
    expect(reasoning).not.toHaveProperty('parallel_tool_calls');
  });

  it('asks a model that takes tools only without reasoning reasoning_effort "none" when tools are sent, and refuses tools to one that takes none', () => {
    const tool = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
    const asked: ChatRequest = { model: 'gpt-6-luna', messages: [{ role: 'user', content: 'Weather?' }], reasoningEffort: 'high', tools: [tool] };
    const bodyOf = (chatRequest: ChatRequest) =>
      JSON.parse(
        buildOpenAIChatRequest(chatRequest, { endpoint: endpointFor('openai'), stream: false, reasoningModel: true, chatCompletionsTools: 'without-reasoning' }).body ?? '',
      ) as Wire;
    expect(bodyOf(asked)).toMatchObject({ reasoning_effort: 'none', tools: [{ type: 'function', function: { name: 'get_weather' } }] });
    expect(bodyOf({ ...asked, reasoningEffort: undefined })['reasoning_effort']).toBe('none');
    // Without tools the caller's effort goes as asked, and none when it asked none.
    expect(bodyOf({ ...asked, tools: undefined })['reasoning_effort']).toBe('high');
    expect(bodyOf({ ...asked, tools: [], reasoningEffort: undefined })).not.toHaveProperty('reasoning_effort');
    const refusing = { endpoint: endpointFor('openai'), stream: false, reasoningModel: true, chatCompletionsTools: 'refused' as const };
    expect(() => buildOpenAIChatRequest({ ...asked, model: 'gpt-6.2-sol' }, refusing)).toThrow(/gpt-6.2-sol takes no function tools on chat completions/);
    expect(JSON.parse(buildOpenAIChatRequest({ ...asked, model: 'gpt-6.2-sol', tools: undefined }, refusing).body ?? '')).toMatchObject({ reasoning_effort: 'high' });
  });

  it('builds the models list request', () => {
    expect(openAICompatibleProtocol.buildModelsListRequest(endpointFor('groq'))).toEqual({
      method: 'GET',
      url: 'https://api.groq.com/openai/v1/models',
      headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
    });
  });
});

describe('convertToOpenAIChatMessages', () => {
  it('turns tool calls into tool_calls and tool answers into role tool', () => {
    expect(
      convertToOpenAIChatMessages([
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'square of 5?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'square', arguments: '{"n":5}' }] },
        { role: 'tool', toolCallId: 'call_1', toolName: 'square', content: '25' },
        { role: 'assistant', content: '25' },
      ]),
    ).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'square of 5?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'square', arguments: '{"n":5}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '25' },
      { role: 'assistant', content: '25' },
    ]);
  });
});
