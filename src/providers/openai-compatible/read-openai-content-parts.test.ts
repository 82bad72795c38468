import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../http/sse-parser.js';
import type { StreamChunk } from '../../types.js';
import { readMistralRecording, recordedMistralAnswer } from '../../testing/mistral-recordings.test-support.js';
import { openAICompatibleProtocol } from './openai-compatible-protocol.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const options = { providerId: 'mistral', headers: noResponseHeaders };

function decodeAll(bytes: string): StreamChunk[] {
  const parser = new SseParser();
  const decoder = openAICompatibleProtocol.createStreamDecoder(options);
  return parser.push(new TextEncoder().encode(bytes)).flatMap((event) => decoder.decode(event));
}

describe("Mistral's recorded answers, whose content is a list of thinking and text chunks", () => {
  it('reads the answer not streamed: its text chunk as the content, its thinking chunk as the reasoning', () => {
    const response = openAICompatibleProtocol.parseChatResponse(JSON.parse(readMistralRecording('chat-completion-thinking.json')), options);
    const recorded = recordedMistralAnswer('chat-completion-thinking.json');
    expect(response).toEqual({
      content: recorded.text,
      reasoning: recorded.reasoning,
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 664, outputTokens: 747, totalTokens: 1411 },
      model: 'magistral-medium-latest',
      requestId: '9abe8b736bff46af8e979b52334a57cd',
      responseId: '9abe8b736bff46af8e979b52334a57cd',
    });
    expect(response.content.startsWith('Crossing a river is quite different from crossing a street')).toBe(true);
    expect(response.reasoning?.startsWith('**Analogizing crossing a river**\n\n')).toBe(true);
  });

  it('decodes the stream: each thinking list as a reasoning delta, all before the answer Mistral streams as strings', () => {
    const chunks = decodeAll(readMistralRecording('chat-stream-thinking.sse'));
    const recorded = recordedMistralAnswer('chat-stream-thinking.sse');
    const types = chunks.map((chunk) => chunk.type);
    // 82 thinking chunks, the empty one that closes the thinking giving nothing, then 190 strings.
    expect(types).toEqual([...Array<string>(82).fill('reasoning-delta'), ...Array<string>(190).fill('text-delta'), 'usage', 'finish']);
    expect(chunks.slice(0, 3)).toEqual([
      { type: 'reasoning-delta', text: 'Okay' },
      { type: 'reasoning-delta', text: ',' },
      { type: 'reasoning-delta', text: ' the' },
    ]);
    const joined = (type: string) => chunks.map((chunk) => (chunk.type === type && 'text' in chunk ? chunk.text : '')).join('');
    expect(joined('reasoning-delta')).toBe(recorded.reasoning);
    expect(joined('text-delta')).toBe(recorded.text);
    expect(chunks.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 275, totalTokens: 285 } },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });
});

/** Any JSON, and lists of parts whose `type` may be one we read or any other, with any fields. */
const partArbitrary = fc.oneof(
  fc.jsonValue(),
  fc.record({ type: fc.oneof(fc.constantFrom('text', 'thinking', 'reference', 'image_url'), fc.string()), text: fc.jsonValue(), thinking: fc.jsonValue() }, { requiredKeys: ['type'] }),
);
const contentArbitrary = fc.oneof(fc.jsonValue(), fc.array(partArbitrary, { maxLength: 6 }));

describe('content of any shape', () => {
  it('never makes the parser throw: the content is always a string, the reasoning a non-empty string or absent', () => {
    fc.assert(
      fc.property(contentArbitrary, (content) => {
        const body = { model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }] };
        const response = openAICompatibleProtocol.parseChatResponse(body, options);
        expect(typeof response.content).toBe('string');
        if ('reasoning' in response) expect(response.reasoning).not.toBe('');
      }),
    );
  });

  it('never makes the stream decoder throw, and gives only non-empty text and reasoning deltas', () => {
    fc.assert(
      fc.property(contentArbitrary, (content) => {
        const decoder = openAICompatibleProtocol.createStreamDecoder(options);
        const chunks = decoder.decode({ data: JSON.stringify({ choices: [{ index: 0, delta: { content } }] }) });
        for (const chunk of chunks) {
          expect(['text-delta', 'reasoning-delta']).toContain(chunk.type);
          expect(chunk.type === 'text-delta' || chunk.type === 'reasoning-delta' ? chunk.text : '').not.toBe('');
        }
      }),
    );
  });

  it('reads nothing from parts of a type other than text and thinking', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ type: fc.string().filter((type) => type !== 'text' && type !== 'thinking'), text: fc.string(), thinking: fc.string() }), { maxLength: 6 }), (parts) => {
        const body = { model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: parts } }] };
        const response = openAICompatibleProtocol.parseChatResponse(body, options);
        expect(response.content).toBe('');
        expect(response).not.toHaveProperty('reasoning');
        expect(openAICompatibleProtocol.createStreamDecoder(options).decode({ data: JSON.stringify({ choices: [{ index: 0, delta: { content: parts } }] }) })).toEqual([]);
      }),
    );
  });
});
