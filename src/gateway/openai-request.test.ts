import { describe, expect, it } from 'vitest';
import { registerSecret } from '../errors.js';
import { GatewayHttpError } from './gateway-http-error.js';
import { ModelResolver } from './model-resolver.js';
import { parseChatCompletionRequest } from './openai-request.js';
import { findUpstreamSelectorHeader, maxStopSequences } from './request-fields.js';
import { refusalOf } from './gateway-http-error.test-support.js';

const resolver = new ModelResolver({
  providerIds: ['openai', 'groq', 'together', 'anthropic'],
  routes: { fast: { targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }, { provider: 'openai', model: 'gpt-4o-mini' }], parallelAttempts: 1, hedge: { delayMs: 200 } } },
});

const user = [{ role: 'user', content: 'Hi' }];

const rejection = (body: unknown): GatewayHttpError => refusalOf(() => parseChatCompletionRequest(body, resolver));

describe('parseChatCompletionRequest: model', () => {
  it('reads provider/model as one explicit candidate, splitting at the first slash', () => {
    const call = parseChatCompletionRequest({ model: 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo', messages: user }, resolver);
    expect(call.options.route).toEqual([{ provider: 'together', model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' }]);
    expect(call.options.tier).toBeUndefined();
  });

  it('reads tier aliases and named routes with their strategy', () => {
    expect(parseChatCompletionRequest({ model: 'tier-2', messages: user }, resolver).options).toEqual({ tier: 2 });
    expect(parseChatCompletionRequest({ model: 'fast', messages: user }, resolver).options).toEqual({
      route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }, { provider: 'openai', model: 'gpt-4o-mini' }],
      parallelAttempts: 1,
      hedge: { delayMs: 200 },
    });
  });

  it('answers an unknown model or provider with 404 model_not_found, and a missing one with 400', () => {
    expect(rejection({ model: 'gpt-4o', messages: user })).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    expect(rejection({ model: 'evil/model', messages: user })).toMatchObject({ status: 404, code: 'model_not_found' });
    expect(rejection({ messages: user })).toMatchObject({ status: 400, param: 'model' });
  });
});

describe('parseChatCompletionRequest: a model id without its provider', () => {
  const catalogResolver = new ModelResolver({
    providerIds: ['openai', 'together', 'groq'],
    routes: {},
    catalogModels: { openai: ['gpt-4o-mini'], together: ['meta-llama/Llama-3.3-70B-Instruct-Turbo', 'shared-model'], groq: ['shared-model'] },
  });
  const routeOf = (model: string) => parseChatCompletionRequest({ model, messages: user }, catalogResolver).options.route;

  it('goes to the providers whose catalog lists it, in catalog order, a slash in the id or not', () => {
    expect(routeOf('gpt-4o-mini')).toEqual([{ provider: 'openai', model: 'gpt-4o-mini' }]);
    expect(routeOf('meta-llama/Llama-3.3-70B-Instruct-Turbo')).toEqual([{ provider: 'together', model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' }]);
    expect(routeOf('shared-model')).toEqual([
      { provider: 'together', model: 'shared-model' },
      { provider: 'groq', model: 'shared-model' },
    ]);
    expect(refusalOf(() => routeOf('gpt-9-imaginary')).status).toBe(404);
  });

  it("is a catalog id when it begins with a provider's name that does not list the rest (Groq's openai/gpt-oss-20b)", () => {
    const resolver = new ModelResolver({
      providerIds: ['openai', 'groq'],
      routes: {},
      catalogModels: { openai: ['gpt-4o-mini'], groq: ['openai/gpt-oss-20b'] },
    });
    const route = (model: string) => parseChatCompletionRequest({ model, messages: user }, resolver).options.route;
    expect(route('openai/gpt-oss-20b')).toEqual([{ provider: 'groq', model: 'openai/gpt-oss-20b' }]);
    expect(route('groq/openai/gpt-oss-20b')).toEqual([{ provider: 'groq', model: 'openai/gpt-oss-20b' }]);
    // The provider named first keeps what it lists, and a model no catalog lists goes where the prefix says.
    expect(route('openai/gpt-4o-mini')).toEqual([{ provider: 'openai', model: 'gpt-4o-mini' }]);
    expect(route('openai/gpt-5-unlisted')).toEqual([{ provider: 'openai', model: 'gpt-5-unlisted' }]);
  });
});

describe('parseChatCompletionRequest: messages and parameters', () => {
  it('translates every message kind, pairing tool answers with their tool name', () => {
    const call = parseChatCompletionRequest(
      {
        model: 'tier-1',
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Weather in ' }, { type: 'text', text: 'Paris?' }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: '{"celsius":21}' },
        ],
      },
      resolver,
    );
    expect(call.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: 'call_1', toolName: 'get_weather', content: '{"celsius":21}' },
    ]);
  });

  it("keeps Gemini's thought signature of a call from extra_content.google, and refuses one that is not a string", () => {
    const assistant = (extraContent: unknown) => ({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'calculator', arguments: '{}' }, extra_content: extraContent }],
    });
    const call = parseChatCompletionRequest({ model: 'tier-1', messages: [...user, assistant({ google: { thought_signature: 'Cp8DAb4+sig==' } })] }, resolver);
    expect(call.messages[1]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call_0', name: 'calculator', arguments: '{}', thoughtSignature: 'Cp8DAb4+sig==' }],
    });
    const other = parseChatCompletionRequest({ model: 'tier-1', messages: [...user, assistant({ vendor: { x: 1 } })] }, resolver);
    expect(other.messages[1]).toEqual({ role: 'assistant', content: '', toolCalls: [{ id: 'call_0', name: 'calculator', arguments: '{}' }] });
    expect(rejection({ model: 'tier-1', messages: [...user, assistant({ google: { thought_signature: 42 } })] })).toMatchObject({
      status: 400,
      param: 'messages',
      message: 'messages[1].tool_calls[0].extra_content.google.thought_signature must be a string.',
    });
  });

  it('translates tools, tool_choice, response_format, stop, limits and stream options', () => {
    const call = parseChatCompletionRequest(
      {
        model: 'openai/gpt-4o-mini',
        messages: user,
        tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object' }, strict: true } },
        stop: 'END',
        max_completion_tokens: 50,
        max_tokens: 10,
        temperature: 0.2,
        top_p: 0.9,
        stream: true,
        stream_options: { include_usage: true },
        user: 'someone',
        seed: 3,
      },
      resolver,
    );
    expect(call.stream).toBe(true);
    expect(call.includeUsage).toBe(true);
    expect(call.options).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      toolChoice: { name: 'get_weather' },
      responseFormat: { type: 'json_schema', name: 'w', schema: { type: 'object' }, strict: true },
      stop: ['END'],
      maxTokens: 50,
      temperature: 0.2,
      topP: 0.9,
    });
  });

  it("carries a tool's image_url parts as its images (OpenAI takes text only there; the gateway passes them on)", () => {
    const screenshot = 'data:image/png;base64,iVBORw0KGgo=';
    const call = parseChatCompletionRequest(
      {
        model: 'tier-1',
        messages: [
          { role: 'user', content: 'Look at the page.' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'screenshot', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'Taken.' }, { type: 'image_url', image_url: { url: screenshot } }] },
        ],
      },
      resolver,
    );
    expect(call.messages[2]).toEqual({ role: 'tool', toolCallId: 'call_1', toolName: 'screenshot', content: 'Taken.', images: [{ url: screenshot }] });
    const badImage = { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] };
    expect(rejection({ model: 'tier-1', messages: [badImage] }).message).toMatch(/messages\[0\]\.content\[0\]\.image_url\.url must be/);
  });

  it('refuses malformed messages and parameters with a 400 naming the parameter', () => {
    expect(rejection({ model: 'tier-1', messages: [] })).toMatchObject({ status: 400, param: 'messages' });
    expect(rejection({ model: 'tier-1', messages: [{ role: 'wizard', content: 'x' }] })).toMatchObject({ param: 'messages' });
    expect(rejection({ model: 'tier-1', messages: [{ role: 'tool', content: 'x' }] })).toMatchObject({ param: 'messages' });
    expect(rejection({ model: 'tier-1', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] })).toMatchObject({ param: 'messages' });
    expect(rejection({ model: 'tier-1', messages: user, temperature: 'hot' })).toMatchObject({ param: 'temperature' });
    expect(rejection({ model: 'tier-1', messages: user, tools: [{ type: 'retrieval' }] })).toMatchObject({ param: 'tools' });
    expect(rejection({ model: 'tier-1', messages: user, stop: ['a', ''] })).toMatchObject({ param: 'stop' });
    expect(rejection({ model: 'tier-1', messages: user, n: 3 })).toMatchObject({ param: 'n' });
    expect(rejection([1, 2])).toMatchObject({ status: 400 });
  });

  it('takes more stop sequences than OpenAI does, each provider holding its own limit, and refuses past the gateway\'s bound', () => {
    // Continue's autocomplete sends 9 (continuedev/continue#2461): Anthropic takes them, OpenAI's builder refuses them.
    const nine = ['/src/', '#- coding: utf-8', '```', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<|endoftext|>', '<file_sep>', '</code>'];
    expect(parseChatCompletionRequest({ model: 'tier-1', messages: user, stop: nine }, resolver).options.stop).toEqual(nine);
    const tooMany = Array.from({ length: maxStopSequences + 1 }, (_, index) => `stop-${index}`);
    expect(rejection({ model: 'tier-1', messages: user, stop: tooMany })).toMatchObject({ status: 400, param: 'stop', code: 'array_above_max_length' });
  });

  it('refuses logprobs rather than answer logprobs: null: no provider a call may fail over to is asked for them', () => {
    expect(rejection({ model: 'tier-1', messages: user, logprobs: true, top_logprobs: 3 })).toMatchObject({
      status: 400,
      param: 'logprobs',
      code: 'unsupported_parameter',
    });
    expect(rejection({ model: 'tier-1', messages: user, top_logprobs: 2 })).toMatchObject({ status: 400, param: 'top_logprobs' });
    expect(rejection({ model: 'tier-1', messages: user, logprobs: 'yes' })).toMatchObject({ status: 400, param: 'logprobs' });
    expect(parseChatCompletionRequest({ model: 'tier-1', messages: user, logprobs: false }, resolver).options).toEqual({ tier: 1 });
    expect(parseChatCompletionRequest({ model: 'tier-1', messages: user, logprobs: null, top_logprobs: null }, resolver).options).toEqual({ tier: 1 });
  });
});

describe('nothing in a request chooses an upstream', () => {
  it('refuses upstream-selecting fields at the top level and nested in fields it does not read', () => {
    for (const body of [
      { base_url: 'http://169.254.169.254/' },
      { baseURL: 'http://evil.example' },
      { api_base: 'http://evil.example' },
      { extra_body: { provider: { upstream_url: 'http://evil.example' } } },
      { user_options: { host: 'evil.example' } },
    ]) {
      expect(rejection({ model: 'tier-1', messages: user, ...body })).toMatchObject({ status: 400, code: 'unsupported_parameter' });
    }
  });

  it("accepts metadata tags of any name and passes none on: they are the caller's own, never read", () => {
    const call = parseChatCompletionRequest(
      { model: 'tier-1', messages: user, store: true, metadata: { endpoint: '/api/summarize', hostname: 'worker-3', url: 'https://shop.example/cart' } },
      resolver,
    );
    expect(call.options).toEqual({ tier: 1 });
  });

  it('lets messages and tool schemas talk about URLs', () => {
    const call = parseChatCompletionRequest(
      {
        model: 'tier-1',
        messages: [{ role: 'user', content: 'Fetch http://example.com', url: 'ignored' }],
        tools: [{ type: 'function', function: { name: 'fetch', parameters: { type: 'object', properties: { url: { type: 'string' }, base_url: { type: 'string' } } } } }],
      },
      resolver,
    );
    expect(call.messages[0]).toEqual({ role: 'user', content: 'Fetch http://example.com' });
  });

  it('finds upstream-selecting headers', () => {
    expect(findUpstreamSelectorHeader({ authorization: 'Bearer k', 'content-type': 'application/json', 'x-stainless-os': 'Linux', 'x-request-id': 'r' })).toBeUndefined();
    expect(findUpstreamSelectorHeader({ 'content-type': 'application/json', 'x-base-url': 'http://a' })).toBe('x-base-url');
    expect(findUpstreamSelectorHeader({ 'x-upstream-host': 'a' })).toBe('x-upstream-host');
    expect(findUpstreamSelectorHeader({ 'x-api-base': 'http://a' })).toBe('x-api-base');
    // Host is the request's own, and X-Forwarded-Host a reverse proxy's: neither names an upstream.
    expect(findUpstreamSelectorHeader({ host: '127.0.0.1', 'x-forwarded-host': 'a' })).toBeUndefined();
  });
});

describe('parseChatCompletionRequest: prompt-cache breakpoints', () => {
  it("reads cache_control on a message's content parts, as clients that reach Claude through OpenAI's format send it", () => {
    const call = parseChatCompletionRequest(
      {
        model: 'tier-1',
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'A long system prompt.', cache_control: { type: 'ephemeral' } }] },
          { role: 'user', content: 'Hi' },
        ],
      },
      resolver,
    );
    expect(call.messages).toEqual([
      { role: 'system', content: 'A long system prompt.', cacheBreakpoint: true },
      { role: 'user', content: 'Hi' },
    ]);
  });
});

describe('parseChatCompletionRequest: a key in a refused body', () => {
  it('is not quoted in the refusal, even cut to the 40 characters an unknown part type is quoted to', () => {
    // Found by the property tests: the type was cut first, so the error's redaction no longer found the key whole.
    registerSecret('gk-live-7f3a9c2e4b6d8f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e');
    const error = rejection({ model: 'tier-1', messages: [{ role: 'user', content: [{ type: 'gk-live-7f3a9c2e4b6d8f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e', text: 'x' }] }] });
    expect(error.message).toContain('(' + '[redacted]');
    expect(error.message).not.toContain('gk-live-7f3a9c2e');
  });
});
