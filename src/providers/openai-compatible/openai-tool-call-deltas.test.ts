/**
 * Parallel tool calls as OpenAI-compatible servers number them, right and wrong, through the stream decoder: two
 * recorded calls (OpenAI's and Together's) one after the other, their `index` fields rewritten as those servers send
 * them (parallelToolCallStream), and the other ways servers mark a call's deltas (an id repeated on every delta, a
 * fresh id on every fragment, the name on every delta), each applied to the recorded events.
 */
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../http/sse-parser.js';
import { parallelToolCallStream, recordedParallelCalls, type ToolCallNumbering } from '../../testing/parallel-tool-call-streams.test-support.js';
import type { StreamChunk } from '../../types.js';
import { openAICompatibleProtocol } from './openai-compatible-protocol.js';
import { noResponseHeaders } from '../../http/response-headers.js';

type ToolCallDelta = Extract<StreamChunk, { type: 'tool-call-delta' }>;

/** The tool-call chunks the decoder makes of a whole stream body. */
function decodeToolCallDeltas(body: string): ToolCallDelta[] {
  const decoder = openAICompatibleProtocol.createStreamDecoder({ providerId: 'local', headers: noResponseHeaders });
  const events = new SseParser().push(new TextEncoder().encode(body));
  return events.flatMap((event) => decoder.decode(event)).filter((chunk): chunk is ToolCallDelta => chunk.type === 'tool-call-delta');
}

/** The calls a client builds by merging the chunks by index, as every consumer of the chunks does. */
function callsByIndex(deltas: readonly ToolCallDelta[]): { id?: string; name?: string; arguments: string }[] {
  const calls: { id?: string; name?: string; arguments: string }[] = [];
  for (const delta of deltas) {
    const call = (calls[delta.index] ??= { arguments: '' });
    if (delta.id !== undefined) call.id = delta.id;
    if (delta.name !== undefined) call.name = delta.name;
    call.arguments += delta.argumentsDelta;
  }
  return calls;
}

function parsedCalls(deltas: readonly ToolCallDelta[]) {
  return callsByIndex(deltas).map((call) => ({ id: call.id, name: call.name, arguments: JSON.parse(call.arguments) as unknown }));
}

/** Each call's id and name, once, on its first delta, and on no other. */
function expectNamedOnce(deltas: readonly ToolCallDelta[]): void {
  const firstDeltas = new Set(callsByIndex(deltas).map((_call, index) => deltas.findIndex((delta) => delta.index === index)));
  deltas.forEach((delta, position) => {
    if (firstDeltas.has(position)) return;
    expect(delta.id, `delta ${position}`).toBeUndefined();
    expect(delta.name, `delta ${position}`).toBeUndefined();
  });
}

/** `events` with a field put into the call of each delta after the first, after its index. */
function withFieldAfterFirst(events: readonly string[], field: (position: number) => string): string[] {
  return events.map((event, position) =>
    position === 0 ? event : event.replace(/"tool_calls":\[\{("index":\d+,)?/, (opening) => `${opening}${field(position)},`),
  );
}

describe('parallel tool calls, however the server numbers them', () => {
  it.each<ToolCallNumbering>(['numbered', 'all-zero', 'absent'])('%s: two calls, numbered 0 and 1, each with its own id, name and arguments', (numbering) => {
    const stream = parallelToolCallStream(numbering);
    if (numbering === 'absent') expect(stream.body).not.toMatch(/"tool_calls":\[\{"index"/);
    if (numbering === 'all-zero') expect(stream.body).not.toMatch(/"tool_calls":\[\{"index":[^0]/);
    const deltas = decodeToolCallDeltas(stream.body);
    expect(parsedCalls(deltas)).toEqual(recordedParallelCalls);
    expect([...new Set(deltas.map((delta) => delta.index))]).toEqual([0, 1]);
    expectNamedOnce(deltas);
  });

  it('all at index 0, the same tool called twice (Ollama: file_write for two files): two calls, told apart by their ids', () => {
    // The recorded OpenAI call, and the same call again with its own id and argument, as in the interleaved-calls suite.
    const { first, end } = parallelToolCallStream('all-zero');
    const again = first.map((event) => event.replace('call_ZR5UUuTt3pf61kjwAJIYdVMj', 'call_ZR5UUuTt3pf61kjwAJIYdVMk').replace('"UK"', '"FR"'));
    const deltas = decodeToolCallDeltas([...first, ...again, ...end].join(''));
    expect(parsedCalls(deltas)).toEqual([
      recordedParallelCalls[0],
      { id: 'call_ZR5UUuTt3pf61kjwAJIYdVMk', name: 'get_capital', arguments: { country: 'FR' } },
    ]);
  });
});

describe("a call's deltas, however the server marks them", () => {
  it("the call's id repeated on every delta (vLLM): still one call per id, at index 0 or numbered", () => {
    for (const numbering of ['all-zero', 'numbered'] as const) {
      const { first, second, end } = parallelToolCallStream(numbering);
      // Together's recorded continuation has "id": null: that is the field given the id.
      const repeatId = (events: readonly string[], id: string) =>
        withFieldAfterFirst(
          events.map((event) => event.replace('"id":null,', '')),
          () => `"id":"${id}"`,
        );
      const body = [...repeatId(first, recordedParallelCalls[0].id), ...repeatId(second, recordedParallelCalls[1].id), ...end].join('');
      expect(body.split(`"id":"${recordedParallelCalls[0].id}"`).length - 1).toBe(first.length);
      const deltas = decodeToolCallDeltas(body);
      expect(parsedCalls(deltas)).toEqual(recordedParallelCalls);
      expectNamedOnce(deltas);
    }
  });

  it('a fresh id on every argument fragment, the name on the first only (LM Studio, Kimi): one call, named by its first id', () => {
    // hermes-agent#5254, #45164: a new id per fragment at index 0, and no name after the first delta.
    const { first, end } = parallelToolCallStream('all-zero');
    const body = [...withFieldAfterFirst(first, (position) => `"id":"tool-call-${position}"`), ...end].join('');
    expect(body).toContain('"id":"tool-call-3"');
    const deltas = decodeToolCallDeltas(body);
    expect(parsedCalls(deltas)).toEqual([recordedParallelCalls[0]]);
    expectNamedOnce(deltas);
  });

  it('the name on every delta (MiniMax through NVIDIA NIM), no id after the first: one call per index, named once', () => {
    // hermes-agent#8259: "sends the full name in every chunk".
    const { first, second, end } = parallelToolCallStream('numbered');
    // Together's recorded continuation has "name": null: that is the field given the name.
    const withName = (events: readonly string[], name: string) =>
      events.map((event) => (event.includes('"name"') ? event.replace('"name":null', `"name":"${name}"`) : event.replace('"function":{', `"function":{"name":"${name}",`)));
    const deltas = decodeToolCallDeltas([...withName(first, 'get_capital'), ...withName(second, 'get_weather'), ...end].join(''));
    expect(parsedCalls(deltas)).toEqual(recordedParallelCalls);
    expectNamedOnce(deltas);
  });
});

describe('a delta with neither index nor id', () => {
  const withoutIds = (events: readonly string[]) => events.map((event) => event.replace(/"id":"call_[^"]+",/, '').replace(/"id":null,/, ''));

  it('and a name, when the call open has a name already: a new call (only the name can tell them apart)', () => {
    const { first, second, end } = parallelToolCallStream('absent');
    const body = [...withoutIds(first), ...withoutIds(second), ...end].join('');
    expect(body).not.toMatch(/"id":"call_|"index":0,"id"/);
    const deltas = decodeToolCallDeltas(body);
    expect(callsByIndex(deltas).map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) as unknown }))).toEqual(
      recordedParallelCalls.map((call) => ({ name: call.name, arguments: call.arguments })),
    );
  });

  it('and no name: the arguments of the call last opened', () => {
    const { first, end } = parallelToolCallStream('absent');
    const deltas = decodeToolCallDeltas([...withoutIds(first), ...end].join(''));
    expect(callsByIndex(deltas)).toEqual([{ name: 'get_capital', arguments: '{"country":"UK"}' }]);
  });
});
