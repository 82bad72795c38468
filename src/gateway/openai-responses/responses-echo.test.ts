import { describe, expect, it } from 'vitest';
import type { CompletionResult, StreamResult } from '../../routing/router-options.js';
import { ModelResolver } from '../model-resolver.js';
import { refusalOf } from '../gateway-http-error.test-support.js';
import { parseResponsesRequest } from './parse-responses-request.js';
import { toResponse } from './responses-output.js';
import { ResponsesStreamEvents } from './responses-stream-events.js';

const resolver = new ModelResolver({ providerIds: ['openai'], routes: {} });
const parse = (body: Record<string, unknown>) => parseResponsesRequest({ model: 'openai/gpt-4o-mini', input: 'Weather in Paris?', ...body }, resolver);

const result: CompletionResult = {
  content: 'Sunny.',
  toolCalls: [],
  finishReason: 'stop',
  provider: 'openai',
  model: 'gpt-4o-mini',
  latencyMs: 300,
  usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12 },
  costUsd: undefined,
  cached: false,
  attempts: [],
  requestId: undefined,
};
const context = { id: 'resp_abc', createdSeconds: 1 };

/** The keys of OpenAI's response object, in its order (the recorded answers of vercel/ai's Responses fixtures), less those this gateway has no value for. */
const recordedKeyOrder = [
  'id', 'object', 'created_at', 'status', 'error', 'incomplete_details', 'instructions', 'max_output_tokens', 'model', 'output',
  'parallel_tool_calls', 'previous_response_id', 'reasoning', 'store', 'temperature', 'text', 'tool_choice', 'tools', 'top_p',
  'truncation', 'usage', 'user', 'metadata',
];

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
const everyEchoedField = {
  instructions: 'Answer in one word.',
  max_output_tokens: 300,
  parallel_tool_calls: false,
  reasoning: { effort: 'minimal', summary: 'auto' },
  temperature: 0.2,
  top_p: 0.9,
  text: {
    format: { type: 'json_schema', name: 'weather', description: 'The weather.', schema: { type: 'object', properties: { sky: { type: 'string' } } }, strict: true },
    verbosity: 'low',
  },
  tool_choice: { type: 'function', name: 'get_weather' },
  tools: [
    { type: 'function', name: 'get_weather', description: 'Weather in a city', parameters: weatherSchema, strict: true },
    { type: 'function', name: 'get_time', parameters: { type: 'object', properties: {} } },
    { type: 'custom', name: 'apply_patch', description: 'Apply a patch.', format: { type: 'text' } },
    { type: 'web_search', search_context_size: 'low' },
  ],
  truncation: 'auto',
  user: 'user-42',
  metadata: { team: 'search', endpoint: '/api/chat' },
  store: true,
};

/** What OpenAI would echo of `everyEchoedField`: each as sent, a function tool in OpenAI's form. */
const echoOfEveryField = {
  instructions: 'Answer in one word.',
  max_output_tokens: 300,
  parallel_tool_calls: false,
  previous_response_id: null,
  reasoning: { effort: 'minimal', summary: 'auto' },
  store: false,
  temperature: 0.2,
  text: everyEchoedField.text,
  tool_choice: { type: 'function', name: 'get_weather' },
  tools: [
    { type: 'function', description: 'Weather in a city', name: 'get_weather', parameters: weatherSchema, strict: true },
    // Sent without `strict`, it reaches the upstream without it: not strict, whatever OpenAI's own default.
    { type: 'function', description: null, name: 'get_time', parameters: { type: 'object', properties: {} }, strict: false },
    { type: 'custom', name: 'apply_patch', description: 'Apply a patch.', format: { type: 'text' } },
    { type: 'web_search', search_context_size: 'low' },
  ],
  top_p: 0.9,
  truncation: 'auto',
  user: 'user-42',
  metadata: { team: 'search', endpoint: '/api/chat' },
};

/** OpenAI's defaults for a request that set none of them, as its recorded answers show them. */
const echoOfNothing = {
  instructions: null,
  max_output_tokens: null,
  parallel_tool_calls: true,
  previous_response_id: null,
  reasoning: { effort: null, summary: null },
  store: false,
  temperature: 1,
  text: { format: { type: 'text' }, verbosity: 'medium' },
  tool_choice: 'auto',
  tools: [],
  top_p: 1,
  truncation: 'disabled',
  user: null,
  metadata: {},
};

function streamedResponses(body: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const call = parse(body);
  const encoder = new ResponsesStreamEvents({ ...context, model: 'openai/gpt-4o-mini' }, call);
  const streamResult: StreamResult = { ...result, timeToFirstTokenMs: 100 };
  const text = encoder.start() + (encoder.chunk({ type: 'text-delta', text: 'Sunny.' }) ?? '') + encoder.end(streamResult);
  const responses: Record<string, Record<string, unknown>> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const event = JSON.parse(line.slice('data: '.length)) as { type: string; response?: Record<string, unknown> };
    if (event.response !== undefined) responses[event.type] = event.response;
  }
  return responses;
}

describe("a Responses answer echoes its request's parameters", () => {
  it('repeats each as the request sent it, in the order of OpenAI\'s response object', () => {
    const response = toResponse(result, context, parse(everyEchoedField));
    expect(response).toMatchObject(echoOfEveryField);
    expect(Object.keys(response)).toEqual(recordedKeyOrder);
  });

  it("gives OpenAI's defaults for what the request left out", () => {
    const response = toResponse(result, context, parse({}));
    expect(response).toMatchObject(echoOfNothing);
    expect(Object.keys(response)).toEqual(recordedKeyOrder);
  });

  it('repeats them in response.created, response.in_progress and response.completed', () => {
    const responses = streamedResponses(everyEchoedField);
    expect(Object.keys(responses)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
    for (const response of Object.values(responses)) {
      expect(response).toMatchObject(echoOfEveryField);
      expect(Object.keys(response)).toEqual(recordedKeyOrder);
    }
    for (const response of Object.values(streamedResponses({}))) expect(response).toMatchObject(echoOfNothing);
  });

  it('keeps text.format when only the verbosity is set, and the verbosity when only the format is', () => {
    expect(toResponse(result, context, parse({ text: { verbosity: 'high' } })).text).toEqual({ format: { type: 'text' }, verbosity: 'high' });
    expect(toResponse(result, context, parse({ text: { format: { type: 'json_object' } } })).text).toEqual({ format: { type: 'json_object' }, verbosity: 'medium' });
  });

  it.each([
    [{ truncation: 'sometimes' }, 'truncation'],
    [{ user: 42 }, 'user'],
    [{ metadata: ['team'] }, 'metadata'],
    [{ reasoning: { summary: 'verbose' } }, 'reasoning.summary'],
    [{ text: { verbosity: 'loud' } }, 'text.verbosity'],
  ])('refuses %j with a 400 naming %s', (body, param) => {
    const refusal = refusalOf(() => parse(body));
    expect(refusal.status).toBe(400);
    expect(refusal.param).toBe(param);
  });
});
