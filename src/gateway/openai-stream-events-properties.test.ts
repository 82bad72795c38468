/**
 * Property tests of the chat completions stream encoder: for any stream the router may yield (text, reasoning,
 * parallel tool calls' argument deltas interleaved and cut anywhere, usage, any finish, a failure after any
 * chunk), the events are what OpenAI's clients read: each a JSON chunk with the same id, created time and model,
 * the role first, each call's deltas under one stable index, its first naming its id, type and name, the text and
 * arguments whole, one finish reason after every delta, the usage when asked, and `data: [DONE]` last; or, on a
 * failure, the error object last. fast-check prints the seed and the shrunk stream of a failure; each one found
 * is kept as a plain regression test below.
 */
import fc from 'fast-check';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { GatewayCall } from './gateway-dialect.js';
import { openAIChatDialect } from './openai-dialect.js';
import { toOpenAIFinishReason, toOpenAIUsage } from './openai-response.js';
import { openAIChatClientReads } from './official-stream-clients.test-support.js';
import { relay, scriptedStreams, streamOf, streamResult, type ScriptedStream } from './stream-chunk-sequences.test-support.js';
import { strictSseEvents } from './strict-sse-events.test-support.js';

const numRuns = 300;
const context = { id: 'chatcmpl-test', createdSeconds: 1_700_000_000, model: 'openai/gpt-4o-mini' };

interface ChatView {
  readonly text: string;
  readonly reasoning: string;
  /** By the chunks' tool-call index: what the official client's accumulator keeps. */
  readonly calls: Map<number, { id?: string; type?: string; name?: string; arguments: string }>;
  readonly finishReasons: string[];
  readonly usage: unknown;
  readonly error: unknown;
  readonly problems: string[];
}

/** The events as OpenAI's stream helper reads them, and every rule of the format they break. */
function readChatStream(sseText: string): ChatView {
  const problems: string[] = [];
  const calls: ChatView['calls'] = new Map();
  const finishReasons: string[] = [];
  let text = '';
  let reasoning = '';
  let usage: unknown;
  let error: unknown;
  let done = false;
  strictSseEvents(sseText).forEach(({ event, data }, position) => {
    if (event !== undefined) problems.push(`an event named ${event}`);
    if (done) problems.push(`an event after [DONE]: ${data}`);
    if (error !== undefined) problems.push(`an event after the error: ${data}`);
    if (data === '[DONE]') {
      done = true;
      return;
    }
    const chunk = JSON.parse(data) as Record<string, unknown>;
    if (chunk.error !== undefined) {
      error = chunk.error;
      return;
    }
    if (chunk.id !== context.id || chunk.object !== 'chat.completion.chunk' || chunk.created !== context.createdSeconds || chunk.model !== context.model) {
      problems.push(`chunk ${position} names another completion: ${data}`);
    }
    const choices = chunk.choices as { index: number; delta: Record<string, unknown>; finish_reason: string | null }[];
    if (choices.length === 0) {
      if (chunk.usage === undefined) problems.push(`chunk ${position} has no choice and no usage`);
      if (finishReasons.length === 0) problems.push('the usage comes before the finish reason');
      usage = chunk.usage;
      return;
    }
    const [choice] = choices;
    if (choices.length !== 1 || choice?.index !== 0) problems.push(`chunk ${position} has choices ${JSON.stringify(choices)}`);
    if (choice === undefined) return;
    if (position === 0 && choice.delta.role !== 'assistant') problems.push('the first chunk does not give the role');
    const { content, reasoning_content: reasoningContent, tool_calls: toolCalls } = choice.delta as { content?: string; reasoning_content?: string; tool_calls?: Record<string, unknown>[] };
    const carriesDelta = (content ?? '') !== '' || reasoningContent !== undefined || toolCalls !== undefined;
    if (finishReasons.length > 0 && carriesDelta) problems.push(`a delta after the finish reason: ${data}`);
    text += content ?? '';
    reasoning += reasoningContent ?? '';
    for (const toolCall of toolCalls ?? []) {
      const index = toolCall.index as number;
      const fn = (toolCall.function ?? {}) as { name?: string; arguments?: string };
      const call = calls.get(index);
      if (call === undefined) {
        // The official client's accumulator needs a call's type and name (it throws "missing ... type" without them).
        if (typeof toolCall.id !== 'string' || toolCall.id === '' || toolCall.type !== 'function' || typeof fn.name !== 'string') {
          problems.push(`call ${index}'s first delta lacks its id, type or name: ${JSON.stringify(toolCall)}`);
        }
        calls.set(index, { ...(toolCall.id === undefined ? {} : { id: toolCall.id as string }), ...(toolCall.type === undefined ? {} : { type: toolCall.type as string }), ...(fn.name === undefined ? {} : { name: fn.name }), arguments: fn.arguments ?? '' });
      } else {
        if (toolCall.id !== undefined && toolCall.id !== call.id) problems.push(`call ${index} renamed ${String(call.id)} to ${String(toolCall.id)}`);
        call.arguments += fn.arguments ?? '';
      }
    }
    if (choice.finish_reason !== null) finishReasons.push(choice.finish_reason);
  });
  if (error === undefined && !done) problems.push('the stream does not end with [DONE]');
  return { text, reasoning, calls, finishReasons, usage, error, problems };
}

function encode(stream: ScriptedStream, includeUsage: boolean): string {
  const encoder = openAIChatDialect.streamEncoder({ ...context, includeUsage }, {} as GatewayCall);
  return relay(encoder, stream);
}

/** What a client must read of a stream that ended. */
function expectWhole(view: ChatView, stream: ScriptedStream, includeUsage: boolean): void {
  expect(view.problems).toEqual([]);
  expect(view.error).toBeUndefined();
  expect(view.text).toBe(stream.text);
  expect(view.reasoning).toBe(stream.reasoning);
  // Numbered 0, 1, 2... on the wire, in the order the calls began, whatever the provider numbered them.
  expect([...view.calls.keys()]).toEqual(stream.calls.map((_call, position) => position));
  stream.calls.forEach((call, position) => {
    expect(view.calls.get(position)).toMatchObject({ name: call.name, arguments: call.arguments, type: 'function', ...(call.id === undefined ? {} : { id: call.id }) });
  });
  const ids = [...view.calls.values()].map((call) => call.id);
  expect(new Set(ids).size).toBe(ids.length);
  const result = streamResult(stream.chunks);
  expect(view.finishReasons).toEqual([toOpenAIFinishReason(result.finishReason)]);
  expect(view.usage).toEqual(includeUsage && result.usage !== undefined ? toOpenAIUsage(result.usage) : undefined);
}

describe('the chat completions stream, for any stream the router yields', () => {
  it('is a valid chunk stream carrying the whole answer, one finish reason, the usage when asked, and [DONE] last', () => {
    fc.assert(
      fc.property(scriptedStreams(), fc.boolean(), (stream, includeUsage) => {
        expectWhole(readChatStream(encode(stream, includeUsage)), stream, includeUsage);
      }),
      { numRuns },
    );
  });

  it('keeps every delta of arguments that run on after their JSON closed', () => {
    fc.assert(
      fc.property(scriptedStreams({ trailingText: true }), (stream) => {
        expectWhole(readChatStream(encode(stream, false)), stream, false);
      }),
      { numRuns },
    );
  });

  it('ends a stream that broke with the error object, after what had come, and nothing after it', () => {
    fc.assert(
      fc.property(
        scriptedStreams({ failures: true }).filter((stream) => stream.failAfter !== undefined),
        (stream) => {
          const view = readChatStream(encode(stream, true));
          expect(view.problems).toEqual([]);
          expect(view.error).toMatchObject({ message: expect.any(String), type: expect.any(String), code: 'stream_interrupted' });
          expect(stream.text.startsWith(view.text)).toBe(true);
          expect(stream.reasoning.startsWith(view.reasoning)).toBe(true);
          stream.calls.forEach((call, position) => expect(call.arguments.startsWith(view.calls.get(position)?.arguments ?? '')).toBe(true));
        },
      ),
      { numRuns },
    );
  });
});

describe("the chat completions stream, read by OpenAI's own stream helper", () => {
  it('gives the client the whole answer, or on a failure the API error it throws', async () => {
    await fc.assert(
      fc.asyncProperty(scriptedStreams({ failures: true }), async (stream) => {
        const read = await openAIChatClientReads(encode(stream, true));
        if (stream.failAfter !== undefined) {
          expect(read.error).toBeInstanceOf(OpenAI.APIError);
          return;
        }
        expect(read.error).toBeUndefined();
        const message = read.answer?.choices[0]?.message;
        expect(message?.content ?? '').toBe(stream.text);
        const calls = (message?.tool_calls ?? []).flatMap((call) => (call.type === 'function' ? [{ name: call.function.name, arguments: call.function.arguments }] : []));
        expect(calls).toEqual(stream.calls.map((call) => ({ name: call.name, arguments: call.arguments })));
      }),
      { numRuns },
    );
  });
});

describe('chat completions streams the properties found wrong', () => {
  it("names a call whose provider gave it no id (an OpenAI-compatible server that sends none) by the id the router gave it: OpenAI's client needs its id and type", async () => {
    const stream = streamOf([{ type: 'tool-call-delta', index: 0, name: 'a', argumentsDelta: '' }]);
    const sseText = encode(stream, false);
    expectWhole(readChatStream(sseText), stream, false);
    const read = await openAIChatClientReads(sseText);
    expect(read.error).toBeUndefined();
    expect(read.answer?.choices[0]?.message.tool_calls).toEqual([{ id: expect.stringMatching(/^call_[0-9a-f]{24}$/), type: 'function', function: { name: 'a', arguments: '' } }]);
  });

  it("finishes an answer that called tools with tool_calls, though the provider said stop (an AI SDK model's named tool choice)", () => {
    const stream = streamOf([
      { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'a', argumentsDelta: '{}' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const view = readChatStream(encode(stream, false));
    expect(view.finishReasons).toEqual(['tool_calls']);
    expectWhole(view, stream, false);
  });

  it("numbers the calls 0, 1, 2... whatever the provider numbered them: OpenAI's client throws on a gap", async () => {
    const stream = streamOf([
      { type: 'tool-call-delta', index: 1, id: 'call_1', name: 'a', argumentsDelta: '{}' },
      { type: 'tool-call-delta', index: 5, id: 'call_5', name: 'b', argumentsDelta: '[]' },
    ]);
    const sseText = encode(stream, false);
    expectWhole(readChatStream(sseText), stream, false);
    const read = await openAIChatClientReads(sseText);
    expect(read.error).toBeUndefined();
    expect(read.answer?.choices[0]?.message.tool_calls?.map((call) => call.id)).toEqual(['call_1', 'call_5']);
  });
});
