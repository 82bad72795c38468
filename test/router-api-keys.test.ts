/**
 * Keys as they are found in the wild: read from a file with its newline, pasted with a space, or broken.
 * Real HTTP to the provider test server, which replays recorded provider traffic.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  BackupModelRouter,
  type BackupModelRouterOptions,
  NoProviderAvailableError,
  ProviderError,
  type RouterEvent,
} from '../src/index.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
/** A router on `env` alone (its keys as the test writes them), closed after the test. */
function makeRouter(env: Record<string, string>, options: BackupModelRouterOptions = {}): BackupModelRouter {
  return harness.makeRouter({ env, ...options });
}

describe('API keys with whitespace around them', () => {
  for (const [label, wrap] of [
    ['a trailing newline (read from a file)', (key: string) => `${key}\n`],
    ['a Windows line end', (key: string) => `${key}\r\n`],
    ['spaces around it', (key: string) => `  ${key} `],
  ] as const) {
    it(`sends a key with ${label} without it`, async () => {
      const key = harness.server.apiKeyFor('openai');
      const router = makeRouter({ ...harness.server.environment(['openai']), OPENAI_API_KEY: wrap(key) });
      const result = await router.complete('Hi');
      expect(result.provider).toBe('openai');
      expect(harness.server.requests[0]!.headers.authorization).toBe(`Bearer ${key}`);
    });
  }

  it('counts a key of whitespace alone as no key, and names its variable', async () => {
    const router = makeRouter({ ...harness.server.environment(['openai']), OPENAI_API_KEY: ' \n' });
    expect(router.providers.find((provider) => provider.id === 'openai')!.isConfigured()).toBe(false);
    const error = await router.complete('Hi').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoProviderAvailableError);
    expect((error as NoProviderAvailableError).missingEnvironmentVariables).toContain('OPENAI_API_KEY');
    expect(harness.server.requests).toHaveLength(0);
  });
});

describe('an API key a header cannot carry', () => {
  const secret = 'sk-proj-SECRETcanary1234567890';
  const brokenKey = `${secret.slice(0, 12)}\n${secret.slice(12)}`;

  it('fails as a bad key, naming the variable and never the key, and fails over', async () => {
    const router = makeRouter({ ...harness.server.environment(['openai', 'groq']), OPENAI_API_KEY: brokenKey });
    const events: RouterEvent[] = [];
    router.onEvent((event) => events.push(event));
    const result = await router.complete('Hi', { preferredProvider: 'openai' });
    expect(result.provider).toBe('groq');
    const failed = result.attempts.find((attempt) => attempt.provider === 'openai')!;
    expect(failed).toMatchObject({ outcome: 'failure', reason: 'authentication' });
    expect(harness.server.requests.map((request) => request.provider)).toEqual(['groq']);
    const everything = inspect(result, { depth: 10 }) + JSON.stringify(result) + JSON.stringify(events);
    expect(everything).not.toContain('SECRETcanary');
  });

  it('keeps the provider out as a rejected key is, without counting it against its circuit', async () => {
    const router = makeRouter({ ...harness.server.environment(['openai', 'groq']), OPENAI_API_KEY: brokenKey });
    await router.complete('Hi', { preferredProvider: 'openai' });
    const openai = router.getHealthStatus().openai!;
    expect(openai).toMatchObject({ circuitState: 'closed', cooldownReason: 'authentication', lastFailureReason: 'authentication' });
    const next = await router.complete('Hi again', { preferredProvider: 'openai' });
    expect(next.attempts.find((attempt) => attempt.provider === 'openai')?.outcome).toBe('skipped');
  });

  it('says so when it is the only key', async () => {
    const router = makeRouter({ ...harness.server.environment(['openai']), OPENAI_API_KEY: brokenKey });
    const error = await router.complete('Hi').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect((error as Error).message).toContain('openai (authentication)');
    const [providerError] = (error as AllProvidersFailedError).errors;
    expect(providerError).toBeInstanceOf(ProviderError);
    expect(providerError!.message).toContain('OPENAI_API_KEY holds characters a header cannot carry');
    expect(harness.server.requests).toHaveLength(0);
    expect(inspect(error, { depth: 10 })).not.toContain('SECRETcanary');
  });
});

describe('keys for providers that cannot serve the call', () => {
  it('says no configured provider has a model of the tier, and which keys would give one', async () => {
    const router = makeRouter(harness.server.environment(['groq']));
    const error = await router.complete('Deep question', { tier: 3 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoProviderAvailableError);
    expect((error as Error).message).toBe(
      'No configured provider has a tier-3 model (configured: groq). ' +
        'Set a key for one that has: OPENAI_API_KEY, ANTHROPIC_API_KEY, MOONSHOT_API_KEY, GOOGLE_API_KEY.',
    );
    expect(harness.server.requests).toHaveLength(0);
  });

  it('still says no provider has a key when none has', async () => {
    const error = await makeRouter({}).complete('Hi', { tier: 3 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoProviderAvailableError);
    expect((error as Error).message).toMatch(/^No provider has an API key\. Set at least one of: /);
  });
});
