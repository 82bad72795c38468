/**
 * Images through the router end to end: only models that take image input are asked, each provider gets
 * them in its own wire shape, and a bad image is a typed error before any upstream call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BackupModelRouter, InvalidArgumentError, type Message, NoProviderAvailableError } from '../src/index.js';
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
const toolConversation: Message[] = [
  { role: 'user', content: 'Is the button blue?' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'screenshot', arguments: '{}' }] },
  { role: 'tool', toolCallId: 'call_1', toolName: 'screenshot', content: 'The page:', images: [{ url: screenshot }] },
];

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
    // OpenAI's tier-1 model is asked on the Responses API: its parts are `input_text` and `input_image`.
    const sent = server.requests[0]?.body as { input: { content: unknown }[] };
    expect(server.requests.map((request) => request.provider)).toEqual(['openai']);
    expect(sent.input[0]?.content).toEqual([
      { type: 'input_text', text: 'What is in this image?' },
      { type: 'input_image', image_url: screenshot },
    ]);
  });

  it('streams too, and an image URL never goes to Gemini, which cannot fetch it', async () => {
    server.setBehavior('openai', { kind: 'status', status: 503 });
    const stream = router.stream(question('https://example.com/cat.jpg'), { route: [
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'google', model: 'gemini-3.5-flash-lite' },
      { provider: 'anthropic', model: 'claude-sonnet-4-6' },
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
    await expect(router.complete(onAssistant)).rejects.toThrow(/only user and tool messages carry images/);
    const badToolImage = [...toolConversation.slice(0, 2), { ...toolConversation[2], images: [{ url: 'file:///etc/passwd' }] }] as Message[];
    await expect(router.complete(badToolImage)).rejects.toThrow(/messages\[2\]\.images\[0\]\.url must be an http\(s\) URL/);
    expect(server.requests).toHaveLength(0);
  });

  it("a tool's images, too: only models that take images are asked, and each gets them in its own shape", async () => {
    // A route, not a tier: which of several vision models a tier asks first depends on their latency so far.
    const route = [
      { provider: 'groq', model: 'llama-3.1-8b-instant' },
      { provider: 'together', model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo' },
      { provider: 'openai', model: 'gpt-4o-mini' },
    ];
    const result = await router.complete(toolConversation, { route });
    expect(result.provider).toBe('openai');
    expect(result.attempts.filter((attempt) => attempt.outcome === 'skipped').map((attempt) => attempt.provider)).toEqual(
      expect.arrayContaining(['groq', 'together']),
    );
    const sentToOpenAI = server.requests[0]?.body as { messages: unknown[] };
    expect(sentToOpenAI.messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'call_1', content: 'The page:' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'The images returned by tool call call_1 (screenshot):' },
          { type: 'image_url', image_url: { url: screenshot } },
        ],
      },
    ]);

    server.reset();
    await router.complete(toolConversation, { route: [{ provider: 'anthropic', model: 'claude-sonnet-4-6' }] });
    const sentToAnthropic = server.requests[0]?.body as { messages: { content: unknown }[] };
    expect(sentToAnthropic.messages.at(-1)?.content).toEqual([
      {
        type: 'tool_result',
        tool_use_id: 'call_1',
        content: [
          { type: 'text', text: 'The page:' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg==' } },
        ],
      },
    ]);
  });

  it('an image from an earlier turn keeps models without vision as a fallback, with a note in its place', async () => {
    const later: Message[] = [
      ...toolConversation,
      { role: 'assistant', content: 'It is blue.' },
      { role: 'user', content: 'Thanks. Now summarize our chat in one line.' },
    ];
    const textOnly = [
      { provider: 'groq', model: 'llama-3.1-8b-instant' },
      { provider: 'together', model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' },
    ];
    const result = await router.complete(later, { route: textOnly });
    expect(result.provider).toBe('groq');
    const sent = server.requests[0]?.body as { messages: { role: string; content: unknown }[] };
    expect(sent.messages[2]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'The page:\n[image omitted: this model takes no image input]' });
    expect(JSON.stringify(sent)).not.toContain('base64');
    // Streamed the same way.
    server.reset();
    const stream = router.stream(later, { route: textOnly });
    for await (const chunk of stream) void chunk;
    expect((await stream.result).provider).toBe('groq');
    expect(JSON.stringify(server.requests[0]?.body)).toContain('[image omitted: this model takes no image input]');

    // A model that takes images is asked first; the others only once it failed.
    server.reset();
    const withVision = [...textOnly, { provider: 'openai', model: 'gpt-4o-mini' }];
    const preferred = await router.complete(later, { route: withVision });
    expect(preferred.provider).toBe('openai');
    expect(preferred.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual(['openai:success']);
    server.reset();
    server.setBehavior('openai', { kind: 'status', status: 503 });
    const fellBack = await router.complete(later, { route: withVision });
    expect(fellBack.provider).toBe('groq');
    expect(fellBack.attempts.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual(['openai:failure', 'groq:success']);
    expect(JSON.stringify(server.requests.find((request) => request.provider === 'groq')?.body)).toContain('[image omitted: this model takes no image input]');
    server.reset();

    // The image being asked about now is not history: without a model that takes it, the call is refused.
    server.reset();
    const refusal = await router.complete(toolConversation, { route: textOnly }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(NoProviderAvailableError);
    expect(refusal).toMatchObject({ noProviderTakesRequest: true, noProviderConfigured: false, retryAfterMs: undefined });
    expect((refusal as Error).message).toMatch(/takes no image input/);
    expect(server.requests).toHaveLength(0);
  });

  it('asks the history fallback again in a retry round, and in a round whose only planned targets it holds', async () => {
    const later: Message[] = [
      { role: 'user', content: 'Look.', images: [{ url: screenshot }] },
      { role: 'assistant', content: 'A cat.' },
      { role: 'user', content: 'And its name?' },
    ];
    const route = [
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'groq', model: 'llama-3.1-8b-instant' },
    ];
    const retrying = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, maxRetries: 1, retryBaseDelayMs: 1 });
    try {
      for (const parallelAttempts of [1, 2]) {
        for (const visionFailure of [{ kind: 'status', status: 503 }, { kind: 'error', fixture: 'error-404-model-not-found' }] as const) {
          server.reset();
          server.setBehavior('openai', visionFailure);
          server.enqueue('groq', { kind: 'status', status: 503 });
          const result = await retrying.complete(later, { route, parallelAttempts });
          expect(result.provider).toBe('groq');
          expect(server.requests.filter((request) => request.provider === 'groq')).toHaveLength(2);
        }
      }
    } finally {
      await retrying.close();
    }
  });
});
