import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { readOpenAIResponsesJson } from '../../testing/openai-responses-recordings.test-support.js';
import { parseOpenAIResponsesResponse } from './parse-openai-responses-response.js';
import { noResponseHeaders, responseHeadersFrom } from '../../http/response-headers.js';

const options = { providerId: 'openai', headers: noResponseHeaders };

describe('parseOpenAIResponsesResponse', () => {
  it("reads gpt-6-luna's recorded answer: its text, usage, model and ids", () => {
    const result = parseOpenAIResponsesResponse(readOpenAIResponsesJson('responses.json'), options);
    expect(result).toEqual({
      content: 'ok',
      toolCalls: [],
      finishReason: 'stop',
      model: 'gpt-6-luna',
      usage: { inputTokens: 13, outputTokens: 5, totalTokens: 18 },
      requestId: 'resp_02751710c14000bf016ac7730ce71887d29ff86a6ce7acb939',
      responseId: 'resp_02751710c14000bf016ac7730ce71887d29ff86a6ce7acb939',
    });
  });

  it("reads o3's recorded function call after its reasoning item: the call's id is its call_id, the answer finished for it", () => {
    const result = parseOpenAIResponsesResponse(readOpenAIResponsesJson('responses-function-call.json'), { ...options, headers: responseHeadersFrom({ 'x-request-id': 'req_1' }) });
    expect(result.toolCalls).toEqual([
      { id: 'call_2mhz5FtwkZnzXQkTOMtYZpZH', name: 'semantic_scholar_search', arguments: '{"query":"machine learning","limit":10,"offset":0,"year":0}' },
    ]);
    expect(result.finishReason).toBe('tool_calls');
    expect(result.content).toBe('');
    // Its reasoning item carries an empty summary: no reasoning shown.
    expect(result).not.toHaveProperty('reasoning');
    expect(result.requestId).toBe('req_1');
  });

  it('reads the reasoning summary as the reasoning shown, and the reasoning tokens of the output', () => {
    const result = parseOpenAIResponsesResponse(readOpenAIResponsesJson('responses-reasoning-summary.json'), options);
    expect(result.reasoning).toMatch(/^\*\*Reporting final result\*\*\n\nThe tool returned 570/);
    expect(result.content).toBe('12 + 7 = 19\n19 × 3 = 57\n57 × 10 = 570\n\nFinal result: 570');
    expect(result.usage).toEqual({ inputTokens: 865, outputTokens: 163, totalTokens: 1028, reasoningTokens: 128 });
  });

  it('finishes an incomplete answer for its reason (openai-python IncompleteDetails: max_output_tokens, content_filter)', () => {
    const recorded = readOpenAIResponsesJson('responses.json') as Record<string, unknown>;
    for (const [reason, finishReason] of [
      ['max_output_tokens', 'length'],
      ['content_filter', 'content_filter'],
    ] as const) {
      const result = parseOpenAIResponsesResponse({ ...recorded, status: 'incomplete', incomplete_details: { reason } }, options);
      expect(result.finishReason).toBe(finishReason);
      expect(result.content).toBe('ok');
    }
  });

  it('throws the error of a failed answer, and of an error body served as a 200', () => {
    const failed = { ...(readOpenAIResponsesJson('responses.json') as Record<string, unknown>), status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Request too large' } };
    expect(() => parseOpenAIResponsesResponse(failed, options)).toThrow(expect.objectContaining({ reason: 'rate_limit' }) as unknown as Error);
    const errorBody = readOpenAIResponsesJson('error-400-temperature-unsupported.json');
    expect(() => parseOpenAIResponsesResponse(errorBody, options)).toThrow(ProviderError);
    expect(() => parseOpenAIResponsesResponse({ id: 'resp_1' }, options)).toThrow(/without an output/);
  });
});
