/**
 * A request's Cache-Control over the gateway's response cache, through the official OpenAI client (its
 * per-request headers), against the provider test server: `no-cache` asks again and stores the new answer,
 * `no-store` neither reads nor stores; the answer says which in `x-backup-models-cache`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness();
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

async function ask(prompt: string, cacheControl?: string): Promise<{ content: string | null; cache: string | null }> {
  const headers = cacheControl === undefined ? {} : { 'cache-control': cacheControl };
  const { data, response } = await harness.client.chat.completions
    .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }, { headers })
    .withResponse();
  return { content: data.choices[0]!.message.content, cache: response.headers.get('x-backup-models-cache') };
}

describe('Cache-Control on a model call', () => {
  it('no-cache asks the provider again and the new answer replaces the cached one', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', text: 'The first answer.' });
    expect(await ask('Regenerate me.')).toEqual({ content: 'The first answer.', cache: 'miss' });
    harness.providers.setBehavior('openai', { kind: 'success', text: 'The second answer.' });
    expect(await ask('Regenerate me.')).toEqual({ content: 'The first answer.', cache: 'hit' });
    expect(await ask('Regenerate me.', 'no-cache')).toEqual({ content: 'The second answer.', cache: 'refresh' });
    expect(await ask('Regenerate me.')).toEqual({ content: 'The second answer.', cache: 'hit' });
    expect(harness.providers.requests).toHaveLength(2);
  });

  it('no-store neither reads the cached answer nor stores its own', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', text: 'Kept.' });
    expect(await ask('Do not keep me.')).toEqual({ content: 'Kept.', cache: 'miss' });
    harness.providers.setBehavior('openai', { kind: 'success', text: 'Not kept.' });
    expect(await ask('Do not keep me.', 'private, no-store')).toEqual({ content: 'Not kept.', cache: 'bypass' });
    expect(await ask('Do not keep me.')).toEqual({ content: 'Kept.', cache: 'hit' });
    expect(harness.providers.requests).toHaveLength(2);
  });

  it('a directive about something else leaves the cache as it is', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', text: 'Cached.' });
    await ask('Other directives.');
    expect(await ask('Other directives.', 'max-age=60, no-transform')).toEqual({ content: 'Cached.', cache: 'hit' });
    expect(harness.providers.requests).toHaveLength(1);
  });
});
