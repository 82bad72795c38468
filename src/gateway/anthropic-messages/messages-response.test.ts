import { describe, expect, it } from 'vitest';
import { AllProvidersFailedError, DeadlineExceededError, ProviderError, StreamInterruptedError } from '../../errors.js';
import { parseAnthropicResponse } from '../../providers/anthropic/parse-anthropic-response.js';
import { parseGeminiResponse } from '../../providers/gemini/parse-gemini-response.js';
import { parseOpenAIChatResponse } from '../../providers/openai-compatible/parse-openai-chat-response.js';
import type { CompletionResult } from '../../routing/router-options.js';
import { recordedFixtures } from '../../testing/shared-fixtures.test-support.js';
import type { ChatResponse } from '../../types.js';
import { toErrorResponse } from '../error-response.js';
import { GatewayHttpError } from '../gateway-http-error.js';
import { toAnthropicErrorBody, toAnthropicMessage, toolInputOf } from './messages-response.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const parseOptions = { providerId: 'test', headers: noResponseHeaders };

function resultOf(response: ChatResponse, provider: string): CompletionResult {
  return { ...response, usage: response.usage, requestId: response.requestId, provider, latencyMs: 5, costUsd: undefined, cached: false, attempts: [] };
}

describe('a whole answer as an Anthropic message', () => {
  it.each([
    ['openai', 'chat-completion.json', parseOpenAIChatResponse],
    ['openai', 'chat-completion-tool-call.json', parseOpenAIChatResponse],
    ['anthropic', 'message.json', parseAnthropicResponse],
    ['anthropic', 'message-tool-use.json', parseAnthropicResponse],
    ['gemini', 'generateContent.json', parseGeminiResponse],
    ['gemini', 'generateContent-function-call.json', parseGeminiResponse],
  ])('reads back, through the Anthropic parser, as the recorded %s answer %s', (folder, fixture, parse) => {
    const original = parse(recordedFixtures(folder).readFixtureJson(fixture), parseOptions);
    const message = toAnthropicMessage(resultOf(original, folder), { id: 'msg_test', createdSeconds: 0, model: 'tier-1' });
    const roundTrip = parseAnthropicResponse(JSON.parse(JSON.stringify(message)), parseOptions);
    expect(roundTrip.content).toBe(original.content);
    expect(roundTrip.finishReason).toBe(original.finishReason);
    // Anthropic's usage has no field for reasoning tokens: they stay within the output tokens.
    const { reasoningTokens: _reasoningTokens, ...usageWithoutReasoningSplit } = original.usage ?? {};
    expect(roundTrip.usage).toEqual(original.usage === undefined ? undefined : usageWithoutReasoningSplit);
    // The model the client asked, whoever served it (anthropic-dialect.ts).
    expect(roundTrip.model).toBe('tier-1');
    expect(roundTrip.toolCalls.map((call) => ({ id: call.id, name: call.name, input: JSON.parse(call.arguments) as unknown }))).toEqual(
      original.toolCalls.map((call) => ({ id: call.id, name: call.name, input: JSON.parse(call.arguments) as unknown })),
    );
    expect(message).toMatchObject({ id: 'msg_test', type: 'message', role: 'assistant', stop_sequence: null });
  });

  it("reports prompt-cache tokens in Anthropic's fields, and reads back as the same usage", () => {
    const usage = { inputTokens: 1110, outputTokens: 7, totalTokens: 1117, cachedInputTokens: 1000, cacheWriteInputTokens: 100 };
    const result = resultOf({ content: 'Hi', toolCalls: [], finishReason: 'stop', model: 'claude-sonnet-4-6', usage }, 'anthropic');
    const message = toAnthropicMessage(result, { id: 'msg', createdSeconds: 0, model: 'm' });
    expect(message.usage).toEqual({
      input_tokens: 10,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 0 },
      output_tokens: 7,
    });
    expect(parseAnthropicResponse(message, parseOptions).usage).toEqual(usage);
  });

  it('splits the cache writes by lifetime, as Anthropic does, and reads the hour back', () => {
    const usage = { inputTokens: 1110, outputTokens: 7, totalTokens: 1117, cacheWriteInputTokens: 1100, cacheWrite1hInputTokens: 1000 };
    const result = resultOf({ content: 'Hi', toolCalls: [], finishReason: 'stop', model: 'claude-sonnet-4-6', usage }, 'anthropic');
    const message = toAnthropicMessage(result, { id: 'msg', createdSeconds: 0, model: 'm' });
    expect((message.usage as { cache_creation: unknown }).cache_creation).toEqual({ ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 1000 });
    expect(parseAnthropicResponse(message, parseOptions).usage).toEqual(usage);
  });

  it('keeps arguments that are not a JSON object whole instead of dropping them', () => {
    expect(toolInputOf({ arguments: '{"city":"Paris"}' })).toEqual({ city: 'Paris' });
    expect(toolInputOf({ arguments: '' })).toEqual({});
    expect(toolInputOf({ arguments: '{"city":"Par' })).toEqual({ arguments: '{"city":"Par' });
    expect(toolInputOf({ arguments: '[1,2]' })).toEqual({ arguments: '[1,2]' });
  });

  it('says max_tokens for a cut-off answer and tool_use for a call', () => {
    const base = { content: 'x', toolCalls: [], model: 'm', usage: undefined } as const;
    const reasonOf = (finishReason: ChatResponse['finishReason']) =>
      toAnthropicMessage(resultOf({ ...base, finishReason }, 'openai'), { id: 'msg', createdSeconds: 0, model: 'm' }).stop_reason;
    expect([reasonOf('stop'), reasonOf('length'), reasonOf('tool_calls'), reasonOf('content_filter')]).toEqual([
      'end_turn',
      'max_tokens',
      'tool_use',
      'refusal',
    ]);
  });
});

function interrupted(reason: StreamInterruptedError['reason']): StreamInterruptedError {
  return new StreamInterruptedError({ provider: 'anthropic', reason, message: `broke: ${reason}`, partialText: 'Hel' });
}

describe('a failure in Anthropic error shape', () => {
  it.each([
    [new GatewayHttpError({ status: 400, message: 'max_tokens is required.' }), 400, 'invalid_request_error'],
    [new GatewayHttpError({ status: 401, message: 'Missing or wrong gateway key.' }), 401, 'authentication_error'],
    [new GatewayHttpError({ status: 404, message: 'No such model.' }), 404, 'not_found_error'],
    [new GatewayHttpError({ status: 413, message: 'Too large.' }), 413, 'request_too_large'],
    [new AllProvidersFailedError({ attempts: [], errors: [new ProviderError({ provider: 'groq', reason: 'overloaded', message: 'busy' })] }), 503, 'overloaded_error'],
    [new DeadlineExceededError({ timeoutMs: 10, attempts: [] }), 504, 'timeout_error'],
    [new Error('internal detail'), 500, 'api_error'],
    // A stream that broke after its first token keeps the kind of failure the upstream named.
    [interrupted('overloaded'), 503, 'overloaded_error'],
    [interrupted('rate_limit'), 429, 'rate_limit_error'],
    [interrupted('timeout'), 504, 'timeout_error'],
    [interrupted('network'), 502, 'api_error'],
  ])('%s is %i %s', (error, status, type) => {
    const response = toErrorResponse(error);
    expect(response.status).toBe(status);
    const body = toAnthropicErrorBody(response);
    expect(body).toEqual({ type: 'error', error: { type, message: response.body.error.message } });
    expect(body.error.message).not.toContain('internal detail');
  });

  it('words a context too long as Anthropic does, so a client that compacts on "prompt is too long" does', () => {
    const tooLong = new ProviderError({
      provider: 'openai',
      reason: 'context_too_long',
      message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 208310 tokens.",
    });
    const body = toAnthropicErrorBody(toErrorResponse(tooLong));
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^prompt is too long: .*maximum context length is 128000 tokens/);
    const other = toAnthropicErrorBody(toErrorResponse(new ProviderError({ provider: 'openai', reason: 'invalid_request', message: 'bad' })));
    expect(other.error.message).not.toMatch(/prompt is too long/);
  });
});
