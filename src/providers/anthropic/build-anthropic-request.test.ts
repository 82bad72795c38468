import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../types.js';
import type { EndpointConfig } from '../wire-protocol.js';
import { readFixtureJson, readFixtureRequestHeaders } from './anthropic-fixtures.test-support.js';
import { buildAnthropicChatRequest, buildAnthropicModelsListRequest } from './build-anthropic-request.js';

const apiKey = 'sk-ant-api03-test-key-0123456789';
const endpoint: EndpointConfig = { providerId: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey };

/** Our request for each recorded one: the same conversation and settings, in our terms. */
const recordedRequests: { name: string; stream: boolean; request: ChatRequest }[] = [
  {
    name: 'message',
    stream: false,
    request: {
      // The model the recorded request (shared/fixtures/anthropic/message.request.json) names, retired since.
      model: 'claude-3-5-haiku-20241022',
      messages: [{ role: 'user', content: 'Say hello in one word' }],
      stop: ['\nObservation:', '\nThought:'],
    },
  },
  {
    name: 'message-system-prompt',
    stream: false,
    request: {
      model: 'claude-sonnet-4-0',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'What is 2+2?' },
      ],
    },
  },
  {
    name: 'message-tool-use',
    stream: false,
    request: {
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'What is the weather in Tokyo? Use the get_weather tool.' }],
      tools: [
        {
          name: 'get_weather',
          description: 'Get the current weather in a given location',
          parameters: {
            type: 'object',
            properties: {
              location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
              unit: { type: 'string', enum: ['celsius', 'fahrenheit'], description: 'The unit of temperature' },
            },
            required: ['location'],
          },
        },
      ],
    },
  },
  {
    name: 'messages-stream',
    stream: true,
    request: {
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Two names for a pet pelican, be brief' }],
      maxTokens: 8192,
      temperature: 1,
    },
  },
  {
    name: 'messages-stream-tool-use',
    stream: true,
    request: {
      model: 'claude-3-5-haiku-latest',
      messages: [{ role: 'user', content: 'What is the temperature in San Francisco?' }],
      tools: [
        {
          name: 'get_current_temperature',
          description: 'Get the current temperature in a city.',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string', description: 'The name of the city to get the temperature for.' } },
            required: ['city'],
          },
        },
      ],
    },
  },
  {
    name: 'messages-stream-tool-use-empty-input',
    stream: true,
    request: {
      model: 'claude-haiku-4-5-20251001',
      messages: [{ role: 'user', content: 'Generate one name for a pet pelican' }],
      maxTokens: 8192,
      temperature: 1,
      tools: [{ name: 'pelican_name_generator', description: '', parameters: { properties: {}, type: 'object' } }],
    },
  },
];

/** A one-text-block content and the same text as a string are one message to Anthropic (the SDKs send either). */
function normalizeContent(body: unknown): unknown {
  const record = body as { messages: { role: string; content: unknown }[] };
  return {
    ...record,
    messages: record.messages.map((message) => {
      const content = message.content;
      if (Array.isArray(content) && content.length === 1 && content[0]?.type === 'text') {
        return { ...message, content: (content[0] as { text: string }).text };
      }
      return message;
    }),
  };
}

function bodyOf(request: ChatRequest, stream: boolean): Record<string, unknown> {
  const spec = buildAnthropicChatRequest(request, { endpoint, stream });
  return JSON.parse(spec.body ?? 'null') as Record<string, unknown>;
}

describe('buildAnthropicChatRequest against the recorded requests', () => {
  for (const { name, stream, request } of recordedRequests) {
    it(`builds the body of ${name}.request.json`, () => {
      const recorded = readFixtureJson(`${name}.request.json`);
      expect(normalizeContent(bodyOf(request, stream))).toEqual(normalizeContent(recorded));
    });

    it(`sends to the URL, with the headers, of ${name}.request-headers.txt`, () => {
      const recorded = readFixtureRequestHeaders(`${name}.request-headers.txt`);
      const spec = buildAnthropicChatRequest(request, { endpoint, stream });
      expect(spec.method).toBe(recorded.method);
      expect(spec.url).toBe(recorded.url);
      expect(spec.url).not.toContain(apiKey);
      expect(spec.headers['anthropic-version']).toBe(recorded.headers['anthropic-version']);
      expect(spec.headers['content-type']).toBe(recorded.headers['content-type']);
      expect(spec.headers['x-api-key']).toBe(apiKey);
      // Every header we send is one the official SDK sent (the key header when the recorder kept it).
      for (const header of Object.keys(spec.headers)) {
        expect([...Object.keys(recorded.headers), 'x-api-key']).toContain(header);
      }
    });
  }
});

describe('buildAnthropicChatRequest', () => {
  const base: ChatRequest = { model: 'claude-haiku-4-5-20251001', messages: [{ role: 'user', content: 'Hi' }] };
  const tool = { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: {} } };

  it("keeps the last four cache breakpoints, in Anthropic's reading order (tools, system, turns), as it takes no more", () => {
    const spec = buildAnthropicChatRequest(
      {
        model: 'claude-sonnet-4-6',
        tools: [
          { name: 'a', parameters: { type: 'object' }, cacheBreakpoint: true },
          { name: 'b', parameters: { type: 'object' }, cacheBreakpoint: true },
        ],
        messages: [
          { role: 'system', content: 'One.', cacheBreakpoint: true },
          { role: 'system', content: 'Two.', cacheBreakpoint: true },
          { role: 'user', content: 'Hi', cacheBreakpoint: true },
          { role: 'assistant', content: 'Hello' },
          { role: 'user', content: 'Again', cacheBreakpoint: true },
        ],
      },
      { endpoint, stream: false },
    );
    const body = JSON.parse(spec.body ?? '') as { tools: { cache_control?: unknown }[]; system: { cache_control?: unknown }[]; messages: { content: unknown }[] };
    expect(body.tools.map((tool) => tool.cache_control !== undefined)).toEqual([false, false]);
    expect(body.system.map((block) => block.cache_control !== undefined)).toEqual([true, true]);
    expect(JSON.stringify(body.messages).match(/cache_control/g)).toHaveLength(2);
  });

  it('says ttl "1h" for a breakpoint kept an hour, and nothing for the default five minutes', () => {
    const spec = buildAnthropicChatRequest(
      {
        model: 'claude-sonnet-4-6',
        tools: [{ name: 'a', parameters: { type: 'object' }, cacheBreakpoint: { ttl: '1h' } }],
        messages: [
          { role: 'system', content: 'Long rules.', cacheBreakpoint: { ttl: '1h' } },
          { role: 'user', content: 'Hi', cacheBreakpoint: true },
          { role: 'assistant', content: 'Hello', cacheBreakpoint: { ttl: '5m' } },
          { role: 'user', content: 'Again', cacheBreakpoint: false },
        ],
      },
      { endpoint, stream: false },
    );
    const body = JSON.parse(spec.body ?? '') as {
      tools: { cache_control?: unknown }[];
      system: { cache_control?: unknown }[];
      messages: { content: { cache_control?: unknown }[] | string }[];
    };
    expect(body.tools[0]?.cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    expect(body.system[0]?.cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    const marks = body.messages.map((message) => (typeof message.content === 'string' ? undefined : message.content.at(-1)?.cache_control));
    expect(marks).toEqual([{ type: 'ephemeral' }, { type: 'ephemeral' }, undefined]);
  });

  it("shortens an hour's mark that a moved system message left after a five-minute one, which Anthropic refuses", () => {
    // Valid as written (the hour first); the system message mid-conversation goes to the top when sent.
    const spec = buildAnthropicChatRequest(
      {
        model: 'claude-sonnet-4-6',
        messages: [
          { role: 'user', content: 'Long document.', cacheBreakpoint: { ttl: '1h' } },
          { role: 'system', content: 'Be brief.', cacheBreakpoint: true },
          { role: 'user', content: 'Summarize.', cacheBreakpoint: { ttl: '1h' } },
        ],
      },
      { endpoint, stream: false },
    );
    const body = JSON.parse(spec.body ?? '') as { system: { cache_control?: unknown }[]; messages: { content: { cache_control?: unknown }[] }[] };
    expect(body.system[0]?.cache_control).toEqual({ type: 'ephemeral' });
    expect(body.messages[0]?.content.map((block) => block.cache_control)).toEqual([{ type: 'ephemeral' }, { type: 'ephemeral' }]);
  });

  it('sends max_tokens 4096 when the request names none, and the request value otherwise', () => {
    expect(bodyOf(base, false)['max_tokens']).toBe(4096);
    expect(bodyOf({ ...base, maxTokens: 100 }, false)['max_tokens']).toBe(100);
  });

  it('maps the sampling settings and leaves out unset ones', () => {
    expect(bodyOf({ ...base, temperature: 0.2, stop: ['END'] }, true)).toMatchObject({ temperature: 0.2, stop_sequences: ['END'], stream: true });
    expect(bodyOf({ ...base, topP: 0.9 }, true)).toMatchObject({ top_p: 0.9 });
    // Claude 4.x refuses the two together (a 400): the temperature is sent, top_p is not.
    const both = bodyOf({ ...base, temperature: 0.2, topP: 0.9 }, true);
    expect(both).toMatchObject({ temperature: 0.2 });
    expect(both).not.toHaveProperty('top_p');
    const body = bodyOf(base, false);
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model', 'stream']);
  });

  it('clamps temperature to Anthropic range [0, 1]', () => {
    expect(bodyOf({ ...base, temperature: 1.7 }, false)['temperature']).toBe(1);
  });

  it('maps each tool choice', () => {
    const choiceOf = (toolChoice: ChatRequest['toolChoice']) =>
      bodyOf({ ...base, tools: [tool], ...(toolChoice === undefined ? {} : { toolChoice }) }, false)['tool_choice'];
    expect(choiceOf(undefined)).toBeUndefined();
    expect(choiceOf('auto')).toEqual({ type: 'auto' });
    expect(choiceOf('required')).toEqual({ type: 'any' });
    expect(choiceOf('none')).toEqual({ type: 'none' });
    expect(choiceOf({ name: 'lookup' })).toEqual({ type: 'tool', name: 'lookup' });
  });

  it('says disable_parallel_tool_use for one tool call at most, beside any choice but none', () => {
    const choiceOf = (extra: Partial<ChatRequest>) => bodyOf({ ...base, tools: [tool], parallelToolCalls: false, ...extra }, false)['tool_choice'];
    expect(choiceOf({})).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(choiceOf({ toolChoice: 'required' })).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(choiceOf({ toolChoice: { name: 'lookup' } })).toEqual({ type: 'tool', name: 'lookup', disable_parallel_tool_use: true });
    // Anthropic's none takes no flag: no call at all is already at most one.
    expect(choiceOf({ toolChoice: 'none' })).toEqual({ type: 'none' });
    expect(bodyOf({ ...base, tools: [tool], parallelToolCalls: true }, false)).not.toHaveProperty('tool_choice');
    expect(bodyOf({ ...base, parallelToolCalls: false }, false)).not.toHaveProperty('tool_choice');
  });

  it('sends no tool_choice without tools (Anthropic refuses it)', () => {
    expect(bodyOf({ ...base, toolChoice: 'required' }, false)).not.toHaveProperty('tool_choice');
    expect(bodyOf({ ...base, tools: [], toolChoice: 'auto' }, false)).not.toHaveProperty('tools');
  });

  it('leaves out a JSON object response format, which the Messages API has no mode for (schemas: anthropic-output-format.test.ts)', () => {
    const body = bodyOf({ ...base, responseFormat: { type: 'json_object' } }, false);
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model', 'stream']);
  });

  it('sends no x-api-key when the endpoint takes no key', () => {
    const spec = buildAnthropicChatRequest(base, { endpoint: { ...endpoint, apiKey: '' }, stream: false });
    expect(spec.headers).not.toHaveProperty('x-api-key');
    expect(spec.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('does not change the caller request', () => {
    const request: ChatRequest = { ...base, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] };
    const copy = structuredClone(request);
    buildAnthropicChatRequest(request, { endpoint, stream: false });
    expect(request).toEqual(copy);
  });
});

describe('buildAnthropicChatRequest with a reasoning effort', () => {
  const thinker = { endpoint, stream: false, reasoningModel: true, maxOutputTokens: 64_000 } as const;
  const base: ChatRequest = { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hi' }], reasoningEffort: 'medium' };
  const bodyFor = (request: ChatRequest, options: Parameters<typeof buildAnthropicChatRequest>[1] = thinker) =>
    JSON.parse(buildAnthropicChatRequest(request, options).body ?? 'null') as Record<string, unknown>;
  const tool = { name: 'lookup', parameters: { type: 'object', properties: {} } };

  it("asks a thinking model to think within a max_tokens grown by the budget, the answer's room kept", () => {
    expect(bodyFor({ ...base, maxTokens: 1000 })).toMatchObject({ max_tokens: 9192, thinking: { type: 'enabled', budget_tokens: 8192 } });
    expect(bodyFor(base)).toMatchObject({ max_tokens: 4096 + 8192, thinking: { type: 'enabled', budget_tokens: 8192 } });
    // Within the model's limit.
    expect(bodyFor({ ...base, maxTokens: 60_000, reasoningEffort: 'high' })).toMatchObject({ max_tokens: 64_000, thinking: { budget_tokens: 24_576 } });
  });

  it('leaves out temperature, and a top_p under 0.95, which thinking refuses', () => {
    const body = bodyFor({ ...base, temperature: 0.3, topP: 0.9 });
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
    expect(bodyFor({ ...base, topP: 0.97 })['top_p']).toBe(0.97);
  });

  it('asks a model that does not reason, and a call without an effort, as always', () => {
    const plain = bodyFor({ ...base, temperature: 0.3 }, { endpoint, stream: false });
    expect(plain).not.toHaveProperty('thinking');
    expect(plain).toMatchObject({ max_tokens: 4096, temperature: 0.3 });
    const { reasoningEffort: _reasoningEffort, ...withoutEffort } = base;
    expect(bodyFor(withoutEffort)).not.toHaveProperty('thinking');
  });

  it('asks without thinking when Anthropic would refuse it: a forced tool choice, a prefill, a conversation that called tools', () => {
    expect(bodyFor({ ...base, tools: [tool], toolChoice: 'required' })).not.toHaveProperty('thinking');
    expect(bodyFor({ ...base, tools: [tool], toolChoice: { name: 'lookup' } })).not.toHaveProperty('thinking');
    expect(bodyFor({ ...base, tools: [tool], toolChoice: 'auto' })).toHaveProperty('thinking');
    expect(bodyFor({ ...base, messages: [...base.messages, { role: 'assistant', content: 'Sure:' }] })).not.toHaveProperty('thinking');
    const toolTurn: ChatRequest = {
      ...base,
      tools: [tool],
      messages: [
        { role: 'user', content: 'Look it up.' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_1', name: 'lookup', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'toolu_1', content: 'found' },
      ],
    };
    const continued = bodyFor(toolTurn);
    expect(continued).not.toHaveProperty('thinking');
    expect(continued['max_tokens']).toBe(4096);
    // Claude Code's turn: the tool result and a reminder in one user turn, after the assistant's tool_use.
    expect(bodyFor({ ...toolTurn, messages: [...toolTurn.messages, { role: 'user', content: '<system-reminder>...</system-reminder>' }] })).not.toHaveProperty('thinking');
    // A later question in the same conversation: still without, so Anthropic's cache of the messages holds.
    expect(bodyFor({ ...toolTurn, messages: [...toolTurn.messages, { role: 'assistant', content: 'Found.' }, { role: 'user', content: 'Thanks, and?' }] })).not.toHaveProperty('thinking');
  });

  it('asks without thinking when the least budget cannot fit the model', () => {
    expect(bodyFor({ ...base, maxTokens: 4096 }, { endpoint, stream: false, reasoningModel: true, maxOutputTokens: 4096 })).toMatchObject({ thinking: { budget_tokens: 2048 }, max_tokens: 4096 });
    expect(bodyFor({ ...base, maxTokens: 1500 }, { endpoint, stream: false, reasoningModel: true, maxOutputTokens: 1500 })).not.toHaveProperty('thinking');
  });
});

describe('buildAnthropicModelsListRequest', () => {
  it('lists models with the same authentication', () => {
    expect(buildAnthropicModelsListRequest(endpoint)).toEqual({
      method: 'GET',
      url: 'https://api.anthropic.com/v1/models',
      headers: { 'anthropic-version': '2023-06-01', 'x-api-key': apiKey },
    });
  });
});
