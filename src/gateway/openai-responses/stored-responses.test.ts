import { describe, expect, it } from 'vitest';
import { MemoryResponseStore } from '../../response-store/memory-response-store.js';
import { StoredResponses } from './stored-responses.js';

const scope = 'gateway-key:alpha';

describe('StoredResponses', () => {
  it('still continues from a conversation an earlier version kept (input and output, no response object), which it cannot give back', async () => {
    const store = new MemoryResponseStore();
    const legacy = { input: [{ role: 'user', content: 'Hello?' }], output: [{ id: 'msg_1', type: 'message', role: 'assistant', content: [] }] };
    await store.set(scope, [{ name: 'response:resp_old', text: JSON.stringify(legacy) }], 60);
    const stored = new StoredResponses({ store, ttlSeconds: 60, maxEntryBytes: 1_000_000, maxResolvedBytes: 1_000_000, maxChainLength: 10 });

    const resolved = await stored.resolve({ previous_response_id: 'resp_old', input: 'More?' }, scope);

    expect((resolved.body as { input: unknown[] }).input).toEqual([...legacy.input, ...legacy.output, { role: 'user', content: 'More?' }]);
    await expect(stored.retrieve(scope, 'resp_old')).rejects.toMatchObject({ status: 404 });
    await stored.delete(scope, 'resp_old');
    expect(await store.get(scope, ['response:resp_old'])).toEqual([undefined]);
  });

  it("keeps a turn continued from an earlier version's conversation with that conversation before its input, there being no turn to link to", async () => {
    const store = new MemoryResponseStore();
    const legacy = { input: [{ role: 'user', content: 'Hello?' }], response: { id: 'resp_old', output: [{ id: 'msg_1', type: 'message', role: 'assistant', content: [] }] } };
    await store.set(scope, [{ name: 'response:resp_old', text: JSON.stringify(legacy) }], 60);
    const stored = new StoredResponses({ store, ttlSeconds: 60, maxEntryBytes: 1_000_000, maxResolvedBytes: 1_000_000, maxChainLength: 10 });
    const { turn } = await stored.resolve({ previous_response_id: 'resp_old', input: 'More?' }, scope);
    await stored.keep(scope, { response: { id: 'resp_new', output: [{ id: 'msg_2', type: 'message', role: 'assistant', content: [] }] }, turn: turn! });

    const next = await stored.resolve({ previous_response_id: 'resp_new', input: 'Last?' }, scope);

    expect((next.body as { input: { role: string }[] }).input.map((item) => item.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(next.turn?.previousIds).toEqual(['resp_new']);
    expect(JSON.parse(await stored.retrieve(scope, 'resp_old'))).toEqual(legacy.response);
  });

  it('is the 404 for an id no response could have, without asking the store', async () => {
    const stored = new StoredResponses({ store: new MemoryResponseStore(), ttlSeconds: 60, maxEntryBytes: 1_000, maxResolvedBytes: 1_000, maxChainLength: 10 });
    await expect(stored.retrieve(scope, '')).rejects.toMatchObject({ status: 404 });
    await expect(stored.delete(scope, 'x'.repeat(300))).rejects.toMatchObject({ status: 404 });
  });
});
