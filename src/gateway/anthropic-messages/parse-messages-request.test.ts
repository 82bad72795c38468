import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../errors.js';
import { GatewayHttpError } from '../gateway-http-error.js';
import { ModelResolver } from '../model-resolver.js';
import { parseMessagesRequest } from './parse-messages-request.js';
import { refusalOf } from '../gateway-http-error.test-support.js';

const resolver = new ModelResolver({
  providerIds: ['openai', 'anthropic', 'google'],
  routes: { 'claude-sonnet-4-5': { targets: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }, { provider: 'openai', model: 'gpt-4o' }] } },
});

const weather = { name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };

function parse(body: Record<string, unknown>) {
  return parseMessagesRequest({ model: 'openai/gpt-4o-mini', max_tokens: 100, ...body }, resolver);
}

const refusal = (body: Record<string, unknown>): GatewayHttpError => refusalOf(() => parse(body));

describe('an Anthropic Messages request', () => {
  it('translates system, turns, options and tools', () => {
    const call = parse({
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Use metric units.' }],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      tools: [weather],
      tool_choice: { type: 'any' },
      metadata: { user_id: 'u-1' },
      stream: true,
    });
    expect(call.messages).toEqual([
      // One system message per block: the breakpoint stays on the block that carried it.
      { role: 'system', content: 'Be brief.', cacheBreakpoint: true },
      { role: 'system', content: 'Use metric units.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
    expect(call.options).toEqual({
      route: [{ provider: 'openai', model: 'gpt-4o-mini' }],
      maxTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      stop: ['END'],
      tools: [{ name: 'get_weather', description: 'Weather in a city', parameters: weather.input_schema }],
      toolChoice: 'required',
    });
    expect(call.stream).toBe(true);
    expect(call.model.requested).toBe('openai/gpt-4o-mini');
  });

  it('turns a tool loop into assistant tool calls and tool messages named after their call, in order', () => {
    const call = parse({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Two cities.', signature: 'sig' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
            { type: 'tool_use', id: 'toolu_3', name: 'get_weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18 C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '24 ' }, { type: 'text', text: 'C' }], is_error: false },
            { type: 'tool_result', tool_use_id: 'toolu_3', content: 'The user refused this call.', is_error: true },
            { type: 'text', text: 'Which is warmer?' },
          ],
        },
      ],
    });
    expect(call.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        reasoning: 'Two cities.',
        signedReasoning: { provider: 'anthropic', blocks: [{ type: 'thinking', thinking: 'Two cities.', signature: 'sig' }] },
        toolCalls: [
          { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'toolu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
          { id: 'toolu_3', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_1', toolName: 'get_weather', content: '18 C' },
      { role: 'tool', toolCallId: 'toolu_2', toolName: 'get_weather', content: '24 C' },
      { role: 'tool', toolCallId: 'toolu_3', toolName: 'get_weather', content: 'Error: The user refused this call.' },
      { role: 'user', content: 'Which is warmer?' },
    ]);
  });

  it("carries a user's images (base64 and URL) and replaces a document by a note saying so, instead of refusing the conversation", () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
    const remote = { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } };
    const call = parse({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is in this screenshot?' }, image, remote] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.pdf' } }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }] }],
        },
      ],
    });
    expect(call.messages[0]).toEqual({
      role: 'user',
      content: 'What is in this screenshot?',
      images: [{ url: 'data:image/png;base64,iVBORw0KGgo=' }, { url: 'https://example.com/cat.jpg' }],
    });
    expect(call.messages[2]).toMatchObject({ role: 'tool', content: '[document omitted: this gateway does not carry it here]' });
    expect(refusal({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'AA==' } }] }] }).message).toMatch(
      /messages\[0\]\.content\[0\]\.source must be an http\(s\) URL or a data URL/,
    );
  });


  it("carries a tool result's images (a screenshot) on its tool message, after its text; one from the Files API becomes a note", () => {
    const screenshot = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
    const call = parse({
      messages: [
        { role: 'user', content: 'Open the page and look.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'screenshot', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: 'The page:' }, screenshot, { type: 'image', source: { type: 'file', file_id: 'file_1' } }],
              cache_control: { type: 'ephemeral' },
            },
            { type: 'text', text: 'Is the button blue?' },
          ],
        },
      ],
    });
    expect(call.messages.slice(2)).toEqual([
      {
        role: 'tool',
        toolCallId: 'toolu_1',
        toolName: 'screenshot',
        content: 'The page:[image omitted: this gateway does not carry it here]',
        images: [{ url: 'data:image/png;base64,iVBORw0KGgo=' }],
        cacheBreakpoint: true,
      },
      { role: 'user', content: 'Is the button blue?' },
    ]);
    const badImage = { type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'AA==' } };
    const error = refusal({
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'screenshot', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [badImage] }] },
      ],
    });
    expect(error.message).toMatch(/messages\[1\]\.content\[0\]\.content\[0\]\.source must be an http\(s\) URL or a data URL/);
  });

  it('reads structured output (output_config.format) as a JSON Schema response format, a schema key named url included', () => {
    const schema = { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] };
    const call = parse({ messages: [{ role: 'user', content: 'Link?' }], output_config: { effort: 'low', format: { type: 'json_schema', schema } } });
    expect(call.options.responseFormat).toEqual({ type: 'json_schema', schema });
    expect(refusal({ messages: [{ role: 'user', content: 'x' }], output_config: { format: { type: 'json_object' } } }).param).toBe('output_config');
  });

  it("carries cache_control breakpoints: on a tool, on a turn's text, on a tool result, on an assistant turn", () => {
    const ephemeral = { type: 'ephemeral' };
    const call = parse({
      tools: [weather, { ...weather, name: 'get_time', cache_control: ephemeral }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?', cache_control: ephemeral }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {}, cache_control: ephemeral }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18 C', cache_control: ephemeral }, { type: 'text', text: 'And?' }] },
      ],
    });
    expect(call.options.tools?.map((tool) => tool.cacheBreakpoint)).toEqual([undefined, true]);
    expect(call.messages.map((message) => message.cacheBreakpoint)).toEqual([true, true, true, undefined]);
  });

  it("accepts metadata of any keys (the caller's own tags, never read or passed on)", () => {
    const call = parse({ messages: [{ role: 'user', content: 'Hi' }], metadata: { user_id: 'u-1', endpoint: '/api/chat', url: 'https://app.example' } });
    expect(call.options).toEqual({ route: [{ provider: 'openai', model: 'gpt-4o-mini' }], maxTokens: 100 });
  });

  it('takes a system turn among the messages, as newer versions of the API allow', () => {
    const call = parse({ messages: [{ role: 'system', content: [{ type: 'text', text: 'Be brief.' }] }, { role: 'user', content: 'Hi' }] });
    expect(call.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('resolves tier aliases and named routes, so a client that sends a bare model id can be given a failover route', () => {
    expect(parse({ model: 'tier-2', messages: [{ role: 'user', content: 'Hi' }] }).options.tier).toBe(2);
    expect(parse({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] }).options.route).toHaveLength(2);
    expect(parse({ tool_choice: { type: 'tool', name: 'get_weather' }, tools: [weather], messages: [{ role: 'user', content: 'Hi' }] }).options.toolChoice).toEqual({
      name: 'get_weather',
    });
  });

  it.each([
    [{ max_tokens: undefined, messages: [{ role: 'user', content: 'Hi' }] }, 'max_tokens', /max_tokens is required/],
    [{ max_tokens: 0, messages: [{ role: 'user', content: 'Hi' }] }, 'max_tokens', /positive integer/],
    [{ model: 'claude-nonexistent', messages: [{ role: 'user', content: 'Hi' }] }, 'model', /does not exist here/],
    [{ messages: [] }, 'messages', /non-empty array/],
    // Found by the property tests: turns that are all empty left no message, which the router refused in its own words.
    [{ messages: [{ role: 'user', content: [] }] }, 'messages', /messages hold no content/],
    [{ messages: [{ role: 'tool', content: 'Hi' }] }, 'messages', /messages\[0\]\.role must be user, assistant or system/],
    [{ messages: [{ role: 'system', content: [{ type: 'image' }] }] }, 'messages', /messages\[0\]\.content\[0\] must be a text block/],
    [
      { messages: [{ role: 'user', content: [{ type: 'search_result', source: 'x', title: 't', content: [] }] }] },
      'messages',
      /messages\[0\]\.content\[0\] is not a supported content block \(search_result\)/,
    ],
    [{ messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] }, 'messages', /tool_use_id is required/],
    [{ messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: 'x' }] }] }, 'messages', /input must be an object/],
    // Code execution keeps a container between calls, which the gateway does not: refused, naming what is passed on.
    [{ messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'code_execution_20250825', name: 'code_execution' }] }, 'tools', /server tool \(code_execution_20250825\) the gateway does not pass on.*web_search_20250305/],
    [{ messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'web_search_20250305' }] }, 'tools', /server tool \(web_search_20250305\) the gateway does not pass on.*with a name/],
    // Found by the property tests: String() of this object threw a TypeError, answered with a 500.
    [{ messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: { toString: 1 } }] }, 'tools', /server tool \(an object\)/],
    [{ messages: [{ role: 'user', content: 'Hi' }], tools: [{ name: 'has space', input_schema: {} }] }, 'tools', /letters, digits/],
    [{ messages: [{ role: 'user', content: 'Hi' }], tool_choice: { type: 'sometimes' } }, 'tool_choice', /tool_choice must be/],
    // Found by the property tests: the refusal named disable_parallel_tool_use as if it were a top-level field.
    [
      { messages: [{ role: 'user', content: 'Hi' }], tool_choice: { type: 'auto', disable_parallel_tool_use: 'yes' } },
      'tool_choice.disable_parallel_tool_use',
      /^tool_choice\.disable_parallel_tool_use must be true or false/,
    ],
    [{ messages: [{ role: 'user', content: 'Hi' }], stop_sequences: 'END' }, 'stop_sequences', /an array of non-empty strings/],
    [{ messages: [{ role: 'user', content: 'Hi' }], stop_sequences: Array.from({ length: 65 }, (_, index) => `s${index}`) }, 'stop_sequences', /has 65 sequences; this gateway takes at most 64/],
    [{ messages: [{ role: 'user', content: 'Hi' }], system: [{ type: 'image' }] }, 'system', /system\[0\] must be a text block/],
    [{ messages: [{ role: 'user', content: 'Hi' }], mcp_servers: [{ type: 'url', url: 'https://attacker.example' }] }, 'mcp_servers[0].url', /chosen by the gateway's configuration/],
  ])('refuses %j with a 400 or 404 naming %s', (body, param, message) => {
    const error = refusal(body);
    expect([400, 404]).toContain(error.status);
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
  });
});

describe("an Anthropic Messages request with Anthropic's web search", () => {
  // Claude Code's WebSearch side request (diegosouzapw/OmniRoute#2695, #9772): the server tool alone, forced.
  const webSearch = { type: 'web_search_20250305', name: 'web_search', max_uses: 8 };

  it('passes the server tool as the client wrote it, to be run by Anthropic, beside the custom tools', () => {
    const call = parse({
      model: 'claude-sonnet-4-5',
      system: [{ type: 'text', text: 'You are an assistant for performing a web search tool use' }],
      messages: [{ role: 'user', content: 'Perform a web search for the query: go 1.27 release' }],
      tools: [webSearch, weather, { type: 'web_fetch_20250910', name: 'web_fetch', max_uses: 2 }],
      tool_choice: { type: 'tool', name: 'web_search' },
    });
    expect(call.options.serverTools).toEqual({ provider: 'anthropic', tools: [webSearch, { type: 'web_fetch_20250910', name: 'web_fetch', max_uses: 2 }] });
    expect(call.options.tools?.map((tool) => tool.name)).toEqual(['get_weather']);
    expect(call.options.toolChoice).toEqual({ name: 'web_search' });
    expect(parse({ messages: [{ role: 'user', content: 'Hi' }], tools: [{ ...webSearch, type: 'web_search_20260209' }] }).options.serverTools?.tools).toHaveLength(1);
  });

  it("reads a history's server tool blocks as Anthropic's, each where it stood in the text, its breakpoint the message's", () => {
    const searchCall = { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'go 1.27' } };
    const searchResult = { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [], cache_control: { type: 'ephemeral' } };
    const call = parse({
      messages: [
        { role: 'user', content: 'Go 1.27?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Searching.' }, searchCall, searchResult, { type: 'text', text: 'Released.', citations: [] }] },
        { role: 'user', content: 'When?' },
      ],
    });
    const { cache_control: _mark, ...resultWithoutMark } = searchResult;
    expect(call.messages[1]).toEqual({
      role: 'assistant',
      content: 'Searching.Released.',
      serverToolBlocks: { provider: 'anthropic', blocks: [{ textOffset: 10, block: searchCall }, { textOffset: 10, block: resultWithoutMark }] },
      cacheBreakpoint: true,
    });
  });
});

describe('an Anthropic Messages request with a key in it, refused', () => {
  it('does not quote the key, even cut to the 40 characters an unknown block type is quoted to', () => {
    // Found by the property tests through the gateway: the answer carried the key's first 40 characters.
    registerSecret('gk-live-7f3a9c2e4b6d8f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e');
    const error = refusal({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'gk-live-7f3a9c2e4b6d8f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e', source: {} }] }] });
    expect(error.message).toContain('(' + '[redacted]');
    expect(error.message).not.toContain('gk-live-7f3a9c2e');
  });
});
