import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../types.js';
import { openAICompatibleProtocol } from './openai-compatible-protocol.js';
import { recordedResponseHeaders as recordedHeaders, sharedFixturesDirectory } from '../../testing/shared-fixtures.test-support.js';
import { noResponseHeaders } from '../../http/response-headers.js';
import type { ResponseHeaders } from '../../http/types.js';

const fixturesDirectory = sharedFixturesDirectory();
const readBody = (path: string): unknown => JSON.parse(readFileSync(`${fixturesDirectory}/${path}`, 'utf8'));

const parse = (path: string, headers: ResponseHeaders = noResponseHeaders): ChatResponse =>
  openAICompatibleProtocol.parseChatResponse(readBody(path), { providerId: path.split('/')[0] ?? '', headers });

describe('parseOpenAIChatResponse on the recorded answers', () => {
  it("reads an OpenAI answer, with the request id from x-request-id and the answer's own id from its body", () => {
    expect(parse('openai/chat-completion.json', recordedHeaders('openai/chat-completion.headers.txt'))).toEqual({
      content: 'SUCCESS',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 14, outputTokens: 1, totalTokens: 15 },
      model: 'gpt-4o-mini-2024-07-18',
      requestId: 'req_5f6372db5713441eb3ba1cc481aeb0fe',
      responseId: 'chatcmpl-CYK4xLF7VAEVtvFmJ3ad8kFZdBfWl',
    });
  });

  it('reads an answer cut by max_tokens as length, with the body id when there is no header', () => {
    expect(parse('openai/chat-completion-max_tokens.json')).toEqual({
      content: '**Title: The Last Ember of Eldoria**\n\n',
      toolCalls: [],
      finishReason: 'length',
      usage: { inputTokens: 16, outputTokens: 10, totalTokens: 26 },
      model: 'gpt-4o-mini-2024-07-18',
      requestId: 'chatcmpl-ChrU8RBawYyEMyrvlZTsV90yo7uCl',
      responseId: 'chatcmpl-ChrU8RBawYyEMyrvlZTsV90yo7uCl',
    });
  });

  it('reads a reasoning model answer: reasoning tokens count as output, and are told apart', () => {
    const response = parse('openai/chat-completion-max_completion_tokens-o3-mini.json');
    expect(response).toMatchObject({
      content: 'Hello there! How can I help you today?',
      finishReason: 'stop',
      model: 'o3-mini-2025-01-31',
    });
    expect(response.usage).toEqual({ inputTokens: 7, outputTokens: 87, totalTokens: 94, reasoningTokens: 64 });
    // OpenAI shows no reasoning text.
    expect(response.reasoning).toBeUndefined();
  });

  it('reads the reasoning a message shows, as `reasoning` (Groq, vLLM) or `reasoning_content` (DeepSeek, Moonshot)', () => {
    const body = (field: string) => ({ model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Paris.', [field]: 'The capital is Paris.' } }] });
    for (const field of ['reasoning', 'reasoning_content']) {
      const response = openAICompatibleProtocol.parseChatResponse(body(field), { providerId: 'local', headers: noResponseHeaders });
      expect(response).toMatchObject({ content: 'Paris.', reasoning: 'The capital is Paris.' });
    }
    const plain = openAICompatibleProtocol.parseChatResponse(body('other'), { providerId: 'local', headers: noResponseHeaders });
    expect('reasoning' in plain).toBe(false);
  });

  it('reads an OpenAI tool call with null content', () => {
    expect(parse('openai/chat-completion-tool-call.json', recordedHeaders('openai/chat-completion-tool-call.headers.txt'))).toEqual({
      content: '',
      toolCalls: [{ id: 'call_i6JVJ1KxX79A4WzFri98E03U', name: 'square_number', arguments: '{"number":5}' }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 58, outputTokens: 15, totalTokens: 73 },
      model: 'gpt-4o-mini-2024-07-18',
      requestId: 'req_388e63f9b8d4edc0dd153001f25388e5',
      responseId: 'chatcmpl-AsZL5nGOaVpcGnDOesTxBZPHhMoaS',
    });
  });

  it('says an answer that called tools finished for them, even when it says stop (a named tool_choice)', () => {
    // OpenAI (and vLLM-based servers) answer a named tool_choice with finish_reason "stop"; an agent that
    // loops on the tool-call reason would stop instead of running the tool. The recorded call, so rewritten.
    const body = readBody('openai/chat-completion-tool-call.json') as { choices: { finish_reason: string }[] };
    body.choices[0]!.finish_reason = 'stop';
    const response = openAICompatibleProtocol.parseChatResponse(body, { providerId: 'openai', headers: noResponseHeaders });
    expect(response.toolCalls).toHaveLength(1);
    expect(response.finishReason).toBe('tool_calls');
    expect(parse('openai/chat-completion.json').finishReason).toBe('stop');
  });

  it('reads the vercel OpenAI and Groq answers', () => {
    const openai = parse('openai/chat-completion.vercel.json');
    expect(openai.content.startsWith('**Holiday Name:** Galaxy Day')).toBe(true);
    expect(openai).toMatchObject({ finishReason: 'stop', model: 'gpt-4.1-nano-2025-04-14' });
    expect(openai.usage).toEqual({ inputTokens: 16, outputTokens: 363, totalTokens: 379 });
    const groq = parse('groq/chat-completion.vercel.json');
    expect(groq.content.startsWith('I\'d like to introduce "Luminaria"')).toBe(true);
    expect(groq).toMatchObject({
      finishReason: 'stop',
      model: 'llama-3.3-70b-versatile',
      usage: { inputTokens: 45, outputTokens: 607, totalTokens: 652 },
    });
    expect(parse('groq/chat-completion-tool-call.vercel.json')).toMatchObject({
      content: '',
      toolCalls: [{ id: 'ax9fskhev', name: 'weather', arguments: '{}' }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 218, outputTokens: 15, totalTokens: 233 },
    });
  });

  it('reads the Together answers (SDK-parsed recordings with extra fields)', () => {
    expect(parse('together/chat-completion.sdk-parsed.json')).toEqual({
      content: "Hello! It's nice to meet you. Is there something I can help you with or would you like to chat?",
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 39, outputTokens: 25, totalTokens: 64 },
      model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo-Free',
      requestId: 'oBUtgGr-4Yz4kd-9801a2f00b2b42e8',
      responseId: 'oBUtgGr-4Yz4kd-9801a2f00b2b42e8',
    });
    expect(parse('together/chat-completion-tool-call.sdk-parsed.json')).toMatchObject({
      content: '',
      toolCalls: [{ id: 'call_8prwkicthj6bjfqa9ye64y2b', name: 'get_weather', arguments: '{"city":"Tokyo"}' }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 193, outputTokens: 24, totalTokens: 217 },
    });
  });

  it('reads the Moonshot answer', () => {
    expect(parse('moonshot/chat-completion.docs.json')).toEqual({
      content: ' 你好，李雷！1+1等于2。如果你有其他问题，请随时提问！',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 19, outputTokens: 21, totalTokens: 40 },
      model: 'moonshot-v1-8k',
      requestId: 'cmpl-04ea926191a14749b7f2c7a48a68abc6',
      responseId: 'cmpl-04ea926191a14749b7f2c7a48a68abc6',
    });
  });
});

describe('parseOpenAIChatResponse on failures disguised as a 200', () => {
  const options = { providerId: 'local', headers: noResponseHeaders };

  it('throws the error a 200 body carries', () => {
    expect(() => openAICompatibleProtocol.parseChatResponse(readBody('openai/error-503-model-overloaded.json'), options))
      .toThrow(expect.objectContaining({ reason: 'server_error', provider: 'local' }));
  });

  it('throws a server_error for a body without a choice', () => {
    for (const body of [{ choices: [] }, { object: 'chat.completion' }, null, 'text']) {
      expect(() => openAICompatibleProtocol.parseChatResponse(body, options)).toThrow(
        expect.objectContaining({ reason: 'server_error', message: 'local: HTTP 200 without a choice in the body' }),
      );
    }
  });
});
