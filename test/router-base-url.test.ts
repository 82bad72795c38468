/**
 * A provider's base URL, from its `<NAME>_BASE_URL` or from a catalog given in code, held to one rule when the
 * router is made (a bad one throws there, naming where it came from) and at each call (one changed to a bad value
 * since fails that provider over, as `configuration`); the value is never quoted, as it may carry a key. Real
 * HTTP to the provider test server.
 */
import { describe, expect, it } from 'vitest';
import { AllProvidersFailedError, BackupModelRouter, InvalidArgumentError, openAICompatibleProvider, Provider, ProviderError } from '../src/index.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
const { makeRouter } = harness;

/** Looks like no known key, so that only the value's never being quoted keeps it out of a message. */
const secret = 'LrvGg3Mibs3BnqU7Nj1Xd9';

/** The error making a router with these options throws, or undefined when it was made. */
function constructorRefusalOf(options: ConstructorParameters<typeof BackupModelRouter>[0]): unknown {
  try {
    makeRouter(options);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Bad values of GROQ_BASE_URL, for a server that is up: none of them is sent a request. */
function badGroqBaseUrls(): [string, string][] {
  const groqBase = harness.server.baseUrlFor('groq');
  const { host } = new URL(groqBase);
  const path = new URL(groqBase).pathname;
  return [
    ['no scheme', `${host}${path}`],
    ['another scheme', `ftp://${host}${path}`],
    ['a key as its user name', `http://${secret}@${host}${path}`],
    ['a key as its password', `http://user:${secret}@${host}${path}`],
    ['a key in its query', `${groqBase}?key=${secret}`],
    ['a fragment', `${groqBase}#${secret}`],
    ['a space inside', `http://${host} ${secret}${path}`],
  ];
}

describe('a bad <NAME>_BASE_URL', () => {
  it('is refused when the router is made: an InvalidArgumentError naming the variable, never quoting the value', () => {
    for (const [label, value] of badGroqBaseUrls()) {
      const error = constructorRefusalOf({ env: { ...harness.server.environment(), GROQ_BASE_URL: value } });
      expect(error, label).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument, label).toBe('GROQ_BASE_URL');
      expect((error as Error).message, label).toMatch(/GROQ_BASE_URL must be an http or https URL/);
      expect((error as Error).message, label).not.toContain(secret);
      expect((error as Error).message, label).not.toContain(value);
    }
    expect(harness.server.requests).toHaveLength(0);
  });

  it('takes a good one with the newline a value read from a file ends with, and a blank one as unset', async () => {
    const env = { ...harness.server.environment(), GROQ_BASE_URL: `${harness.server.baseUrlFor('groq')}/\n`, OPENAI_BASE_URL: '  ' };
    const router = makeRouter({ env });
    expect((await router.complete('Hi', { route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] })).provider).toBe('groq');
    expect(harness.server.requests.filter((request) => request.provider === 'groq')).toHaveLength(1);
  });

  it('set after the router was made fails that provider at its next call, by the same rule, and the call moves on', async () => {
    harness.server.setBehavior('openai', { kind: 'success', text: 'openai answered' });
    const env: Record<string, string | undefined> = { ...harness.server.environment() };
    const router = makeRouter({ env });
    // Read at each call, as a key is: a key in the user name reached the server before, its user name dropped.
    for (const [label, value] of badGroqBaseUrls()) {
      env.GROQ_BASE_URL = value;
      const result = await router.complete(`Hi (${label})`, { preferredProvider: Provider.GROQ });
      expect(result.provider, label).toBe('openai');
      expect(result.attempts[0], label).toMatchObject({ provider: 'groq', outcome: 'failure', reason: 'configuration' });
      const alone = await router.complete(`Hi (${label}, groq alone)`, { route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] }).catch((caught: unknown) => caught);
      const [failure] = (alone as AllProvidersFailedError).errors;
      expect(failure?.reason, label).toBe('configuration');
      expect(failure?.message, label).toMatch(/^groq: GROQ_BASE_URL must be an http or https URL/);
      expect(failure?.message, label).not.toContain(secret);
    }
    expect(harness.server.requests.filter((request) => request.provider === 'groq')).toHaveLength(0);
  });

  it('fails a streamed call and a health check the same way, as configuration', async () => {
    const env: Record<string, string | undefined> = { ...harness.server.environment() };
    const router = makeRouter({ env });
    env.GROQ_BASE_URL = `http://user:${secret}@${new URL(harness.server.url).host}/groq/openai/v1`;
    const stream = router.stream('Hi', { route: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] });
    const error = await (async () => {
      for await (const chunk of stream) void chunk;
    })().catch((caught: unknown) => caught);
    const failure = (error as { errors?: ProviderError[] }).errors?.[0] ?? error;
    expect(ProviderError.isInstance(failure)).toBe(true);
    expect((failure as ProviderError).reason).toBe('configuration');
    expect((failure as Error).message).not.toContain(secret);
    expect((await router.healthCheck()).groq).toBe(false);
    expect(harness.server.requests.filter((request) => request.provider === 'groq')).toHaveLength(0);
  });
});

describe('a bad base URL in a catalog given in code', () => {
  it('is refused when the router is made by the same rule, naming the entry, never quoting the value', () => {
    const upstream = new URL(harness.server.baseUrlFor('openai'));
    const cases: [string, string][] = [
      ['a key as its password', `http://user:${secret}@${upstream.host}${upstream.pathname}`],
      ['a key in its query', `${upstream.href}?key=${secret}`],
      ['a fragment', `${upstream.href}#${secret}`],
      ['no scheme', `${upstream.host}${upstream.pathname}`],
    ];
    for (const [label, baseUrl] of cases) {
      const local = openAICompatibleProvider({ id: 'local', baseUrl, apiKeyEnv: 'OPENAI_API_KEY', defaultModel: 'gpt-4o-mini' });
      const error = constructorRefusalOf({ catalog: [local] });
      expect(error, label).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument, label).toBe('catalog[0].baseUrl');
      expect((error as Error).message, label).toMatch(/catalog\[0\]\.baseUrl must be an http or https URL/);
      expect((error as Error).message, label).not.toContain(secret);
    }
  });

  it('is checked against its own <NAME>_BASE_URL too, when its definition names one', () => {
    const upstream = harness.server.baseUrlFor('openai');
    const local = { ...openAICompatibleProvider({ id: 'local', baseUrl: upstream, defaultModel: 'gpt-4o-mini' }), baseUrlEnv: 'LOCAL_BASE_URL' };
    const error = constructorRefusalOf({ catalog: [local], env: { LOCAL_BASE_URL: `${upstream}?key=${secret}` } });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('LOCAL_BASE_URL');
    expect((error as Error).message).not.toContain(secret);
  });
});
