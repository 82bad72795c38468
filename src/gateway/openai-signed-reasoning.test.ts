/**
 * Anthropic's signed thinking on chat completions: shown as OpenRouter's `reasoning_details`, read back from it and
 * from LiteLLM's `thinking_blocks`, with the recorded block of test/fixtures/anthropic (see its SOURCES.md). OpenAI's
 * reasoning items the same way, in the entries OpenRouter gives for OpenAI's models.
 */
import { describe, expect, it } from 'vitest';
import { readAnthropicThinkingRecording } from '../testing/anthropic-thinking-recordings.test-support.js';
import type { SignedReasoningBlock } from '../types.js';
import { convertOpenAIMessages } from './convert-openai-messages.js';
import { reasoningItemsOfAssistantMessage, signedBlocksOfAssistantMessage, toReasoningDetails } from './openai-signed-reasoning.js';

const recorded = JSON.parse(readAnthropicThinkingRecording('message-thinking-tool-use.json')) as { content: [{ thinking: string; signature: string }] };
const thinking: SignedReasoningBlock = { type: 'thinking', thinking: recorded.content[0].thinking, signature: recorded.content[0].signature };
// The first block of pydantic/pydantic-ai's recorded claude-sonnet-4-5 stream (test_anthropic_model_thinking_part_redacted.yaml), shortened.
const redacted: SignedReasoningBlock = { type: 'redacted_thinking', data: 'EooCCpsBCBIYAipAH9yMh50nMosxdP3q71FDdw6Z' };

describe('reasoning_details', () => {
  it("gives each block in OpenRouter's shape, in order, and reads them back the same", () => {
    const details = toReasoningDetails([thinking, redacted]);
    expect(details).toEqual([
      { type: 'reasoning.text', text: thinking.thinking, signature: thinking.signature, format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.encrypted', data: redacted.data, format: 'anthropic-claude-v1', index: 1 },
    ]);
    expect(signedBlocksOfAssistantMessage({ role: 'assistant', reasoning_details: JSON.parse(JSON.stringify(details)) })).toEqual([thinking, redacted]);
  });

  it("reads an entry that names no format as Anthropic's (OpenRouter's default), and keeps a signed block with no text", () => {
    const blocks = signedBlocksOfAssistantMessage({ reasoning_details: [{ type: 'reasoning.text', signature: 'EqQBCgIYAhIM' }] });
    expect(blocks).toEqual([{ type: 'thinking', thinking: '', signature: 'EqQBCgIYAhIM' }]);
  });

  it("leaves out other providers' entries, Anthropic text without a signature, and fields of other shapes", () => {
    const message = {
      reasoning_details: [
        { type: 'reasoning.encrypted', data: 'gAAAAABpPDIU', format: 'openai-responses-v1', index: 0 },
        { type: 'reasoning.text', text: 'Simple arithmetic.', format: 'google-gemini-v1', index: 1 },
        { type: 'reasoning.text', text: 'Unsigned.', format: 'anthropic-claude-v1', index: 2 },
        { type: 'reasoning.summary', summary: 'A summary.', format: 'anthropic-claude-v1', index: 3 },
        'not an entry',
      ],
    };
    expect(signedBlocksOfAssistantMessage(message)).toEqual([]);
    // opencode sent a string (sst/opencode#24411): not refused, and nothing read.
    expect(signedBlocksOfAssistantMessage({ reasoning_details: 'The user wants...' })).toEqual([]);
  });
});

describe("LiteLLM's thinking_blocks", () => {
  it('reads thinking and redacted_thinking blocks, when reasoning_details holds none of Anthropic', () => {
    const message = { reasoning_details: [], thinking_blocks: [{ ...thinking }, { ...redacted }, { type: 'thinking', thinking: 'No signature.' }] };
    expect(signedBlocksOfAssistantMessage(message)).toEqual([thinking, redacted]);
  });
});

describe("a chat completions client's history", () => {
  it("carries an assistant turn's blocks as Anthropic's signed reasoning, whatever provider the client names", () => {
    const [, assistant] = convertOpenAIMessages([
      { role: 'user', content: 'Check the sandbox for errors.' },
      {
        role: 'assistant',
        content: null,
        reasoning_content: thinking.thinking,
        reasoning_details: toReasoningDetails([thinking]),
        provider: 'openai',
        tool_calls: [{ id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', type: 'function', function: { name: 'checkSandboxErrors', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', content: 'No errors.' },
    ]);
    expect(assistant).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', name: 'checkSandboxErrors', arguments: '{}' }],
      reasoning: thinking.thinking,
      signedReasoning: { provider: 'anthropic', blocks: [thinking] },
    });
  });
});

describe("OpenAI's reasoning items in reasoning_details", () => {
  // OpenRouter's answer for openai/gpt-5 and the entry its client sent back (charmbracelet/fantasy,
  // providertests/testdata/TestOpenRouterCommon/gpt-5/tool.yaml at 5a7cccec1ea1227de0fae48bba39b3d821fb6d73), shortened.
  const recordedId = 'rs_08acd5c21bf032190169b2c9202940819681ab3b773d32d468';
  const recordedData = 'gAAAAABpsskjL6NtLMm2gYf8B_84HgKgn3wMb79fhKZcK4WDqzWel';
  const item: SignedReasoningBlock = { type: 'reasoning', id: recordedId, encryptedContent: recordedData, summary: ['**Gathering weather info**', 'Florence, Italy.'] };

  it("gives each summary text, then the encrypted content, in OpenRouter's shape with the item's id, and reads them back the same", () => {
    const details = toReasoningDetails([item]);
    expect(details).toEqual([
      { type: 'reasoning.summary', summary: '**Gathering weather info**', id: recordedId, format: 'openai-responses-v1', index: 0 },
      { type: 'reasoning.summary', summary: 'Florence, Italy.', id: recordedId, format: 'openai-responses-v1', index: 1 },
      { type: 'reasoning.encrypted', data: recordedData, id: recordedId, format: 'openai-responses-v1', index: 2 },
    ]);
    expect(reasoningItemsOfAssistantMessage({ reasoning_details: JSON.parse(JSON.stringify(details)) })).toEqual([item]);
    expect(signedBlocksOfAssistantMessage({ reasoning_details: details })).toEqual([]);
  });

  it("reads the entry as OpenRouter's client sent it back (the encrypted entry alone), and OpenRouter's summary without an id", () => {
    const sentBack = [{ data: recordedData, format: 'openai-responses-v1', id: recordedId, index: 0, type: 'reasoning.encrypted' }];
    expect(reasoningItemsOfAssistantMessage({ reasoning_details: sentBack })).toEqual([{ type: 'reasoning', id: recordedId, encryptedContent: recordedData, summary: [] }]);
    const answered = [{ type: 'reasoning.summary', summary: '**Gathering weather info**', format: 'openai-responses-v1', index: 0 }, { ...sentBack[0], index: 1 }];
    expect(reasoningItemsOfAssistantMessage({ reasoning_details: answered })).toEqual([{ type: 'reasoning', id: recordedId, encryptedContent: recordedData, summary: ['**Gathering weather info**'] }]);
  });

  it("leaves out Anthropic's entries, an encrypted entry without data, and a summary of another item", () => {
    const details = [
      ...toReasoningDetails([thinking, redacted]),
      { type: 'reasoning.encrypted', format: 'openai-responses-v1', id: 'rs_1', index: 2 },
      { type: 'reasoning.summary', summary: 'Of another item.', id: 'rs_other', format: 'openai-responses-v1', index: 3 },
      { type: 'reasoning.encrypted', data: recordedData, format: 'openai-responses-v1', id: recordedId, index: 4 },
    ];
    expect(reasoningItemsOfAssistantMessage({ reasoning_details: details })).toEqual([{ type: 'reasoning', id: recordedId, encryptedContent: recordedData, summary: [] }]);
  });

  it("carries an assistant turn's items as the catalog's openai provider's, whatever provider the client names; Anthropic's blocks win a turn carrying both", () => {
    const history = (details: unknown[]) =>
      convertOpenAIMessages([
        { role: 'user', content: 'Weather in Florence?' },
        { role: 'assistant', content: null, reasoning_details: details, provider: 'groq', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '40 C' },
      ])[1];
    expect(history(toReasoningDetails([item]))).toMatchObject({ signedReasoning: { provider: 'openai', blocks: [item] } });
    expect(history([...toReasoningDetails([thinking]), ...toReasoningDetails([item])])).toMatchObject({ signedReasoning: { provider: 'anthropic', blocks: [thinking] } });
  });
});
