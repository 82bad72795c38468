/** Client disconnects, draining on shutdown, refusing an unsafe binding, and what the log may say. */
import { BackupModelRouter } from '../src/routing/backup-model-router.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InsecureBindingError } from '../src/gateway/auth.js';
import { createGateway } from '../src/gateway/create-gateway.js';
import { parseGatewayConfig } from '../src/gateway/gateway-config.js';
import { createGatewayLogger } from '../src/gateway/gateway-logger.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness();
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const question = [{ role: 'user' as const, content: 'A secret prompt: purple elephants.' }];

describe('a client that disconnects', () => {
  it('mid-stream aborts the upstream request at once', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', chunkDelayMs: 200 });
    const controller = new AbortController();
    const stream = await harness.client.chat.completions.create(
      { model: 'openai/gpt-4o-mini', messages: question, stream: true },
      { signal: controller.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const startedAtMs = Date.now();
    controller.abort();
    const aborted = await harness.providers.waitForClientAbort({ provider: 'openai', timeoutMs: 2_000 });
    expect(aborted.outcome).toBe('client-aborted');
    expect(Date.now() - startedAtMs).toBeLessThan(1_000);
  });

  it('before the first streamed token aborts the upstream request and logs the call as client_aborted', async () => {
    harness.providers.setBehavior('anthropic', { kind: 'stall-before-headers' });
    const controller = new AbortController();
    const opening = harness.client.chat.completions.create(
      { model: 'anthropic/claude-haiku-4-5-20251001', messages: question, stream: true },
      { signal: controller.signal },
    );
    await harness.providers.waitForRequests(1);
    const logLinesBefore = harness.logLines.length;
    controller.abort();
    await expect(opening).rejects.toThrow();
    const aborted = await harness.providers.waitForClientAbort({ provider: 'anthropic', timeoutMs: 2_000 });
    expect(aborted.outcome).toBe('client-aborted');
    await expect.poll(() => harness.logLines.slice(logLinesBefore).some((line) => line.outcome === 'client_aborted' && line.stream === true)).toBe(true);
  });

  it('while waiting for a plain answer aborts the upstream request, told by the one close listener the gateway puts on a response', async () => {
    harness.providers.setBehavior('anthropic', { kind: 'stall-before-headers' });
    const responses: ServerResponse[] = [];
    const keep = (_request: IncomingMessage, response: ServerResponse): void => void responses.push(response);
    harness.gateway.server.on('request', keep);
    const controller = new AbortController();
    const call = harness.client.chat.completions.create(
      { model: 'anthropic/claude-haiku-4-5-20251001', messages: question },
      { signal: controller.signal },
    );
    await harness.providers.waitForRequests(1);
    harness.gateway.server.off('request', keep);
    // The dispatcher's, which also tells the call its client left: the call adds none of its own.
    expect(responses.map((response) => response.listenerCount('close'))).toEqual([1]);
    controller.abort();
    await expect(call).rejects.toThrow();
    const aborted = await harness.providers.waitForClientAbort({ provider: 'anthropic', timeoutMs: 2_000 });
    expect(aborted.outcome).toBe('client-aborted');
    await expect.poll(() => harness.logLines.some((line) => line.outcome === 'client_aborted')).toBe(true);
  });
});

describe('the log', () => {
  it('has one structured line per call, without keys or prompts', async () => {
    const before = harness.logLines.length;
    await harness.client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: question });
    await expect.poll(() => harness.logLines.length).toBe(before + 1);
    expect(harness.logLines.at(-1)).toMatchObject({
      msg: 'chat.completions',
      provider: 'groq',
      attempts: 'groq:success',
      cached: false,
      outcome: 'success',
      status: 200,
      requestedModel: 'groq/llama-3.1-8b-instant',
    });
    expect(typeof harness.logLines.at(-1)?.latencyMs).toBe('number');
    const text = harness.logText();
    expect(text).not.toContain('purple elephants');
    for (const key of gatewayKeys) expect(text).not.toContain(key);
    expect(text).not.toContain('test-key-');
  });

  it('logs only the calls that failed at logLevel: warn', async () => {
    const quiet = await startGatewayHarness({ yamlText: 'logLevel: warn', providerIds: ['groq'] });
    try {
      await quiet.client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: question });
      // A proxy's HTML 502 in front of the only provider: the call fails (503), and only it is logged.
      quiet.providers.setBehavior('groq', { kind: 'status', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' });
      await expect(quiet.client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: 'Again?' }] })).rejects.toMatchObject({ status: 503 });
      await expect.poll(() => quiet.logLines.length).toBe(1);
      expect(quiet.logLines[0]).toMatchObject({ msg: 'chat.completions', outcome: 'failure', status: 503, requestedModel: 'groq/llama-3.1-8b-instant' });
    } finally {
      await quiet.close();
    }
  });

  it('holds the prompt only when logPrompts is set', async () => {
    const verbose = await startGatewayHarness({ yamlText: 'logPrompts: true' });
    try {
      await verbose.client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: question });
      await expect.poll(() => verbose.logLines.length).toBeGreaterThan(0);
      expect(verbose.logText()).toContain('purple elephants');
      for (const key of gatewayKeys) expect(verbose.logText()).not.toContain(key);
    } finally {
      await verbose.close();
    }
  });
});

describe('binding', () => {
  it('refuses to start beyond loopback without a gateway key, with a clear error', async () => {
    const router = new BackupModelRouter({ env: {} });
    const gateway = createGateway({ router, config: parseGatewayConfig({}), logger: createGatewayLogger({ destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }) }) });
    try {
      await expect(gateway.listen({ host: '0.0.0.0', port: 0 })).rejects.toThrow(InsecureBindingError);
      await expect(gateway.listen({ host: '::', port: 0 })).rejects.toThrow(/BACKUP_MODELS_GATEWAY_KEYS/);
      expect(gateway.server.listening).toBe(false);
    } finally {
      await gateway.close();
      await router.close();
    }
  });
});

describe('drain', () => {
  it('lets a stream in flight finish, refuses new connections, then resolves', async () => {
    const own = await startGatewayHarness();
    try {
      own.providers.setBehavior('openai', { kind: 'success', chunkDelayMs: 100 });
      const stream = await own.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, stream: true });
      const iterator = stream[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.done).toBe(false);
      const drained = own.gateway.drain({ timeoutMs: 10_000 });
      await expect(fetch(`${own.url}/livez`)).rejects.toThrow();
      let text = first.value?.choices[0]?.delta.content ?? '';
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) text += next.value.choices[0]?.delta.content ?? '';
      expect(text.length).toBeGreaterThan(0);
      await drained;
      expect(own.providers.requests[0]?.outcome).toBe('completed');
    } finally {
      await own.close();
    }
  });

  it('cuts what is still running when the grace period ends, aborting upstream', async () => {
    const own = await startGatewayHarness();
    try {
      own.providers.setBehavior('openai', { kind: 'stall-after-events', events: 2 });
      const stream = await own.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, stream: true });
      const iterator = stream[Symbol.asyncIterator]();
      await iterator.next();
      await own.gateway.drain({ timeoutMs: 200 });
      const readToEnd = async (): Promise<void> => {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) void next;
      };
      await expect(readToEnd()).rejects.toThrow();
      const aborted = await own.providers.waitForClientAbort({ provider: 'openai', timeoutMs: 2_000 });
      expect(aborted.outcome).toBe('client-aborted');
    } finally {
      await own.close();
    }
  });
});

describe('registerRoute, the hook for the dashboard', () => {
  it('serves extra routes behind the gateway key, unless public, and prefix routes for assets', async () => {
    harness.gateway.registerRoute({
      method: 'GET',
      path: '/',
      handle: (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<h1>dashboard</h1>');
      },
    });
    harness.gateway.registerRoute({
      method: 'GET',
      path: '/assets/',
      prefix: true,
      public: true,
      handle: (request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(`asset ${request.url}`);
      },
    });
    expect(() => harness.gateway.registerRoute({ method: 'GET', path: '/health', handle: () => undefined })).toThrow(/already registered/);
    expect((await fetch(`${harness.url}/`)).status).toBe(401);
    const page = await fetch(`${harness.url}/`, { headers: { authorization: `Bearer ${gatewayKeys[1]}` } });
    expect(await page.text()).toBe('<h1>dashboard</h1>');
    const asset = await fetch(`${harness.url}/assets/app.js?v=1`);
    expect(await asset.text()).toBe('asset /assets/app.js?v=1');
  });
});
