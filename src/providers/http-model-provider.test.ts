import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultCatalog, openAICompatibleProvider, type ProviderDefinition } from '../catalog.js';
import { InvalidArgumentError, isHealthFailure, ProviderError } from '../errors.js';
import { HttpClient } from '../http/http-client.js';
import { sharedFixturesDirectory } from '../testing/shared-fixtures.test-support.js';
import { startProviderTestServer } from '../testing/provider-test-server.js';
import type { StreamChunk } from '../types.js';
import { createHttpModelProvider } from './http-model-provider.js';
import { wireProtocols } from './protocols.js';

const fixturesDirectory = sharedFixturesDirectory();
const fixture = (path: string): Buffer => readFileSync(`${fixturesDirectory}/${path}`);
const openai = defaultCatalog.find((definition) => definition.id === 'openai') as ProviderDefinition;
const apiKey = 'sk-test-0123456789abcdefghij';
const question = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Reply with just the word: SUCCESS' }] };

interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Handler = (request: SeenRequest, response: ServerResponse) => void;

/** A few lines of node:http that answer with recorded bytes, and remember what they were sent. */
class FixtureServer {
  handler: Handler = (_request, response) => response.end();
  readonly seen: SeenRequest[] = [];
  readonly sockets: Socket[] = [];
  readonly closedSockets: Socket[] = [];
  readonly #server: Server = createServer(async (incoming, response) => {
    let body = '';
    for await (const chunk of incoming) body += String(chunk);
    const request = { method: incoming.method ?? '', url: incoming.url ?? '', headers: incoming.headers, body };
    this.seen.push(request);
    this.handler(request, response);
  });

  async start(): Promise<string> {
    this.#server.on('connection', (socket: Socket) => {
      this.sockets.push(socket);
      socket.on('close', () => this.closedSockets.push(socket));
    });
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  async socketClosed(): Promise<void> {
    while (this.closedSockets.length === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

const sendJson = (status: number, path: string, headers: Record<string, string> = {}): Handler => (_request, response) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(fixture(path));
};

const sendStream = (path: string, options: { cutAt?: number; headers?: Record<string, string> } = {}): Handler =>
  (_request, response) => {
    const bytes = fixture(path);
    response.writeHead(200, { 'content-type': 'text/event-stream', ...options.headers });
    response.end(options.cutAt === undefined ? bytes : bytes.subarray(0, options.cutAt));
  };

async function collect(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const textOf = (chunks: readonly StreamChunk[]): string =>
  chunks.map((chunk) => (chunk.type === 'text-delta' ? chunk.text : '')).join('');

describe('createHttpModelProvider over a local server', () => {
  let server: FixtureServer;
  let httpClient: HttpClient;
  let env: Record<string, string | undefined>;
  const signal = () => new AbortController().signal;

  beforeEach(async () => {
    server = new FixtureServer();
    env = { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: `${await server.start()}/v1/` };
    httpClient = new HttpClient();
  });

  afterEach(async () => {
    await httpClient.close();
    await server.stop();
  });

  const provider = () => createHttpModelProvider(openai, { httpClient, env });

  it('returns the recorded answer of a complete call', async () => {
    server.handler = sendJson(200, 'openai/chat-completion.json', { 'x-request-id': 'req_5f6372db5713441eb3ba1cc481aeb0fe' });
    expect(await provider().complete(question, { signal: signal() })).toEqual({
      content: 'SUCCESS',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 14, outputTokens: 1, totalTokens: 15 },
      model: 'gpt-4o-mini-2024-07-18',
      requestId: 'req_5f6372db5713441eb3ba1cc481aeb0fe',
      responseId: 'chatcmpl-CYK4xLF7VAEVtvFmJ3ad8kFZdBfWl',
    });
    expect(server.seen[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(JSON.parse(server.seen[0]?.body ?? '')).toEqual(JSON.parse(fixture('openai/chat-completion.request.json').toString()));
  });

  it('sends the key in the authorization header and nowhere else', async () => {
    server.handler = sendJson(200, 'openai/chat-completion.json');
    await provider().complete(question, { signal: signal() });
    const seen = server.seen[0] as SeenRequest;
    expect(seen.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(seen.url).not.toContain(apiKey);
    expect(seen.body).not.toContain(apiKey);
    const headersWithKey = Object.entries(seen.headers).filter(([, value]) => String(value).includes(apiKey));
    expect(headersWithKey.map(([name]) => name)).toEqual(['authorization']);
  });

  it('reads only the environment\'s own variables, so a variable named __proto__ or constructor is unset', async () => {
    // An own provider's apiKeyEnv from the gateway's file may be any name: each call threw an untyped TypeError.
    const named = createHttpModelProvider({ ...openai, apiKeyEnv: 'constructor', baseUrlEnv: '__proto__' }, { httpClient, env });
    expect(named.isConfigured()).toBe(false);
    await expect(named.complete(question, { signal: signal() })).rejects.toMatchObject({ reason: 'authentication', message: 'openai: no API key: set constructor' });
  });

  it('reads the key and the base URL from the environment at each call', async () => {
    const other = new FixtureServer();
    const otherUrl = await other.start();
    try {
      server.handler = sendJson(200, 'openai/chat-completion.json');
      other.handler = sendJson(200, 'openai/chat-completion-max_tokens.json');
      const modelProvider = provider();
      await modelProvider.complete(question, { signal: signal() });
      env.OPENAI_API_KEY = 'sk-rotated-key-abcdefghij';
      env.OPENAI_BASE_URL = `${otherUrl}/v1`;
      const answer = await modelProvider.complete(question, { signal: signal() });
      expect(answer.finishReason).toBe('length');
      expect(other.seen[0]?.headers.authorization).toBe('Bearer sk-rotated-key-abcdefghij');
      delete env.OPENAI_API_KEY;
      expect(modelProvider.isConfigured()).toBe(false);
      await expect(modelProvider.complete(question, { signal: signal() })).rejects.toMatchObject({
        provider: 'openai',
        reason: 'authentication',
        message: 'openai: no API key: set OPENAI_API_KEY',
      });
      expect(server.seen.length + other.seen.length).toBe(2);
    } finally {
      await other.stop();
    }
  });

  it('takes no key for a keyless endpoint and sends no authorization', async () => {
    server.handler = sendJson(200, 'openai/chat-completion.json');
    const local = openAICompatibleProvider({ id: 'local', baseUrl: env.OPENAI_BASE_URL ?? '', defaultModel: 'llama3' });
    const modelProvider = createHttpModelProvider(local, { httpClient, env: {} });
    expect(modelProvider.isConfigured()).toBe(true);
    await modelProvider.complete({ ...question, model: 'llama3' }, { signal: signal() });
    expect(server.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('asks a reasoning model of the catalog for max_completion_tokens', async () => {
    server.handler = sendJson(200, 'openai/chat-completion-max_completion_tokens-o3-mini.json');
    await provider().complete({ model: 'o3-mini', messages: [{ role: 'user', content: 'hello' }], maxTokens: 100, temperature: 1 }, { signal: signal() });
    expect(JSON.parse(server.seen[0]?.body ?? '')).toEqual({
      model: 'o3-mini',
      messages: [{ role: 'user', content: 'hello' }],
      max_completion_tokens: 100,
    });
  });

  it('turns a recorded 429 into a rate_limit with its wait', async () => {
    server.handler = sendJson(429, 'openai/error-429-rate-limit-tpm.json', { 'x-request-id': 'req_429' });
    const error = await provider().complete(question, { signal: signal() }).catch((caught: unknown) => caught);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'openai', reason: 'rate_limit', statusCode: 429, retryAfterMs: 26_604, requestId: 'req_429' });
    server.handler = sendJson(429, 'groq/error-429-rate-limit-tpm.json', { 'retry-after': '2' });
    await expect(provider().complete(question, { signal: signal() })).rejects.toMatchObject({ reason: 'rate_limit', retryAfterMs: 2000 });
  });

  it('never prints the key, even when the server quotes it back', async () => {
    server.handler = (_request, response) => {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `Bad key ${apiKey} given`, code: 'invalid_api_key' } }));
    };
    const error = (await provider().complete(question, { signal: signal() }).catch((caught: unknown) => caught)) as Error;
    expect(error).toMatchObject({ reason: 'authentication' });
    expect(error.message).toBe('openai: HTTP 401 invalid_api_key: Bad key [redacted] given');
    expect(JSON.stringify(error)).not.toContain(apiKey);
    expect(String(error.stack)).not.toContain(apiKey);
  });

  it.each([
    // A converter bug a caller's content can reach (one was: a tool schema whose type is `toString`).
    ['a bug', () => new TypeError('supportedFormats[type].includes is not a function'), 'openai: the request could not be converted to its wire format'],
    // A converter's own refusal (Gemini's of tool-call arguments that are not a JSON object): its words are ours.
    [
      'a refusal of ours',
      () => new InvalidArgumentError({ argument: 'messages[1].toolCalls[0].arguments', message: 'Tool call arguments are not a JSON object; Gemini needs an object' }),
      'openai: the request could not be converted to its wire format: Tool call arguments are not a JSON object; Gemini needs an object',
    ],
  ])("fails over without counting against the provider's health when a converter throws on the request (%s)", async (_case, thrown, message) => {
    const throwing = {
      ...wireProtocols['openai-compatible'],
      buildChatRequest: () => {
        throw thrown();
      },
    };
    // Both of OpenAI's wires: its GPT-6 models are asked on the Responses API, the others on chat completions.
    const faulty = createHttpModelProvider(openai, { httpClient, env, protocols: { 'openai-compatible': throwing, 'openai-responses': throwing } });
    const completeError = await faulty.complete(question, { signal: signal() }).catch((caught: unknown) => caught);
    const streamError = await collect(faulty.stream(question, { signal: signal() })).catch((caught: unknown) => caught);
    for (const error of [completeError, streamError]) {
      expect(ProviderError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ reason: 'generation_failed', isRetryable: false, message });
      expect(isHealthFailure((error as ProviderError).reason)).toBe(false);
    }
    expect(server.seen).toHaveLength(0);
  });

  it('cancels the request when the caller aborts, rethrowing the reason as is', async () => {
    server.handler = () => undefined;
    const controller = new AbortController();
    const calling = provider().complete(question, { signal: controller.signal });
    while (server.seen.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const reason = new Error('deadline');
    controller.abort(reason);
    await expect(calling).rejects.toBe(reason);
    await server.socketClosed();
  });

  it('streams the recorded chunks and reports the request id at the start', async () => {
    server.handler = sendStream('openai/chat-stream-include-usage.sse', { headers: { 'x-request-id': 'req_stream' } });
    const starts: unknown[] = [];
    const chunks = await collect(
      provider().stream(question, { signal: signal(), onResponseStart: (info) => starts.push(info) }),
    );
    expect(starts).toEqual([{ requestId: 'req_stream' }]);
    expect(textOf(chunks)).toBe("Thought: I now can give a great answer  \nFinal Answer: Dogs are loyal companions, often considered a human's best friend.");
    expect(chunks.slice(-2)).toEqual([
      { type: 'finish', finishReason: 'stop' },
      { type: 'usage', usage: { inputTokens: 176, outputTokens: 26, totalTokens: 202 } },
    ]);
    expect(JSON.parse(server.seen[0]?.body ?? '')).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('accepts the Moonshot stream whose [DONE] has no blank line after it', async () => {
    server.handler = sendStream('moonshot/chat-stream.docs.sse');
    expect(textOf(await collect(provider().stream(question, { signal: signal() })))).toBe('你好。');
  });

  it('throws a network error when the stream ends before [DONE], after the chunks that came', async () => {
    const bytes = fixture('openai/chat-stream-include-usage.sse');
    server.handler = sendStream('openai/chat-stream-include-usage.sse', { cutAt: Math.floor(bytes.length / 2) });
    const chunks: StreamChunk[] = [];
    const error = await (async () => {
      for await (const chunk of provider().stream(question, { signal: signal() })) chunks.push(chunk);
    })().catch((caught: unknown) => caught);
    expect(chunks.length).toBeGreaterThan(0);
    expect(error).toMatchObject({ provider: 'openai', reason: 'network', message: 'openai: stream ended before its end marker (truncated)' });
  });

  it("throws Groq's error event as a ProviderError", async () => {
    server.handler = sendStream('groq/chat-stream-error-tool-use-failed.sse');
    await expect(collect(provider().stream(question, { signal: signal() }))).rejects.toMatchObject({
      provider: 'openai',
      reason: 'generation_failed',
      providerCode: 'tool_use_failed',
    });
  });

  it('reads an error status or a JSON body on a stream as the error it is', async () => {
    server.handler = sendJson(401, 'openai/error-401-invalid-api-key.json');
    await expect(collect(provider().stream(question, { signal: signal() }))).rejects.toMatchObject({ reason: 'authentication', statusCode: 401 });
    server.handler = sendJson(200, 'openai/error-503-model-overloaded.json');
    await expect(collect(provider().stream(question, { signal: signal() }))).rejects.toMatchObject({ reason: 'server_error', statusCode: 200 });
  });

  it('gives a timeout when the stream goes silent', async () => {
    server.handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(fixture('openai/chat-stream-include-usage.sse').subarray(0, 400));
    };
    await expect(collect(provider().stream(question, { signal: signal(), idleTimeoutMs: 50 }))).rejects.toMatchObject({
      provider: 'openai',
      reason: 'timeout',
    });
  });

  it('cancels the upstream request when the consumer stops reading', async () => {
    server.handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(fixture('openai/chat-stream-include-usage.sse').subarray(0, 1000));
    };
    for await (const chunk of provider().stream(question, { signal: signal() })) if (chunk.type === 'text-delta') break;
    await server.socketClosed();
  });

  it('rethrows the caller abort mid-stream as is and closes the socket', async () => {
    server.handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(fixture('openai/chat-stream-include-usage.sse').subarray(0, 1000));
    };
    const controller = new AbortController();
    const reading = (async () => {
      for await (const chunk of provider().stream(question, { signal: controller.signal })) {
        if (chunk.type === 'text-delta') controller.abort('user left');
      }
    })();
    await expect(reading).rejects.toBe('user left');
    await server.socketClosed();
  });

  it('checks health with the models list', async () => {
    server.handler = (_request, response) => response.end('{"object":"list","data":[]}');
    await expect(provider().checkHealth({ signal: signal() })).resolves.toBeUndefined();
    expect(server.seen[0]).toMatchObject({ method: 'GET', url: '/v1/models' });
    server.handler = sendJson(401, 'groq/error-401-invalid-api-key.json');
    await expect(provider().checkHealth({ signal: signal() })).rejects.toMatchObject({ provider: 'openai', reason: 'authentication' });
  });

  it('leaves no socket open once the client is closed', async () => {
    server.handler = sendStream('openai/chat-stream-include-usage.sse');
    await collect(provider().stream(question, { signal: signal() }));
    await httpClient.close();
    await server.socketClosed();
    expect(process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap')).toEqual([]);
  });
});

describe('createHttpModelProvider against the provider test server, for each catalog provider', async () => {
  const testServer = await startProviderTestServer();
  const httpClient = new HttpClient();
  afterAll(async () => {
    await httpClient.close();
    await testServer.close();
  });

  for (const definition of defaultCatalog) {
    it(`${definition.id}: completes, streams to the end marker and checks health`, async () => {
      const modelProvider = createHttpModelProvider(definition, { httpClient, env: testServer.environment() });
      const request = { model: definition.defaultModel, messages: [{ role: 'user' as const, content: 'hi' }] };
      const signal = new AbortController().signal;
      const answer = await modelProvider.complete(request, { signal });
      expect(answer.content.length + answer.toolCalls.length).toBeGreaterThan(0);
      const chunks = await collect(modelProvider.stream(request, { signal }));
      expect(textOf(chunks).length).toBeGreaterThan(0);
      expect(chunks.some((chunk) => chunk.type === 'finish')).toBe(true);
      await modelProvider.checkHealth({ signal });
      const keyless = createHttpModelProvider(definition, { httpClient, env: { ...testServer.environment(), [definition.apiKeyEnv]: '' } });
      expect(keyless.isConfigured()).toBe(false);
    });
  }
});
