/**
 * OpenAI's reasoning carried across the turns of a tool loop on the Responses API, end to end over HTTP through the
 * router to the provider test server replaying recorded Responses traffic (test/fixtures/SOURCES.md). With
 * `store: false` OpenAI takes earlier reasoning back only as the `reasoning` items it answered, with their encrypted
 * content: asked by `include`, kept on the result's `signedReasoning`, given back to OpenAI alone.
 */
import { describe, expect, it } from 'vitest';
import { defaultCatalog, mergeCatalog, type Message, type StreamChunk } from '../src/index.js';
import { recordedPayloads } from '../src/testing/openai-responses-recordings.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false });

const calculator = {
  name: 'calculator',
  description: 'A minimal calculator for basic arithmetic. Call it once per step.',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' }, op: { type: 'string' } }, required: ['a', 'b', 'op'] },
};
const requestsTo = (provider: string) => harness.server.requests.filter((request) => request.provider === provider);
const sentToOpenAI = () => requestsTo('openai').at(-1)?.body as Record<string, unknown>;

/** The recorded reasoning item whole, as `response.output_item.done` carries it: read here, not by the code under test. */
const recordedReasoningItem = () => {
  const done = recordedPayloads('responses-stream-reasoning-function-call.chunks.txt').find(
    (payload) => payload.type === 'response.output_item.done' && (payload.item as { type?: string }).type === 'reasoning',
  );
  return done?.item as { id: string; encrypted_content: string; summary: { type: string; text: string }[] };
};

const question: Message = { role: 'user', content: 'Compute (12 + 7) with the calculator.' };

async function firstTurn() {
  harness.server.enqueue('openai', { kind: 'success', fixture: 'responses-stream-reasoning-function-call' });
  const stream = harness.makeRouter().stream([question], { tier: 2, preferredProvider: 'openai', tools: [calculator], reasoningEffort: 'high', parallelAttempts: 1 });
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const result = await stream.result;
  const call = result.toolCalls[0]!;
  const history: Message[] = [
    question,
    { role: 'assistant', content: result.content, toolCalls: result.toolCalls, ...(result.signedReasoning && { signedReasoning: result.signedReasoning }) },
    { role: 'tool', toolCallId: call.id, content: '19' },
  ];
  return { result, history };
}

describe("OpenAI's reasoning items across a tool loop", () => {
  it('asks the encrypted reasoning, keeps the item, and gives it back in the next turn before its function call', async () => {
    const { result, history } = await firstTurn();
    expect(requestsTo('openai')[0]?.body).toMatchObject({ store: false, include: ['reasoning.encrypted_content'], reasoning: { effort: 'high' } });
    const recorded = recordedReasoningItem();
    expect(result.signedReasoning).toEqual({
      provider: 'openai',
      blocks: [{ type: 'reasoning', id: recorded.id, encryptedContent: recorded.encrypted_content, summary: recorded.summary.map((part) => part.text) }],
    });

    await harness.makeRouter().complete(history, { tier: 2, preferredProvider: 'openai', tools: [calculator], reasoningEffort: 'high', parallelAttempts: 1 });
    expect(sentToOpenAI()['input']).toEqual([
      { role: 'user', content: question.content },
      { type: 'reasoning', id: recorded.id, encrypted_content: recorded.encrypted_content, summary: recorded.summary },
      { type: 'function_call', call_id: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn', name: 'calculator', arguments: '{"a":12,"b":7,"op":"add"}' },
      { type: 'function_call_output', call_id: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn', output: '19' },
    ]);
  });

  it('never sends the reasoning item to another provider: the next turn failed over from OpenAI carries none of it', async () => {
    const { history } = await firstTurn();
    harness.server.setBehavior('openai', { kind: 'error', fixture: 'error-500-server-error' });
    const second = await harness.makeRouter().complete(history, { tier: 2, preferredProvider: 'openai', tools: [calculator], parallelAttempts: 1, maxRetries: 0 });
    expect(second.provider).not.toBe('openai');
    const recorded = recordedReasoningItem();
    const others = harness.server.requests.filter((request) => request.provider !== 'openai');
    expect(others.length).toBeGreaterThan(0);
    for (const request of others) {
      const sent = JSON.stringify(request.body);
      expect(sent).not.toContain(recorded.encrypted_content);
      expect(sent).not.toContain(recorded.id);
    }
  });

  it('asks the reasoning summary only of a provider that opts in (an organization OpenAI verified)', async () => {
    harness.server.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-summary' });
    await harness.makeRouter().complete('What is (12 + 7) × 3 × 10?', { tier: 2, preferredProvider: 'openai', reasoningEffort: 'medium' });
    expect(sentToOpenAI()['reasoning']).toEqual({ effort: 'medium' });

    harness.server.enqueue('openai', { kind: 'success', fixture: 'responses-reasoning-summary' });
    const catalog = mergeCatalog(defaultCatalog, [{ id: 'openai', reasoningSummaries: true }]);
    const result = await harness.makeRouter({ catalog }).complete('What is (12 + 7) × 3 × 10?', { tier: 2, preferredProvider: 'openai', reasoningEffort: 'medium' });
    expect(sentToOpenAI()['reasoning']).toEqual({ effort: 'medium', summary: 'auto' });
    expect(result.reasoning).toMatch(/^\*\*Reporting final result\*\*/);
  });
});
