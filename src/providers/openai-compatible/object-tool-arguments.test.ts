/**
 * Tool-call arguments sent as a JSON object instead of JSON text (TGI; llama-server for a while, and with
 * `--tool-args-object`): read as the object's JSON text, streamed or not, so the call keeps its arguments. The
 * bodies are recorded OpenAI answers with only their arguments changed (object-tool-arguments.test-support.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../http/sse-parser.js';
import { objectArgumentsCompletion, objectArgumentsStream } from '../../testing/object-tool-arguments.test-support.js';
import { sharedFixturesDirectory } from '../../testing/shared-fixtures.test-support.js';
import type { StreamChunk } from '../../types.js';
import { openAICompatibleProtocol } from './openai-compatible-protocol.js';
import { noResponseHeaders } from '../../http/response-headers.js';

const options = { providerId: 'local', headers: noResponseHeaders };
type ToolCallDelta = Extract<StreamChunk, { type: 'tool-call-delta' }>;

function decodeStream(body: string): StreamChunk[] {
  const decoder = openAICompatibleProtocol.createStreamDecoder(options);
  return new SseParser().push(new TextEncoder().encode(body)).flatMap((event) => decoder.decode(event));
}

/** The tool-call deltas of one stream event whose only call's `function.arguments` is `value` (or JSON text `valueText`; none when undefined). */
function decodeArgumentsDelta(value: unknown, valueText: string | undefined = JSON.stringify(value)): ToolCallDelta[] {
  const fn = valueText === undefined ? '{"name":"f"}' : `{"name":"f","arguments":${valueText}}`;
  const call = `{"index":0,"id":"call_1","type":"function","function":${fn}}`;
  const data = `{"choices":[{"index":0,"delta":{"tool_calls":[${call}]},"finish_reason":null}]}`;
  return openAICompatibleProtocol
    .createStreamDecoder(options)
    .decode({ data })
    .filter((chunk): chunk is ToolCallDelta => chunk.type === 'tool-call-delta');
}

function parseArguments(value: unknown): string | undefined {
  const call = { id: 'call_1', type: 'function', function: { name: 'f', arguments: value } };
  const body = { model: 'm', choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [call] } }] };
  return openAICompatibleProtocol.parseChatResponse(body, options).toolCalls[0]?.arguments;
}

describe('the fixtures', () => {
  const recorded = (name: string) => readFileSync(`${sharedFixturesDirectory()}/openai/${name}`, 'utf8');

  it('are the recorded answers with only the arguments changed to the object they encode', () => {
    const completion = JSON.parse(recorded('chat-completion-tool-call.json')) as { choices: { message: { tool_calls: { function: { arguments: unknown } }[] } }[] };
    const fn = completion.choices[0]!.message.tool_calls[0]!.function;
    fn.arguments = JSON.parse(fn.arguments as string);
    expect(JSON.parse(objectArgumentsCompletion.body)).toEqual(completion);

    // The stream: the recorded events but the argument fragments, the call's first delta carrying them whole.
    const events = recorded('chat-stream-tool-call.sse').split(/(?<=\n\n)/);
    const fragments = events.filter((event) => event.includes('"tool_calls":[') && !event.includes('"name":'));
    expect(fragments).toHaveLength(5);
    const expected = events
      .filter((event) => !fragments.includes(event))
      .map((event) => event.replace('"arguments":""', `"arguments":${JSON.stringify(objectArgumentsStream.call.arguments)}`));
    expect(objectArgumentsStream.body).toBe(expected.join(''));
  });
});

describe('arguments sent as a JSON object', () => {
  it("are the object's JSON text in the answer not streamed", () => {
    const response = openAICompatibleProtocol.parseChatResponse(JSON.parse(objectArgumentsCompletion.body), options);
    const { call } = objectArgumentsCompletion;
    expect(response.toolCalls).toEqual([{ id: call.id, name: call.name, arguments: JSON.stringify(call.arguments) }]);
    expect(response.finishReason).toBe('tool_calls');
  });

  it("are the object's JSON text in a stream that sends the call whole in one delta", () => {
    const chunks = decodeStream(objectArgumentsStream.body);
    const { call } = objectArgumentsStream;
    expect(chunks.filter((chunk) => chunk.type === 'tool-call-delta')).toEqual([
      { type: 'tool-call-delta', index: 0, id: call.id, name: call.name, argumentsDelta: JSON.stringify(call.arguments) },
    ]);
    expect(chunks.filter((chunk) => chunk.type === 'finish')).toEqual([{ type: 'finish', finishReason: 'tool_calls' }]);
  });

  it('and as an array, are its JSON text too, streamed or not', () => {
    expect(parseArguments([1, { a: 'b' }])).toBe('[1,{"a":"b"}]');
    expect(decodeArgumentsDelta([1, { a: 'b' }])).toMatchObject([{ argumentsDelta: '[1,{"a":"b"}]' }]);
  });

  it('keep nested objects, unicode and escapes as their JSON text, which parses back to them', () => {
    const value = { path: 'C:\\tmp\\"x"', city: 'Zürich', nested: { list: [null, true, 1.5] }, empty: {} };
    expect(JSON.parse(parseArguments(value) ?? '')).toEqual(value);
    expect(JSON.parse(decodeArgumentsDelta(value)[0]?.argumentsDelta ?? '')).toEqual(value);
  });
});

describe('arguments nested too deep for JSON.stringify (which recurses where JSON.parse does not)', () => {
  // 100,000 arrays deep: JSON.parse reads it, JSON.stringify overflows the stack.
  const deepText = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

  it('throw nothing, streamed or not: they are read as arguments of no usable type', () => {
    expect(parseArguments(JSON.parse(deepText))).toBe('{}');
    expect(decodeArgumentsDelta(undefined, deepText)).toMatchObject([{ argumentsDelta: '' }]);
  });
});

describe('arguments of any other type', () => {
  it('are read as before: JSON text of the value, or {} when null, in the answer not streamed', () => {
    expect(parseArguments('{"a":1}')).toBe('{"a":1}');
    expect(parseArguments(5)).toBe('5');
    expect(parseArguments(true)).toBe('true');
    expect(parseArguments(null)).toBe('{}');
    expect(parseArguments(undefined)).toBe('{}');
  });

  it('are an empty fragment, as before, in a stream', () => {
    for (const value of [5, true, null, undefined]) {
      expect(decodeArgumentsDelta(value), String(value)).toMatchObject([{ argumentsDelta: '' }]);
    }
    expect(decodeArgumentsDelta('{"a":')).toMatchObject([{ argumentsDelta: '{"a":' }]);
  });
});
