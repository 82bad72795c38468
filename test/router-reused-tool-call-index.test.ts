/**
 * Parallel tool calls streamed by an OpenAI-compatible server that numbers them all 0 (Ollama, SGLang, NVIDIA
 * Dynamo) or not at all (older Ollama), each still opening with its own id: through the library, the caller's
 * chunks, the stream's result and the AI SDK's streamText see two calls, each with its own id, name and arguments.
 * The upstream is two recorded calls (OpenAI's and Together's), only their `index` fields rewritten
 * (parallelToolCallStream), replayed by the provider test server over real HTTP.
 */
import { jsonSchema, streamText, tool } from 'ai';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBackupModels } from '../src/ai-sdk/index.js';
import type { BackupModelRouter } from '../src/routing/backup-model-router.js';
import { parallelToolCallStream, recordedParallelCalls, type ToolCallNumbering } from '../src/testing/parallel-tool-call-streams.test-support.js';
import { assembleStreamChunks } from '../src/testing/stream-chunks.test-support.js';
import type { StreamChunk } from '../src/types.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
let router: BackupModelRouter;
beforeEach(() => {
  router = harness.makeRouter();
});

const question = 'Capital of the UK, and the weather in Tokyo?';
const route = { preferredProvider: 'openai', preferredModel: 'gpt-4o-mini' } as const;

function serve(numbering: ToolCallNumbering): void {
  harness.server.setBehavior('openai', { kind: 'status', status: 200, body: parallelToolCallStream(numbering).body, contentType: 'text/event-stream' });
}

describe.each<ToolCallNumbering>(['all-zero', 'absent', 'numbered'])('parallel tool calls numbered %s', (numbering) => {
  it("reach the caller's chunks and the stream's result as two calls, each with its own id, name and arguments", async () => {
    serve(numbering);
    const stream = router.stream(question, route);
    const chunks: StreamChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const result = await stream.result;

    const parsed = (calls: readonly { id?: string; name?: string; arguments: string }[]) =>
      calls.map((call) => ({ id: call.id, name: call.name, arguments: JSON.parse(call.arguments) as unknown }));
    // The chunks merged by their index, as a caller merges them.
    expect(parsed(assembleStreamChunks(chunks).toolCalls)).toEqual(recordedParallelCalls);
    expect(parsed(result.toolCalls)).toEqual(recordedParallelCalls);
    expect(result.finishReason).toBe('tool_calls');
  });

  it("reach the AI SDK's streamText as two tool calls, each started once, with its own id and input", async () => {
    serve(numbering);
    const result = streamText({
      model: createBackupModels({ router })('openai/gpt-4o-mini'),
      prompt: question,
      tools: {
        get_capital: tool({ inputSchema: jsonSchema<{ country: string }>({ type: 'object', properties: { country: { type: 'string' } } }) }),
        get_weather: tool({ inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } }) }),
      },
    });
    const started: string[] = [];
    for await (const part of result.fullStream) if (part.type === 'tool-input-start') started.push(part.id);
    const calls = (await result.toolCalls).map((call) => ({ id: call.toolCallId, name: call.toolName, arguments: call.input }));
    expect(calls).toEqual(recordedParallelCalls);
    expect(started).toEqual(recordedParallelCalls.map((call) => call.id));
  });
});
