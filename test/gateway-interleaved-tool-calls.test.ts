/**
 * Parallel tool calls whose deltas arrive interleaved (call 0's and call 1's argument pieces alternating, as an
 * OpenAI-compatible server or an AI SDK model may send them), and a call whose pieces are split by text, through
 * the gateway to the official Anthropic and OpenAI clients' own stream accumulators. No recording has two
 * parallel calls: the upstream streams are the recorded OpenAI tool-call stream's own events, the call copied
 * as a second one (its index, id and argument value changed) and the events reordered.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordedFixtures } from '../src/testing/shared-fixtures.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let anthropicClient: Anthropic;
beforeAll(async () => {
  harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n' });
  anthropicClient = harness.anthropicClient;
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const model = 'openai/gpt-4o-mini';
const question = 'Capitals of the UK and France?';
const parameters = { type: 'object', properties: { country: { type: 'string' } }, required: ['country'] };

/** The recorded stream's events, each with its framing: the call's opening, its argument pieces, then the end. */
function recordedEvents(name: string): string[] {
  return recordedFixtures('openai').readFixtureText(name).split(/(?<=\n\n)/).filter((event) => event.trim() !== '');
}

const toolCall = recordedEvents('chat-stream-tool-call.sse');
const firstCallEvents = toolCall.filter((event) => event.includes('"tool_calls"'));
const endEvents = toolCall.filter((event) => !event.includes('"tool_calls"'));
/** The recorded call as the answer's second: index 1, its own id, another country. */
const secondCallEvents = firstCallEvents.map((event) =>
  event.replace('"tool_calls":[{"index":0', '"tool_calls":[{"index":1').replace('call_ZR5UUuTt3pf61kjwAJIYdVMj', 'call_ZR5UUuTt3pf61kjwAJIYdVMk').replace('"UK"', '"FR"'),
);
/** Two recorded text pieces (another recording's answer). */
const textEvents = recordedEvents('chat-stream-include-usage.sse')
  .filter((event) => event.includes('"content":"') && !event.includes('"content":""'))
  .slice(0, 2);

const interleaved = firstCallEvents.flatMap((event, position) => [event, secondCallEvents[position]!]);
/** The first call's pieces cut by the text: its opening and first piece, the text, then the rest. */
const splitByText = [...firstCallEvents.slice(0, 2), ...textEvents, ...firstCallEvents.slice(2)];

const firstCall = { id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', arguments: { country: 'UK' } };
const secondCall = { id: 'call_ZR5UUuTt3pf61kjwAJIYdVMk', name: 'get_capital', arguments: { country: 'FR' } };
const recordedText = textEvents.map((event) => (JSON.parse(event.slice('data: '.length)) as { choices: [{ delta: { content: string } }] }).choices[0].delta.content).join('');

function serve(events: readonly string[]): void {
  expect(events.every((event) => event.startsWith('data: '))).toBe(true);
  harness.providers.setBehavior('openai', { kind: 'status', status: 200, body: [...events, ...endEvents].join(''), contentType: 'text/event-stream' });
}

describe.each([
  ['together, one call after the other', [...firstCallEvents, ...secondCallEvents], [firstCall, secondCall], ''],
  ['interleaved with a parallel call', interleaved, [firstCall, secondCall], ''],
  ['split by text', splitByText, [firstCall], recordedText],
] as const)('tool-call deltas %s', (_case, events, expectedCalls, expectedText) => {
  it("reach a Messages client as whole tool_use blocks, each started, filled and stopped once", async () => {
    serve(events);
    const stream = anthropicClient.messages.stream({
      model,
      max_tokens: 200,
      messages: [{ role: 'user', content: question }],
      tools: [{ name: 'get_capital', input_schema: parameters as Anthropic.Tool.InputSchema }],
    });
    const grammar: string[] = [];
    const started = new Set<number>();
    const stopped = new Set<number>();
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_start') {
        if (started.has(event.index)) grammar.push(`block ${event.index} started twice`);
        if (started.size !== stopped.size) grammar.push(`block ${event.index} started while another is open`);
        started.add(event.index);
      }
      if (event.type === 'content_block_delta' && (!started.has(event.index) || stopped.has(event.index))) grammar.push(`delta to block ${event.index}, not open`);
      if (event.type === 'content_block_stop') {
        if (!started.has(event.index) || stopped.has(event.index)) grammar.push(`block ${event.index} stopped when not open`);
        stopped.add(event.index);
      }
    });
    const message = await stream.finalMessage();
    expect(grammar).toEqual([]);
    expect([...started]).toEqual(message.content.map((_block, index) => index));
    expect([...stopped].sort()).toEqual([...started]);
    expect(message.stop_reason).toBe('tool_use');
    const calls = message.content.flatMap((block) => (block.type === 'tool_use' ? [{ id: block.id, name: block.name, arguments: block.input }] : []));
    expect(calls).toEqual(expectedCalls);
    const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    expect(text).toBe(expectedText);
  });

  it('reach a Responses client as whole function_call items, each added, filled and done once', async () => {
    serve(events);
    const stream = harness.client.responses.stream({
      model,
      input: question,
      tools: [{ type: 'function', name: 'get_capital', parameters, strict: false }],
    });
    const grammar: string[] = [];
    const added = new Map<number, string>();
    const done = new Set<number>();
    const argumentsByItem = new Map<string, string>();
    for await (const event of stream) {
      if (event.type === 'response.output_item.added') {
        if (added.has(event.output_index) || event.output_index !== added.size) grammar.push(`item ${event.output_index} added out of order`);
        added.set(event.output_index, event.item.id ?? '');
      }
      if (event.type === 'response.function_call_arguments.delta') {
        if (added.get(event.output_index) !== event.item_id || done.has(event.output_index)) grammar.push(`delta to item ${event.output_index}, not open`);
        argumentsByItem.set(event.item_id, (argumentsByItem.get(event.item_id) ?? '') + event.delta);
      }
      if (event.type === 'response.output_item.done') {
        if (added.get(event.output_index) !== event.item.id || done.has(event.output_index)) grammar.push(`item ${event.output_index} done when not open`);
        done.add(event.output_index);
      }
    }
    const final = await stream.finalResponse();
    expect(grammar).toEqual([]);
    expect(done.size).toBe(added.size);
    expect(new Set(added.values()).size).toBe(added.size);
    const calls = final.output.flatMap((item) => (item.type === 'function_call' ? [item] : []));
    expect(calls.map((call) => ({ id: call.call_id, name: call.name, arguments: JSON.parse(call.arguments) as unknown }))).toEqual(expectedCalls);
    // The deltas a client streams add up to each call's arguments.
    expect(calls.map((call) => argumentsByItem.get(call.id ?? ''))).toEqual(calls.map((call) => call.arguments));
    expect(final.output_text).toBe(expectedText);
  });
});
