/**
 * `client.responses.retrieve(id)` and `client.responses.delete(id)` of the official OpenAI client against the gateway's
 * GET and DELETE /v1/responses/{id}, the provider test server replaying OpenAI's answers behind it: a kept response read
 * back as it was answered, and forgotten on request with its items (the two-instance case on Redis is in
 * gateway-stored-responses.test.ts).
 */
import { NotFoundError } from 'openai';
import type { Response as OpenAIResponse } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const model = 'openai/gpt-4o-mini';
const [, bravoKey] = gatewayKeys;
const notFoundMessage = /^404 Response with id 'resp_[0-9a-z]*' not found\./;

describe('a response the gateway kept, read back and deleted by the official OpenAI client', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n', providerIds: ['openai'] });
  });
  afterAll(async () => harness?.close());
  beforeEach(() => harness.providers.reset());

  it('gives back a whole answer as it was answered: the same object, created_at and item ids included', async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Kept for later.' });
    const created = await harness.client.responses.create({ model, input: 'Hello?' });

    const retrieved = await harness.client.responses.retrieve(created.id);

    expect(retrieved).toEqual(created);
    expect(retrieved.output_text).toBe('Kept for later.');
    expect(harness.providers.requests).toHaveLength(1);
  });

  it('gives back a streamed answer as its response.completed event gave it', async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Streamed and kept.', textPieces: 3 });
    const stream = await harness.client.responses.create({ model, input: 'Hello?', stream: true });
    let completed: OpenAIResponse | undefined;
    for await (const event of stream) if (event.type === 'response.completed') completed = event.response;
    expect(completed?.id).toMatch(/^resp_/);

    const retrieved = await harness.client.responses.retrieve(completed!.id);

    // The client adds output_text to what it retrieves, not to a streamed event's response.
    expect(retrieved).toEqual({ ...completed, output_text: 'Streamed and kept.' });
  });

  it("is OpenAI's 404 for another key's response, an unknown id, or one whose request said store: false; another key cannot delete it", async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Mine.' }, { kind: 'success', text: 'Not kept.' });
    const kept = await harness.client.responses.create({ model, input: 'Hello?' });
    const unkept = await harness.client.responses.create({ model, input: 'Hello?', store: false });
    const bravo = harness.clientWithKey(bravoKey);

    for (const refused of [
      await bravo.responses.retrieve(kept.id).catch((caught: unknown) => caught),
      await harness.client.responses.retrieve('resp_0123').catch((caught: unknown) => caught),
      await harness.client.responses.retrieve(unkept.id).catch((caught: unknown) => caught),
      await bravo.responses.delete(kept.id).catch((caught: unknown) => caught),
    ]) {
      expect(refused).toBeInstanceOf(NotFoundError);
      expect(refused).toMatchObject({ status: 404, type: 'invalid_request_error', param: null, code: null });
      expect((refused as Error).message).toMatch(notFoundMessage);
      expect((refused as Error).message).toContain('This gateway keeps the responses it answered for 3600 s, for the key that asked');
    }
    // The other key's refused delete left it where it was.
    expect((await harness.client.responses.retrieve(kept.id)).output_text).toBe('Mine.');
  });

  it("deletes it with OpenAI's answer; then neither it, its previous_response_id nor its items are found, and a second delete is a 404", async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Forget me.' });
    const created = await harness.client.responses.create({ model, input: 'Remember this?' });
    const messageId = created.output[0]!.id!;

    const deleted = await harness.client.responses.delete(created.id).asResponse();

    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ id: created.id, object: 'response', deleted: true });
    harness.providers.reset();
    const retrieved = await harness.client.responses.retrieve(created.id).catch((caught: unknown) => caught);
    expect(retrieved).toBeInstanceOf(NotFoundError);
    const continued = await harness.client.responses.create({ model, previous_response_id: created.id, input: 'More?' }).catch((caught: unknown) => caught);
    expect(continued).toMatchObject({ status: 400, code: 'previous_response_not_found' });
    const referenced = await harness.client.responses
      .create({ model, input: [{ type: 'item_reference', id: messageId }, { role: 'user', content: 'More?' }] })
      .catch((caught: unknown) => caught);
    expect(referenced).toMatchObject({ status: 404, param: 'input' });
    expect((referenced as Error).message).toContain(`Item with id '${messageId}' not found.`);
    expect(harness.providers.requests).toHaveLength(0);
    await expect(harness.client.responses.delete(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('a kept response past its time to live', () => {
  let harness: GatewayHarness;
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 12));
  beforeAll(async () => {
    harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\nstoredResponses:\n  ttlSeconds: 60\n', providerIds: ['openai'], gatewayOptions: { clock } });
  });
  afterAll(async () => harness?.close());

  it('is read back until the time to live has passed on the gateway clock, then is the 404', async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Kept a minute.' });
    const created = await harness.client.responses.create({ model, input: 'Hello?' });
    clock.advance(59_000);
    expect((await harness.client.responses.retrieve(created.id)).output_text).toBe('Kept a minute.');

    clock.advance(1_000);

    const refused = await harness.client.responses.retrieve(created.id).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(NotFoundError);
    expect((refused as Error).message).toMatch(notFoundMessage);
  });
});

describe('a gateway configured to keep nothing (storedResponses.enabled: false)', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\nstoredResponses:\n  enabled: false\n', providerIds: ['openai'] });
  });
  afterAll(async () => harness?.close());

  it('answers a retrieve, a delete and a list of input items with the 404 that names the response and says it keeps none', async () => {
    harness.providers.enqueue('openai', { kind: 'success', text: 'Not kept.' });
    const created = await harness.client.responses.create({ model, input: 'Hello?' });

    for (const refused of [
      await harness.client.responses.retrieve(created.id).catch((caught: unknown) => caught),
      await harness.client.responses.delete(created.id).catch((caught: unknown) => caught),
      await harness.client.responses.inputItems.list(created.id).catch((caught: unknown) => caught),
    ]) {
      expect(refused).toBeInstanceOf(NotFoundError);
      expect((refused as Error).message).toMatch(notFoundMessage);
      expect((refused as Error).message).toContain(`'${created.id}'`);
      expect((refused as Error).message).toContain('storedResponses.enabled is false');
    }
  });
});

describe('a gateway with keys', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n', providerIds: ['openai'] });
  });
  afterAll(async () => harness?.close());

  it('refuses a retrieve and a delete without a valid key with its 401, as every route', async () => {
    const stranger = harness.clientWithKey('not-a-gateway-key-0000000000');
    await expect(stranger.responses.retrieve('resp_0123')).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    await expect(stranger.responses.delete('resp_0123')).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
  });
});
