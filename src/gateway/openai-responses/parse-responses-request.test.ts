import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../errors.js';
import { GatewayHttpError } from '../gateway-http-error.js';
import { ModelResolver } from '../model-resolver.js';
import type { SignedReasoning } from '../../types.js';
import { encodeReasoningContent } from './encrypted-reasoning-content.js';
import { parseResponsesRequest } from './parse-responses-request.js';
import { refusalOf } from '../gateway-http-error.test-support.js';

const resolver = new ModelResolver({ providerIds: ['openai', 'google'], routes: {} });
const parse = (body: Record<string, unknown>) => parseResponsesRequest({ model: 'openai/gpt-4o-mini', ...body }, resolver);

const refusal = (body: Record<string, unknown>): GatewayHttpError => refusalOf(() => parse(body));

describe('a Responses API request', () => {
  it('reads input items: roles, images, history text, function calls joined to their turn, outputs, reasoning left out', () => {
    const call = parse({
      instructions: 'Be brief.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Use metric units.' }] },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather where this photo was taken?' },
            { type: 'input_image', image_url: 'https://example.com/paris.jpg', detail: 'auto' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '18 C' },
      ],
      max_output_tokens: 200,
      text: { format: { type: 'json_schema', name: 'weather', schema: { type: 'object' }, strict: true } },
      tool_choice: { type: 'function', name: 'get_weather' },
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true }],
      store: true,
      metadata: { team: 'search' },
    });
    expect(call.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'Use metric units.' },
      { role: 'user', content: 'Weather where this photo was taken?', images: [{ url: 'https://example.com/paris.jpg' }] },
      { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: 'call_1', toolName: 'get_weather', content: '18 C' },
    ]);
    expect(call.options).toMatchObject({
      maxTokens: 200,
      responseFormat: { type: 'json_schema', name: 'weather', schema: { type: 'object' }, strict: true },
      toolChoice: { name: 'get_weather' },
      tools: [{ name: 'get_weather' }],
    });
  });

  it("gives a turn the Anthropic blocks its reasoning items carry, in order; OpenAI's own reasoning, and reasoning no turn follows, left out", () => {
    const thinking = { type: 'thinking' as const, thinking: 'Check first.', signature: 'Eq4CCpIBCBIYAipA' };
    const redacted = { type: 'redacted_thinking' as const, data: 'EooCCpsBCBIYAipA' };
    const reasoningItem = (blocks: unknown[]) => ({ type: 'reasoning', summary: [], encrypted_content: encodeReasoningContent({ provider: 'anthropic', blocks } as SignedReasoning) });
    const call = parse({
      input: [
        { role: 'user', content: 'Check the sandbox.' },
        reasoningItem([thinking]),
        { type: 'reasoning', id: 'rs_openai', summary: [], encrypted_content: 'gAAAAABpPDIUph8czEXz' },
        reasoningItem([redacted]),
        { type: 'function_call', call_id: 'call_1', name: 'check', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'No errors.' },
        reasoningItem([thinking]),
        { role: 'user', content: 'Never mind.' },
      ],
    });
    expect(call.messages).toEqual([
      { role: 'user', content: 'Check the sandbox.' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'check', arguments: '{}' }], signedReasoning: { provider: 'anthropic', blocks: [thinking, redacted] } },
      { role: 'tool', toolCallId: 'call_1', toolName: 'check', content: 'No errors.' },
      { role: 'user', content: 'Never mind.' },
    ]);
  });

  it('takes what Codex sends: custom tools as functions of one string, hosted tools and their calls left out, an image in an output carried, a stored file noted', () => {
    const call = parse({
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Fix the bug.' }, { type: 'input_file', file_id: 'file_1' }] },
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'bug' } },
        { type: 'custom_tool_call', call_id: 'call_p', name: 'apply_patch', input: '*** Begin Patch' },
        { type: 'custom_tool_call_output', call_id: 'call_p', output: 'Done.' },
        { type: 'function_call', call_id: 'call_v', name: 'view_image', arguments: '{"path":"a.png"}' },
        {
          type: 'function_call_output',
          call_id: 'call_v',
          output: [
            { type: 'input_text', text: 'a.png:' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=' },
            { type: 'input_image', file_id: 'file_2' },
          ],
        },
      ],
      tools: [
        { type: 'web_search' },
        { type: 'custom', name: 'apply_patch', description: 'Apply a patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } },
        { type: 'function', name: 'view_image', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
      ],
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'view_image' }] },
    });
    expect(call.freeformTools).toEqual(new Set(['apply_patch']));
    expect(call.options.tools?.map((tool) => tool.name)).toEqual(['apply_patch', 'view_image']);
    expect(call.options.tools?.[0]?.parameters).toMatchObject({ required: ['input'] });
    expect(call.options.toolChoice).toBe('required');
    expect(call.messages).toEqual([
      { role: 'user', content: 'Fix the bug.[file omitted: this gateway does not carry it here]' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_p', name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' }] },
      { role: 'tool', toolCallId: 'call_p', toolName: 'apply_patch', content: 'Done.' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_v', name: 'view_image', arguments: '{"path":"a.png"}' }] },
      {
        role: 'tool',
        toolCallId: 'call_v',
        toolName: 'view_image',
        content: 'a.png:[image omitted: this gateway does not carry it here]',
        images: [{ url: 'data:image/png;base64,iVBORw0KGgo=' }],
      },
    ]);
  });

  it("leaves out a local_shell_call with its output: a tool answer after no call is one no provider takes", () => {
    const call = parse({
      input: [
        { role: 'user', content: 'List the files.' },
        { type: 'local_shell_call', call_id: 'call_abc', status: 'completed', action: { type: 'exec', command: ['ls'] } },
        { type: 'function_call_output', call_id: 'call_abc', output: 'README.md' },
        { role: 'user', content: 'Thanks.' },
      ],
    });
    expect(call.messages).toEqual([
      { role: 'user', content: 'List the files.' },
      { role: 'user', content: 'Thanks.' },
    ]);
  });

  it("refuses an image in a tool's output that is not an http(s) or image data URL, naming its place", () => {
    const error = refusal({
      input: [
        { type: 'function_call', call_id: 'call_v', name: 'view_image', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_v', output: [{ type: 'input_image', image_url: 'file:///etc/passwd' }] },
      ],
    });
    expect(error.param).toBe('input');
    expect(error.message).toMatch(/input\[1\]\.output\[0\]\.image_url must be an http\(s\) URL or a data URL/);
  });

  it('keeps an assistant turn whole when its text comes after its call, so the answer still follows the call', () => {
    const call = parse({
      input: [
        { role: 'user', content: 'Weather?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call_output', call_id: 'call_1', output: '18 C' },
      ],
    });
    expect(call.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
    expect(call.messages[1]).toEqual({ role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{}' }] });
  });

  it('keeps the answer, and echoes store: true, only where the gateway keeps answers and the request did not say store: false', () => {
    const storing = (body: Record<string, unknown>) => parseResponsesRequest({ model: 'openai/gpt-4o-mini', input: 'Hi', ...body }, resolver, { storing: true });
    expect(storing({})).toMatchObject({ keepAnswer: { input: [{ role: 'user', content: 'Hi' }] }, responsesEcho: { store: true } });
    expect(storing({ store: true })).toMatchObject({ keepAnswer: { input: [{ role: 'user', content: 'Hi' }] }, responsesEcho: { store: true } });
    expect(storing({ store: false }).keepAnswer).toBeUndefined();
    expect(storing({ store: false }).responsesEcho?.store).toBe(false);
    expect(parse({ input: 'Hi' }).keepAnswer).toBeUndefined();
    expect(parse({ input: 'Hi' }).responsesEcho?.store).toBe(false);
    expect(refusalOf(() => storing({ store: 'yes' }))).toMatchObject({ status: 400, param: 'store' });
  });

  it('takes a previous_response_id, whose conversation is already before the input, only where the gateway keeps answers', () => {
    const storing = (body: Record<string, unknown>) => parseResponsesRequest({ model: 'openai/gpt-4o-mini', input: 'Hi', ...body }, resolver, { storing: true });
    expect(storing({ previous_response_id: 'resp_1' }).responsesEcho?.previousResponseId).toBe('resp_1');
    expect(storing({}).responsesEcho?.previousResponseId).toBeNull();
    for (const id of ['', 7]) {
      expect(refusalOf(() => storing({ previous_response_id: id }))).toMatchObject({ status: 400, param: 'previous_response_id', message: expect.stringContaining('must be the id of a response') });
    }
    expect(refusalOf(() => parse({ input: 'Hi', previous_response_id: 'resp_1' }))).toMatchObject({ status: 400, param: 'previous_response_id', code: 'unsupported_parameter' });
  });

  it("accepts metadata tags of any name (the caller's own, never read or passed on)", () => {
    const call = parse({ input: 'Hi', metadata: { url: 'https://shop.example/cart', endpoint: '/checkout', base_url: 'https://shop.example' } });
    expect(call.messages).toEqual([{ role: 'user', content: 'Hi' }]);
    expect(call.options).toEqual({ route: [{ provider: 'openai', model: 'gpt-4o-mini' }] });
  });

  it.each([
    [{ input: '' }, 'input', /must not be empty/],
    [{ input: [] }, 'input', /non-empty array/],
    [{ input: [{ role: 'tool', content: 'x' }] }, 'input', /role must be user, assistant, system or developer/],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input', /this gateway keeps none \(storedResponses.enabled is false/],
    [{ input: [{ role: 'user', content: [{ type: 'audio_clip', data: 'x' }] }] }, 'input', /not a supported content part \(audio_clip\)/],
    [{ input: [{ type: 'mystery_item' }] }, 'input', /not a supported item \(mystery_item\)/],
    // Found by the property tests: String() of this object threw a TypeError, answered with a 500.
    [{ input: [{ type: { toString: 1 } }] }, 'input', /not a supported item \(an object\)/],
    [{ input: 'Hi', conversation: 'conv_1' }, 'conversation', /keeps no conversations or prompts/],
    [{ input: 'Hi', background: true }, 'background', /keeps no conversations or prompts/],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'file:///etc/passwd' }] }] }, 'input', /http\(s\) URL or a data URL/],
    [{ input: [{ type: 'function_call', name: 'f' }] }, 'input', /call_id, a name and arguments/],
    [{ input: 'Hi', previous_response_id: 'resp_1' }, 'previous_response_id', /keeps responses only where storedResponses is enabled/],
    [{ input: 'Hi', max_output_tokens: 0 }, 'max_output_tokens', /positive integer/],
    [{ input: 'Hi', text: { format: { type: 'yaml' } } }, 'text', /text.format must be/],
    [{ input: 'Hi', prompt_options: { upstream: 'http://attacker.example' } }, 'prompt_options.upstream', /chosen by the gateway's configuration/],
  ])('refuses %j with a 400 naming %s', (body, param, message) => {
    const error = refusal(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
  });
});

describe('a Responses request with a key in it, refused', () => {
  it('does not quote the key, even cut to the 40 characters an unknown part type is quoted to', () => {
    // Found by the property tests: the type was cut first, so the error's redaction no longer found the key whole.
    registerSecret('gk-live-7f3a9c2e4b6d8f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e');
    const error = refusal({ input: [{ role: 'user', content: [{ type: 'gk-live-7f3a9c2e4b6d8f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e' }] }] });
    expect(error.message).toContain('(' + '[redacted]');
    expect(error.message).not.toContain('gk-live-7f3a9c2e');
  });
});
