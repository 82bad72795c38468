/**
 * The answer's JSON written by template is byte for byte `JSON.stringify(toChatCompletion(...))`: for any result the
 * router may give (text with quotes, backslashes, control characters, lone surrogates; any finish reason; usage or
 * none, with or without each detail; numbers JSON cannot write; tool calls, reasoning and signed reasoning, which go
 * the stringify way), and for OpenAI's recorded answers. fast-check prints the seed and the shrunk result of a failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openAICompatibleProtocol } from '../providers/openai-compatible/openai-compatible-protocol.js';
import type { CompletionResult } from '../routing/router-options.js';
import { recordedFixtures } from '../testing/shared-fixtures.test-support.js';
import type { ChatResponse, FinishReason, SignedReasoning, ToolCall, Usage } from '../types.js';
import { chatCompletionJson, commonChatCompletionJson } from './chat-completion-json.js';
import { toChatCompletion } from './openai-response.js';
import { noResponseHeaders } from '../http/response-headers.js';

const numRuns = 1000;
const finishReasons: readonly FinishReason[] = ['stop', 'length', 'tool_calls', 'content_filter', 'error', 'other'];

/** Text JSON.stringify has to escape, or writes as it is: every code point, lone surrogates included. */
const oddText = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }) },
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) },
    { weight: 2, arbitrary: fc.constantFrom('"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u2028', '\u2029', '\ud800', '\udfff', '😀', '</script>') },
  ),
  maxLength: 24,
});

/** Token counts as providers give them, and the numbers JSON cannot write or writes otherwise (-0, 1e21). */
const anyCount = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 200_000 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e21, 0.1, Number.MAX_SAFE_INTEGER + 2) },
);
const finiteCount = fc.nat({ max: 200_000 });

/** Usage with each optional count absent, undefined or present; the counts `toOpenAIUsage` ignores too. */
function usageOf(count: fc.Arbitrary<number>): fc.Arbitrary<Usage> {
  return fc.record(
    {
      inputTokens: count,
      outputTokens: count,
      totalTokens: count,
      cachedInputTokens: fc.option(count, { nil: undefined }),
      cacheWriteInputTokens: count,
      reasoningTokens: fc.option(count, { nil: undefined }),
      webSearchRequests: count,
    },
    { requiredKeys: ['inputTokens', 'outputTokens', 'totalTokens'] },
  );
}

const toolCall: fc.Arbitrary<ToolCall> = fc.record(
  { id: oddText, name: oddText, arguments: oddText, thoughtSignature: oddText },
  { requiredKeys: ['id', 'name', 'arguments'] },
);

const signedReasoning: fc.Arbitrary<SignedReasoning> = fc.record({
  provider: fc.constantFrom('anthropic', 'openai', 'groq'),
  blocks: fc.array(
    fc.oneof(
      fc.record({ type: fc.constant('thinking' as const), thinking: oddText, signature: oddText }),
      fc.record({ type: fc.constant('redacted_thinking' as const), data: oddText }),
      fc.record({ type: fc.constant('reasoning' as const), id: oddText, encryptedContent: oddText, summary: fc.array(oddText, { maxLength: 2 }) }),
    ),
    { maxLength: 2 },
  ),
});

interface ResultShape {
  readonly count: fc.Arbitrary<number>;
  /** Tool calls, reasoning and signed reasoning sometimes: the answers that are not common. */
  readonly uncommon: boolean;
}

function completionResult({ count, uncommon }: ResultShape): fc.Arbitrary<CompletionResult> {
  const sometimes = <Value>(value: fc.Arbitrary<Value>): fc.Arbitrary<Value | undefined> =>
    uncommon ? fc.option(value, { nil: undefined, freq: 3 }) : fc.constant(undefined);
  return fc
    .record({
      content: fc.oneof(fc.constant(''), oddText),
      finishReason: fc.constantFrom(...finishReasons),
      provider: fc.oneof(fc.constantFrom('openai', 'groq'), oddText),
      model: fc.oneof(fc.constantFrom('gpt-4o-mini', 'llama-3.1-8b-instant', 'models/gemini-2.5-flash'), oddText),
      usage: fc.option(usageOf(count), { nil: undefined }),
      toolCalls: uncommon ? fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(toolCall, { minLength: 1, maxLength: 2 }) }) : fc.constant([]),
      reasoning: sometimes(fc.oneof(fc.constant(''), oddText)),
      signedReasoning: sometimes(signedReasoning),
      stopSequence: fc.option(oddText, { nil: undefined }),
    })
    .map(({ reasoning, signedReasoning: signed, ...fields }) => {
      const result: CompletionResult = { ...fields, latencyMs: 12, costUsd: undefined, cached: false, attempts: [], requestId: 'req_1' };
      // Absent rather than undefined, as the parsers leave them: `toChatCompletion` reads both the same way.
      return { ...result, ...(reasoning === undefined ? {} : { reasoning }), ...(signed === undefined ? {} : { signedReasoning: signed }) };
    });
}

function answerContext(count: fc.Arbitrary<number>): fc.Arbitrary<{ id: string; createdSeconds: number }> {
  return fc.record({ id: fc.oneof(fc.constant('chatcmpl-0a1b2c3d-4e5f-6789-abcd-ef0123456789'), oddText), createdSeconds: fc.oneof(fc.constant(1_762_296_371), count) });
}

describe('chatCompletionJson', () => {
  it('writes what JSON.stringify(toChatCompletion(...)) writes, for any result', () => {
    fc.assert(
      fc.property(completionResult({ count: anyCount, uncommon: true }), answerContext(anyCount), (result, context) => {
        expect(chatCompletionJson(result, context)).toBe(JSON.stringify(toChatCompletion(result, context)));
      }),
      { numRuns },
    );
  });

  it('writes a common answer by its template, byte for byte', () => {
    fc.assert(
      fc.property(completionResult({ count: finiteCount, uncommon: false }), answerContext(finiteCount), (result, context) => {
        expect(commonChatCompletionJson(result, context)).toBe(JSON.stringify(toChatCompletion(result, context)));
      }),
      { numRuns },
    );
  });

  it('leaves tool calls, reasoning, signed reasoning and counts JSON writes as null to JSON.stringify', () => {
    const base: CompletionResult = {
      content: 'Hello!',
      toolCalls: [],
      finishReason: 'stop',
      provider: 'openai',
      model: 'gpt-4o-mini',
      latencyMs: 1,
      usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
      costUsd: undefined,
      cached: false,
      attempts: [],
      requestId: undefined,
    };
    const context = { id: 'chatcmpl-1', createdSeconds: 100 };
    expect(commonChatCompletionJson(base, context)).toBeDefined();
    for (const uncommon of [
      { ...base, toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{}' }] },
      { ...base, reasoning: '' },
      { ...base, signedReasoning: { provider: 'groq', blocks: [] } },
      { ...base, usage: { inputTokens: 5, outputTokens: 2, totalTokens: Number.NaN } },
      { ...base, usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7, reasoningTokens: Number.POSITIVE_INFINITY } },
    ]) {
      expect(commonChatCompletionJson(uncommon, context)).toBeUndefined();
      expect(chatCompletionJson(uncommon, context)).toBe(JSON.stringify(toChatCompletion(uncommon, context)));
    }
    expect(commonChatCompletionJson(base, { id: 'x', createdSeconds: Number.NaN })).toBeUndefined();
  });

  it("writes OpenAI's recorded answers as JSON.stringify does", () => {
    const fixtures = recordedFixtures('openai');
    const names = ['chat-completion.json', 'chat-completion-max_tokens.json', 'chat-completion-max_completion_tokens-o3-mini.json', 'chat-completion-tool-call.json'];
    for (const name of names) {
      const response: ChatResponse = openAICompatibleProtocol.parseChatResponse(fixtures.readFixtureJson(name), { providerId: 'openai', headers: noResponseHeaders });
      const result: CompletionResult = { ...response, provider: 'openai', latencyMs: 300, usage: response.usage, costUsd: undefined, cached: false, attempts: [], requestId: response.requestId };
      const context = { id: 'chatcmpl-0a1b2c3d-4e5f-6789-abcd-ef0123456789', createdSeconds: 1_762_296_371 };
      expect(chatCompletionJson(result, context), name).toBe(JSON.stringify(toChatCompletion(result, context)));
    }
  });
});
