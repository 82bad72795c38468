/**
 * The official OpenAI client, unchanged, against the gateway; the provider test server plays each of the
 * six providers behind it, replaying their recorded traffic.
 */
import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../src/catalog.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText: 'routes:\n  fast:\n    targets: [groq/llama-3.1-8b-instant, openai/gpt-4o-mini]\n    parallelAttempts: 1\n',
    adminKeys: [gatewayKeys[1]],
  });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const question = [{ role: 'user' as const, content: 'Say hello.' }];

describe.each(defaultCatalog.map((definition) => [definition.id, definition.defaultModel] as const))(
  'provider %s through the gateway',
  (providerId, model) => {
    it('answers a plain call, saying who served it in model and headers', async () => {
      const { data, response } = await harness.client.chat.completions
        .create({ model: `${providerId}/${model}`, messages: question })
        .withResponse();
      expect(data.object).toBe('chat.completion');
      expect(data.model.startsWith(`${providerId}/`)).toBe(true);
      expect(data.choices[0]?.message.role).toBe('assistant');
      expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
      expect(data.choices[0]?.finish_reason).toBe('stop');
      expect(response.headers.get('x-backup-models-provider')).toBe(providerId);
      expect(response.headers.get('x-backup-models-attempts')).toBe(`${providerId}:success`);
      const upstream = harness.providers.requests;
      expect(upstream.map((request) => request.provider)).toEqual([providerId]);
      // The caller's gateway key never travels upstream.
      expect(JSON.stringify(upstream[0]?.headers)).not.toContain(gatewayKeys[0]);
    });

    it('streams, role chunk first, with usage when asked', async () => {
      const stream = await harness.client.chat.completions.create({
        model: `${providerId}/${model}`,
        messages: question,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
      expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
      expect(chunks.every((chunk) => chunk.model === `${providerId}/${model}`)).toBe(true);
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      expect(text.length).toBeGreaterThan(0);
      expect(chunks.filter((chunk) => chunk.choices[0]?.finish_reason).map((chunk) => chunk.choices[0]?.finish_reason)).toEqual(['stop']);
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage?.total_tokens).toBeGreaterThan(0);
      expect(harness.providers.requests.map((request) => [request.provider, request.stream])).toEqual([[providerId, true]]);
    });
  },
);

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};

describe.each([
  ['openai', 'gpt-4o-mini', 'chat-completion-tool-call', 'chat-stream-tool-call'],
  ['anthropic', 'claude-haiku-4-5-20251001', 'message-tool-use', 'messages-stream-tool-use'],
  ['google', 'gemini-3.5-flash-lite', 'generateContent-function-call', 'streamGenerateContent-sse-function-call'],
] as const)('tool calls through %s', (providerId, model, bodyFixture, streamFixture) => {
  it('returns tool_calls in OpenAI shape, and sends the tool definition upstream', async () => {
    harness.providers.setBehavior(providerId, { kind: 'success', fixture: bodyFixture });
    const completion = await harness.client.chat.completions.create({
      model: `${providerId}/${model}`,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: 'auto',
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.id.length).toBeGreaterThan(0);
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name.length).toBeGreaterThan(0);
    expect(() => JSON.parse(call.function.arguments) as unknown).not.toThrow();
    expect(JSON.stringify(harness.providers.requests[0]?.body)).toContain('get_weather');
  });

  it('streams tool call deltas that the client can put back together', async () => {
    harness.providers.setBehavior(providerId, { kind: 'success', fixture: streamFixture });
    const stream = await harness.client.chat.completions.create({
      model: `${providerId}/${model}`,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      stream: true,
    });
    let name = '';
    let argumentsText = '';
    let finishReason: string | null | undefined;
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        name += delta.function?.name ?? '';
        argumentsText += delta.function?.arguments ?? '';
      }
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    expect(name.length).toBeGreaterThan(0);
    expect(() => JSON.parse(argumentsText || '{}') as unknown).not.toThrow();
    expect(finishReason).toBe('tool_calls');
  });
});

describe('sampling settings', () => {
  it('pass the seed and the penalties upstream (they were dropped, the answer unlike what was asked)', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion' });
    await harness.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'A seeded answer, please.' }],
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
    });
    expect(harness.providers.requests.at(-1)?.body).toMatchObject({ seed: 42, presence_penalty: 0.5, frequency_penalty: 0.25 });
  });
});

describe('tool definitions', () => {
  it("passes a tool's strict mode to an OpenAI-wire upstream, and refuses one that is not a boolean", async () => {
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion-tool-call' });
    const strictTool = {
      type: 'function' as const,
      function: { ...weatherTool.function, parameters: { ...weatherTool.function.parameters, additionalProperties: false }, strict: true },
    };
    await harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Weather in Paris, strictly?' }], tools: [strictTool] });
    expect(harness.providers.requests.at(-1)?.body).toMatchObject({ tools: [{ type: 'function', function: { name: 'get_weather', strict: true } }] });
    const refused = await harness.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], tools: [{ ...strictTool, function: { ...strictTool.function, strict: 'yes' as unknown as boolean } }] })
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 400, param: 'tools' });
  });
});

describe('a model id without its provider', () => {
  it('is served by the provider whose catalog lists it, as OpenAI clients send it', async () => {
    const { data, response } = await harness.client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Which provider?' }] })
      .withResponse();
    expect(response.headers.get('x-backup-models-provider')).toBe('openai');
    expect(data.model.startsWith('openai/')).toBe(true);
  });
});

describe('images', () => {
  it('go, as image_url parts, only to models that take image input', async () => {
    const image = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==';
    const { response } = await harness.client.chat.completions
      .create({
        model: 'tier-1',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: image, detail: 'low' } }] }],
      })
      .withResponse();
    const served = response.headers.get('x-backup-models-provider');
    expect(['openai', 'google', 'anthropic']).toContain(served);
    expect(harness.providers.requests.map((request) => request.provider)).not.toContain('groq');
    // Racing three: the served provider's own request is the one to read.
    const sent = harness.providers.requests.find((request) => request.provider === served);
    expect(JSON.stringify(sent?.body)).toContain('iVBORw0KGgoAAAANSUhEUg==');
  });

  it('refuses an image that is not an http(s) or image data URL with a 400, before any upstream call', async () => {
    const error = await harness.client.chat.completions
      .create({ model: 'tier-1', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, param: 'messages' });
    // (The race before may still land a loser's request after the reset: none carries this image.)
    expect(JSON.stringify(harness.providers.requests)).not.toContain('file:///etc/passwd');
  });
});

describe('a tool round trip', () => {
  it('sends the assistant tool call and the tool answer upstream in the provider protocol', async () => {
    await harness.client.chat.completions.create({
      model: 'anthropic/claude-haiku-4-5-20251001',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_1', content: '{"celsius":21}' },
      ],
      tools: [weatherTool],
    });
    const sent = JSON.stringify(harness.providers.requests[0]?.body);
    expect(sent).toContain('"tool_use"');
    expect(sent).toContain('"tool_result"');
    expect(sent).toContain('toolu_1');
  });
});

describe("Gemini's thought signatures through the gateway", () => {
  const calculator = {
    type: 'function' as const,
    function: { name: 'calculator', parameters: { type: 'object', properties: { expression: { type: 'string' } } } },
  };
  /** The signature in Google's recorded answer, read from the recording itself. */
  const recordedSignature = (): string => {
    const body = JSON.parse(readFileSync(new URL('../src/testing/fixtures/gemini/generateContent-function-call.json', import.meta.url), 'utf8')) as {
      candidates: [{ content: { parts: [{ thoughtSignature: string }] } }];
    };
    return body.candidates[0].content.parts[0].thoughtSignature;
  };
  /** The functionCall parts of the model turns the gateway sent upstream. */
  const sentFunctionCallParts = (): unknown[] => {
    const body = harness.providers.requests.at(-1)?.body as { contents: { role: string; parts: unknown[] }[] };
    return body.contents.filter((content) => content.role === 'model').flatMap((content) => content.parts);
  };

  it('answers with the signature where Google puts it (extra_content.google), and sends it back with the call', async () => {
    harness.providers.setBehavior('google', { kind: 'success', fixture: 'generateContent-function-call' });
    const question = { role: 'user' as const, content: 'What is 15 * 8?' };
    const first = await harness.client.chat.completions.create({ model: 'google/gemini-3.5-flash-lite', messages: [question], tools: [calculator] });
    const message = first.choices[0]!.message;
    const signature = recordedSignature();
    expect(message.tool_calls?.[0]).toMatchObject({ extra_content: { google: { thought_signature: signature } } });

    harness.providers.setBehavior('google', { kind: 'success' });
    // The assistant message exactly as the client got it, as an agent loop sends it back.
    await harness.client.chat.completions.create({
      model: 'google/gemini-3.5-flash-lite',
      messages: [question, message, { role: 'tool', tool_call_id: message.tool_calls![0]!.id, content: '120' }],
      tools: [calculator],
    });
    expect(sentFunctionCallParts()).toEqual([{ functionCall: { name: 'calculator', args: { expression: '15 * 8' } }, thoughtSignature: signature }]);
  });

  it('never sends the signature to a provider that is not Gemini', async () => {
    const signed = {
      id: 'call_0',
      type: 'function' as const,
      function: { name: 'calculator', arguments: '{"expression":"15 * 8"}' },
      extra_content: { google: { thought_signature: 'Cp8DAb4+sig==' } },
    };
    for (const model of ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5-20251001']) {
      harness.providers.reset();
      await harness.client.chat.completions.create({
        model,
        messages: [
          { role: 'user', content: 'What is 15 * 8?' },
          { role: 'assistant', content: null, tool_calls: [signed] },
          { role: 'tool', tool_call_id: 'call_0', content: '120' },
        ],
        tools: [calculator],
      });
      const sent = JSON.stringify(harness.providers.requests.at(-1)?.body);
      expect(sent).toContain('calculator');
      expect(sent).not.toContain('Cp8DAb4+sig==');
      expect(sent).not.toContain('extra_content');
    }
  });

  it("lets Gemini 3 take a conversation whose tool call another provider made, with Google's skip signature", async () => {
    await harness.client.chat.completions.create({
      model: 'google/gemini-3-pro-preview',
      messages: [
        { role: 'user', content: 'What is 15 * 8?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'calculator', arguments: '{"expression":"15 * 8"}' } }] },
        { role: 'tool', tool_call_id: 'call_abc', content: '120' },
      ],
      tools: [calculator],
    });
    expect(sentFunctionCallParts()).toEqual([
      { functionCall: { name: 'calculator', args: { expression: '15 * 8' } }, thoughtSignature: 'skip_thought_signature_validator' },
    ]);
  });
});

describe('model aliases and routes', () => {
  it('serves a tier alias and a configured route, naming the provider that served', async () => {
    const tier = await harness.client.chat.completions.create({ model: 'tier-1', messages: question });
    expect(tier.model).toMatch(/^[a-z]+\//);
    harness.providers.setBehavior('groq', { kind: 'status', status: 503 });
    const { data, response } = await harness.client.chat.completions.create({ model: 'fast', messages: question }).withResponse();
    expect(data.model.startsWith('openai/')).toBe(true);
    expect(response.headers.get('x-backup-models-attempts')).toBe('groq:failure,openai:success');
  });

  it('names the provider that served a streamed route, and the attempts on the way, before the first chunk', async () => {
    harness.providers.setBehavior('groq', { kind: 'status', status: 503 });
    const { data: stream, response } = await harness.client.chat.completions
      .create({ model: 'fast', messages: question, stream: true })
      .withResponse();
    expect(response.headers.get('x-backup-models-provider')).toBe('openai');
    expect(response.headers.get('x-backup-models-attempts')).toBe('groq:failure,openai:success');
    const models = new Set<string>();
    for await (const chunk of stream) models.add(chunk.model);
    expect(models.size).toBe(1);
    expect([...models][0]!.startsWith('openai/')).toBe(true);
  });

  it('retrieves one model a call may name, in the list\'s shape, and answers 404 for any other', async () => {
    expect(await harness.client.models.retrieve('openai/gpt-4o-mini')).toMatchObject({ id: 'openai/gpt-4o-mini', object: 'model', owned_by: 'openai' });
    expect(await harness.client.models.retrieve('fast')).toMatchObject({ id: 'fast', owned_by: 'backup-models' });
    expect(await harness.client.models.retrieve('gpt-4o-mini')).toMatchObject({ id: 'gpt-4o-mini', owned_by: 'backup-models' });
    // A provider/model id holds a slash; a client may send it encoded.
    const encoded = await fetch(`${harness.url}/v1/models/together%2Fmeta-llama%2FLlama-3.3-70B-Instruct-Turbo`, {
      headers: { authorization: `Bearer ${gatewayKeys[0]}` },
    });
    expect(await encoded.json()).toMatchObject({ id: 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo', owned_by: 'together' });
    const missing = await harness.client.models.retrieve('no-such-model').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((await fetch(`${harness.url}/v1/models/openai%2Fgpt-4o-mini`)).status).toBe(401);
    expect(harness.providers.requests).toHaveLength(0);
  });

  it('lists provider models, tier aliases and routes', async () => {
    const ids = [];
    for await (const model of harness.client.models.list()) ids.push(model.id);
    expect(ids).toContain('openai/gpt-4o-mini');
    expect(ids).toContain('together/meta-llama/Llama-3.3-70B-Instruct-Turbo');
    expect(ids).toEqual(expect.arrayContaining(['tier-1', 'tier-2', 'tier-3', 'fast']));
  });

  it('passes response_format, stop and max tokens upstream', async () => {
    await harness.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: question,
      response_format: { type: 'json_object' },
      stop: ['END'],
      max_tokens: 20,
      temperature: 0,
    });
    expect(harness.providers.requests[0]?.body).toMatchObject({ response_format: { type: 'json_object' }, stop: ['END'], temperature: 0 });
  });
});

describe('a stream that breaks after its first token', () => {
  it("ends with one error event that keeps the upstream's kind of failure (Anthropic's rate_limit_error)", async () => {
    harness.providers.setBehavior('anthropic', { kind: 'error-event-after-events', events: 4, errorFixture: 'error-429-rate-limit' });
    const stream = await harness.client.chat.completions.create({ model: 'anthropic/claude-haiku-4-5-20251001', messages: [{ role: 'user', content: 'Rate limited mid-stream.' }], stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(text.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ type: 'rate_limit_error', code: 'stream_interrupted' });
  });
});

describe('health, liveness and metrics', () => {
  // Health and metrics cover every key: the harness's second key is an admin key.
  const get = (path: string, key: string | undefined = gatewayKeys[1]) =>
    fetch(`${harness.url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

  it('reports the router health as JSON, never a key', async () => {
    const response = await get('/health');
    expect(response.status).toBe(200);
    const text = await response.text();
    const health = JSON.parse(text) as Record<string, { circuitState: string; configured: boolean }>;
    expect(Object.keys(health).sort()).toEqual(['anthropic', 'google', 'groq', 'moonshot', 'openai', 'together']);
    expect(health.openai).toMatchObject({ circuitState: 'closed', configured: true });
    expect(text).not.toContain('test-key-');
  });

  it('answers liveness without a key', async () => {
    const response = await get('/livez', undefined);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('exposes requests, attempts, latency, circuit states and cache hits in Prometheus format', async () => {
    await harness.client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: 'metrics' }] });
    await harness.client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: 'metrics' }] });
    const response = await get('/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/backup_models_gateway_requests_total\{route="chat_completions",status="200"\} \d+/);
    expect(text).toMatch(/backup_models_attempts_total\{provider="groq",outcome="success",reason="none"\} \d+/);
    expect(text).toMatch(/backup_models_call_duration_seconds_bucket\{le="0.05",provider="groq",outcome="success",streaming="false"\} \d+/);
    expect(text).toMatch(/backup_models_time_to_first_token_seconds_count\{provider="[a-z]+"\} \d+/);
    expect(text).toMatch(/backup_models_circuit_state\{provider="openai"\} 0/);
    expect(text).toMatch(/backup_models_cache_hits_total [1-9]/);
    expect(text).not.toContain('test-key-');
    expect(text).not.toContain(gatewayKeys[0]);
  });
});
