/**
 * Property tests of the Messages stream encoder: for any stream the router may yield (text, reasoning, parallel
 * tool calls' argument deltas interleaved and cut anywhere, usage, any finish, a failure after any chunk), the
 * events follow Anthropic's grammar: `message_start` first; content blocks started at indexes 0, 1, 2..., one
 * open at a time, each delta inside its block and of its kind, each stopped once; `message_delta` with the stop
 * reason, then `message_stop`, last; or, on a failure, one `error` event and nothing after it. The text and each
 * call's arguments arrive whole, the ids and names carried; and Anthropic's own stream helper assembles the
 * message. fast-check prints the seed and the shrunk stream of a failure; each one found is kept as a plain
 * regression test below.
 */
import Anthropic from '@anthropic-ai/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anthropicClientReads } from '../official-stream-clients.test-support.js';
import { relay, scriptedStreams, streamOf, streamResult, type ScriptedCall, type ScriptedStream } from '../stream-chunk-sequences.test-support.js';
import { strictSseEvents } from '../strict-sse-events.test-support.js';
import { toAnthropicStopReason, toAnthropicUsage } from './messages-response.js';
import { MessagesStreamEvents } from './messages-stream-events.js';

const numRuns = 300;
const stopReasons = new Set(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal']);

interface MessagesView {
  readonly start: Record<string, unknown> | undefined;
  readonly blocks: { type: string; id?: string; name?: string; content: string }[];
  readonly messageDelta: Record<string, unknown> | undefined;
  readonly error: Record<string, unknown> | undefined;
  readonly problems: string[];
}

/** The events as a Messages client reads them, and every rule of Anthropic's grammar they break. */
function readMessagesStream(sseText: string): MessagesView {
  const problems: string[] = [];
  const blocks: MessagesView['blocks'] = [];
  let start: Record<string, unknown> | undefined;
  let messageDelta: Record<string, unknown> | undefined;
  let error: Record<string, unknown> | undefined;
  let open: number | undefined;
  let stopped = false;
  for (const { event, data: text } of strictSseEvents(sseText)) {
    const data = JSON.parse(text) as Record<string, unknown>;
    if (event !== data.type) problems.push(`event ${String(event)} carries type ${String(data.type)}`);
    if (stopped || error !== undefined) problems.push(`${String(event)} after the end`);
    if (event === 'ping') continue;
    if (start === undefined && event !== 'message_start') problems.push(`${String(event)} before message_start`);
    const index = data.index as number;
    if (event === 'message_start') {
      if (start !== undefined) problems.push('a second message_start');
      start = data.message as Record<string, unknown>;
    } else if (event === 'content_block_start') {
      if (open !== undefined) problems.push(`block ${index} started while block ${open} is open`);
      if (index !== blocks.length) problems.push(`block ${index} started at index ${blocks.length}`);
      if (messageDelta !== undefined) problems.push('a block after message_delta');
      const block = data.content_block as { type: string; id?: string; name?: string; text?: string; input?: unknown };
      if (block.type === 'text' ? block.text !== '' : block.type !== 'tool_use' || typeof block.id !== 'string' || block.id === '' || typeof block.name !== 'string' || JSON.stringify(block.input) !== '{}') {
        problems.push(`block ${index} starts as ${JSON.stringify(block)}`);
      }
      blocks.push({ type: block.type, ...(block.id === undefined ? {} : { id: block.id }), ...(block.name === undefined ? {} : { name: block.name }), content: '' });
      open = index;
    } else if (event === 'content_block_delta') {
      const delta = data.delta as { type: string; text?: string; partial_json?: string };
      const block = blocks[index];
      if (index !== open || block === undefined) problems.push(`a delta to block ${index}, which is not open`);
      else if (delta.type !== (block.type === 'text' ? 'text_delta' : 'input_json_delta')) problems.push(`a ${delta.type} in a ${block.type} block`);
      else block.content += delta.text ?? delta.partial_json ?? '';
    } else if (event === 'content_block_stop') {
      if (index !== open) problems.push(`block ${index} stopped when not open`);
      open = undefined;
    } else if (event === 'message_delta') {
      if (open !== undefined) problems.push(`message_delta while block ${open} is open`);
      if (messageDelta !== undefined) problems.push('a second message_delta');
      messageDelta = data;
    } else if (event === 'message_stop') {
      if (messageDelta === undefined) problems.push('message_stop without message_delta');
      stopped = true;
    } else if (event === 'error') {
      error = data;
    } else {
      problems.push(`an unknown event ${String(event)}`);
    }
  }
  if (!stopped && error === undefined) problems.push('the stream ends without message_stop or an error');
  return { start, blocks, messageDelta, error, problems };
}

function encode(stream: ScriptedStream): string {
  return relay(new MessagesStreamEvents({ id: 'msg_test', createdSeconds: 0, model: 'openai/gpt-4o-mini' }), stream);
}

/** The arguments when they are one JSON object (whitespace around it aside). */
function oneObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The input_json_delta text of a call's stopped block, as a client parses it at the stop: nothing for arguments of
 * whitespace; the arguments as they came when they are one object; otherwise a JSON object whose `arguments` is
 * their whole text, as the answer not streamed gives it. A block that closed once its arguments closed as one object,
 * when another block's deltas came, took no more: text run on after the object may be cut there.
 */
function expectToolInput(content: string, call: ScriptedCall): void {
  const text = call.arguments;
  if (text.trim() === '') {
    expect(content).toBe('');
    return;
  }
  const input = oneObject(content);
  expect(input).toBeDefined();
  const object = oneObject(text);
  if (object !== undefined) {
    expect(text.startsWith(content)).toBe(true);
    expect(input).toEqual(object);
    return;
  }
  if (call.leadingJson === undefined) {
    expect(input?.arguments).toBe(text);
    return;
  }
  const leadingEnd = text.indexOf(call.leadingJson) + call.leadingJson.length;
  if (text.startsWith(content) && content.trim() === text.slice(0, leadingEnd).trim()) return;
  const seen = input?.arguments;
  expect(typeof seen === 'string' && seen.length >= leadingEnd && text.startsWith(seen)).toBe(true);
}

const textOf = (view: MessagesView): string => view.blocks.flatMap((block) => (block.type === 'text' ? [block.content] : [])).join('');
const callsOf = (view: MessagesView) => view.blocks.filter((block) => block.type === 'tool_use');

/** What a client must read of a stream that ended. */
function expectWhole(view: MessagesView, stream: ScriptedStream): void {
  expect(view.problems).toEqual([]);
  expect(view.error).toBeUndefined();
  expect(textOf(view)).toBe(stream.text);
  const calls = callsOf(view);
  expect(calls.map((call) => call.name)).toEqual(stream.calls.map((call) => call.name));
  calls.forEach((call, position) => expectToolInput(call.content, stream.calls[position]!));
  stream.calls.forEach((call, position) => {
    if (call.id !== undefined) expect(calls[position]?.id).toBe(call.id);
  });
  expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length);
  const result = streamResult(stream.chunks);
  const delta = view.messageDelta as { delta: { stop_reason: string; stop_sequence: string | null }; usage: unknown };
  expect(stopReasons.has(delta.delta.stop_reason)).toBe(true);
  expect(delta.delta).toEqual({ stop_reason: toAnthropicStopReason(result), stop_sequence: result.stopSequence ?? null });
  expect(delta.usage).toEqual(toAnthropicUsage(result.usage));
  // message_start opens with the count the provider told before its first token (the last, if several), if it told one.
  const firstContent = stream.chunks.findIndex((chunk) => chunk.type !== 'usage');
  const told = stream.chunks.slice(0, firstContent === -1 ? undefined : firstContent).at(-1);
  const startUsage = told?.type === 'usage' ? toAnthropicUsage(told.usage) : { input_tokens: 0, output_tokens: 0 };
  expect(view.start).toMatchObject({ id: 'msg_test', type: 'message', role: 'assistant', content: [], stop_reason: null, usage: startUsage });
}

describe('the Messages stream, for any stream the router yields', () => {
  it("follows Anthropic's grammar and carries the whole text, each call's id, name and arguments, the stop reason and the usage", () => {
    fc.assert(
      fc.property(scriptedStreams({ trailingText: true }), (stream) => expectWhole(readMessagesStream(encode(stream)), stream)),
      { numRuns },
    );
  });

  it('ends a stream that broke with one error event, after what had come, and nothing after it', () => {
    fc.assert(
      fc.property(
        scriptedStreams({ failures: true }).filter((stream) => stream.failAfter !== undefined),
        (stream) => {
          const view = readMessagesStream(encode(stream));
          expect(view.problems).toEqual([]);
          expect(view.error).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
          expect(stream.text.startsWith(textOf(view))).toBe(true);
          // A call still open when the stream broke has what was written of its arguments' own text; one stopped before, its whole input.
          callsOf(view).forEach((call, position) => {
            const scripted = stream.calls[position]!;
            if (!scripted.arguments.startsWith(call.content)) expectToolInput(call.content, scripted);
          });
        },
      ),
      { numRuns },
    );
  });
});

describe("the Messages stream, read by Anthropic's own stream helper", () => {
  it('gives the client the whole message, or on a failure the API error it throws', async () => {
    await fc.assert(
      fc.asyncProperty(scriptedStreams({ trailingText: true, failures: true }), async (stream) => {
        const sseText = encode(stream);
        const read = await anthropicClientReads(sseText);
        if (stream.failAfter !== undefined) {
          expect(read.error).toBeInstanceOf(Anthropic.APIError);
          return;
        }
        expect(read.error).toBeUndefined();
        const content = read.answer?.content ?? [];
        expect(content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('')).toBe(stream.text);
        const inputs = content.flatMap((block) => (block.type === 'tool_use' ? [{ name: block.name, input: block.input }] : []));
        expect(inputs.map((call) => call.name)).toEqual(stream.calls.map((call) => call.name));
        // The input the client parsed at each block's stop is the JSON object the stream wrote, never its own reading of a part.
        const written = callsOf(readMessagesStream(sseText)).map((call) => (call.content === '' ? {} : (JSON.parse(call.content) as unknown)));
        expect(inputs.map((call) => call.input)).toEqual(written);
      }),
      { numRuns },
    );
  });
});

describe('Messages streams the properties found wrong', () => {
  /** The stream's one call, as Anthropic's client reads it. */
  async function clientInput(argumentsDeltas: readonly string[]): Promise<unknown> {
    const stream = streamOf(argumentsDeltas.map((argumentsDelta, position) => (position === 0 ? { type: 'tool-call-delta', index: 0, id: 'toolu_1', name: 'lookup', argumentsDelta } : { type: 'tool-call-delta', index: 0, argumentsDelta })));
    const sseText = encode(stream);
    expectWhole(readMessagesStream(sseText), stream);
    const read = await anthropicClientReads(sseText);
    expect(read.error).toBeUndefined();
    const [block] = read.answer?.content ?? [];
    return block?.type === 'tool_use' ? block.input : block;
  }

  it("gives arguments of whitespace as no input: Anthropic's client threw parsing ' '", async () => {
    expect(await clientInput([' '])).toEqual({});
  });

  it("gives arguments that are not an object whole, as { arguments }, as the answer not streamed does: Anthropic's client threw parsing 'London'", async () => {
    expect(await clientInput(['Lon', 'don'])).toEqual({ arguments: 'London' });
    expect(await clientInput(['[1,', '2]'])).toEqual({ arguments: '[1,2]' });
  });

  it("keeps a second object run on after the first in arguments: Anthropic's client threw parsing both", async () => {
    expect(await clientInput(['{"city":"Paris"}{"ci', 'ty":"London"}'])).toEqual({ city: 'Paris', arguments: '{"city":"Paris"}{"city":"London"}' });
    expect(await clientInput(['{}}'])).toEqual({ arguments: '{}}' });
  });

  it("gives an object that is not JSON inside as { arguments }, as the answer not streamed does: Anthropic's client threw parsing '{city: Paris}'", async () => {
    expect(await clientInput(['{city', ': Paris}'])).toEqual({ arguments: '{city: Paris}' });
  });
});
