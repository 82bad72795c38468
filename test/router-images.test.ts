/**
 * Images through the router end to end: only models that take image input are asked, each provider gets
 * them in its own wire shape, and a bad image is a typed error before any upstream call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BackupModelRouter, InvalidArgumentError, type Message } from '../src/index.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

let server: ProviderTestServer;
let router: BackupModelRouter;
beforeAll(async () => {
  server = await startProviderTestServer();
  router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, parallelAttempts: 1 });
});
afterAll(async () => {
  await router.close();
  await server.close();
});
beforeEach(() => server.reset());

const screenshot = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==';
const question = (url: string): Message[] => [{ role: 'user', content: 'What is in this image?', images: [{ url }] }];

describe('a call with images', () => {
  it('skips the models that take no image input, and sends the image to the first that does', async () => {
    const result = await router.complete(question(screenshot), { tier: 1 });
    expect(result.provider).toBe('openai');
    expect(result.attempts.filter((attempt) => attempt.outcome === 'skipped').map((attempt) => [attempt.provider, attempt.detail])).toEqual(
      expect.arrayContaining([
        ['groq', 'takes no image input'],
        ['together', 'takes no image input'],
      ]),
    );
    const sent = server.requests[0]?.body as { messages: { content: unknown }[] };
    expect(server.requests.map((request) => request.provider)).toEqual(['openai']);
    expect(sent.messages[0]?.content).toEqual([
      { type: 'text', text: 'What is in this image?' },
      { type: 'image_url', image_url: { url: screenshot } },
    ]);
  });

  it('streams too, and an image URL never goes to Gemini, which cannot fetch it', async () => {
    server.setBehavior('openai', { kind: 'status', status: 503 });
    const stream = router.stream(question('https://example.com/cat.jpg'), { route: [
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'google', model: 'gemini-2.5-flash' },
      { provider: 'anthropic', model: 'claude-sonnet-4-20250514' },
    ] });
    let text = '';
    for await (const chunk of stream) if (chunk.type === 'text-delta') text += chunk.text;
    const result = await stream.result;
    expect(text.length).toBeGreaterThan(0);
    expect(result.provider).toBe('anthropic');
    expect(server.requests.map((request) => request.provider)).toEqual(['openai', 'anthropic']);
    const sent = server.requests[1]?.body as { messages: { content: unknown }[] };
    expect(sent.messages[0]?.content).toEqual([
      { type: 'text', text: 'What is in this image?' },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('refuses an image that is not an http(s) or image data URL, or on a message that is not the user\'s, before any call', async () => {
    await expect(router.complete(question('file:///etc/passwd'))).rejects.toThrow(InvalidArgumentError);
    await expect(router.complete(question('data:text/html;base64,PGgxPg=='))).rejects.toThrow(/data URL of a PNG, JPEG, GIF or WebP image/);
    const onAssistant = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello', images: [{ url: screenshot }] }] as unknown as Message[];
    await expect(router.complete(onAssistant)).rejects.toThrow(/only user messages carry images/);
    expect(server.requests).toHaveLength(0);
  });
});
