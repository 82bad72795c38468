/**
 * What every store of answered Responses items gives the gateway (memory, Redis), through real HTTP with the official
 * OpenAI client, the provider test server replaying OpenAI's recorded answer shapes behind it: each response kept once
 * and its conversation rebuilt from its turns (what is kept grows with each turn, not with the conversation), in few
 * reads, bounded, kept alive while it goes on, its input items listed, and a deleted response's content never sent again.
 */
import type OpenAI from 'openai';
import type { ResponseInput } from 'openai/resources/responses/responses';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResponseStore, ResponseStoreEntry } from '../src/response-store/response-store.js';
import { gatewayKeys, type GatewayHarness } from './gateway-harness.js';

export interface ChainGateway {
  readonly harness: GatewayHarness;
  /** The UTF-8 bytes of every entry the store keeps now. */
  keptBytes(): Promise<number>;
  /** Make every kept entry `ms` older, as if that much time had passed for the store (and the gateway's clock). */
  age(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a gateway with `yamlText` whose answered Responses items are kept in the store under test, wrapped in `store`. */
export type StartChainGateway = (options: { readonly yamlText: string; readonly wrap: (store: ResponseStore) => ResponseStore }) => Promise<ChainGateway>;

/** The real store, its reads counted (one `get` is one round trip to Redis: its keys are all sent at once). */
class CountedReads implements ResponseStore {
  reads = 0;
  constructor(readonly inner: ResponseStore) {}
  set(scope: string, entries: readonly ResponseStoreEntry[], ttlSeconds: number): Promise<void> {
    return this.inner.set(scope, entries, ttlSeconds);
  }
  get(scope: string, names: readonly string[]): Promise<readonly (string | undefined)[] | undefined> {
    this.reads += 1;
    return this.inner.get(scope, names);
  }
  delete(scope: string, names: readonly string[]): Promise<true | undefined> {
    return this.inner.delete(scope, names);
  }
  touch(scope: string, names: readonly string[], ttlSeconds: number): Promise<void> {
    return this.inner.touch(scope, names, ttlSeconds);
  }
}

const model = 'openai/gpt-4o-mini';
const yaml = (storedResponses = ''): string => `cache:\n  enabled: false\n${storedResponses === '' ? '' : `storedResponses:\n${storedResponses}`}`;

function upstreamMessages(harness: GatewayHarness): { role: string; content: unknown }[] {
  return (harness.providers.requests.at(-1)?.body as { messages: { role: string; content: unknown }[] }).messages;
}

async function rawInputItems(harness: GatewayHarness, id: string, query = ''): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${harness.url}/v1/responses/${id}/input_items${query}`, { headers: { authorization: `Bearer ${harness.client.apiKey}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function describeStoredResponseChains(name: string, start: StartChainGateway): void {
  describe(`stored response chains: ${name}`, () => {
    let gateway: ChainGateway | undefined;
    let counted: CountedReads | undefined;
    afterEach(async () => {
      await gateway?.close();
      gateway = undefined;
    });
    const open = async (yamlText: string): Promise<GatewayHarness> => {
      gateway = await start({ yamlText, wrap: (store) => (counted = new CountedReads(store)) });
      return gateway.harness;
    };
    /** One turn: `input` after the response `previousId`, answered `text`. */
    const turn = (harness: GatewayHarness, options: { previousId?: string; input: string | ResponseInput; text: string; client?: OpenAI }) => {
      harness.providers.enqueue('openai', { kind: 'success', text: options.text });
      const client = options.client ?? harness.client;
      return client.responses.create({ model, input: options.input, ...(options.previousId === undefined ? {} : { previous_response_id: options.previousId }) });
    };

    it('keeps each response once: a turn adds as much at the 40th as at the 2nd, and the 41st reads its whole conversation back in 3 reads', async () => {
      const harness = await open(yaml());
      const added: number[] = [];
      let previousId: string | undefined;
      for (let index = 1; index <= 40; index += 1) {
        const before = await gateway!.keptBytes();
        previousId = (await turn(harness, { previousId, input: `Question ${index}: ${'q'.repeat(2_000)}`, text: `Answer ${index}: ${'a'.repeat(2_000)}` })).id;
        added.push((await gateway!.keptBytes()) - before);
      }
      // Each turn keeps its own input and output (and names the 32 responses before it): no copy of the conversation.
      expect(added[39]!).toBeLessThan(added[1]! * 1.5);
      const readsBefore = counted!.reads;

      await turn(harness, { previousId, input: 'Last question.', text: 'Last answer.' });

      // The previous response's turn, then the 32 turns it names, then the 7 the oldest of those names.
      expect(counted!.reads - readsBefore).toBe(3);
      const messages = upstreamMessages(harness);
      expect(messages).toHaveLength(81);
      expect(messages[0]).toEqual({ role: 'user', content: `Question 1: ${'q'.repeat(2_000)}` });
      expect(messages[79]).toEqual({ role: 'assistant', content: `Answer 40: ${'a'.repeat(2_000)}` });
      expect(messages[80]).toEqual({ role: 'user', content: 'Last question.' });
    });

    it('keeps the references of a conversation sent whole (as the AI SDK sends it) as references: a turn adds about the same at the 12th as at the 2nd', async () => {
      const harness = await open(yaml());
      const input: ResponseInput = [];
      const added: number[] = [];
      for (let index = 1; index <= 12; index += 1) {
        input.push({ role: 'user', content: `Question ${index}?` });
        const before = await gateway!.keptBytes();
        const answered = await turn(harness, { input, text: `Answer ${index}: ${'a'.repeat(3_000)}` });
        added.push((await gateway!.keptBytes()) - before);
        input.push({ type: 'item_reference', id: answered.output[0]!.id! });
      }
      expect(added[11]!).toBeLessThan(added[1]! * 1.5);
      expect(upstreamMessages(harness)).toHaveLength(23);
    });

    it('continues a conversation past maxEntryBytes, which now bounds each turn, not the conversation', async () => {
      const harness = await open(yaml('  maxEntryBytes: 8000\n'));
      let previousId: string | undefined;
      for (let index = 1; index <= 5; index += 1) {
        previousId = (await turn(harness, { previousId, input: `Question ${index}: ${'q'.repeat(2_000)}`, text: `Answer ${index}: ${'a'.repeat(2_000)}` })).id;
      }
      // Twenty thousand bytes of conversation, continued from its last response.
      expect(upstreamMessages(harness)).toHaveLength(9);
      expect((await harness.client.responses.retrieve(previousId!)).output_text).toBe(`Answer 5: ${'a'.repeat(2_000)}`);
    });

    it('refuses a previous_response_id whose conversation has more responses than maxChainLength: a 400 conversation_too_long, nothing sent upstream', async () => {
      const harness = await open(yaml('  maxChainLength: 3\n'));
      let previousId: string | undefined;
      for (let index = 1; index <= 4; index += 1) previousId = (await turn(harness, { previousId, input: `Turn ${index}.`, text: `Answer ${index}.` })).id;
      expect(upstreamMessages(harness)).toHaveLength(7);
      harness.providers.reset();

      const refused = await harness.client.responses.create({ model, previous_response_id: previousId!, input: 'Fifth.' }).catch((caught: unknown) => caught);

      expect(refused).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'previous_response_id', code: 'conversation_too_long' });
      expect((refused as Error).message).toContain('more than the 3 responses this gateway follows (storedResponses.maxChainLength)');
      expect(harness.providers.requests).toEqual([]);
    });

    it('keeps a conversation still going alive: each turn starts the time to live of the responses before it again', async () => {
      const harness = await open(yaml('  ttlSeconds: 60\n'));
      const first = await turn(harness, { input: 'Start.', text: 'One.' });
      await gateway!.age(50_000);
      const second = await turn(harness, { previousId: first.id, input: 'Next.', text: 'Two.' });
      await gateway!.age(50_000);

      // A hundred seconds after it was answered, the first response is still kept: the second turn kept it another minute.
      expect((await harness.client.responses.retrieve(first.id)).output_text).toBe('One.');
      await turn(harness, { previousId: second.id, input: 'Last.', text: 'Three.' });
      expect(upstreamMessages(harness).map((message) => message.content)).toEqual(['Start.', 'One.', 'Next.', 'Two.', 'Last.']);
      await gateway!.age(61_000);
      await expect(harness.client.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
    });

    it("lists a response's input items with the official client: the conversation it continued and its own input, newest first, a page at a time", async () => {
      const harness = await open(yaml());
      harness.providers.enqueue('openai', { kind: 'success', text: 'One.' }, { kind: 'success', text: 'Two.' });
      const first = await harness.client.responses.create({ model, instructions: 'Count.', input: 'Start.' });
      const second = await harness.client.responses.create({ model, previous_response_id: first.id, input: [{ role: 'user', content: 'Next.' }] });
      const third = await turn(harness, { previousId: second.id, input: 'Last.', text: 'Three.' });

      const { status, body } = await rawInputItems(harness, third.id);

      expect(status).toBe(200);
      const data = body.data as Record<string, unknown>[];
      expect(data.map((item) => [item.role, (item.content as { type: string; text: string }[])[0]])).toEqual([
        ['user', { type: 'input_text', text: 'Last.' }],
        ['assistant', { type: 'output_text', text: 'Two.', annotations: [] }],
        ['user', { type: 'input_text', text: 'Next.' }],
        ['assistant', { type: 'output_text', text: 'One.', annotations: [] }],
        ['user', { type: 'input_text', text: 'Start.' }],
      ]);
      expect(data[1]).toEqual(second.output[0]);
      expect(data[0]).toMatchObject({ type: 'message', status: 'completed', id: expect.stringMatching(/^msg_[0-9a-f]{32}$/) });
      expect(body).toMatchObject({ object: 'list', first_id: data[0]!.id, last_id: data[4]!.id, has_more: false });

      // Oldest first, two a page: the client follows `after` while has_more says so, over the same ids.
      const pages: boolean[] = [];
      let page = await harness.client.responses.inputItems.list(third.id, { order: 'asc', limit: 2, include: ['message.input_image.image_url'] });
      const ids = page.data.map((item) => item.id);
      pages.push(page.has_more);
      while (page.hasNextPage()) {
        page = await page.getNextPage();
        ids.push(...page.data.map((item) => item.id));
        pages.push(page.has_more);
      }
      expect(ids).toEqual(data.map((item) => item.id).reverse());
      expect(pages).toEqual([true, true, false]);
      const deleted = await fetch(`${harness.url}/v1/responses/${third.id}/input_items`, { method: 'DELETE', headers: { authorization: `Bearer ${harness.client.apiKey}` } });
      expect(deleted.status).toBe(405);
    });

    it('lists the items a request referred to as they were answered, and refuses a bad query or another key with OpenAI-shaped errors', async () => {
      const harness = await open(yaml());
      const first = await turn(harness, { input: 'Hello?', text: 'Hi.' });
      const second = await turn(harness, { input: [{ role: 'user', content: 'Hello?' }, { type: 'item_reference', id: first.output[0]!.id! }, { role: 'user', content: 'More?' }], text: 'Sure.' });

      const listed = await harness.client.responses.inputItems.list(second.id, { order: 'asc' });

      expect(listed.data).toHaveLength(3);
      expect(listed.data[1]).toEqual(first.output[0]);
      await expect(harness.client.responses.inputItems.list(second.id, { limit: 0 })).rejects.toMatchObject({ status: 400, param: 'limit' });
      await expect(harness.client.responses.inputItems.list(second.id, { order: 'sideways' as 'asc' })).rejects.toMatchObject({ status: 400, param: 'order' });
      await expect(harness.client.responses.inputItems.list(second.id, { after: 'msg_elsewhere' })).rejects.toMatchObject({ status: 400, param: 'after' });
      await expect(harness.clientWithKey(gatewayKeys[1]).responses.inputItems.list(second.id)).rejects.toMatchObject({ status: 404 });
      await expect(harness.client.responses.inputItems.list('resp_0123')).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/^404 Response with id 'resp_0123' not found\./) });
    });

    it('deletes a response in the middle of a conversation without ever sending it again: the later ones are given back but not continued or listed, the earlier ones are kept', async () => {
      const harness = await open(yaml());
      const first = await turn(harness, { input: 'Start.', text: 'One.' });
      const second = await turn(harness, { previousId: first.id, input: 'Secret.', text: 'Forget this.' });
      const third = await turn(harness, { previousId: second.id, input: 'Last.', text: 'Three.' });

      await harness.client.responses.delete(second.id);
      harness.providers.reset();

      expect((await harness.client.responses.retrieve(third.id)).output_text).toBe('Three.');
      const continued = await harness.client.responses.create({ model, previous_response_id: third.id, input: 'More?' }).catch((caught: unknown) => caught);
      expect(continued).toMatchObject({ status: 400, param: 'previous_response_id', code: 'previous_response_not_found' });
      expect((continued as Error).message).toContain(`Previous response with id '${third.id}' cannot be continued: the response '${second.id}' before it was deleted or is no longer kept.`);
      const listed = await rawInputItems(harness, third.id);
      expect(listed.status).toBe(404);
      expect(JSON.stringify(listed.body)).toContain(`the response '${second.id}' before it was deleted`);
      expect(harness.providers.requests).toEqual([]);

      await turn(harness, { previousId: first.id, input: 'Again.', text: 'Fine.' });
      expect(upstreamMessages(harness).map((message) => message.content)).toEqual(['Start.', 'One.', 'Again.']);
    });
  });
}
