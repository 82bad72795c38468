import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { SseParser } from '../../http/sse-parser.js';
import type { FinishReason, StreamChunk, ToolCall, Usage } from '../../types.js';
import { openAICompatibleProtocol } from './openai-compatible-protocol.js';
import { sharedFixturesDirectory } from '../../testing/shared-fixtures.test-support.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const fixturesDirectory = sharedFixturesDirectory();

const groqRecordedReasoning =
  'We need to call the tool with invalid parameters first, then second call with valid args. The user wants us to test error handling. So first call should have wrong parameters (e.g., missing required "name" or extra param). The tool expects only "name". If we send extra property, that might cause error. Or missing "name". We\'ll do a call with missing name: {}. Then second call with name: "test". Let\'s do that.';

/** A recorded stream as bytes: raw `.sse` as is, `.chunks.jsonl` (framing stripped) wrapped as `data: <line>\n\n`. */
function recordedStreamBytes(path: string): Uint8Array {
  const content = readFileSync(`${fixturesDirectory}/${path}`);
  if (path.endsWith('.sse')) return new Uint8Array(content);
  const lines = content.toString('utf8').split('\n').filter((line) => line.trim() !== '');
  return new TextEncoder().encode(lines.map((line) => `data: ${line}\n\n`).join(''));
}

interface Decoded {
  readonly text: string;
  readonly toolCalls: ToolCall[];
  readonly usage: Usage[];
  readonly finishReasons: FinishReason[];
  readonly done: boolean;
}

/** Parse and decode a whole stream, then put the answer together the way a caller would. */
function decodeStream(path: string): Decoded {
  const parser = new SseParser();
  const decoder = openAICompatibleProtocol.createStreamDecoder({ providerId: path.split('/')[0] ?? '', headers: noResponseHeaders });
  const chunks: StreamChunk[] = [];
  for (const event of parser.push(recordedStreamBytes(path))) chunks.push(...decoder.decode(event));
  const rest = parser.end();
  if (rest !== undefined) chunks.push(...decoder.decode(rest));
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for (const chunk of chunks) {
    if (chunk.type !== 'tool-call-delta') continue;
    const call = calls.get(chunk.index) ?? { id: '', name: '', arguments: '' };
    calls.set(chunk.index, {
      id: chunk.id ?? call.id,
      name: chunk.name ?? call.name,
      arguments: call.arguments + chunk.argumentsDelta,
    });
  }
  return {
    text: chunks.map((chunk) => (chunk.type === 'text-delta' ? chunk.text : '')).join(''),
    toolCalls: [...calls.values()],
    usage: chunks.flatMap((chunk) => (chunk.type === 'usage' ? [chunk.usage] : [])),
    finishReasons: chunks.flatMap((chunk) => (chunk.type === 'finish' ? [chunk.finishReason] : [])),
    done: decoder.done,
  };
}

// Expected values were read off the recordings by a separate script (join every delta.content, group
// tool_calls by index, take the usage objects), not by this decoder.
describe('the OpenAI stream decoder on the recorded streams', () => {
  it('OpenAI with include_usage: text, then finish, then a usage-only chunk, then [DONE]', () => {
    expect(decodeStream('openai/chat-stream-include-usage.sse')).toEqual({
      text: "Thought: I now can give a great answer  \nFinal Answer: Dogs are loyal companions, often considered a human's best friend.",
      toolCalls: [],
      usage: [{ inputTokens: 176, outputTokens: 26, totalTokens: 202 }],
      finishReasons: ['stop'],
      done: true,
    });
  });

  it("names the answer's own id, from the chunks (each repeats it)", () => {
    const parser = new SseParser();
    const decoder = openAICompatibleProtocol.createStreamDecoder({ providerId: 'openai', headers: noResponseHeaders });
    expect(decoder.responseId).toBeUndefined();
    const [first, ...rest] = parser.push(recordedStreamBytes('openai/chat-stream-include-usage.sse'));
    decoder.decode(first!);
    expect(decoder.responseId).toBe('chatcmpl-B87cPAYlQPYYJ6Ok4tP0dPmPyKu1u');
    for (const event of rest) decoder.decode(event);
    expect(decoder.responseId).toBe('chatcmpl-B87cPAYlQPYYJ6Ok4tP0dPmPyKu1u');
  });

  it('OpenAI tool call: id and name first, arguments in fragments', () => {
    expect(decodeStream('openai/chat-stream-tool-call.sse')).toEqual({
      text: '',
      toolCalls: [{ id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', arguments: '{"country":"UK"}' }],
      usage: [{ inputTokens: 53, outputTokens: 15, totalTokens: 68 }],
      finishReasons: ['tool_calls'],
      done: true,
    });
  });

  it('OpenAI tool call ending with finish_reason stop (a named tool_choice) finishes for its tool calls', () => {
    const recorded = readFileSync(`${fixturesDirectory}/openai/chat-stream-tool-call.sse`, 'utf8');
    expect(recorded).toContain('"finish_reason":"tool_calls"');
    const parser = new SseParser();
    const decoder = openAICompatibleProtocol.createStreamDecoder({ providerId: 'openai', headers: noResponseHeaders });
    const bytes = new TextEncoder().encode(recorded.replace('"finish_reason":"tool_calls"', '"finish_reason":"stop"'));
    const finishes = parser.push(bytes).flatMap((event) => decoder.decode(event)).filter((chunk) => chunk.type === 'finish');
    expect(finishes).toEqual([{ type: 'finish', finishReason: 'tool_calls' }]);
  });

  it('OpenAI vercel chunks', () => {
    const decoded = decodeStream('openai/chat-stream.vercel.chunks.jsonl');
    expect(decoded.text).toHaveLength(1724);
    expect(decoded.text.startsWith('**Holiday Name:** Harmony Day\n\n**Date:** Celebrated annually')).toBe(true);
    expect(decoded.text.endsWith('ed human experiences and mutual respect.')).toBe(true);
    expect(decoded).toMatchObject({
      usage: [{ inputTokens: 16, outputTokens: 300, totalTokens: 316 }],
      finishReasons: ['stop'],
      done: false, // the recorder stripped [DONE]
    });
  });

  it('Groq raw stream: usage from x_groq.usage on the finish chunk', () => {
    const decoded = decodeStream('groq/chat-stream.sse');
    expect(decoded.text).toHaveLength(4045);
    expect(decoded.text.startsWith("<think>\nOkay, so I want to make Uruguayan alfajores. I've he")).toBe(true);
    expect(decoded.text.endsWith('Enjoy your homemade Uruguayan alfajores!')).toBe(true);
    expect(decoded).toMatchObject({
      usage: [{ inputTokens: 21, outputTokens: 988, totalTokens: 1009 }],
      finishReasons: ['stop'],
      done: true,
    });
  });

  it('Groq vercel chunks: usage in both x_groq and the top level is reported once', () => {
    const decoded = decodeStream('groq/chat-stream.vercel.chunks.jsonl');
    expect(decoded.text).toHaveLength(3189);
    expect(decoded.text.startsWith('Introducing "Luminaria" - a new holiday that celebrates the ')).toBe(true);
    expect(decoded.usage).toEqual([{ inputTokens: 45, outputTokens: 662, totalTokens: 707 }]);
    expect(decoded.finishReasons).toEqual(['stop']);
  });

  it('Groq tool call in one chunk', () => {
    expect(decodeStream('groq/chat-stream-tool-call.vercel.chunks.jsonl')).toEqual({
      text: '',
      toolCalls: [{ id: 'tk85n1k4m', name: 'weather', arguments: '{}' }],
      usage: [{ inputTokens: 210, outputTokens: 15, totalTokens: 225 }],
      finishReasons: ['tool_calls'],
      done: false,
    });
  });

  it('Together: usage beside the finish reason, ids and names null after the first tool chunk', () => {
    expect(decodeStream('together/chat-stream.sdk-parsed.chunks.jsonl')).toMatchObject({
      text: "Hello! It's nice to meet you. Is there something I can help you with or would you like to chat?",
      usage: [{ inputTokens: 39, outputTokens: 25, totalTokens: 64 }],
      finishReasons: ['stop'],
    });
    expect(decodeStream('together/chat-stream-tool-call.sdk-parsed.chunks.jsonl')).toMatchObject({
      text: '',
      toolCalls: [{ id: 'call_jy63yt7kp8hfof3sy4pim94o', name: 'get_weather', arguments: '{"city":"Tokyo"}' }],
      usage: [{ inputTokens: 193, outputTokens: 24, totalTokens: 217 }],
      finishReasons: ['tool_calls'],
    });
  });

  it('Moonshot: usage inside the choice; the final [DONE] has no blank line after it', () => {
    expect(decodeStream('moonshot/chat-stream.docs.sse')).toEqual({
      text: '你好。',
      toolCalls: [],
      usage: [{ inputTokens: 19, outputTokens: 13, totalTokens: 32 }],
      finishReasons: ['stop'],
      done: true,
    });
  });

  it("Groq's reasoning deltas (gpt-oss, `delta.reasoning`) come as reasoning chunks, before its error event", () => {
    const parser = new SseParser();
    const decoder = openAICompatibleProtocol.createStreamDecoder({ providerId: 'groq', headers: noResponseHeaders });
    const chunks: StreamChunk[] = [];
    const events = [...parser.push(recordedStreamBytes('groq/chat-stream-error-tool-use-failed.sse'))];
    const last = events.pop();
    for (const event of events) chunks.push(...decoder.decode(event));
    expect(chunks.every((chunk) => chunk.type === 'reasoning-delta')).toBe(true);
    // Read off the recording by a separate script: every delta.reasoning joined.
    expect(chunks.map((chunk) => (chunk.type === 'reasoning-delta' ? chunk.text : '')).join('')).toBe(groqRecordedReasoning);
    expect(() => decoder.decode(last!)).toThrow(expect.objectContaining({ reason: 'generation_failed' }));
  });

  it("Groq's error event inside a 200 stream throws a ProviderError with the error's own status", () => {
    let caught: unknown;
    try {
      decodeStream('groq/chat-stream-error-tool-use-failed.sse');
    } catch (error) {
      caught = error;
    }
    expect(ProviderError.isInstance(caught)).toBe(true);
    // A 400, but a failed generation of Groq's model, not a request another provider would refuse.
    expect(caught).toMatchObject({ provider: 'groq', reason: 'generation_failed', statusCode: 400, providerCode: 'tool_use_failed' });
    expect((caught as Error).message).toMatch(/^groq: HTTP 400 tool_use_failed: Tool call validation failed/);
  });
});

describe('the OpenAI stream decoder on odd events', () => {
  const decoder = () => openAICompatibleProtocol.createStreamDecoder({ providerId: 'local', headers: noResponseHeaders });

  it("reads DeepSeek's and Moonshot's `reasoning_content` deltas as reasoning too", () => {
    expect(decoder().decode({ data: '{"choices":[{"index":0,"delta":{"reasoning_content":"Think first."}}]}' })).toEqual([
      { type: 'reasoning-delta', text: 'Think first.' },
    ]);
  });

  it('ignores empty data and role-only deltas', () => {
    const stream = decoder();
    expect(stream.decode({ data: '' })).toEqual([]);
    expect(stream.decode({ data: '{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}' })).toEqual([]);
    expect(stream.done).toBe(false);
  });

  it('throws a server_error for data that is not JSON, and an error payload without status as server_error', () => {
    expect(() => decoder().decode({ data: '{"choices":' })).toThrow(expect.objectContaining({ reason: 'server_error' }));
    expect(() => decoder().decode({ data: '{"error":{"message":"boom"}}' })).toThrow(
      expect.objectContaining({ reason: 'server_error', message: 'local: HTTP 500: boom' }),
    );
  });
});
