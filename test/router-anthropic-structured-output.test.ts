/**
 * A JSON Schema `responseFormat` on Anthropic, through the router, end to end over HTTP to the provider test server: it
 * is sent as structured output (`output_config.format`), beside an adaptive thinker's effort, and the answer is
 * Anthropic's recorded structured-output answer (test/fixtures/anthropic/message-json-output-format.json), whose text
 * parses as the schema's JSON. A model marked `structuredOutput: 'refused'`, or a schema Anthropic refuses, is never
 * sent: the call fails over with its schema.
 */
import { describe, expect, it } from 'vitest';
import { defaultCatalog, type JsonSchema } from '../src/index.js';
import {
  anthropicStructuredOutputReplay,
  recordedRecipeSchema,
  recordedStructuredOutputText,
} from '../src/testing/anthropic-structured-output-recording.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });
const sentTo = (provider: string) => harness.server.requests.filter((request) => request.provider === provider).map((request) => request.body as Record<string, unknown>);
const responseFormat = { type: 'json_schema', name: 'recipe', schema: recordedRecipeSchema as unknown as JsonSchema } as const;
const toOpenAI = { provider: 'openai', model: 'gpt-4o-mini' };

describe('structured output on Anthropic', () => {
  it("reaches Claude as output_config.format beside the effort, and answers the recorded JSON", async () => {
    harness.server.setBehavior('anthropic', anthropicStructuredOutputReplay());
    const router = harness.makeRouter({ env: harness.server.environment(['anthropic']) });
    const result = await router.complete('Give me a lasagna recipe.', { tier: 1, reasoningEffort: 'low', responseFormat });
    expect(result.provider).toBe('anthropic');
    expect(result.content).toBe(recordedStructuredOutputText());
    expect(JSON.parse(result.content)).toMatchObject({ recipe: { name: 'Classic Lasagna' } });
    const [body] = sentTo('anthropic');
    const recipe = { ...recordedRecipeSchema.properties.recipe, additionalProperties: false };
    const ingredient = { ...recordedRecipeSchema.properties.recipe.properties.ingredients.items, additionalProperties: false };
    expect(body).toMatchObject({ model: 'claude-haiku-5-5', output_config: { effort: 'low', format: { type: 'json_schema' } } });
    expect((body?.['output_config'] as { format: { schema: unknown } }).format.schema).toEqual({
      ...recordedRecipeSchema,
      additionalProperties: false,
      properties: { recipe: { ...recipe, properties: { ...recipe.properties, ingredients: { ...recipe.properties.ingredients, items: ingredient } } } },
    });
  });

  it("is not sent to a model marked structuredOutput: 'refused': the call fails over to OpenAI with its schema", async () => {
    const router = harness.makeRouter({
      catalog: [
        {
          id: 'anthropic-compatible',
          displayName: 'An Anthropic-wire server without structured output',
          protocol: 'anthropic',
          apiKeyEnv: 'ANTHROPIC_COMPATIBLE_KEY',
          baseUrl: harness.server.baseUrlFor('anthropic'),
          defaultModel: 'claude-haiku-4-5-20251001',
          modelsByTier: { 1: 'claude-haiku-4-5-20251001' },
          models: [{ id: 'claude-haiku-4-5-20251001', structuredOutput: 'refused' }],
          speedRank: 1,
          quality: 3,
        },
        ...defaultCatalog.filter((provider) => provider.id === 'openai'),
      ],
      env: { ...harness.server.environment(['openai']), ANTHROPIC_COMPATIBLE_KEY: 'anthropic-compatible-key' },
    });
    const result = await router.complete('Give me a lasagna recipe.', {
      route: [{ provider: 'anthropic-compatible', model: 'claude-haiku-4-5-20251001' }, toOpenAI],
      responseFormat,
    });
    expect(result.provider).toBe('openai');
    expect(result.attempts[0]).toMatchObject({ provider: 'anthropic-compatible', outcome: 'failure', reason: 'generation_failed' });
    expect(sentTo('anthropic')).toEqual([]);
    expect(sentTo('openai')[0]?.['response_format']).toMatchObject({ type: 'json_schema', json_schema: { name: 'recipe', schema: recordedRecipeSchema } });
  });

  it('does not send Claude a schema it refuses (a minimum): the call fails over to OpenAI, the schema as the caller wrote it', async () => {
    const schema = { type: 'object', properties: { servings: { type: 'integer', minimum: 1 } }, required: ['servings'], additionalProperties: false };
    const result = await harness.makeRouter().complete('How many servings?', {
      route: [{ provider: 'anthropic', model: 'claude-haiku-4-5-20251001' }, toOpenAI],
      responseFormat: { type: 'json_schema', schema },
    });
    expect(result.provider).toBe('openai');
    expect(result.attempts[0]).toMatchObject({ provider: 'anthropic', outcome: 'failure', reason: 'generation_failed' });
    expect(sentTo('anthropic')).toEqual([]);
    expect(sentTo('openai')[0]?.['response_format']).toMatchObject({ json_schema: { schema } });
  });
});
