/**
 * An OpenAI-compatible server added by its base URL that sends a tool call's arguments as a JSON object, not JSON
 * text (TGI; llama-server for a while, and with `--tool-args-object`): through the library, complete() and
 * stream() give the call with its arguments as JSON text that parses to that object. The server is the provider
 * test server replaying recorded OpenAI answers with only their arguments changed to the object they encode
 * (object-tool-arguments.test-support.ts), keyless as a llama-server is.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAICompatibleProvider } from '../src/catalog.js';
import { BackupModelRouter } from '../src/routing/backup-model-router.js';
import { type ProviderTestServer, startProviderTestServer } from '../src/testing/index.js';
import { objectArgumentsCompletion, objectArgumentsStream } from '../src/testing/object-tool-arguments.test-support.js';
import { assembleStreamChunks } from '../src/testing/stream-chunks.test-support.js';
import type { StreamChunk } from '../src/types.js';

let server: ProviderTestServer;
let router: BackupModelRouter;
beforeEach(async () => {
  server = await startProviderTestServer({ requireApiKey: false });
  const llamaServer = openAICompatibleProvider({ id: 'llama-server', baseUrl: server.baseUrlFor('openai'), defaultModel: 'qwen3-coder' });
  router = new BackupModelRouter({ catalog: [llamaServer], env: {}, cacheEnabled: false, parallelAttempts: 1 });
});
afterEach(async () => {
  await router.close();
  await server.close();
});

const tools = [
  { name: 'square_number', parameters: { type: 'object', properties: { number: { type: 'number' } } } },
  { name: 'get_capital', parameters: { type: 'object', properties: { country: { type: 'string' } } } },
];
const parsed = (calls: readonly { id?: string; name?: string; arguments: string }[]) =>
  calls.map((call) => ({ id: call.id, name: call.name, arguments: JSON.parse(call.arguments) as unknown }));

describe('tool-call arguments an upstream sends as a JSON object', () => {
  it('reach complete() as JSON text that parses to the object', async () => {
    server.setBehavior('openai', { kind: 'status', status: 200, body: objectArgumentsCompletion.body, contentType: 'application/json' });
    const result = await router.complete('What is 5 squared?', { tools });
    expect(result.provider).toBe('llama-server');
    expect(parsed(result.toolCalls)).toEqual([objectArgumentsCompletion.call]);
    expect(result.finishReason).toBe('tool_calls');
  });

  it("reach stream()'s chunks and its result as JSON text that parses to the object", async () => {
    server.setBehavior('openai', { kind: 'status', status: 200, body: objectArgumentsStream.body, contentType: 'text/event-stream' });
    const stream = router.stream('Capital of the UK?', { tools });
    const chunks: StreamChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const result = await stream.result;
    expect(parsed(assembleStreamChunks(chunks).toolCalls)).toEqual([objectArgumentsStream.call]);
    expect(parsed(result.toolCalls)).toEqual([objectArgumentsStream.call]);
    expect(result.finishReason).toBe('tool_calls');
  });
});
