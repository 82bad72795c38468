/**
 * Options a router or a call is given, checked before any network call: a bad one is the caller's error, named
 * as such, and is never blamed on a provider. Real HTTP to the provider test harness.server.
 */
import { describe, expect, it } from 'vitest';
import {
  BackupModelRouter,
  type BackupModelRouterOptions,
  type CompleteOptions,
  defaultCatalog,
  InvalidArgumentError,
  openAICompatibleProvider,
  Provider,
} from '../src/index.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false });
const { makeRouter } = harness;

/** The error a call's options are refused with, or undefined when the call went through. */
async function refusalOf(router: BackupModelRouter, options: CompleteOptions): Promise<unknown> {
  return router.complete('Hi', options).then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** The error making a router with these options throws, or undefined when it was made. */
function constructorRefusalOf(options: Record<string, unknown>): unknown {
  try {
    makeRouter(options as BackupModelRouterOptions);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** A value as a test title shows it (JSON would show NaN as null). */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{ ${Object.entries(value).map(([key, field]) => `${key}: ${describeValue(field)}`).join(', ')} }`;
  }
  return typeof value === 'string' ? `'${value}'` : String(value);
}

describe('first-token and idle limits', () => {
  const badLimits: [string, unknown][] = [
    ['firstTokenTimeoutMs', -1],
    ['firstTokenTimeoutMs', 0],
    ['firstTokenTimeoutMs', Number.NaN],
    ['firstTokenTimeoutMs', '5000'],
    ['idleTimeoutMs', -1],
    ['idleTimeoutMs', 0],
    ['idleTimeoutMs', Number.POSITIVE_INFINITY],
  ];

  for (const [argument, value] of badLimits) {
    it(`refuses a call's ${argument} of ${String(value)} as the caller's error, before any request`, async () => {
      const router = makeRouter();
      const error = await refusalOf(router, { [argument]: value });
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument, message: expect.stringContaining(`${argument} must be a positive number of milliseconds`) });
      expect(() => router.stream('Hi', { [argument]: value })).toThrow(InvalidArgumentError);
      expect(harness.server.requests).toHaveLength(0);
    });

    it(`refuses a router's ${argument} of ${String(value)} when it is made`, () => {
      const error = constructorRefusalOf({ [argument]: value });
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument });
    });
  }

  it('leaves every circuit closed after many calls with a bad limit, so valid calls are served as before', async () => {
    const router = makeRouter();
    for (let call = 0; call < 8; call += 1) await refusalOf(router, { firstTokenTimeoutMs: -1 });
    for (const [provider, status] of Object.entries(router.getHealthStatus())) {
      expect({ provider, circuitState: status.circuitState, totalFailures: status.totalFailures }).toEqual({
        provider,
        circuitState: 'closed',
        totalFailures: 0,
      });
    }
    const result = await router.complete('Hi');
    expect(result.attempts.filter((attempt) => attempt.outcome === 'skipped')).toEqual([]);
  });

  it('still takes good limits, per call and per router', async () => {
    const router = makeRouter({ firstTokenTimeoutMs: 20_000, idleTimeoutMs: 20_000 });
    const result = await router.complete('Hi', { firstTokenTimeoutMs: 10_000, idleTimeoutMs: 10_000 });
    expect(result.content.length).toBeGreaterThan(0);
  });
});

describe("a router's options, checked as a call's are", () => {
  const badRouterOptions: [string, unknown][] = [
    ['timeoutMs', 0],
    ['timeoutMs', '5000'],
    ['parallelAttempts', 0],
    ['parallelAttempts', 2.5],
    ['hedge', { delayMs: Number.NaN }],
    ['hedge', { delayMs: 'autoo' }],
    ['hedge', { delayMs: -1 }],
    ['hedge', true],
    ['healthCheckIntervalMs', -1],
    ['healthCheckIntervalMs', 0],
    ['healthCheckIntervalMs', 0.5],
    ['healthCheckIntervalMs', 999],
    ['healthCheckIntervalMs', '60000'],
    ['healthCheckTimeoutMs', 0],
    ['connectTimeoutMs', -1],
    ['maxProviderResponseBytes', 0],
    ['maxProviderResponseBytes', 1.5],
    ['maxProviderResponseBytes', '16MiB'],
    ['maxProviderEmbeddingResponseBytes', Number.POSITIVE_INFINITY],
  ];

  for (const [argument, value] of badRouterOptions) {
    it(`refuses ${argument}: ${describeValue(value)} when the router is made`, () => {
      const error = constructorRefusalOf({ [argument]: value });
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument });
    });
  }

  it('says how often background health checks may run at most', () => {
    expect(constructorRefusalOf({ healthCheckIntervalMs: 500 })).toMatchObject({
      message: expect.stringContaining('from 1000'),
    });
  });

  for (const hedge of [{ delayMs: Number.NaN }, { delayMs: 'autoo' }, { delayMs: -5 }]) {
    it(`refuses a call's hedge ${describeValue(hedge)} before any request`, async () => {
      const router = makeRouter();
      const error = await refusalOf(router, { hedge: hedge as CompleteOptions['hedge'] });
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument: 'hedge' });
      expect(harness.server.requests).toHaveLength(0);
    });
  }

  it('still takes good values', async () => {
    const router = makeRouter({ timeoutMs: 30_000, parallelAttempts: 2, hedge: { delayMs: 'auto' }, healthCheckIntervalMs: 60_000 });
    const result = await router.complete('Hi', { hedge: { delayMs: 0 }, parallelAttempts: 1 });
    expect(result.content.length).toBeGreaterThan(0);
    expect(makeRouter({ hedge: false, healthCheckTimeoutMs: 2_000, connectTimeoutMs: 2_000 })).toBeInstanceOf(BackupModelRouter);
  });
});

describe("a router's breaker and cooldowns, checked when it is made", () => {
  // Each part of a provider's state checks its own settings, but only when a call first makes that state: a bad
  // one would fail every call, named as the part's field (`threshold`) instead of the router's option.
  const badOptions: [string, Record<string, unknown>][] = [
    ['breaker', { breaker: 'strict' }],
    ['breaker.consecutiveFailures', { breaker: { consecutiveFailures: 0 } }],
    ['breaker.consecutiveFailures', { breaker: { consecutiveFailures: 2.5 } }],
    ['breaker.failureRateThreshold', { breaker: { failureRateThreshold: 0 } }],
    ['breaker.failureRateThreshold', { breaker: { failureRateThreshold: 1.5 } }],
    ['breaker.minimumCalls', { breaker: { minimumCalls: 0 } }],
    ['breaker.windowMs', { breaker: { windowMs: 0 } }],
    ['breaker.openDurationMs', { breaker: { openDurationMs: -1 } }],
    ['breaker.maxOpenDurationMs', { breaker: { maxOpenDurationMs: Number.NaN } }],
    // Shorter than the first open period (5 s by default, or the one given).
    ['breaker.maxOpenDurationMs', { breaker: { maxOpenDurationMs: 1_000 } }],
    ['breaker.maxOpenDurationMs', { breaker: { openDurationMs: 10_000, maxOpenDurationMs: 5_000 } }],
    ['credentialCooldownMs', { credentialCooldownMs: -5 }],
    ['credentialCooldownMs', { credentialCooldownMs: Number.NaN }],
    ['defaultRateLimitCooldownMs', { defaultRateLimitCooldownMs: '2000' }],
  ];

  for (const [argument, options] of badOptions) {
    it(`refuses ${describeValue(options)} when the router is made, naming ${argument}`, () => {
      const error = constructorRefusalOf(options);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument });
    });
  }

  it('still takes good values, a cooldown of 0 included', async () => {
    const router = makeRouter({
      breaker: { consecutiveFailures: 2, failureRateThreshold: 1, minimumCalls: 1, windowMs: 1_000, openDurationMs: 0, maxOpenDurationMs: 0 },
      credentialCooldownMs: 0,
      defaultRateLimitCooldownMs: 0,
    });
    const result = await router.complete('Hi');
    expect(result.content.length).toBeGreaterThan(0);
  });
});

describe('limits longer than a timer holds', () => {
  // Node fires a timer set past 2^31 - 1 ms after 1 ms: such a deadline would end the call at once.
  const tooLongMs = 3_000_000_000;

  for (const argument of ['timeoutMs', 'firstTokenTimeoutMs', 'idleTimeoutMs'] as const) {
    it(`refuses a call's ${argument} of ${tooLongMs} instead of timing out at once`, async () => {
      const error = await refusalOf(makeRouter(), { [argument]: tooLongMs });
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument, message: expect.stringContaining('at most 2147483647') });
      expect(harness.server.requests).toHaveLength(0);
    });
  }

  for (const [argument, value] of [['timeoutMs', tooLongMs], ['healthCheckIntervalMs', tooLongMs], ['hedge', { delayMs: tooLongMs }]] as const) {
    it(`refuses a router's ${argument} past the longest timer`, () => {
      expect(constructorRefusalOf({ [argument]: value })).toMatchObject({ argument });
    });
  }

  it('takes the longest a timer holds', async () => {
    const result = await makeRouter({ timeoutMs: 2_147_483_647 }).complete('Hi', { timeoutMs: 2_147_483_647 });
    expect(result.content.length).toBeGreaterThan(0);
  });
});

describe('preferredProvider', () => {
  const builtIn = 'groq, openai, anthropic, together, moonshot, google';

  for (const misspelt of ['grok', 'GROQ']) {
    it(`refuses '${misspelt}', naming the router's providers, instead of ignoring it and its model`, async () => {
      const router = makeRouter({ parallelAttempts: 1 });
      const error = await refusalOf(router, { preferredProvider: misspelt, preferredModel: 'llama-3.1-8b-instant' });
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({
        argument: 'preferredProvider',
        message: `preferredProvider '${misspelt}' is not a provider of this router; use one of: ${builtIn}.`,
      });
      expect(() => router.stream('Hi', { preferredProvider: misspelt })).toThrow(InvalidArgumentError);
      expect(harness.server.requests).toHaveLength(0);
    });
  }

  it("takes a provider of the router's own catalog, and names it among the valid ones", async () => {
    const deepseek = openAICompatibleProvider({
      id: 'deepseek',
      apiKeyEnv: 'DEEPSEEK_API_KEY',
      baseUrl: harness.server.baseUrlFor(Provider.OPENAI),
      defaultModel: 'deepseek-chat',
    });
    const router = makeRouter({
      catalog: [...defaultCatalog, deepseek],
      env: { ...harness.server.environment(), DEEPSEEK_API_KEY: harness.server.apiKeyFor(Provider.OPENAI) },
      parallelAttempts: 1,
    });
    const result = await router.complete('Hi', { preferredProvider: 'deepseek' });
    expect(result.provider).toBe('deepseek');
    expect((harness.server.requests[0]!.body as { model: string }).model).toBe('deepseek-chat');
    expect(await refusalOf(router, { preferredProvider: 'deepsek' })).toMatchObject({
      message: expect.stringContaining(`use one of: ${builtIn}, deepseek.`),
    });
  });

  it('lets a known provider with no model of the tier go, and the call go to the others', async () => {
    const result = await makeRouter({ parallelAttempts: 1 }).complete('Hi', { preferredProvider: Provider.MOONSHOT, tier: 1 });
    expect(result.provider).not.toBe('moonshot');
    expect(harness.server.requests.map((request) => request.provider)).not.toContain('moonshot');
  });
});

describe('attemptLog', () => {
  it.each([null, 'log', 1])('refuses %s, as the caller\'s error, before any request', async (value) => {
    const router = makeRouter();
    const error = await refusalOf(router, { attemptLog: value } as unknown as CompleteOptions);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument: 'attemptLog', message: expect.stringContaining('attemptLog must be an object') });
    expect(harness.server.requests).toHaveLength(0);
  });

  it('refuses a frozen log, which the router could not write the attempts to, as the caller\'s error', async () => {
    // Found by a review: it passed as an object, and the call failed on a TypeError of the router's own writing.
    const router = makeRouter();
    const error = await refusalOf(router, { attemptLog: Object.freeze({ attempts: undefined }) });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument: 'attemptLog' });
    expect(harness.server.requests).toHaveLength(0);
  });
});

describe('options of the wrong shape', () => {
  // Found by the property tests (router-input-properties.test.ts): each threw a TypeError from the router's
  // own code (or, for a route target without a model, sent a request with none) instead of the caller's error.
  const wrongShapes: [string, unknown][] = [
    ['options', null],
    ['signal', { aborted: false }],
    ['signal', 'abort'],
    ['route', [null]],
    ['route', [{ provider: 'openai' }]],
    ['route', 'openai'],
    ['preferredModel', 5],
  ];

  for (const [argument, value] of wrongShapes) {
    it(`refuses ${argument}: ${describeValue(value)} as the caller's error, before any request`, async () => {
      const router = makeRouter();
      const options = (argument === 'options' ? value : { [argument]: value, ...(argument === 'preferredModel' ? { preferredProvider: 'openai' } : {}) }) as CompleteOptions;
      const error = await refusalOf(router, options);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument });
      expect(() => router.stream('Hi', options)).toThrow(InvalidArgumentError);
      expect(() => router.validate('Hi', options)).toThrow(InvalidArgumentError);
      expect(harness.server.requests).toHaveLength(0);
    });
  }
});

/** Matches an error message that begins with the field's path, exactly (not a longer path that starts with it). */
function startsWithPath(path: string): unknown {
  return expect.stringMatching(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
}

describe('messages of the wrong shape', () => {
  // Found by the property tests (router-input-properties.test.ts): a JavaScript caller's tool calls, tool answers
  // or cache marks of the wrong shape made every provider's converter fail (AllProvidersFailedError, a 503 from
  // the gateway) or were sent upstream as they were, instead of being refused as the caller's error.
  const question = { role: 'user', content: 'Look it up.' };
  const call = { id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' };
  const calling = (toolCalls: unknown) => [question, { role: 'assistant', content: '', toolCalls }];
  const answering = (fields: Record<string, unknown>) => [...calling([call]), { role: 'tool', toolCallId: 'call_1', content: 'found', ...fields }];
  const wrongShapes: [string, unknown[]][] = [
    ['messages[1].toolCalls', calling('lookup')],
    ['messages[1].toolCalls', calling({ 0: call, length: 1 })],
    ['messages[1].toolCalls[0]', calling([null])],
    ['messages[1].toolCalls[1]', calling([call, 'call_2'])],
    ['messages[1].toolCalls[0].id', calling([{ ...call, id: 5 }])],
    ['messages[1].toolCalls[0].name', calling([{ ...call, name: undefined }])],
    ['messages[1].toolCalls[0].arguments', calling([{ ...call, arguments: { q: 'x' } }])],
    ['messages[1].toolCalls[0].thoughtSignature', calling([{ ...call, thoughtSignature: 5 }])],
    ['messages[0].toolCalls', [{ ...question, toolCalls: [call] }]],
    ['messages[2].toolName', answering({ toolName: 5 })],
    ['messages[2].toolCallId', answering({ toolCallId: 5 })],
    ['messages[2].toolCallId', answering({ toolCallId: undefined })],
    ['messages[0].cacheBreakpoint', [{ ...question, cacheBreakpoint: 'x' }]],
    ['messages[0].cacheBreakpoint', [{ ...question, cacheBreakpoint: null }]],
    ['messages[0].cacheBreakpoint', [{ ...question, cacheBreakpoint: { ttl: '2h' } }]],
    ['messages[1].cacheBreakpoint', [{ role: 'system', content: 'Be brief.' }, { ...question, cacheBreakpoint: 1 }]],
  ];

  for (const [path, messages] of wrongShapes) {
    it(`refuses ${path} in ${describeValue(messages.at(-1))}, naming it, before any request`, async () => {
      const router = makeRouter();
      const error = await router.complete(messages as never).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument: 'messages', message: startsWithPath(path) });
      expect(() => router.stream(messages as never)).toThrow(InvalidArgumentError);
      expect(() => router.validate(messages as never)).toThrow(InvalidArgumentError);
      expect(harness.server.requests).toHaveLength(0);
    });
  }
});

describe('tools, tool choice, stop, response format and cache scope of the wrong shape', () => {
  // Found by the property tests, as above: each made every provider's converter fail or went upstream unchecked.
  const tool = { name: 'lookup', description: 'Looks a word up.', parameters: { type: 'object', properties: { q: { type: 'string' } } } };
  const wrongShapes: [string, string, Record<string, unknown>][] = [
    ['tools', 'tools', { tools: tool }],
    ['tools', 'tools', { tools: null }],
    ['tools', 'tools[0]', { tools: [null] }],
    ['tools', 'tools[1]', { tools: [tool, 'search'] }],
    ['tools', 'tools[0].name', { tools: [{ ...tool, name: 5 }] }],
    ['tools', 'tools[0].description', { tools: [{ ...tool, description: ['Looks'] }] }],
    ['tools', 'tools[0].parameters', { tools: [{ name: 'lookup' }] }],
    ['tools', 'tools[0].parameters', { tools: [{ ...tool, parameters: [] }] }],
    ['tools', 'tools[0].parameters', { tools: [{ ...tool, parameters: '{"type":"object"}' }] }],
    ['tools', 'tools[0].strict', { tools: [{ ...tool, strict: 'yes' }] }],
    ['tools', 'tools[0].cacheBreakpoint', { tools: [{ ...tool, cacheBreakpoint: 'x' }] }],
    ['toolChoice', 'toolChoice', { tools: [tool], toolChoice: 5 }],
    ['toolChoice', 'toolChoice', { tools: [tool], toolChoice: 'any' }],
    ['toolChoice', 'toolChoice', { tools: [tool], toolChoice: null }],
    ['toolChoice', 'toolChoice', { tools: [tool], toolChoice: { name: 5 } }],
    ['stop', 'stop', { stop: null }],
    ['stop', 'stop', { stop: 'END' }],
    ['stop', 'stop[0]', { stop: [1] }],
    ['stop', 'stop[1]', { stop: ['END', null] }],
    ['responseFormat', 'responseFormat', { responseFormat: 'json' }],
    ['responseFormat', 'responseFormat', { responseFormat: null }],
    ['responseFormat', 'responseFormat.type', { responseFormat: { type: 'json' } }],
    ['responseFormat', 'responseFormat.schema', { responseFormat: { type: 'json_schema' } }],
    ['responseFormat', 'responseFormat.schema', { responseFormat: { type: 'json_schema', schema: 'object' } }],
    ['responseFormat', 'responseFormat.name', { responseFormat: { type: 'json_schema', schema: { type: 'object' }, name: 5 } }],
    ['responseFormat', 'responseFormat.strict', { responseFormat: { type: 'json_schema', schema: { type: 'object' }, strict: 1 } }],
    ['cacheScope', 'cacheScope', { cacheScope: {} }],
    ['cacheScope', 'cacheScope', { cacheScope: '' }],
  ];

  for (const [argument, path, options] of wrongShapes) {
    it(`refuses ${describeValue(options)}, naming ${path}, before any request`, async () => {
      const router = makeRouter();
      const callOptions = options as CompleteOptions;
      const error = await refusalOf(router, callOptions);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument, message: startsWithPath(path) });
      expect(() => router.stream('Hi', callOptions)).toThrow(InvalidArgumentError);
      expect(() => router.validate('Hi', callOptions)).toThrow(InvalidArgumentError);
      expect(harness.server.requests).toHaveLength(0);
    });
  }

  it('takes every field of the types, in each of its shapes', async () => {
    const router = makeRouter();
    const messages = [
      { role: 'system', content: 'Be brief.', cacheBreakpoint: { ttl: '1h' } },
      { role: 'user', content: 'Look it up.', cacheBreakpoint: true },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"x"}', thoughtSignature: 'c2ln' }], cacheBreakpoint: false },
      { role: 'tool', toolCallId: 'call_1', toolName: 'lookup', content: 'found', cacheBreakpoint: { ttl: '5m' } },
    ] as const;
    const options: CompleteOptions[] = [
      { tools: [tool, { name: 'search', parameters: {}, strict: false, cacheBreakpoint: true }], toolChoice: { name: 'lookup' }, stop: [], cacheScope: 'alice' },
      { tools: [], toolChoice: 'required', stop: ['END', ''], responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      { toolChoice: 'none', responseFormat: { type: 'json_object' } },
      { toolChoice: 'auto', responseFormat: { type: 'text' } },
    ];
    for (const each of options) expect(() => router.validate(messages, each)).not.toThrow();
    const result = await router.complete(messages, options[0]);
    expect(result.content.length + result.toolCalls.length).toBeGreaterThan(0);
  });
});

describe('validate: what a call would be refused with, before it is made', () => {
  const onlyMoonshot = { route: [{ provider: 'moonshot', model: 'moonshot-v1-8k' }] };

  it('refuses a call no configured provider can serve, as the call itself would, and asks nobody', async () => {
    const environment = harness.server.environment(['groq', 'openai']);
    const router = makeRouter({ env: environment, parallelAttempts: 1 });
    const fromCall = await refusalOf(router, onlyMoonshot);
    expect(fromCall).toMatchObject({ name: 'NoProviderAvailableError', noProviderConfigured: true });
    expect(() => router.validate('Hi', onlyMoonshot)).toThrow(expect.objectContaining({
      name: 'NoProviderAvailableError',
      noProviderConfigured: true,
      message: (fromCall as Error).message,
    }));
    expect(() => router.validate('Hi', { tier: 3, preferredProvider: 'moonshot' })).not.toThrow();
    expect(harness.server.requests).toHaveLength(0);
  });

  it('lets a call through whose providers are out only for now (circuit open): the call decides then', async () => {
    harness.server.setBehavior('groq', { kind: 'status', status: 503 });
    const router = makeRouter({ parallelAttempts: 1, breaker: { consecutiveFailures: 1, openDurationMs: 60_000 } });
    const onlyGroq = { route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] };
    await refusalOf(router, onlyGroq);
    expect(router.getHealthStatus().groq!.circuitState).toBe('open');
    expect(() => router.validate('Hi', onlyGroq)).not.toThrow();
  });
});
