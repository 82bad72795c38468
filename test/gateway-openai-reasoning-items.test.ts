/**
 * A Codex-style loop on GPT-6 through the gateway's Responses endpoint with the official OpenAI SDK: `store: false`,
 * `include: ["reasoning.encrypted_content"]`, each answer's items sent back with the tool's output. The client is shown
 * OpenAI's own reasoning items (its id, summary and encrypted content, streamed in OpenAI's event order), and the
 * items it sends back reach OpenAI whole, so the next call goes on from that reasoning. The same loop through chat
 * completions, the items shown and sent back as OpenRouter's `reasoning_details` (src/gateway/openai-signed-reasoning.ts).
 * The provider test server replays OpenAI's recorded Responses traffic (test/fixtures/SOURCES.md, openai-responses).
 */
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { readOpenAIResponsesJson, recordedPayloads } from '../src/testing/openai-responses-recordings.test-support.js';
import { refuseAsOpenAIReasoningModels } from '../src/testing/openai-reasoning-refusals.test-support.js';
import { useRefusingGatewayHarness } from './gateway-harness.js';

const gateway = useRefusingGatewayHarness({ providerIds: ['openai'], yamlText: 'cache:\n  enabled: false\n' }, refuseAsOpenAIReasoningModels);

const calculator: OpenAI.Responses.Tool = {
  type: 'function',
  name: 'calculator',
  description: 'A minimal calculator for basic arithmetic. Call it once per step.',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' }, op: { type: 'string' } }, required: ['a', 'b', 'op'] },
  strict: false,
};
// What Codex asks of every turn: no stored state, the reasoning's encrypted content to send back.
const asked = {
  model: 'openai/gpt-6-luna',
  reasoning: { effort: 'high' },
  include: ['reasoning.encrypted_content'],
  store: false,
} satisfies Omit<OpenAI.Responses.ResponseCreateParams, 'input'>;
const question = 'Compute (12 + 7) with the calculator.';
const upstreamBodies = () => gateway.current.providers.requests.filter((request) => request.provider === 'openai').map((request) => request.body as Record<string, unknown>);

type Payload = Record<string, unknown> & { readonly type: string };
const streamRecording = () => recordedPayloads('responses-stream-reasoning-function-call.chunks.txt') as Payload[];
/** The recorded reasoning item whole, as OpenAI's `response.output_item.done` gives it: read here, not by the code under test. */
const recordedStreamItem = () => {
  const done = streamRecording().find((payload) => payload.type === 'response.output_item.done' && (payload.item as { type?: string }).type === 'reasoning');
  return done?.item as { id: string; encrypted_content: string; summary: { type: string; text: string }[] };
};

describe("a Responses client's tool loop on GPT-6: OpenAI's reasoning items shown and sent back", () => {
  it('streams the reasoning item with its id, summary and encrypted content in OpenAI\'s event order; sent back with the call and its output, it reaches OpenAI whole', async () => {
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-stream-reasoning-function-call' });
    const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: question }];
    const stream = gateway.current.client.responses.stream({ ...asked, tools: [calculator], input });
    const reasoningEvents: { type: string; delta?: unknown; summary_index?: unknown }[] = [];
    stream.on('event', (event) => {
      if ('output_index' in event && event.output_index === 0) reasoningEvents.push(event as { type: string });
    });
    const response = await stream.finalResponse();
    const recorded = recordedStreamItem();
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'function_call']);
    expect(response.output[0]).toEqual({ type: 'reasoning', id: recorded.id, summary: recorded.summary, encrypted_content: recorded.encrypted_content, status: 'completed' });
    const recordedEvents = streamRecording().filter((payload) => payload['output_index'] === 0);
    expect(reasoningEvents.map((event) => event.type)).toEqual(recordedEvents.map((payload) => payload.type));
    const deltas = (events: readonly { type: string; delta?: unknown }[]) => events.filter((event) => event.type === 'response.reasoning_summary_text.delta').map((event) => event.delta);
    expect(deltas(reasoningEvents)).toEqual(deltas(recordedEvents));

    const call = response.output[1] as OpenAI.Responses.ResponseFunctionToolCall;
    input.push(...(response.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: '19' });
    await gateway.current.client.responses.create({ ...asked, tools: [calculator], input });
    const [first, second] = upstreamBodies();
    expect(first).toMatchObject({ model: 'gpt-6-luna', store: false, include: ['reasoning.encrypted_content'] });
    expect(second?.['input']).toEqual([
      { role: 'user', content: question },
      { type: 'reasoning', id: recorded.id, encrypted_content: recorded.encrypted_content, summary: recorded.summary },
      { type: 'function_call', call_id: call.call_id, name: 'calculator', arguments: '{"a":12,"b":7,"op":"add"}' },
      { type: 'function_call_output', call_id: call.call_id, output: '19' },
    ]);
  });

  it("answers the reasoning item whole; sent back as Codex sends it (no id), OpenAI's encrypted content reaches OpenAI", async () => {
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-summary' });
    const first = await gateway.current.client.responses.create({ ...asked, input: question });
    const recorded = (readOpenAIResponsesJson('responses-reasoning-summary.json') as { output: { id: string; encrypted_content: string; summary: unknown[] }[] }).output[0]!;
    expect(first.output[0]).toEqual({ type: 'reasoning', id: recorded.id, summary: recorded.summary, encrypted_content: recorded.encrypted_content, status: 'completed' });
    expect(recorded.encrypted_content).toMatch(/^gAAAA/);

    // Codex keeps the item but never sends its id (openai/codex, codex-rs/protocol/src/models.rs).
    const { id: _id, status: _status, ...codexItem } = first.output[0] as OpenAI.Responses.ResponseReasoningItem;
    const message = first.output[1] as OpenAI.Responses.ResponseInputItem;
    const input = [{ role: 'user', content: question }, codexItem, message, { role: 'user', content: 'And times 3?' }] as OpenAI.Responses.ResponseInputItem[];
    await gateway.current.client.responses.create({ ...asked, input });
    const [, second] = upstreamBodies();
    expect((second?.['input'] as unknown[]).find((item) => (item as { type?: string }).type === 'reasoning')).toEqual({ type: 'reasoning', encrypted_content: recorded.encrypted_content, summary: recorded.summary });
  });

  it('shows no encrypted content to a client that did not include it', async () => {
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-summary' });
    const { include: _include, ...notIncluded } = asked;
    const answer = await gateway.current.client.responses.create({ ...notIncluded, input: question });
    const recorded = (readOpenAIResponsesJson('responses-reasoning-summary.json') as { output: { id: string; summary: unknown[] }[] }).output[0]!;
    expect(answer.output[0]).toEqual({ type: 'reasoning', id: recorded.id, summary: recorded.summary, status: 'completed' });
  });
});

describe("a chat completions client's tool loop on GPT-6: OpenAI's reasoning items as OpenRouter's reasoning_details", () => {
  const chatCalculator: OpenAI.ChatCompletionTool = {
    type: 'function',
    function: { name: calculator.name, description: calculator.description ?? '', parameters: calculator.parameters ?? {} },
  };
  const chatAsked = { model: 'openai/gpt-6-luna', reasoning_effort: 'high' as const, tools: [chatCalculator] };
  /** The item as OpenRouter carries one of OpenAI's (charmbracelet/fantasy's recording, SOURCES.md): its summaries, then its encrypted content. */
  const asReasoningDetails = (item: { id: string; encrypted_content: string; summary: { text: string }[] }) => [
    ...item.summary.map((part, index) => ({ type: 'reasoning.summary', summary: part.text, id: item.id, format: 'openai-responses-v1', index })),
    { type: 'reasoning.encrypted', data: item.encrypted_content, id: item.id, format: 'openai-responses-v1', index: item.summary.length },
  ];
  const reasoningItemSent = (body: Record<string, unknown> | undefined) => (body?.['input'] as { type?: string }[]).filter((item) => item.type === 'reasoning');

  it('shows the reasoning item on the message; the message sent back as the SDK gave it carries the item to OpenAI with its encrypted content', async () => {
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-function-call' });
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-summary' });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: question }];
    const first = await gateway.current.client.chat.completions.create({ ...chatAsked, messages });
    const message = first.choices[0]!.message;
    const recorded = (readOpenAIResponsesJson('responses-reasoning-function-call.json') as { output: [{ id: string; encrypted_content: string; summary: { text: string }[] }] }).output[0];
    expect(recorded.encrypted_content).toMatch(/^gAAAA/);
    expect((message as { reasoning_details?: unknown }).reasoning_details).toEqual(asReasoningDetails(recorded));

    // OpenAI's and OpenRouter's documented tool loop: the assistant message appended as returned, then the tool's answer.
    const call = message.tool_calls![0]!;
    messages.push(message, { role: 'tool', tool_call_id: call.id, content: '19' });
    await gateway.current.client.chat.completions.create({ ...chatAsked, messages });
    const [, second] = upstreamBodies();
    expect(second?.['input']).toEqual([
      { role: 'user', content: question },
      { type: 'reasoning', id: recorded.id, encrypted_content: recorded.encrypted_content, summary: recorded.summary },
      { type: 'function_call', call_id: call.id, name: 'calculator', arguments: '{"a":12,"b":7,"op":"add"}' },
      { type: 'function_call_output', call_id: call.id, output: '19' },
    ]);
  });

  it("streams the item in one reasoning_details delta once the reasoning is over; the message the SDK's stream helper puts together carries it back to OpenAI", async () => {
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-stream-reasoning-function-call' });
    gateway.current.providers.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-summary' });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: question }];
    const stream = gateway.current.client.chat.completions.stream({ ...chatAsked, messages });
    const detailDeltas: unknown[] = [];
    stream.on('chunk', (chunk) => {
      const details = (chunk.choices[0]?.delta as { reasoning_details?: unknown } | undefined)?.reasoning_details;
      if (details !== undefined) detailDeltas.push(details);
    });
    const message = (await stream.finalChatCompletion()).choices[0]!.message;
    const recorded = recordedStreamItem();
    expect(detailDeltas).toEqual([asReasoningDetails(recorded)]);
    expect((message as { reasoning_details?: unknown }).reasoning_details).toEqual(asReasoningDetails(recorded));

    const call = message.tool_calls![0]!;
    messages.push(message, { role: 'tool', tool_call_id: call.id, content: '19' });
    await gateway.current.client.chat.completions.create({ ...chatAsked, messages });
    const [, second] = upstreamBodies();
    expect(reasoningItemSent(second)).toEqual([{ type: 'reasoning', id: recorded.id, encrypted_content: recorded.encrypted_content, summary: recorded.summary }]);
    expect((second?.['input'] as unknown[]).slice(2)).toEqual([
      { type: 'function_call', call_id: call.id, name: 'calculator', arguments: '{"a":12,"b":7,"op":"add"}' },
      { type: 'function_call_output', call_id: call.id, output: '19' },
    ]);
  });
});
