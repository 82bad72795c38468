/**
 * The gateway repairs the parallel tool calls an OpenAI-compatible upstream streams all at index 0 (Ollama, SGLang,
 * NVIDIA Dynamo) or with no index (older Ollama): the official clients' own stream helpers read two calls, each with
 * its own id, name and arguments that parse, on chat completions (numbered 0 and 1), Messages and Responses. The
 * upstream is two recorded calls (OpenAI's and Together's), only their `index` fields rewritten
 * (parallelToolCallStream), replayed by the provider test server.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  parallelCallTools,
  parallelToolCallStream,
  recordedParallelCalls,
  type ToolCallNumbering,
} from '../src/testing/parallel-tool-call-streams.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n' });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const model = 'openai/gpt-4o-mini';
const question = 'Capital of the UK, and the weather in Tokyo?';

describe.each<ToolCallNumbering>(['all-zero', 'absent'])('parallel tool calls an upstream numbers %s', (numbering) => {
  beforeEach(() => {
    const { body } = parallelToolCallStream(numbering);
    harness.providers.setBehavior('openai', { kind: 'status', status: 200, body, contentType: 'text/event-stream' });
  });

  it("reach a chat completions client's stream helper as two calls, numbered 0 and 1", async () => {
    const stream = harness.client.chat.completions.stream({
      model,
      messages: [{ role: 'user', content: question }],
      tools: parallelCallTools.map((tool) => ({ type: 'function' as const, function: { name: tool.name, parameters: tool.parameters } })),
    });
    const indexes = new Set<number>();
    stream.on('chunk', (chunk) => {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) indexes.add(call.index);
    });
    const completion = await stream.finalChatCompletion();
    expect([...indexes]).toEqual([0, 1]);
    const message = completion.choices[0]!.message;
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    const calls = (message.tool_calls ?? []).map((call) => {
      if (call.type !== 'function') throw new Error(`not a function call: ${call.type}`);
      return { id: call.id, name: call.function.name, arguments: JSON.parse(call.function.arguments) as unknown };
    });
    expect(calls).toEqual(recordedParallelCalls);
  });

  it("reach a Messages client's stream helper as two tool_use blocks", async () => {
    const stream = harness.anthropicClient.messages.stream({
      model,
      max_tokens: 200,
      messages: [{ role: 'user', content: question }],
      tools: parallelCallTools.map((tool) => ({ name: tool.name, input_schema: tool.parameters as unknown as Anthropic.Tool.InputSchema })),
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    const calls = message.content.flatMap((block) => (block.type === 'tool_use' ? [{ id: block.id, name: block.name, arguments: block.input }] : []));
    expect(calls).toEqual(recordedParallelCalls);
  });

  it("reach a Responses client's stream helper as two function_call items", async () => {
    const stream = harness.client.responses.stream({
      model,
      input: question,
      tools: parallelCallTools.map((tool) => ({ type: 'function' as const, name: tool.name, parameters: { ...tool.parameters }, strict: false })),
    });
    const final = await stream.finalResponse();
    const calls = final.output.flatMap((item) => (item.type === 'function_call' ? [{ id: item.call_id, name: item.name, arguments: JSON.parse(item.arguments) as unknown }] : []));
    expect(calls).toEqual(recordedParallelCalls);
  });
});
