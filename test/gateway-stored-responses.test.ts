/**
 * The AI SDK's OpenAI provider against the gateway's /v1/responses with its defaults: its Responses model, `store`
 * left true, so that from its second turn on it sends each earlier answer of the conversation as an `item_reference`
 * (vercel/ai, packages/openai/src/responses/convert-to-openai-responses-input.ts). The gateway keeps the items it
 * answered, per key, and puts them back in their places before the request goes upstream; the provider test server
 * replays OpenAI's recorded answers behind it, and records what the gateway sent.
 */
import { createOpenAI, openai as openaiProvider } from '@ai-sdk/openai';
import { APICallError, generateText, type ModelMessage, stepCountIs, streamText } from 'ai';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { createRedisSharedState } from '../src/shared-state/create-redis-shared-state.js';
import { redisTestGate, testRedisUrl, useTestRedis, waitFor } from '../src/shared-state/redis-test-gate.test-support.js';
import { scanKeys } from '../src/shared-state/scan-keys.js';
import { escapeGlob } from '../src/shared-state/shared-state-keys.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const redis = await redisTestGate();
const testRedis = useTestRedis(redis);
const model = 'openai/gpt-4o-mini';
const openaiTool = openaiProvider.tools;
const [alphaKey, bravoKey] = gatewayKeys;

/** The messages the gateway sent upstream for the latest call. */
function lastUpstreamMessages(harness: GatewayHarness): unknown[] {
  return (harness.providers.requests.at(-1)?.body as { messages: unknown[] }).messages;
}

/** The `input` items the AI SDK sent the gateway for its latest request. */
function inputSent(request: { body?: unknown }): Record<string, unknown>[] {
  const body = typeof request.body === 'string' ? (JSON.parse(request.body) as unknown) : request.body;
  return (body as { input: Record<string, unknown>[] }).input;
}

describe('a conversation of the AI SDK, store left at its default', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n', providerIds: ['openai'] });
  });
  afterAll(async () => harness?.close());
  beforeEach(() => harness.providers.reset());
  const openai = (apiKey: string = alphaKey) => createOpenAI({ baseURL: `${harness.url}/v1`, apiKey });

  it('answers its second turn, whose reference to the first answer reaches the provider as that answer', async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Paris is sunny today.' }, { kind: 'success', text: 'Tomorrow too.' });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await generateText({ model: openai()(model), messages });
    expect(first.text).toBe('Paris is sunny today.');
    messages.push(...first.response.messages, { role: 'user', content: 'And tomorrow?' });

    const second = await generateText({ model: openai()(model), messages });

    expect(second.text).toBe('Tomorrow too.');
    // The AI SDK did send the first answer by reference, and the provider was given its text in its place.
    expect(inputSent(second.request)).toContainEqual({ type: 'item_reference', id: expect.stringMatching(/^msg_/) });
    expect(lastUpstreamMessages(harness)).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: 'Paris is sunny today.' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
  });

  it('answers the second turn of a streamed conversation, whose answers were kept as they were streamed', async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Streamed first answer.', textPieces: 3 }, { kind: 'success', text: 'Streamed second.' });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Say something.' }];
    const first = streamText({ model: openai()(model), messages });
    expect(await first.text).toBe('Streamed first answer.');
    messages.push(...(await first.response).messages, { role: 'user', content: 'Again?' });

    const second = streamText({ model: openai()(model), messages });

    expect(await second.text).toBe('Streamed second.');
    expect(inputSent(await second.request)).toContainEqual({ type: 'item_reference', id: expect.stringMatching(/^msg_/) });
    expect(lastUpstreamMessages(harness)).toEqual([
      { role: 'user', content: 'Say something.' },
      { role: 'assistant', content: 'Streamed first answer.' },
      { role: 'user', content: 'Again?' },
    ]);
  });

  it('runs a tool loop whose free-form call goes back by reference, its output after it', async () => {
    // OpenAI's recorded call of `square_number`, declared here as a free-form tool: the gateway answers it as a
    // custom_tool_call item, which the AI SDK sends back by reference beside its output.
    harness.providers.enqueue('openai', { kind: 'success', fixture: 'chat-completion-tool-call' }, { kind: 'success', text: 'It is 25.' });
    const inputs: string[] = [];
    const square_number = openaiTool.customTool({
      name: 'square_number',
      description: 'Squares the number it is given.',
      execute: async (input: string) => {
        inputs.push(input);
        return '25';
      },
    });

    const result = await generateText({ model: openai()(model), prompt: 'Square 5.', tools: { square_number }, stopWhen: stepCountIs(2) });

    expect(result.text).toBe('It is 25.');
    expect(inputs).toEqual(['{"number":5}']);
    const secondInput = inputSent(result.steps[1]!.request);
    expect(secondInput).toContainEqual({ type: 'item_reference', id: expect.stringMatching(/^ctc_/) });
    expect(secondInput).toContainEqual(expect.objectContaining({ type: 'custom_tool_call_output', call_id: 'call_i6JVJ1KxX79A4WzFri98E03U' }));
    expect(lastUpstreamMessages(harness)).toEqual([
      { role: 'user', content: 'Square 5.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_i6JVJ1KxX79A4WzFri98E03U', type: 'function', function: { name: 'square_number', arguments: JSON.stringify({ input: '{"number":5}' }) } }],
      },
      { role: 'tool', tool_call_id: 'call_i6JVJ1KxX79A4WzFri98E03U', content: '25' },
    ]);
  });

  it("refuses another key the first key's items: 404 naming the item, as OpenAI answers an item it does not hold", async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Only for alpha.' });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Hello?' }];
    const first = await generateText({ model: openai(alphaKey)(model), messages });
    messages.push(...first.response.messages, { role: 'user', content: 'More?' });
    harness.providers.reset();

    const refused = await generateText({ model: openai(bravoKey)(model), messages }).catch((caught: unknown) => caught);

    if (!APICallError.isInstance(refused)) throw new Error(`expected the AI SDK's APICallError, got ${String(refused)}`);
    const itemId = inputSent({ body: refused.requestBodyValues }).find((item) => item.type === 'item_reference')?.id;
    expect(itemId).toMatch(/^msg_/);
    expect(refused).toMatchObject({ statusCode: 404 });
    expect(refused.message).toContain(`Item with id '${String(itemId)}' not found.`);
    expect(JSON.parse(refused.responseBody ?? '{}')).toMatchObject({ error: { type: 'invalid_request_error', param: 'input', code: null } });
    expect(harness.providers.requests).toHaveLength(0);
  });

  it('keeps nothing of an answer whose request said store: false', async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Not kept.' });
    const first = await harness.client.responses.create({ model, input: 'Hello?', store: false });
    expect((first as unknown as { store: boolean }).store).toBe(false);
    const itemId = first.output[0]?.id ?? '';
    expect(itemId).toMatch(/^msg_/);

    const refused = await harness.client.responses
      .create({ model, input: [{ role: 'user', content: 'Hello?' }, { type: 'item_reference', id: itemId }, { role: 'user', content: 'More?' }] })
      .catch((caught: unknown) => caught);

    expect(refused).toMatchObject({ status: 404, param: 'input' });
    expect(String((refused as Error).message)).toContain(`Item with id '${itemId}' not found.`);
  });
});

describe('previous_response_id: a response continued from the conversation the gateway kept', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n', providerIds: ['openai'] });
  });
  afterAll(async () => harness?.close());
  beforeEach(() => harness.providers.reset());

  it("continues the AI SDK's conversation given its previousResponseId and only the new message", async () => {
    const openai = createOpenAI({ baseURL: `${harness.url}/v1`, apiKey: alphaKey });
    harness.providers.enqueue('openai', { kind: 'success', text: 'Paris is sunny today.' }, { kind: 'success', text: 'Tomorrow too.' });
    const first = await generateText({ model: openai(model), prompt: 'Weather in Paris?' });
    const previousResponseId = first.providerMetadata?.['openai']?.['responseId'];
    expect(previousResponseId).toMatch(/^resp_/);

    const second = await generateText({ model: openai(model), prompt: 'And tomorrow?', providerOptions: { openai: { previousResponseId: previousResponseId as string } } });

    expect(second.text).toBe('Tomorrow too.');
    expect(lastUpstreamMessages(harness)).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: 'Paris is sunny today.' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
  });

  it("chains responses as OpenAI does: each one's input and output before the next input, instructions not carried over", async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'One.' }, { kind: 'success', text: 'Two.' }, { kind: 'success', text: 'Three.' });
    const first = await harness.client.responses.create({ model, instructions: 'Count.', input: 'Start.' });
    const second = await harness.client.responses.create({ model, previous_response_id: first.id, input: [{ role: 'user', content: 'Next.' }] });
    expect(second.previous_response_id).toBe(first.id);
    const third = await harness.client.responses.stream({ model, previous_response_id: second.id, input: 'Last.' }).finalResponse();

    expect(third.output_text).toBe('Three.');
    expect(third.previous_response_id).toBe(second.id);
    expect(lastUpstreamMessages(harness)).toEqual([
      { role: 'user', content: 'Start.' },
      { role: 'assistant', content: 'One.' },
      { role: 'user', content: 'Next.' },
      { role: 'assistant', content: 'Two.' },
      { role: 'user', content: 'Last.' },
    ]);
  });

  it('continues a tool loop from a function call: the output alone follows the kept call', async () => {
    harness.providers.enqueue('openai', { kind: 'success', fixture: 'chat-completion-tool-call' }, { kind: 'success', text: 'It is 25.' });
    const tools = [{ type: 'function' as const, name: 'square_number', parameters: { type: 'object', properties: { number: { type: 'number' } } }, strict: false }];
    const first = await harness.client.responses.create({ model, input: 'Square 5.', tools });
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('expected the recorded function call');

    const second = await harness.client.responses.create({ model, previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: '25' }], tools });

    expect(second.output_text).toBe('It is 25.');
    expect(lastUpstreamMessages(harness)).toEqual([
      { role: 'user', content: 'Square 5.' },
      { role: 'assistant', content: null, tool_calls: [{ id: call.call_id, type: 'function', function: { name: 'square_number', arguments: '{"number":5}' } }] },
      { role: 'tool', tool_call_id: call.call_id, content: '25' },
    ]);
  });

  it("is OpenAI's 400 previous_response_not_found for a response never answered, another key's, or one whose request said store: false", async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Kept.' }, { kind: 'success', text: 'Not kept.' });
    const kept = await harness.client.responses.create({ model, input: 'Hello?' });
    const unkept = await harness.client.responses.create({ model, input: 'Hello?', store: false });
    harness.providers.reset();
    const continued = (client: typeof harness.client, id: string) =>
      client.responses.create({ model, previous_response_id: id, input: 'More?' }).catch((caught: unknown) => caught);

    for (const refused of [await continued(harness.client, 'resp_0123'), await continued(harness.clientWithKey(bravoKey), kept.id), await continued(harness.client, unkept.id)]) {
      expect(refused).toMatchObject({ status: 400, param: 'previous_response_id', code: 'previous_response_not_found' });
      expect(String((refused as Error).message)).toMatch(/^400 Previous response with id 'resp_[0-9a-f]+' not found\. This gateway keeps the responses it answered for 3600 s/);
    }
    expect(harness.providers.requests).toHaveLength(0);
  });

  it('refuses more distinct references than any conversation names with a 400 naming the limit, before the store is read', async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Kept.' });
    const kept = await harness.client.responses.create({ model, input: 'Hi.' });
    harness.providers.reset();
    // 4,097 ids of a few bytes each: a body well within the limit, each id a lookup in the store (a GET on Redis).
    const references = Array.from({ length: 4_097 }, (_, index) => ({ id: index === 0 ? kept.output[0]!.id! : `m${index}` }));

    const refused = await harness.client.responses.create({ model, input: [...references, { role: 'user', content: 'And?' }] } as never).catch((caught: unknown) => caught);

    expect(refused).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'input', code: 'array_above_max_length' });
    expect((refused as Error).message).toContain('at most 4096 distinct item references, but got 4097');
    expect(harness.providers.requests).toEqual([]);
  });

  it('refuses an input of the wrong type beside it with the 400 a request alone gets, rather than answering without it', async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Kept.' });
    const kept = await harness.client.responses.create({ model, input: 'Hello?' });
    harness.providers.reset();
    // One item not in a list (a common mistake), a number, an object with no item in it.
    for (const input of [{ role: 'user', content: 'And then?' }, 42, { text: 'And then?' }]) {
      const refused = await harness.client.responses
        .create({ model, previous_response_id: kept.id, input: input as unknown as string })
        .catch((caught: unknown) => caught);
      expect(refused).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'input' });
      expect(String((refused as Error).message)).toContain('input must be a string or a non-empty array of items.');
    }
    expect(harness.providers.requests).toHaveLength(0);
  });
});

describe('a gateway configured to keep nothing (storedResponses.enabled: false)', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\nstoredResponses:\n  enabled: false\n', providerIds: ['openai'] });
  });
  afterAll(async () => harness?.close());

  it("refuses the AI SDK's second turn with a 400 that says to send store: false, and echoes store: false", async () => {
    const openai = createOpenAI({ baseURL: `${harness.url}/v1`, apiKey: alphaKey });
    harness.providers.enqueue('openai', { kind: 'success', text: 'Not kept.' });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Hello?' }];
    const first = await generateText({ model: openai(model), messages });
    expect((first.response.body as { store?: unknown }).store).toBe(false);
    messages.push(...first.response.messages, { role: 'user', content: 'More?' });

    const refused = await generateText({ model: openai(model), messages }).catch((caught: unknown) => caught);

    expect(refused).toMatchObject({ statusCode: 400 });
    expect((refused as Error).message).toContain('storedResponses.enabled is false');
    expect((refused as Error).message).toContain('store: false');
  });
});

describe('kept items past their time to live', () => {
  let harness: GatewayHarness;
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 12));
  beforeAll(async () => {
    harness = await startGatewayHarness({
      yamlText: 'cache:\n  enabled: false\nstoredResponses:\n  ttlSeconds: 60\n',
      providerIds: ['openai'],
      gatewayOptions: { clock },
    });
  });
  afterAll(async () => harness?.close());

  it('are found until the configured time to live has passed on the gateway clock since the last turn that named them, then refused with the 404 naming them', async () => {
    const openai = createOpenAI({ baseURL: `${harness.url}/v1`, apiKey: alphaKey });
    harness.providers.enqueue('openai', { kind: 'success', text: 'Kept a minute.' }, { kind: 'success', text: 'Still here.' }, { kind: 'success', text: 'Kept again.' });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Hello?' }];
    const first = await generateText({ model: openai(model), messages });
    messages.push(...first.response.messages, { role: 'user', content: 'More?' });

    clock.advance(59_999);
    expect((await generateText({ model: openai(model), messages })).text).toBe('Still here.');
    // A minute after it was answered, the first answer is still found: the turn that named it kept it another minute.
    clock.advance(1);
    expect((await generateText({ model: openai(model), messages })).text).toBe('Kept again.');
    clock.advance(60_000);
    const refused = await generateText({ model: openai(model), messages }).catch((caught: unknown) => caught);

    expect(refused).toMatchObject({ statusCode: 404 });
    expect((refused as Error).message).toMatch(/^Item with id 'msg_[0-9a-f]+' not found\. This gateway keeps the items it answered for 60 s/);
  });
});

redis.describe('two gateway instances sharing a Redis, as behind a load balancer', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  /** A gateway whose answered items are kept on the test Redis under `prefix`. */
  async function startInstance(prefix: string): Promise<GatewayHarness> {
    const shared = createRedisSharedState({ url: testRedisUrl, prefix, operationTimeoutMs: 2_000 });
    const harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n', providerIds: ['openai'], gatewayOptions: { responseStore: shared.responseStore } });
    closers.push(async () => {
      await harness.close();
      await shared.close();
    });
    await waitFor(() => shared.isReady(), { timeoutMs: 5_000, what: 'the shared state to connect' });
    return harness;
  }

  redis.it("resolves at one instance the items and responses another answered, kept on Redis under the key's scope with the time to live, never the key", async () => {
    const prefix = testRedis.prefix();
    const [first, second] = [await startInstance(prefix), await startInstance(prefix)];
    first.providers.enqueue('openai', { kind: 'success', text: 'Answered by the first instance.' });
    second.providers.enqueue('openai', { kind: 'success', text: 'Answered by the second.' });
    const at = (harness: GatewayHarness, apiKey: string = alphaKey) => createOpenAI({ baseURL: `${harness.url}/v1`, apiKey })(model);
    const messages: ModelMessage[] = [{ role: 'user', content: 'Hello?' }];
    const answer = streamText({ model: at(first), messages });
    expect(await answer.text).toBe('Answered by the first instance.');
    messages.push(...(await answer.response).messages, { role: 'user', content: 'And you?' });

    const next = await generateText({ model: at(second), messages });

    expect(next.text).toBe('Answered by the second.');
    expect(inputSent(next.request)).toContainEqual({ type: 'item_reference', id: expect.stringMatching(/^msg_/) });
    expect(lastUpstreamMessages(second)).toEqual([
      { role: 'user', content: 'Hello?' },
      { role: 'assistant', content: 'Answered by the first instance.' },
      { role: 'user', content: 'And you?' },
    ]);
    expect(first.providers.requests).toHaveLength(1);
    first.providers.reset();

    const keys: string[] = [];
    await scanKeys(testRedis.client, { pattern: `${escapeGlob(prefix)}:*`, batchSize: 1_000 }, (_node, found) => {
      keys.push(...found);
    });
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatch(new RegExp(`^${prefix}:responses:v1:gateway-key:[0-9a-f]{32}:(item|turn|response-object):`));
      expect(key).not.toContain(alphaKey);
      expect(await testRedis.client.get(key)).not.toContain(alphaKey);
      expect(await testRedis.client.pttl(key)).toBeLessThanOrEqual(3_600_000);
    }

    // Another key, at either instance, is refused them.
    const refused = await generateText({ model: at(second, bravoKey), messages }).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ statusCode: 404 });

    // A response continued at the other instance by its id.
    first.providers.enqueue('openai', { kind: 'success', text: 'Continued at the first.' });
    const continued = await first.client.responses.create({ model, previous_response_id: String(next.providerMetadata?.['openai']?.['responseId']), input: 'Last?' });
    expect(continued.output_text).toBe('Continued at the first.');
    expect(lastUpstreamMessages(first).slice(-3)).toEqual([
      { role: 'user', content: 'And you?' },
      { role: 'assistant', content: 'Answered by the second.' },
      { role: 'user', content: 'Last?' },
    ]);
  });

  redis.it('reads nothing from Redis for a request naming more distinct items than any conversation: a 400, not thousands of GETs and a 503', async () => {
    const prefix = testRedis.prefix();
    const harness = await startInstance(prefix);
    // The commands on this instance's kept items, as Redis runs them: other suites share the test Redis, and the
    // instance's own periodic reading of the provider state may fall in while a loaded machine handles the request.
    const monitor = await new Redis(testRedisUrl, { lazyConnect: true }).monitor();
    closers.push(async () => monitor.disconnect());
    const reads: string[][] = [];
    const marker = `${prefix}:marker`;
    let markerSeen = false;
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[1] === marker) markerSeen = true;
      else if (args.some((arg) => arg.startsWith(`${prefix}:responses:`))) reads.push(args);
    });
    const references = Array.from({ length: 5_000 }, (_, index) => ({ id: `m${index}` }));

    const refused = await harness.client.responses.create({ model, input: [...references, { role: 'user', content: 'And?' }] } as never).catch((caught: unknown) => caught);

    expect(refused).toMatchObject({ status: 400, code: 'array_above_max_length' });
    // Anything read for it was answered before the 400, so Redis ran it before this marker.
    await testRedis.client.get(marker);
    await waitFor(() => markerSeen, { timeoutMs: 5_000, what: 'MONITOR to show the marker' });
    expect(reads).toEqual([]);
  });

  redis.it('gives back at one instance the response another answered, and once deleted at one it is gone at both, its Redis keys with it', async () => {
    const prefix = testRedis.prefix();
    const [first, second] = [await startInstance(prefix), await startInstance(prefix)];
    first.providers.enqueue('openai', { kind: 'success', text: 'Kept on Redis.' });
    const created = await first.client.responses.create({ model, input: 'Hello?' });

    expect(await second.client.responses.retrieve(created.id)).toEqual(created);
    await expect(second.clientWithKey(bravoKey).responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });

    const deleted = await second.client.responses.delete(created.id).asResponse();

    expect(await deleted.json()).toEqual({ id: created.id, object: 'response', deleted: true });
    await expect(first.client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    const keys: string[] = [];
    await scanKeys(testRedis.client, { pattern: `${escapeGlob(prefix)}:*`, batchSize: 1_000 }, (_node, found) => {
      keys.push(...found);
    });
    expect(keys).toEqual([]);
  });
});

describe('a request whose references would make it larger than a body the gateway takes', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\nlimits:\n  maxBodyBytes: 20000\n', providerIds: ['openai'] });
  });
  afterAll(async () => harness?.close());
  beforeEach(() => harness.providers.reset());

  it('is refused with the 413 of a body past limits.maxBodyBytes, nothing sent upstream: one kept item named many times', async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'A long answer. '.repeat(100) });
    const first = await harness.client.responses.create({ model, input: 'Say something long.' });
    const itemId = first.output[0]!.id!;
    harness.providers.reset();
    // 2 KB of references, each to the same 1.5 KB answer: resolved, 150 KB, past the 20 KB any body may be.
    const references = Array.from({ length: 100 }, () => ({ type: 'item_reference' as const, id: itemId }));

    const refused = await harness.client.responses.create({ model, input: [...references, { role: 'user', content: 'Again?' }] }).catch((caught: unknown) => caught);

    expect(refused).toMatchObject({ status: 413, code: 'request_too_large', param: 'input' });
    expect((refused as Error).message).toContain('limits.maxBodyBytes');
    expect(harness.providers.requests).toEqual([]);
  });

  it('still answers a conversation whose references stay within the limit', async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Short.' }, { kind: 'success', text: 'Fine.' });
    const first = await harness.client.responses.create({ model, input: 'Hi.' });

    const second = await harness.client.responses.create({ model, input: [{ type: 'item_reference', id: first.output[0]!.id! }, { role: 'user', content: 'And?' }] });

    expect(second.output_text).toBe('Fine.');
  });
});
