/**
 * Tool calls that come without an id, as an OpenAI-compatible server that omits it sends them: the router gives
 * each one id, once, on the call's first delta, so the caller's chunks, the stream's result and the AI SDK's parts
 * name the call alike, unique in the answer and from one answer to the next, made as the answer not streamed
 * makes one. The upstream traffic is OpenAI's recorded tool-call stream and completion with the call's id taken
 * out (the stream's call also copied as a parallel second one, its index changed), replayed by the provider test
 * server over real HTTP.
 */
import { jsonSchema, streamText, tool } from 'ai';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBackupModels } from '../src/ai-sdk/index.js';
import type { BackupModelRouter } from '../src/routing/backup-model-router.js';
import { recordedFixtures } from '../src/testing/shared-fixtures.test-support.js';
import type { StreamChunk } from '../src/types.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
let router: BackupModelRouter;
beforeEach(() => {
  router = harness.makeRouter();
});

const openai = recordedFixtures('openai');
const recordedId = 'call_ZR5UUuTt3pf61kjwAJIYdVMj';
/** How the router makes an id for a call that has none, streamed or not. */
const madeId = /^call_[0-9a-f]{24}$/;

const events = openai
  .readFixtureText('chat-stream-tool-call.sse')
  .split(/(?<=\n\n)/)
  .filter((event) => event.trim() !== '');
const callEvents = events.filter((event) => event.includes('"tool_calls"')).map((event) => event.replace(`"id":"${recordedId}",`, ''));
const endEvents = events.filter((event) => !event.includes('"tool_calls"'));

function serveStream(options: { parallel: boolean }): void {
  const second = callEvents.map((event) => event.replace('"tool_calls":[{"index":0', '"tool_calls":[{"index":1'));
  const body = [...callEvents, ...(options.parallel ? second : []), ...endEvents].join('');
  expect(body).not.toContain('"id":"call_');
  harness.server.setBehavior('openai', { kind: 'status', status: 200, body, contentType: 'text/event-stream' });
}

type ToolCallDelta = Extract<StreamChunk, { type: 'tool-call-delta' }>;

async function streamedCalls(): Promise<{ deltas: ToolCallDelta[]; resultIds: string[] }> {
  const stream = router.stream('Capital of the UK?', { preferredProvider: 'openai', preferredModel: 'gpt-4o-mini' });
  const deltas: ToolCallDelta[] = [];
  for await (const chunk of stream) if (chunk.type === 'tool-call-delta') deltas.push(chunk);
  const result = await stream.result;
  return { deltas, resultIds: result.toolCalls.map((call) => call.id) };
}

describe('a tool call that comes without an id', () => {
  it("is named on its first delta by the id the stream's result gives it, and on no other, made as the answer not streamed makes one", async () => {
    serveStream({ parallel: false });
    const { deltas, resultIds } = await streamedCalls();
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas[0]?.id).toMatch(madeId);
    expect(deltas.slice(1).map((delta) => delta.id)).toEqual(deltas.slice(1).map(() => undefined));
    expect(resultIds).toEqual([deltas[0]?.id]);

    const completion = openai.readFixtureJson('chat-completion-tool-call.json') as { choices: { message: { tool_calls: { id?: string }[] } }[] };
    delete completion.choices[0]!.message.tool_calls[0]!.id;
    harness.server.setBehavior('openai', { kind: 'status', status: 200, body: JSON.stringify(completion), contentType: 'application/json' });
    const whole = await router.complete('Square 5', { preferredProvider: 'openai', preferredModel: 'gpt-4o-mini' });
    expect(whole.toolCalls[0]?.id).toMatch(madeId);
  });

  it('with an empty id (LM Studio and Gemini\'s OpenAI-compatible endpoint send "id": "") is given one, streamed or not', async () => {
    const body = [...events.filter((event) => event.includes('"tool_calls"')).map((event) => event.replace(`"id":"${recordedId}"`, '"id":""')), ...endEvents].join('');
    expect(body).toContain('"id":""');
    harness.server.setBehavior('openai', { kind: 'status', status: 200, body, contentType: 'text/event-stream' });
    const { deltas, resultIds } = await streamedCalls();
    expect(deltas[0]?.id).toMatch(madeId);
    expect(resultIds).toEqual([deltas[0]?.id]);

    const completion = openai.readFixtureJson('chat-completion-tool-call.json') as { choices: { message: { tool_calls: { id?: string }[] } }[] };
    completion.choices[0]!.message.tool_calls[0]!.id = '';
    harness.server.setBehavior('openai', { kind: 'status', status: 200, body: JSON.stringify(completion), contentType: 'application/json' });
    const whole = await router.complete('Square 5', { preferredProvider: 'openai', preferredModel: 'gpt-4o-mini' });
    expect(whole.toolCalls[0]?.id).toMatch(madeId);
  });

  it('gets an id of its own, apart from the parallel call beside it and from the call of the next answer', async () => {
    serveStream({ parallel: true });
    const first = await streamedCalls();
    const firstIds = [0, 1].map((index) => first.deltas.find((delta) => delta.index === index)?.id);
    expect(first.resultIds).toEqual(firstIds);
    serveStream({ parallel: true });
    const next = await streamedCalls();
    expect(new Set([...first.resultIds, ...next.resultIds]).size).toBe(4);
  });

  it("reaches the AI SDK's streamText as one id, from the tool input's start to the call, not its place in the answer", async () => {
    const backupModels = createBackupModels({ router });
    const streamedCallIds = async (): Promise<{ started: string[]; called: string[] }> => {
      serveStream({ parallel: false });
      const result = streamText({
        model: backupModels('openai/gpt-4o-mini'),
        prompt: 'Capital of the UK?',
        tools: { get_capital: tool({ inputSchema: jsonSchema<{ country: string }>({ type: 'object', properties: { country: { type: 'string' } } }) }) },
      });
      const started: string[] = [];
      for await (const part of result.fullStream) if (part.type === 'tool-input-start') started.push(part.id);
      return { started, called: (await result.toolCalls).map((call) => call.toolCallId) };
    };
    const first = await streamedCallIds();
    expect(first.started).toHaveLength(1);
    expect(first.called).toEqual(first.started);
    expect(first.called[0]).toMatch(madeId);
    // A second turn's call must not reuse the first's id: an agent loop keeps both in its history.
    const next = await streamedCallIds();
    expect(next.called[0]).not.toBe(first.called[0]);
  });
});
