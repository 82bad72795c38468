/**
 * Errors in OpenAI's shape with the right status, gateway keys, and hostile requests: each refused with a
 * 4xx before any upstream call, the process unharmed.
 */
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness();
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const question = [{ role: 'user' as const, content: 'Say hello.' }];

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected an APIError');
}

describe('OpenAI-shaped errors', () => {
  it('400 for an invalid request, naming the parameter', async () => {
    const error = await apiError(
      harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], temperature: 7 }),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_value');
    expect(error.param).toBe('temperature');
    expect(error.type).toBe('invalid_request_error');
    expect(harness.providers.requests).toHaveLength(0);
  });

  it('400 for a penalty out of range, naming it as the request did', async () => {
    const error = await apiError(
      harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], presence_penalty: 3 }),
    );
    expect(error.status).toBe(400);
    expect(error.param).toBe('presence_penalty');
    expect(harness.providers.requests).toHaveLength(0);
  });

  it('400 naming logprobs for logprobs: true, which no provider is asked for, before any upstream call', async () => {
    const error = await apiError(harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, logprobs: true, top_logprobs: 3 }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('logprobs');
    expect(error.code).toBe('unsupported_parameter');
    expect(harness.providers.requests).toHaveLength(0);
    const answered = await harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello, logprobs: false.' }], logprobs: false });
    expect(answered.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });

  it('400 when the provider says the request is invalid, without trying the others', async () => {
    harness.providers.setBehavior('openai', { kind: 'error', fixture: 'error-400-unsupported-parameter-max_tokens' });
    const error = await apiError(harness.client.chat.completions.create({ model: 'openai/o3-mini', messages: question, max_tokens: 5 }));
    expect(error.status).toBe(400);
    expect(harness.providers.requests).toHaveLength(1);
  });

  it('404 model_not_found for a model the gateway cannot place (no route, no provider, not in the catalog)', async () => {
    const error = await apiError(harness.client.chat.completions.create({ model: 'gpt-9-imaginary', messages: question }));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.code).toBe('model_not_found');
  });

  it('503 with Retry-After when no provider can serve', async () => {
    harness.providers.setBehavior('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    const error = await apiError(harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(503);
    expect(error.code).toBe('all_providers_failed');
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(error.headers?.get('x-backup-models-attempts')).toBe('openai:failure');
  });

  it('504 when the deadline passes, plain or streaming', async () => {
    const slow = await startGatewayHarness({ yamlText: 'router: { timeoutMs: 300 }\nlimits: { maxStreamDurationMs: 300 }' });
    try {
      slow.providers.setBehavior('groq', { kind: 'stall-before-headers' });
      const plain = await apiError(slow.client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: question }));
      expect(plain.status).toBe(504);
      expect(plain.type).toBe('timeout_error');
      const streamed = await apiError(slow.client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: question, stream: true }));
      expect(streamed.status).toBe(504);
    } finally {
      await slow.close();
    }
  });

  it('a failure after the first token ends the stream with an error event the client raises', async () => {
    harness.providers.setBehavior('openai', { kind: 'reset-after-events', events: 3 });
    const stream = await harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, stream: true });
    let text = '';
    const error = await apiError(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(error.message).toMatch(/interrupted/);
    expect(text.length).toBeGreaterThan(0);
    expect(harness.providers.requests).toHaveLength(1);
  });

  it('a stream past its duration limit ends with an error event, not a hang', async () => {
    const limited = await startGatewayHarness({ yamlText: 'limits: { maxStreamDurationMs: 400 }' });
    try {
      limited.providers.setBehavior('openai', { kind: 'success', chunkDelayMs: 150 });
      const stream = await limited.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, stream: true });
      const startedAtMs = Date.now();
      const error = await apiError(
        (async () => {
          for await (const chunk of stream) void chunk;
        })(),
      );
      expect(error.message).toMatch(/deadline of 400 ms/);
      expect(Date.now() - startedAtMs).toBeLessThan(2_000);
      await limited.providers.waitForClientAbort({ provider: 'openai' });
    } finally {
      await limited.close();
    }
  });

  it('404 for an unknown URL and 405 for a wrong method, in the same shape', async () => {
    const auth = { authorization: `Bearer ${gatewayKeys[0]}` };
    const unknown = await fetch(`${harness.url}/v2/nothing`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_url', type: 'invalid_request_error' } });
    const wrongMethod = await fetch(`${harness.url}/v1/chat/completions`, { headers: auth });
    expect(wrongMethod.status).toBe(405);
  });
});

describe('providers without a key', () => {
  const yamlText = 'routes:\n  groq-only:\n    targets: [groq/llama-3.1-8b-instant]\n  mixed:\n    targets: [groq/llama-3.1-8b-instant, openai/gpt-4o-mini]\n';

  it('are not listed by GET /v1/models, in either shape, until their key is set', async () => {
    const bare = await startGatewayHarness({ providerIds: ['openai'], yamlText });
    try {
      const listed = async (): Promise<string[]> => {
        const ids: string[] = [];
        for await (const model of bare.client.models.list()) ids.push(model.id);
        return ids;
      };
      const before = await listed();
      expect(before).toContain('openai/gpt-4o-mini');
      expect(before).toEqual(expect.arrayContaining(['tier-1', 'tier-2', 'tier-3', 'mixed']));
      expect(before.some((id) => id.startsWith('anthropic/') || id.startsWith('groq/'))).toBe(false);
      expect(before).not.toContain('groq-only');
      const anthropicShape = await fetch(`${bare.url}/v1/models`, { headers: { 'x-api-key': gatewayKeys[0], 'anthropic-version': '2023-06-01' } });
      const anthropicIds = ((await anthropicShape.json()) as { data: { id: string }[] }).data.map((model) => model.id);
      expect(anthropicIds).toContain('openai/gpt-4o-mini');
      expect(anthropicIds.some((id) => id.startsWith('groq/'))).toBe(false);
      const retrieved = await apiError(bare.client.models.retrieve('groq/llama-3.1-8b-instant'));
      expect(retrieved.status).toBe(404);

      // Keys are read at each call: a key set while the gateway runs lists the provider's models.
      Object.assign(bare.env, bare.providers.environment(['groq']));
      const after = await listed();
      expect(after).toContain('groq/llama-3.1-8b-instant');
      expect(after).toContain('groq-only');
      expect((await bare.client.models.retrieve('groq/llama-3.1-8b-instant')).id).toBe('groq/llama-3.1-8b-instant');
    } finally {
      await bare.close();
    }
  });

  it('a call only they could serve is a 404 model_not_found naming the key variable, with no Retry-After: no wait helps', async () => {
    const bare = await startGatewayHarness({ providerIds: ['openai'], yamlText });
    try {
      for (const model of ['groq/llama-3.1-8b-instant', 'groq-only']) {
        const error = await apiError(bare.client.chat.completions.create({ model, messages: question }));
        expect(error).toBeInstanceOf(OpenAI.NotFoundError);
        expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
        expect(error.message).toContain('GROQ_API_KEY');
        expect(error.message).not.toContain('test-key-');
        expect(error.headers?.get('retry-after')).toBeNull();
      }
      const messages = await fetch(`${bare.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': gatewayKeys[0] },
        body: JSON.stringify({ model: 'groq/llama-3.1-8b-instant', max_tokens: 10, messages: question }),
      });
      expect(messages.status).toBe(404);
      expect(messages.headers.get('retry-after')).toBeNull();
      expect(await messages.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
      expect(bare.providers.requests).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });

  it('a provider that has a key but is cooling down is still a 503 with Retry-After: a wait helps', async () => {
    const bare = await startGatewayHarness({ providerIds: ['openai'], yamlText });
    try {
      bare.providers.setBehavior('openai', { kind: 'error', fixture: 'error-429-rate-limit-rpm' });
      await apiError(bare.client.chat.completions.create({ model: 'mixed', messages: question }));
      const error = await apiError(bare.client.chat.completions.create({ model: 'mixed', messages: [{ role: 'user', content: 'Again.' }] }));
      expect(error.status).toBe(503);
      expect(error.code).toBe('no_provider_available');
      expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await bare.close();
    }
  });
});

describe('a request whose images no provider takes', () => {
  const picture = { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==' } };
  const withImage = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'What is this?' }, picture] }];

  it('is a 400 naming the images, with no Retry-After: a 503 would be retried by the SDKs, forever refused', async () => {
    const error = await apiError(harness.client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: withImage }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'image_input_not_supported', param: 'messages' });
    expect(error.message).toContain('takes no image input');
    expect(error.headers?.get('retry-after')).toBeNull();
    expect(harness.providers.requests).toHaveLength(0);
  });

  it('in Anthropic shape on /v1/messages', async () => {
    const answer = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': gatewayKeys[0] },
      body: JSON.stringify({
        model: 'groq/llama-3.1-8b-instant',
        max_tokens: 10,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg==' } }] }],
      }),
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('retry-after')).toBeNull();
    expect(await answer.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(harness.providers.requests).toHaveLength(0);
  });

  it('is still a 503 with Retry-After when the provider that takes them is only cooling down', async () => {
    const own = await startGatewayHarness();
    try {
      own.providers.setBehavior('openai', { kind: 'error', fixture: 'error-429-rate-limit-rpm' });
      await apiError(own.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }));
      const error = await apiError(own.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: withImage }));
      expect(error.status).toBe(503);
      expect(error.code).toBe('no_provider_available');
      expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await own.close();
    }
  });
});

describe('request ids on errors', () => {
  /** The ids of the calls logged so far. */
  const loggedIds = (): unknown[] => harness.logLines.map((line) => line.id);

  it("every error answer of a model call carries x-request-id, the official client's error.requestID, naming its log line", async () => {
    harness.providers.setBehavior('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    const failures = [
      ['400', harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, temperature: 'hot' as unknown as number })],
      ['404', harness.client.chat.completions.create({ model: 'gpt-9-imaginary', messages: question })],
      ['503', harness.client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Request ids, plain.' })],
      ['503 before a stream starts', harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, stream: true })],
    ] as const;
    for (const [name, call] of failures) {
      const error = await apiError(call);
      expect(error.requestID, name).toMatch(/^(chatcmpl-|resp_)/);
      expect(loggedIds(), name).toContain(error.requestID);
    }
  });

  it('a 401, refused before any call, still carries an id of its own (and the Messages API its request-id)', async () => {
    const first = await apiError(harness.clientWithKey('wrong-key-0123456789').chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }));
    const second = await apiError(harness.clientWithKey('wrong-key-0123456789').chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }));
    expect(first.status).toBe(401);
    expect(first.requestID).toBeTruthy();
    expect(second.requestID).not.toBe(first.requestID);
    const messages = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'wrong-key-0123456789' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', max_tokens: 10, messages: question }),
    });
    expect(messages.status).toBe(401);
    expect(messages.headers.get('request-id')).toBeTruthy();
    expect(messages.headers.get('request-id')).toBe(messages.headers.get('x-request-id'));
  });
});

describe('gateway keys', () => {
  it('401 without a key and with a wrong key, before any upstream call', async () => {
    for (const apiKey of ['wrong-key-0123456789', `${gatewayKeys[0]}x`, gatewayKeys[0].slice(0, -1)]) {
      const error = await apiError(harness.clientWithKey(apiKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }));
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error.code).toBe('invalid_api_key');
      expect(error.message).not.toContain(apiKey);
    }
    const bare = await fetch(`${harness.url}/v1/models`);
    expect(bare.status).toBe(401);
    expect(harness.providers.requests).toHaveLength(0);
  });

  it("accepts a right x-api-key beside a foreign Bearer token; a 401 names neither header's value", async () => {
    const call = (headers: Record<string, string>) =>
      fetch(`${harness.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Two auth headers.' }] }),
      });
    const accepted = await call({ authorization: 'Bearer some-other-service-token-0123', 'x-api-key': gatewayKeys[0] });
    expect(accepted.status).toBe(200);
    const refused = await call({ authorization: 'Bearer some-other-service-token-0123', 'x-api-key': 'wrong-gateway-key-0123456789' });
    expect(refused.status).toBe(401);
    const text = await refused.text();
    expect(text).not.toContain('some-other-service-token-0123');
    expect(text).not.toContain('wrong-gateway-key-0123456789');
  });

  it('accepts every configured key; two keys with the same prompt never share a cache entry', async () => {
    const prompt = [{ role: 'user' as const, content: 'A prompt both keys send.' }];
    const first = await harness.clientWithKey(gatewayKeys[0]).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: prompt }).withResponse();
    const again = await harness.clientWithKey(gatewayKeys[0]).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: prompt }).withResponse();
    const other = await harness.clientWithKey(gatewayKeys[1]).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: prompt }).withResponse();
    expect(first.response.headers.get('x-backup-models-cache')).toBe('miss');
    expect(again.response.headers.get('x-backup-models-cache')).toBe('hit');
    expect(other.response.headers.get('x-backup-models-cache')).toBe('miss');
    expect(harness.providers.requests).toHaveLength(2);
  });
});

/** A raw request, for bodies no client would send. */
function rawPost(options: { body: Buffer | string; headers?: Record<string, string>; chunked?: boolean }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL('/v1/chat/completions', harness.url);
    const request = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${gatewayKeys[0]}`,
          'content-type': 'application/json',
          ...(options.chunked ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }),
          ...options.headers,
        },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    if (options.chunked) {
      const bytes = Buffer.from(options.body);
      for (let offset = 0; offset < bytes.length; offset += 64 * 1024) request.write(bytes.subarray(offset, offset + 64 * 1024));
      request.end();
    } else request.end(options.body);
  });
}

describe('hostile requests: a 4xx before any upstream call', () => {
  const validBody = { model: 'openai/gpt-4o-mini', messages: question };

  it.each([
    // One byte over the default limit (32 MiB), whole or chunked.
    ['a huge body', { body: JSON.stringify({ ...validBody, padding: 'x'.repeat(32 * 1024 * 1024) }) }, 413, 'request_too_large'],
    ['a huge chunked body', { body: JSON.stringify({ ...validBody, padding: 'x'.repeat(32 * 1024 * 1024) }), chunked: true }, 413, 'request_too_large'],
    ['10,000-deep nesting', { body: `{"model":"openai/gpt-4o-mini","messages":${'['.repeat(10_000)}${']'.repeat(10_000)}}` }, 400, 'json_too_deep'],
    ['not JSON', { body: 'model=openai/gpt-4o-mini&prompt=hi' }, 400, 'invalid_json'],
    ['not UTF-8', { body: Buffer.concat([Buffer.from('{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')]) }, 400, 'invalid_encoding'],
    ['a __proto__ key', { body: '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"__proto__":{"isAdmin":true}}' }, 400, 'forbidden_key'],
    ['a base_url field', { body: JSON.stringify({ ...validBody, base_url: 'http://169.254.169.254/latest' }) }, 400, 'unsupported_parameter'],
    ['an upstream URL nested in an unread field', { body: JSON.stringify({ ...validBody, provider_options: { api_base: 'http://evil.example' } }) }, 400, 'unsupported_parameter'],
    ['an upstream URL header', { body: JSON.stringify(validBody), headers: { 'x-base-url': 'http://evil.example' } }, 400, null],
  ] as const)('%s', async (name, request, status, code) => {
    const response = await rawPost(request);
    expect(response.status).toBe(status);
    const body = JSON.parse(response.body) as { error: { code: string | null; type: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.code).toBe(code);
    expect(harness.providers.requests).toHaveLength(0);
    // The process is unharmed: the next call works (a prompt of its own, so the cache does not answer).
    const completion = await harness.client.chat.completions.create({ ...validBody, messages: [{ role: 'user', content: `After ${name}` }] });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(harness.providers.requests.map((entry) => entry.path)).toEqual(['/openai/v1/chat/completions']);
  });

  it('413 reaches the official client too', async () => {
    const error = await apiError(
      harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(33 * 1024 * 1024) }] }),
    );
    expect(error.status).toBe(413);
    expect(harness.providers.requests).toHaveLength(0);
  });
});
