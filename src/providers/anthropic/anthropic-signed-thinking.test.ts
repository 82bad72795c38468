/**
 * Claude's signed thinking blocks, read from Anthropic's recorded answers (test/fixtures/anthropic, see its
 * SOURCES.md) and sent back with the history, first in their turn, exactly as recorded: what lets Claude think in a
 * conversation that called tools.
 */
import { describe, expect, it } from 'vitest';
import { readAnthropicThinkingRecording } from '../../testing/anthropic-thinking-recordings.test-support.js';
import type { ChatRequest, ChatResponse, Message, StreamChunk } from '../../types.js';
import { createAnthropicStreamDecoder } from './anthropic-stream-decoder.js';
import { buildAnthropicChatRequest } from './build-anthropic-request.js';
import { parseAnthropicResponse } from './parse-anthropic-response.js';
import { noResponseHeaders } from '../../http/response-headers.js';

interface RecordedBlock {
  readonly type: string;
  readonly thinking?: string;
  readonly signature?: string;
}

/** claude-sonnet-4-6's answer: one thinking block, then a tool call (vercel/ai's issue-13430 recording). */
const recordedBody = JSON.parse(readAnthropicThinkingRecording('message-thinking-tool-use.json')) as { content: RecordedBlock[] };
const recordedThinking = recordedBody.content[0] as Required<RecordedBlock>;

/** The stream's payloads, one a line, as recorded (claude-sonnet-4-5, vercel/ai's anthropic-clear-thinking recording). */
const recordedStreamPayloads = readAnthropicThinkingRecording('messages-stream-thinking.chunks.txt').split('\n');

function parseRecorded(providerId = 'anthropic'): ChatResponse {
  return parseAnthropicResponse(recordedBody, { providerId, headers: noResponseHeaders });
}

function decodeRecordedStream(): StreamChunk[] {
  const decoder = createAnthropicStreamDecoder({ providerId: 'anthropic', headers: noResponseHeaders });
  return recordedStreamPayloads.flatMap((data) => decoder.decode({ event: (JSON.parse(data) as { type: string }).type, data }));
}

describe("Anthropic's signed thinking, read", () => {
  it('keeps the thinking block of an answer whole, signature and all, signed by the provider that answered', () => {
    expect(recordedThinking.type).toBe('thinking');
    const response = parseRecorded();
    expect(response.signedReasoning).toEqual({
      provider: 'anthropic',
      blocks: [{ type: 'thinking', thinking: recordedThinking.thinking, signature: recordedThinking.signature }],
    });
    expect(response.reasoning).toBe('The user wants me to call checkSandboxErrors immediately.');
    expect(response.toolCalls).toEqual([{ id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', name: 'checkSandboxErrors', arguments: '{}' }]);
    expect(parseRecorded('claude-proxy').signedReasoning?.provider).toBe('claude-proxy');
  });

  it('tells a streamed thinking block whole when it stops: its deltas joined, its signature_delta as recorded', () => {
    const chunks = decodeRecordedStream();
    const recordedSignature = recordedStreamPayloads
      .map((line) => JSON.parse(line) as { delta?: { type?: string; signature?: string } })
      .find((payload) => payload.delta?.type === 'signature_delta')?.delta?.signature;
    const reasoning = chunks.flatMap((chunk) => (chunk.type === 'reasoning-delta' ? [chunk.text] : [])).join('');
    expect(reasoning).toBe('The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
    const signed = chunks.filter((chunk) => chunk.type === 'signed-reasoning-block');
    expect(signed).toEqual([{ type: 'signed-reasoning-block', provider: 'anthropic', block: { type: 'thinking', thinking: reasoning, signature: recordedSignature } }]);
    // After the last of the thinking and before the text.
    const types = chunks.map((chunk) => chunk.type);
    expect(types.indexOf('signed-reasoning-block')).toBe(types.lastIndexOf('reasoning-delta') + 1);
    expect(types.indexOf('signed-reasoning-block')).toBeLessThan(types.indexOf('text-delta'));
  });

  it('reads a redacted_thinking block, whole at its start, as a signed block', () => {
    // The first block of pydantic/pydantic-ai's recorded claude-sonnet-4-5 stream (test_anthropic_model_thinking_part_redacted.yaml).
    const data =
      'EooCCpsBCBIYAipAH9yMh50nMosxdP3q71FDdw6Z+ZPzJuiFuyaffpTU/yPwJKCH8ttFsqMvyZH2twka/lsjXMK1jFbdG5qjBV8q0jIaY2xhdWRlLXNvbm5ldC00LTUtMjAyNTA5Mjk4AEIIdGhpbmtpbmdaJDQ0YWU2NzZjLTk1OGYtNGQ2OC05MTA4LWVhZTlkZTdiMzY2YqgB2M/v1QYSDMJpczwa8FCXQKWJwRoMUA4/WHeExukjWn06IjCKSuk+u0962v4BcURpg+F7UCYzkoaOdI6OianWZZYpOZg7qwy/3f7oEwoZc5y4bbMqHCqYm6JDaybB2cs2LiNLHshMBwj0fttD7CadqAcYAQ==';
    const decoder = createAnthropicStreamDecoder({ providerId: 'anthropic', headers: noResponseHeaders });
    const start = `{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"${data}"}           }`;
    expect(decoder.decode({ event: 'content_block_start', data: start })).toEqual([
      { type: 'signed-reasoning-block', provider: 'anthropic', block: { type: 'redacted_thinking', data } },
    ]);
    expect(decoder.decode({ event: 'content_block_stop', data: '{"type":"content_block_stop","index":0            }' })).toEqual([]);
    const body = { ...recordedBody, content: [{ type: 'redacted_thinking', data }, ...recordedBody.content.slice(1)] };
    expect(parseAnthropicResponse(body, { providerId: 'anthropic', headers: noResponseHeaders }).signedReasoning?.blocks).toEqual([{ type: 'redacted_thinking', data }]);
  });
});

describe("Anthropic's signed thinking, sent back", () => {
  const tool = { name: 'checkSandboxErrors', parameters: { type: 'object', properties: {} } };
  const thinker = { endpoint: { providerId: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-test' }, stream: false, reasoningModel: true, maxOutputTokens: 64_000 };

  /** The conversation after the recorded answer: its tool call answered, the answer passed back as a result gives it. */
  function secondTurn(answer: ChatResponse): ChatRequest {
    const assistant: Message = { role: 'assistant', content: answer.content, toolCalls: answer.toolCalls, ...(answer.signedReasoning ? { signedReasoning: answer.signedReasoning } : {}) };
    return {
      model: 'claude-sonnet-4-6',
      reasoningEffort: 'low',
      tools: [tool],
      messages: [{ role: 'user', content: 'Check the sandbox for errors.' }, assistant, { role: 'tool', toolCallId: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', content: 'No errors.' }],
    };
  }

  const bodyFor = (request: ChatRequest, options = thinker) => JSON.parse(buildAnthropicChatRequest(request, options).body ?? 'null') as {
    thinking?: unknown;
    messages: { role: string; content: string | { type: string }[] }[];
  };

  it('thinks in a conversation that called tools when the tool-call turn carries its signed block, sent first in the turn, as recorded', () => {
    const body = bodyFor(secondTurn(parseRecorded()));
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(body.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: recordedThinking.thinking, signature: recordedThinking.signature },
      { type: 'tool_use', id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', name: 'checkSandboxErrors', input: {} },
    ]);
    // The recorded block's bytes, key order included, as Anthropic checks them.
    const sent = buildAnthropicChatRequest(secondTurn(parseRecorded()), thinker).body ?? '';
    expect(sent).toContain(JSON.stringify({ type: 'thinking', thinking: recordedThinking.thinking, signature: recordedThinking.signature }));
  });

  it('asks without thinking, and sends no block, as before, when a tool-call turn has no signed block', () => {
    const { signedReasoning: _signed, ...unsigned } = parseRecorded();
    const body = bodyFor(secondTurn(unsigned));
    expect(body).not.toHaveProperty('thinking');
    expect(body.messages[1]?.content).toEqual([{ type: 'tool_use', id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', name: 'checkSandboxErrors', input: {} }]);
  });

  it('sends blocks another provider signed to no one, and asks without thinking', () => {
    const body = bodyFor(secondTurn(parseRecorded('claude-proxy')));
    expect(body).not.toHaveProperty('thinking');
    expect(JSON.stringify(body)).not.toContain(recordedThinking.signature);
  });

  it('sends no block to a call that does not think', () => {
    const { reasoningEffort: _effort, ...withoutEffort } = secondTurn(parseRecorded());
    const body = bodyFor(withoutEffort);
    expect(body).not.toHaveProperty('thinking');
    expect(JSON.stringify(body)).not.toContain(recordedThinking.signature);
  });

  it("puts a message's signed blocks first in its turn when the assistant's messages before it share the turn", () => {
    const answer = parseRecorded();
    const request = secondTurn(answer);
    const [user, assistant, tool] = request.messages;
    const body = bodyFor({ ...request, messages: [user!, { role: 'assistant', content: 'Let me check.' }, assistant!, tool!] });
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(body.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: recordedThinking.thinking, signature: recordedThinking.signature },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9', name: 'checkSandboxErrors', input: {} },
    ]);
  });
});
