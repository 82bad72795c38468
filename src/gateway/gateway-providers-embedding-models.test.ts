import { describe, expect, it } from 'vitest';
import { gatewayProvidersOf } from './gateway-providers-config.js';

const embeddingModels = [{ id: 'gemini-embedding-001', dimensions: 3072, takesDimensions: true }];

describe('embeddingModels on a provider of the configuration', () => {
  it('is taken on the gemini protocol (a second Google account), as on openai-compatible', () => {
    const providers = gatewayProvidersOf({ 'google-eu': { protocol: 'gemini', baseUrl: 'https://gemini.internal', models: ['gemini-3.5-flash-lite'], embeddingModels } });
    expect(providers['google-eu']?.definition?.embeddingModels).toEqual(embeddingModels);
  });

  it('is refused on the anthropic protocol, which has no embeddings', () => {
    expect(() => gatewayProvidersOf({ claude: { protocol: 'anthropic', baseUrl: 'https://claude.internal', models: ['c'], embeddingModels } })).toThrow(
      'providers.claude.embeddingModels applies to the openai-compatible and gemini protocols only (Anthropic has no embeddings).',
    );
  });
});
