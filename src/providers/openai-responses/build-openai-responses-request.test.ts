import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import type { ChatRequest, Message } from '../../types.js';
import { buildOpenAIResponsesRequest, buildOpenAIResponsesRequestBody } from './build-openai-responses-request.js';

const endpoint = { providerId: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test-key' };
const weather = { name: 'get_weather', description: 'The weather in a city.', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

/** A tool loop's second turn: the question, the call the model made, the tool's answer with a screenshot. */
const toolLoop: Message[] = [
  { role: 'system', content: 'Answer briefly.' },
  { role: 'user', content: 'What is on screen, and the weather in Paris?', images: [{ url: 'https://example.com/a.png' }] },
  { role: 'assistant', content: '', toolCalls: [{ id: 'call_61cRAI5gleGxCN89umufHn2a', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
  { role: 'tool', toolCallId: 'call_61cRAI5gleGxCN89umufHn2a', toolName: 'get_weather', content: '18 degrees', images: [{ url: 'data:image/png;base64,iVBORw0KGgo=' }] },
];

const body = (request: Partial<ChatRequest>, options: { reasoningModel?: boolean; stream?: boolean } = {}) =>
  buildOpenAIResponsesRequestBody({ model: 'gpt-6.2-sol', messages: [{ role: 'user', content: 'Hi' }], ...request }, { stream: options.stream ?? false, reasoningModel: options.reasoningModel ?? true, providerId: 'openai' });

describe('buildOpenAIResponsesRequest', () => {
  it('posts to {baseUrl}/responses with the key in the authorization header only', () => {
    const spec = buildOpenAIResponsesRequest({ model: 'gpt-6-luna', messages: [{ role: 'user', content: 'Hi' }] }, { endpoint, stream: true, reasoningModel: true });
    expect(spec).toMatchObject({ method: 'POST', url: 'https://api.openai.com/v1/responses' });
    expect(spec.headers).toMatchObject({ authorization: 'Bearer sk-test-key', accept: 'text/event-stream', 'content-type': 'application/json' });
    expect(spec.body).not.toContain('sk-test-key');
    expect(JSON.parse(spec.body ?? '')).toMatchObject({ model: 'gpt-6-luna', stream: true, store: false });
  });

  it('sends a tool loop as input items: developer, user parts, function_call and function_call_output by call id', () => {
    expect(body({ messages: toolLoop }).input).toEqual([
      { role: 'developer', content: 'Answer briefly.' },
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'What is on screen, and the weather in Paris?' },
          { type: 'input_image', image_url: 'https://example.com/a.png' },
        ],
      },
      { type: 'function_call', call_id: 'call_61cRAI5gleGxCN89umufHn2a', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_61cRAI5gleGxCN89umufHn2a', output: '18 degrees' },
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'The images returned by tool call call_61cRAI5gleGxCN89umufHn2a (get_weather):' },
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=' },
        ],
      },
    ]);
  });

  it('keeps an assistant turn text and gives a model that does not reason its system message as such', () => {
    const input = body({ messages: [{ role: 'system', content: 'Be kind.' }, { role: 'assistant', content: 'Hello.' }] }, { reasoningModel: false }).input;
    expect(input).toEqual([
      { role: 'system', content: 'Be kind.' },
      { role: 'assistant', content: 'Hello.' },
    ]);
  });

  it('asks a reasoning model with tools the effort asked, without a summary (refused to unverified organizations), and sends the tools flat', () => {
    const sent = body({ tools: [{ ...weather, strict: true }], toolChoice: { name: 'get_weather' }, parallelToolCalls: false, reasoningEffort: 'high' });
    expect(sent.reasoning).toEqual({ effort: 'high' });
    const summarized = buildOpenAIResponsesRequestBody(
      { model: 'gpt-6.2-sol', messages: [{ role: 'user', content: 'Hi' }] },
      { stream: false, reasoningModel: true, reasoningSummaries: true, providerId: 'openai' },
    );
    expect(summarized.reasoning).toEqual({ summary: 'auto' });
    expect(sent.tools).toEqual([{ type: 'function', name: 'get_weather', description: 'The weather in a city.', parameters: weather.parameters, strict: true }]);
    expect(sent.tool_choice).toEqual({ type: 'function', name: 'get_weather' });
    expect(sent.parallel_tool_calls).toBe(false);
  });

  it('sends no reasoning (`none`) as the least effort the catalog gives the model, with no summary of none, and nothing without one', () => {
    const sent = (leastReasoningEffort?: 'none' | 'low') =>
      buildOpenAIResponsesRequestBody(
        { model: 'gpt-6-luna', messages: [{ role: 'user', content: 'Hi' }], reasoningEffort: 'none' },
        { stream: false, reasoningModel: true, reasoningSummaries: true, providerId: 'openai', ...(leastReasoningEffort !== undefined ? { leastReasoningEffort } : {}) },
      ).reasoning;
    expect(sent('none')).toEqual({ effort: 'none' });
    expect(sent('low')).toEqual({ effort: 'low', summary: 'auto' });
    expect(sent()).toEqual({ summary: 'auto' });
  });

  it('sends a reasoning model no sampling parameters, and its bound as max_output_tokens', () => {
    const sent = body({ temperature: 0.7, topP: 0.9, presencePenalty: 0.5, frequencyPenalty: 0.3, seed: 7, maxTokens: 256 });
    expect(sent).toEqual({ model: 'gpt-6.2-sol', input: [{ role: 'user', content: 'Hi' }], store: false, include: ['reasoning.encrypted_content'], max_output_tokens: 256 });
  });

  it('sends a model that does not reason its sampling parameters, but no effort and no seed', () => {
    const sent = body({ temperature: 0.7, topP: 0.9, seed: 7, reasoningEffort: 'low' }, { reasoningModel: false });
    expect(sent).toMatchObject({ temperature: 0.7, top_p: 0.9 });
    expect(sent).not.toHaveProperty('reasoning');
    expect(sent).not.toHaveProperty('seed');
    expect(sent).not.toHaveProperty('include');
  });

  it("gives back only this provider's reasoning items, first in their turn, and only to a reasoning model", () => {
    const item = { type: 'reasoning' as const, id: 'rs_1', encryptedContent: 'gAAAA-opaque', summary: ['**Adding**'] };
    const turn = (provider: string): Message[] => [
      toolLoop[1]!,
      { role: 'assistant', content: 'Let me check.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{}' }], signedReasoning: { provider, blocks: [item] } },
    ];
    expect(body({ messages: turn('openai') }).input.slice(1)).toEqual([
      { type: 'reasoning', id: 'rs_1', encrypted_content: 'gAAAA-opaque', summary: [{ type: 'summary_text', text: '**Adding**' }] },
      { role: 'assistant', content: 'Let me check.' },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
    ]);
    expect(JSON.stringify(body({ messages: turn('azure-openai') }).input)).not.toContain('rs_1');
    expect(JSON.stringify(body({ messages: turn('openai') }, { reasoningModel: false }).input)).not.toContain('rs_1');
  });

  it('asks for JSON by text.format', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    expect(body({ responseFormat: { type: 'json_schema', name: 'CityLocation', schema, strict: true } }).text).toEqual({
      format: { type: 'json_schema', name: 'CityLocation', schema, strict: true },
    });
    expect(body({ responseFormat: { type: 'json_object' } }).text).toEqual({ format: { type: 'json_object' } });
  });

  it('refuses stop sequences, which the Responses API cannot be given, with a typed error naming them', () => {
    expect(() => body({ stop: ['\n\n'] })).toThrow(InvalidArgumentError);
    expect(() => body({ stop: ['\n\n'] })).toThrow(/gpt-6\.2-sol is asked through OpenAI's Responses API, which takes no stop sequences/);
    expect(body({ stop: [] })).not.toHaveProperty('stop');
  });
});
