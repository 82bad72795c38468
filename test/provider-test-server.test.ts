/**
 * The provider test server replays the recorded traffic byte for byte, over real HTTP, for all six providers.
 * Expected bytes are read from `shared/fixtures` (the recordings themselves) when it is there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../src/clock.js';
import { InvalidArgumentError } from '../src/errors.js';
import { findSharedFixturesDirectory, startProviderTestServer, type ProviderTestServer } from '../src/testing/index.js';

const agent = new Agent({ keepAliveTimeoutThreshold: 0 });
let server: ProviderTestServer;
let fixtures: string;

beforeAll(async () => {
  server = await startProviderTestServer();
  fixtures = findSharedFixturesDirectory() ?? server.fixturesDirectory;
});
afterAll(async () => {
  await server.close();
  await agent.close();
});
beforeEach(() => server.reset());

const recorded = (name: string): Buffer => readFileSync(join(fixtures, name));

interface ProviderCase {
  readonly provider: string;
  readonly chatPath: (stream: boolean) => string;
  readonly keyHeaders: Record<string, string>;
  readonly body: string;
  readonly streamBody: string;
  readonly expectedStream: () => Buffer;
  readonly unauthorized: string;
  readonly recordedHeader?: readonly [string, string];
  readonly recordedStreamHeader?: readonly [string, string];
}

const openAiBody = (stream: boolean, model: string): string =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }], ...(stream ? { stream: true } : {}) });
const openAiCase = (provider: string, model: string) => ({
  provider,
  chatPath: () => '/chat/completions',
  keyHeaders: { authorization: `Bearer test-key-${provider}`, 'content-type': 'application/json' },
  body: openAiBody(false, model),
  streamBody: openAiBody(true, model),
});

const cases: readonly (ProviderCase & { readonly bodyFile: string })[] = [
  {
    ...openAiCase('openai', 'gpt-4o-mini'),
    bodyFile: 'openai/chat-completion.json',
    expectedStream: () => recorded('openai/chat-stream-include-usage.sse'),
    unauthorized: 'openai/error-401-invalid-api-key.json',
    recordedHeader: ['x-request-id', 'req_5f6372db5713441eb3ba1cc481aeb0fe'],
    recordedStreamHeader: ['x-request-id', 'req_2d4159e38a0fa10998d3c1160d34f923'],
  },
  {
    ...openAiCase('groq', 'llama-3.3-70b-versatile'),
    bodyFile: 'groq/chat-completion.vercel.json',
    expectedStream: () => recorded('groq/chat-stream.sse'),
    unauthorized: 'groq/error-401-invalid-api-key.json',
    recordedStreamHeader: ['vary', 'Origin'],
  },
  {
    ...openAiCase('together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'),
    bodyFile: 'together/chat-completion.sdk-parsed.json',
    // Together was recorded through an SDK: the payload lines are recorded, the `data:` framing is the server's.
    expectedStream: () =>
      Buffer.from(
        recorded('together/chat-stream.sdk-parsed.chunks.jsonl')
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => `data: ${line}\n\n`)
          .join('') + 'data: [DONE]\n\n',
        'utf8',
      ),
    unauthorized: 'together/error-401-invalid-api-key.json',
  },
  {
    ...openAiCase('moonshot', 'kimi-k2.5'),
    bodyFile: 'moonshot/chat-completion.docs.json',
    expectedStream: () => recorded('moonshot/chat-stream.docs.sse'),
    unauthorized: 'moonshot/error-401-invalid-authentication.json',
  },
  {
    provider: 'anthropic',
    chatPath: () => '/v1/messages',
    keyHeaders: { 'x-api-key': 'test-key-anthropic', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-haiku-4-5-20251001', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] }),
    streamBody: JSON.stringify({ model: 'claude-haiku-4-5-20251001', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Hello' }] }),
    bodyFile: 'anthropic/message.json',
    expectedStream: () => recorded('anthropic/messages-stream.sse'),
    unauthorized: 'anthropic/error-401-authentication.json',
    recordedHeader: ['request-id', 'REQUEST-ID-XXX'], // redacted by the recorder
    recordedStreamHeader: ['request-id', 'req_011CYEXg9iLMo4YhB4XfkXBw'],
  },
  {
    provider: 'google',
    chatPath: (stream) => `/v1beta/models/gemini-3.5-flash-lite:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
    keyHeaders: { 'x-goog-api-key': 'test-key-google', 'content-type': 'application/json' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] }),
    streamBody: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] }),
    bodyFile: 'gemini/generateContent.json',
    expectedStream: () => recorded('gemini/streamGenerateContent-sse.sse'),
    unauthorized: 'gemini/error-400-api-key-invalid.json',
    recordedStreamHeader: ['server-timing', 'gfet4t7; dur=308'],
  },
];

async function post(providerCase: ProviderCase, options: { readonly stream: boolean; readonly withKey?: boolean }) {
  const headers = options.withKey === false ? { 'content-type': 'application/json' } : providerCase.keyHeaders;
  const response = await request(`${server.baseUrlFor(providerCase.provider)}${providerCase.chatPath(options.stream)}`, {
    dispatcher: agent,
    method: 'POST',
    headers,
    body: options.stream ? providerCase.streamBody : providerCase.body,
  });
  return { status: response.statusCode, headers: response.headers, body: Buffer.from(await response.body.arrayBuffer()) };
}

describe.each(cases.map((providerCase) => [providerCase.provider, providerCase] as const))('%s replay', (_name, providerCase) => {
  it('answers a plain request with the recorded body bytes, recorded headers and its own content-length', async () => {
    const response = await post(providerCase, { stream: false });
    expect(response.status).toBe(200);
    expect(response.body.equals(recorded(providerCase.bodyFile))).toBe(true);
    expect(response.headers['content-length']).toBe(String(response.body.length));
    expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
    if (providerCase.recordedHeader) {
      const [name, value] = providerCase.recordedHeader;
      expect(response.headers[name]).toBe(value);
    }
    const [seen] = server.requests;
    expect(seen).toMatchObject({ provider: providerCase.provider, route: 'chat', stream: false, outcome: 'completed', status: 200, behavior: 'success', keyInUrl: false });
    expect(seen?.body).toEqual(JSON.parse(providerCase.body));
  });

  it('answers a stream request with the recorded event stream, byte for byte', async () => {
    const response = await post(providerCase, { stream: true });
    expect(response.status).toBe(200);
    expect(response.body.equals(providerCase.expectedStream())).toBe(true);
    expect(String(response.headers['content-type'])).toMatch(/^text\/event-stream/);
    expect(response.headers['content-length']).toBeUndefined();
    if (providerCase.recordedStreamHeader) {
      const [name, value] = providerCase.recordedStreamHeader;
      expect(String(response.headers[name])).toContain(value);
    }
    expect(server.requests[0]).toMatchObject({ stream: true, outcome: 'completed' });
  });

  it("answers a request without a key with the provider's recorded refusal", async () => {
    const response = await post(providerCase, { stream: false, withKey: false });
    const expectedStatus = providerCase.provider === 'google' ? 400 : 401;
    expect(response.status).toBe(expectedStatus);
    expect(response.body.equals(recorded(providerCase.unauthorized))).toBe(true);
    expect(server.requests[0]).toMatchObject({ status: expectedStatus, outcome: 'completed' });
    expect(server.requests[0]?.behavior).toBeUndefined();
  });

  it('lists the catalog models in the provider shape, and lets a queued behaviour answer the list instead', async () => {
    const path = { anthropic: '/v1/models', google: '/v1beta/models' }[providerCase.provider] ?? '/models';
    const url = `${server.baseUrlFor(providerCase.provider)}${path}`;
    const list = await request(url, { dispatcher: agent, headers: providerCase.keyHeaders });
    expect(list.statusCode).toBe(200);
    const text = await list.body.text();
    const ids = providerCase.provider === 'google' ? ['models/gemini-3.5-flash-lite'] : [JSON.parse(providerCase.body).model as string];
    for (const id of ids) expect(text).toContain(JSON.stringify(id));
    server.enqueue(providerCase.provider, { kind: 'status', status: 503, body: 'upstream connect error' });
    const outage = await request(url, { dispatcher: agent, headers: providerCase.keyHeaders });
    expect(outage.statusCode).toBe(503);
    expect(await outage.body.text()).toBe('upstream connect error');
    expect(server.requests.map((seen) => seen.route)).toEqual(['models', 'models']);
  });
});

describe('stream pacing', () => {
  it('sends the recording event by event, chunkDelayMs apart', async () => {
    server.setBehavior('anthropic', { kind: 'success', chunkDelayMs: 40 });
    const anthropic = cases.find((providerCase) => providerCase.provider === 'anthropic');
    if (!anthropic) throw new Error('no anthropic case');
    const response = await request(`${server.baseUrlFor('anthropic')}/v1/messages`, {
      dispatcher: agent,
      method: 'POST',
      headers: anthropic.keyHeaders,
      body: anthropic.streamBody,
    });
    const chunks: string[] = [];
    for await (const chunk of response.body) chunks.push((chunk as Buffer).toString('utf8'));
    expect(chunks[0]).toBe('event: message_start\n' + recorded('anthropic/messages-stream.sse').toString('utf8').split('\n')[1] + '\n\n');
    expect(chunks.length).toBeGreaterThanOrEqual(8);
    expect(chunks.join('')).toBe(recorded('anthropic/messages-stream.sse').toString('utf8'));
  });
});

describe('selecting recordings and texts', () => {
  it('serves another recording by base name, with its own recorded headers', async () => {
    server.enqueue('openai', { kind: 'success', fixture: 'chat-completion-tool-call' });
    const response = await post(cases[0] as ProviderCase, { stream: false });
    expect(response.body.equals(recorded('openai/chat-completion-tool-call.json'))).toBe(true);
    expect(response.headers['x-request-id']).toBeDefined();
    expect(response.headers['x-request-id']).not.toBe('req_5f6372db5713441eb3ba1cc481aeb0fe');
  });

  it('streams a given text in the recorded Gemini shape', async () => {
    const google = cases.find((providerCase) => providerCase.provider === 'google') as ProviderCase;
    server.enqueue('google', { kind: 'success', text: 'Simulated answer from the demo provider.', textPieces: 3 });
    const response = await post(google, { stream: true });
    const texts = response.body
      .toString('utf8')
      .split('\r\n\r\n')
      .filter((event) => event.startsWith('data: '))
      .map((event) => JSON.parse(event.slice('data: '.length)) as { candidates: { content: { parts: { text: string }[] } }[] })
      .map((payload) => payload.candidates[0]?.content.parts[0]?.text ?? '');
    expect(texts).toEqual(['Simulated answer ', 'from the ', 'demo provider.']);
  });

  it('uses queued behaviours in order, then the default', async () => {
    const openai = cases[0] as ProviderCase;
    server.setBehavior('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    server.enqueue('openai', { kind: 'error', fixture: 'error-429-rate-limit-rpm' }, { kind: 'success' });
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await post(openai, { stream: false })).status);
    expect(statuses).toEqual([429, 200, 503, 503]);
    expect(server.requests.map((seen) => seen.behavior)).toEqual(['error', 'success', 'error', 'error']);
  });

  it('refuses an unknown recording, kind or provider with a typed error when the behaviour is set', () => {
    expect(() => server.enqueue('openai', { kind: 'success', fixture: 'chat-completion-does-not-exist' })).toThrow(InvalidArgumentError);
    expect(() => server.setBehavior('groq', { kind: 'error', fixture: 'error-418-teapot' })).toThrow(InvalidArgumentError);
    expect(() => server.setBehavior('mistral', { kind: 'success' })).toThrow(InvalidArgumentError);
    expect(() => server.enqueue('openai', { kind: 'trickle', bytesPerWrite: 0, intervalMs: 1 })).toThrow(InvalidArgumentError);
    expect(() => server.enqueue('openai', { kind: 'success', fixture: 'chat-stream-tool-call', text: 'no text in a tool call' })).toThrow(
      InvalidArgumentError,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('addresses and keys', () => {
  it('hands out base URLs and keys under the catalog variable names', () => {
    const environment = server.environment(['groq', 'google']);
    expect(environment).toEqual({
      GROQ_BASE_URL: `${server.url}/groq/openai/v1`,
      GROQ_API_KEY: 'test-key-groq',
      GOOGLE_BASE_URL: `${server.url}/google`,
      GOOGLE_API_KEY: 'test-key-google',
    });
    expect(Object.keys(server.environment())).toHaveLength(12);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('records a key sent in the URL', async () => {
    const response = await request(`${server.baseUrlFor('google')}/v1beta/models/gemini-3.5-flash-lite:generateContent?key=in-the-url`, {
      dispatcher: agent,
      method: 'POST',
      body: '{}',
    });
    expect(response.statusCode).toBe(200);
    await response.body.arrayBuffer();
    expect(server.requests[0]).toMatchObject({ keyInUrl: true, query: '?key=in-the-url' });
  });

  it('answers an unknown route with a 404 JSON body', async () => {
    const response = await request(`${server.url}/openai/v2/engines`, { dispatcher: agent });
    expect(response.statusCode).toBe(404);
    expect(await response.body.json()).toMatchObject({ error: { type: 'not_found' } });
    expect(server.requests[0]).toMatchObject({ route: 'unknown', provider: 'unknown', status: 404 });
    const wrongMethod = await request(`${server.baseUrlFor('openai')}/chat/completions`, { dispatcher: agent, method: 'GET' });
    expect(wrongMethod.statusCode).toBe(404);
    await wrongMethod.body.arrayBuffer();
    expect(server.requests[1]).toMatchObject({ route: 'unknown', provider: 'openai', status: 404 });
  });
});

describe('latency', () => {
  it('holds the status line until the injected clock reaches latencyMs', async () => {
    const timers: { dueMs: number; callback: () => void; handle: TimerHandle }[] = [];
    let nowMs = 0;
    const manualClock: Clock = {
      now: () => nowMs,
      setTimeout: (callback, delayMs) => {
        const handle = setTimeout(() => undefined, 0) as TimerHandle;
        timers.push({ dueMs: nowMs + delayMs, callback, handle });
        return handle;
      },
      clearTimeout: (handle) => {
        const index = timers.findIndex((timer) => timer.handle === handle);
        if (index >= 0) timers.splice(index, 1);
      },
    };
    const slow = await startProviderTestServer({ clock: manualClock });
    try {
      slow.setBehavior('groq', { kind: 'success', latencyMs: () => 250 });
      const pending = request(`${slow.baseUrlFor('groq')}/chat/completions`, {
        dispatcher: agent,
        method: 'POST',
        headers: { authorization: 'Bearer test-key-groq' },
        body: '{"model":"llama-3.1-8b-instant"}',
      });
      await slow.waitForRequests(1);
      expect(slow.requests[0]?.status).toBeUndefined();
      expect(timers.map((timer) => timer.dueMs)).toEqual([250]);
      nowMs = 250;
      for (const timer of timers.splice(0)) timer.callback();
      const response = await pending;
      expect(response.statusCode).toBe(200);
      await response.body.arrayBuffer();
      expect(slow.requests[0]).toMatchObject({ startedAtMs: 0, endedAtMs: 250, outcome: 'completed' });
    } finally {
      await slow.close();
    }
  });
});
