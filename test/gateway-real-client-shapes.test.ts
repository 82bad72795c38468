/**
 * Request shapes real clients send to a custom base URL, as reported against other gateways, sent here by the
 * official clients (or raw HTTP where the shape is no SDK's) to the gateway, the provider test server replaying
 * each provider's recorded traffic behind it. Each case names the report it comes from.
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicWebSearchReplay } from '../src/testing/anthropic-web-search-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText: [
      'cache:',
      '  enabled: false',
      'routes:',
      '  openai-then-anthropic:',
      '    targets: [openai/gpt-4o-mini, anthropic/claude-haiku-4-5-20251001]',
      '    parallelAttempts: 1',
      '',
    ].join('\n'),
  });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

/** The messages the upstream was sent, as OpenAI's wire has them. */
function upstreamMessages(): { role: string; content: unknown }[] {
  const body = harness.providers.requests.at(-1)?.body as { messages?: { role: string; content: unknown }[] } | undefined;
  return body?.messages ?? [];
}

describe('chat completions content parts the gateway does not carry', () => {
  // A PDF as a `file` part (the AI SDK's openai-compatible provider, vercel/ai#6369; qwen-code's read_file,
  // QwenLM/qwen-code#1838) and sound as `input_audio`: refused, the part stays in the client's history and
  // refuses every later turn (willdady/platypus#328). Each becomes a note, as in the other two APIs.
  const pdf: OpenAI.Chat.ChatCompletionContentPart = { type: 'file', file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQK' } };
  const audio: OpenAI.Chat.ChatCompletionContentPart = { type: 'input_audio', input_audio: { data: 'UklGRiQAAABXQVZF', format: 'wav' } };

  it('become a note in the user turn, and the conversation goes on', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion' });
    const completion = await harness.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Summarise this.' }, pdf] },
        { role: 'assistant', content: 'It is a report.' },
        { role: 'user', content: [{ type: 'text', text: 'And this recording?' }, audio] },
      ],
    });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const messages = upstreamMessages();
    expect(messages[0]).toEqual({ role: 'user', content: 'Summarise this.[file omitted: this gateway does not carry it here]' });
    expect(messages[2]).toEqual({ role: 'user', content: 'And this recording?[audio omitted: this gateway does not carry it here]' });
  });

  it('become a note in a tool turn too, beside its text', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion' });
    await harness.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Read the report.' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"report.pdf"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'report.pdf: ' }, pdf] as never },
      ],
      tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }],
    });
    expect(upstreamMessages()[2]).toMatchObject({ role: 'tool', content: 'report.pdf: [file omitted: this gateway does not carry it here]' });
  });

  it("read an assistant turn's refusal part as its text, as the Responses API's is read", async () => {
    // OpenAI's assistant content parts are text and refusal (its own 400 lists them: openai/openai-dotnet#393).
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion' });
    await harness.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Do something you will not do.' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help with that.' }] },
        { role: 'user', content: 'Then say hello.' },
      ],
    });
    expect(upstreamMessages()[1]).toMatchObject({ role: 'assistant', content: 'I cannot help with that.' });
  });

  it('still refuses a part of a type nobody defines, naming it and the parts a user turn takes', async () => {
    const refused = await harness.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: [{ type: 'hologram', data: 'x' } as never] }] })
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 400, param: 'messages' });
    expect(String((refused as Error).message)).toContain('hologram');
    expect(String((refused as Error).message)).toContain('a user turn takes text, image_url, file and input_audio parts');
    expect(harness.providers.requests).toHaveLength(0);
  });
});

describe("Claude Code's connectivity probes of its base URL", () => {
  // `HEAD /` with Bun's user agent and no key (headroomlabs-ai/headroom#2032: answered 405, the gateway read as
  // down), and `/api/hello` (router-for-me/CLIProxyAPI#5905 for HEAD; GET in older versions, anthropics/claude-code#2256).
  it.each([
    ['HEAD', '/'],
    ['HEAD', '/api/hello'],
    ['GET', '/api/hello'],
  ])('answers %s %s with 200 without a key, and no upstream call', async (method, path) => {
    const response = await fetch(`${harness.url}${path}`, { method, headers: { 'user-agent': 'Bun/1.4.0' } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toBe(method === 'HEAD' ? '' : '{"status":"ok"}');
    expect(harness.providers.requests).toHaveLength(0);
  });
});

describe('fields asking for an answer the gateway does not give', () => {
  // Ignored, each would get an answer of the usual shape that looks like an answer to what was asked.
  it("refuses chat completions' legacy functions with a 400 that says to send tools, before any upstream call", async () => {
    const refused = await harness.client.chat.completions
      .create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        functions: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
        function_call: 'auto',
      })
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 400, param: 'functions', code: 'unsupported_parameter' });
    expect(String((refused as Error).message)).toContain('tools');
    expect(harness.providers.requests).toHaveLength(0);
  });

  it('refuses spoken output in chat completions, naming the field', async () => {
    const refused = await harness.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi.' }], modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } })
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 400, param: 'audio', code: 'unsupported_parameter' });
    const modalitiesOnly = await harness.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi.' }], modalities: ['text', 'audio'] })
      .catch((caught: unknown) => caught);
    expect(modalitiesOnly).toMatchObject({ status: 400, param: 'modalities' });
    expect(harness.providers.requests).toHaveLength(0);
  });

  it('refuses log probabilities in the Responses API as chat completions does, and takes Codex include of encrypted reasoning', async () => {
    const topLogprobs = await harness.client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Hi', top_logprobs: 3 }).catch((caught: unknown) => caught);
    expect(topLogprobs).toMatchObject({ status: 400, param: 'top_logprobs', code: 'unsupported_parameter' });
    const included = await harness.client.responses
      .create({ model: 'openai/gpt-4o-mini', input: 'Hi', include: ['message.output_text.logprobs'] })
      .catch((caught: unknown) => caught);
    expect(included).toMatchObject({ status: 400, param: 'include' });
    expect(harness.providers.requests).toHaveLength(0);
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion' });
    const codex = await harness.client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Hi', store: false, include: ['reasoning.encrypted_content'] });
    expect(codex.status).toBe('completed');
  });

  it("takes chat completions' top_logprobs: 0 beside logprobs: false, which asks for nothing", async () => {
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion' });
    const completion = await harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], logprobs: false, top_logprobs: 0 });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });
});

describe('an image whose label its bytes belie', () => {
  // A JPEG screenshot sent as image/png: OpenAI reads it, Anthropic refuses it ("Image does not match the provided
  // media type", BerriAI/litellm#24900 through a proxy; anthropics/claude-code#13131), and that 400 cost a round
  // trip before failing over (or ended the call, should another provider refuse too). It reaches every provider labelled by its bytes.
  const jpegBytes = '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/';

  it('reaches Anthropic with the type its bytes show, from chat completions', async () => {
    await harness.client.chat.completions.create({
      model: 'anthropic/claude-haiku-4-5-20251001',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${jpegBytes}` } }] }],
    });
    expect(JSON.stringify(harness.providers.requests.at(-1)?.body)).toContain(`"source":{"type":"base64","media_type":"image/jpeg","data":"${jpegBytes}"}`);
  });
});

describe('a JPEG labelled image/jpg', () => {
  // The common label for JPEG, which OpenAI takes and Anthropic refuses ("Input should be 'image/jpeg', ...":
  // mealie-recipes/mealie#5897, NousResearch/hermes-agent#55432, BoundaryML/baml#1292): it was a 400 here, in all
  // three APIs. It reaches every provider as image/jpeg.
  const jpegBytes = '/9j/4AAQSkZJRgABAQ==';

  it('reaches Anthropic as image/jpeg from chat completions', async () => {
    await harness.client.chat.completions.create({
      model: 'anthropic/claude-haiku-4-5-20251001',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/jpg;base64,${jpegBytes}` } }] }],
    });
    const sent = JSON.stringify(harness.providers.requests.at(-1)?.body);
    expect(sent).toContain(`"source":{"type":"base64","media_type":"image/jpeg","data":"${jpegBytes}"}`);
  });

  it('reaches OpenAI as image/jpeg from the Responses API', async () => {
    await harness.client.responses.create({
      model: 'openai/gpt-4o-mini',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: `data:image/jpg;base64,${jpegBytes}`, detail: 'auto' }] }],
    });
    expect(JSON.stringify(harness.providers.requests.at(-1)?.body)).toContain(`"url":"data:image/jpeg;base64,${jpegBytes}"`);
  });

  it('reaches OpenAI as image/jpeg from the Messages API', async () => {
    await harness.anthropicClient.messages.create({
      model: 'openai/gpt-4o-mini',
      max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpg' as 'image/jpeg', data: jpegBytes } }, { type: 'text', text: 'What is this?' }] }],
    });
    expect(JSON.stringify(harness.providers.requests.at(-1)?.body)).toContain(`"url":"data:image/jpeg;base64,${jpegBytes}"`);
  });
});

describe("Claude Code's MCP tools named past 64 characters", () => {
  // `mcp__plugin_<plugin>_<server>__<tool>` passes 64 (anthropics/claude-code#23149); Anthropic takes 128
  // (anthropics/claude-code#96152), OpenAI and Gemini 64 (cline/cline#11885). Refused here at 64, every request of a
  // session with such a plugin was a 400.
  const longName = 'mcp__plugin_atlassian_atlassian__getJiraProjectIssueTypesMetadata';

  it('go to Anthropic, a provider that would refuse them skipped before anything is sent to it', async () => {
    const { data, response } = await harness.anthropicClient.messages
      .create({
        model: 'openai-then-anthropic',
        max_tokens: 200,
        tools: [
          { name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
          { name: longName, description: 'Issue types of a Jira project', input_schema: { type: 'object', properties: { projectKey: { type: 'string' } } } },
        ],
        messages: [{ role: 'user', content: 'Which issue types does project OPS have?' }],
      })
      .withResponse();
    expect(data.type).toBe('message');
    expect(response.headers.get('x-backup-models-provider')).toBe('anthropic');
    expect(harness.providers.requests.map((request) => request.provider)).toEqual(['anthropic']);
    expect(JSON.stringify(harness.providers.requests[0]?.body)).toContain(`"name":"${longName}"`);
  });

  it('are a 400 naming the tool when no candidate takes them, before any upstream call', async () => {
    const refused = await harness.client.chat.completions
      .create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Which issue types does project OPS have?' }],
        tools: [{ type: 'function', function: { name: longName, parameters: { type: 'object', properties: {} } } }],
      })
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 400 });
    expect(String((refused as Error).message)).toContain('at most 64');
    expect(harness.providers.requests).toHaveLength(0);
  });
});

describe("Claude Code's WebSearch, asking Anthropic to search the web itself", () => {
  // Its side request: this system prompt, the query in the user turn, Anthropic's web_search server tool with
  // max_uses 8 and the tool forced (diegosouzapw/OmniRoute#2695 and #9772; d-kuro/kirocc's end-to-end test of it,
  // its `webSearchRequest`). Refused here as a server tool, Claude Code behind the gateway could not search the web.
  it('reaches Anthropic with the server tool as sent, and gets its search blocks back; a provider that cannot run it is skipped', async () => {
    harness.providers.setBehavior('anthropic', anthropicWebSearchReplay('message-web-search.json'));
    const webSearch = { type: 'web_search_20250305', name: 'web_search', max_uses: 8 } as const;
    const { data, response } = await harness.anthropicClient.messages
      .create({
        model: 'openai-then-anthropic',
        max_tokens: 32000,
        system: [{ type: 'text', text: 'You are an assistant for performing a web search tool use' }],
        messages: [{ role: 'user', content: 'Perform a web search for the query: tech news today' }],
        tools: [webSearch],
        tool_choice: { type: 'tool', name: 'web_search' },
      })
      .withResponse();
    expect(data.content.map((block) => block.type)).toContain('web_search_tool_result');
    expect(response.headers.get('x-backup-models-provider')).toBe('anthropic');
    expect(harness.providers.requests.map((request) => request.provider)).toEqual(['anthropic']);
    const sent = harness.providers.requests[0]?.body as { tools: unknown; tool_choice: unknown };
    expect(sent.tools).toEqual([webSearch]);
    expect(sent.tool_choice).toEqual({ type: 'tool', name: 'web_search' });
  });
});

describe("Continue's autocomplete, sending 9 stop sequences", () => {
  // Continue sends its autocomplete model every stop sequence it has, 9 here (continuedev/continue#2461: OpenAI's
  // 400 "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 9
  // instead."); Anthropic takes them. Refused here past 4 in every API, each such call was a 400.
  const nine = ['/src/', '#- coding: utf-8', '```', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<|endoftext|>', '<file_sep>', '</code>'];

  it('is answered by Anthropic through chat completions, OpenAI skipped before anything is sent to it', async () => {
    const { data, response } = await harness.client.chat.completions
      .create({ model: 'openai-then-anthropic', max_tokens: 64, stop: nine, messages: [{ role: 'user', content: 'def add(a, b):' }] })
      .withResponse();
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(response.headers.get('x-backup-models-provider')).toBe('anthropic');
    expect(harness.providers.requests.map((request) => request.provider)).toEqual(['anthropic']);
    expect((harness.providers.requests[0]?.body as { stop_sequences: string[] }).stop_sequences).toEqual(nine);
  });

  it('is answered by Anthropic through the Messages API too', async () => {
    const { data, response } = await harness.anthropicClient.messages
      .create({ model: 'openai-then-anthropic', max_tokens: 64, stop_sequences: nine, messages: [{ role: 'user', content: 'def add(a, b):' }] })
      .withResponse();
    expect(data.type).toBe('message');
    expect(response.headers.get('x-backup-models-provider')).toBe('anthropic');
    expect(harness.providers.requests.map((request) => request.provider)).toEqual(['anthropic']);
    expect((harness.providers.requests[0]?.body as { stop_sequences: string[] }).stop_sequences).toEqual(nine);
  });

  it('is a 400 naming stop when no candidate takes them, before any upstream call', async () => {
    const refused = await harness.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', stop: nine, messages: [{ role: 'user', content: 'def add(a, b):' }] })
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 400, param: 'stop' });
    expect(String((refused as Error).message)).toContain('9 stop sequences were given; this provider takes at most 4');
    expect(harness.providers.requests).toHaveLength(0);
  });

  it("is a 400 past the gateway's own bound, in both APIs", async () => {
    const tooMany = Array.from({ length: 65 }, (_, index) => `stop-${index}`);
    const chat = await harness.client.chat.completions
      .create({ model: 'openai-then-anthropic', stop: tooMany, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(chat).toMatchObject({ status: 400, param: 'stop', code: 'array_above_max_length' });
    const messages = await harness.anthropicClient.messages
      .create({ model: 'openai-then-anthropic', max_tokens: 64, stop_sequences: tooMany, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(messages).toMatchObject({ status: 400 });
    expect(String((messages as Error).message)).toContain('stop_sequences has 65 sequences; this gateway takes at most 64');
    expect(harness.providers.requests).toHaveLength(0);
  });
});

describe("the AI SDK's OpenAI Responses model, which stores responses at OpenAI by default", () => {
  // With `store` left at its default (true) it sends its earlier answers back as `item_reference` ids
  // (vercel/ai, packages/openai/src/responses/convert-to-openai-responses-input.ts). The gateway resolves those it
  // answered the same key (test/gateway-stored-responses.test.ts); one it never answered is OpenAI's 404.
  it('is told, in a 404 naming input, that an item this gateway never answered was not found', async () => {
    const refused = await harness.client.responses
      .create({ model: 'openai/gpt-4o-mini', input: [{ role: 'user', content: 'Hi' }, { type: 'item_reference', id: 'msg_0123' }, { role: 'user', content: 'And?' }] })
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 404, param: 'input', code: null });
    expect(String((refused as Error).message)).toContain("Item with id 'msg_0123' not found.");
    expect(String((refused as Error).message)).toContain('store: false');
    expect(harness.providers.requests).toHaveLength(0);
  });
});
