/**
 * Providers of the configuration's own, behind the gateway: a self-hosted OpenAI-compatible server and a
 * second Anthropic account, played by the provider test server under their recorded protocols. They answer
 * by `id/model`, by bare model id and in routes, take part in failover, are listed, and join a tier only when
 * the configuration says so.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    providerIds: ['openai', 'groq'],
    env: { SELFHOSTED_KEY: 'selfhosted-test-key', CLAUDE_TEAM_KEY: 'claude-team-test-key' },
    yamlText: (providers) => `
cache:
  enabled: false
providers:
  selfhosted:
    protocol: openai-compatible
    baseUrl: ${providers.url}/moonshot/v1
    apiKeyEnv: SELFHOSTED_KEY
    models:
      - kimi-k2-0711-preview
      - { id: local-vision-model, vision: true, price: { inputPerMillion: 1, outputPerMillion: 2 } }
    tiers: { 3: kimi-k2-0711-preview }
  claude-team:
    protocol: anthropic
    baseUrl: ${providers.url}/anthropic
    apiKeyEnv: CLAUDE_TEAM_KEY
    models: [claude-haiku-4-5-20251001]
routes:
  sturdy:
    targets: [selfhosted/kimi-k2-0711-preview, openai/gpt-4o-mini]
    parallelAttempts: 1
`,
  });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const ask = (model: string) => harness.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello.' }] }).withResponse();

describe("a provider of the configuration's own", () => {
  it('answers as id/model over its protocol, with its own key, and is named as the provider that served', async () => {
    const { data, response } = await ask('selfhosted/kimi-k2-0711-preview');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    // The model the upstream says answered (the recorded answer's), under the provider's id.
    expect(data.model.startsWith('selfhosted/')).toBe(true);
    expect(response.headers.get('x-backup-models-provider')).toBe('selfhosted');
    const [request] = harness.providers.requests;
    expect(request?.provider).toBe('moonshot');
    expect(request?.headers.authorization).toBe('Bearer selfhosted-test-key');
    expect((request?.body as { model: string }).model).toBe('kimi-k2-0711-preview');
  });

  it('speaks Anthropic when told to, by bare model id too', async () => {
    const { response } = await ask('claude-haiku-4-5-20251001');
    expect(response.headers.get('x-backup-models-provider')).toBe('claude-team');
    expect(harness.providers.requests[0]?.provider).toBe('anthropic');
    expect(harness.providers.requests[0]?.headers['x-api-key']).toBe('claude-team-test-key');
  });

  it('fails over to a built-in provider in a route', async () => {
    harness.providers.setBehavior('moonshot', { kind: 'status', status: 503 });
    const { response } = await ask('sturdy');
    expect(response.headers.get('x-backup-models-provider')).toBe('openai');
    expect(response.headers.get('x-backup-models-attempts')).toBe('selfhosted:failure,openai:success');
  });

  it('joins only the tiers it is given, and is listed with its models', async () => {
    await ask('tier-3');
    expect(harness.providers.requests.map((request) => request.provider)).toContain('moonshot');
    harness.providers.reset();
    await ask('tier-1');
    expect(harness.providers.requests.map((request) => request.provider)).not.toContain('moonshot');
    const models = await harness.client.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['selfhosted/kimi-k2-0711-preview', 'selfhosted/local-vision-model', 'claude-team/claude-haiku-4-5-20251001']));
  });
});
