/**
 * Models-list bodies. No list response was recorded: these are shaped after each provider's documented list
 * response (OpenAI `GET /v1/models`, Anthropic `GET /v1/models`, Gemini `GET /v1beta/models`), with the
 * catalog's model ids. Pure.
 */
import type { ProviderDefinition } from '../catalog.js';
import type { WireProtocolId } from '../types.js';

export function modelsListBody(options: { readonly protocol: WireProtocolId; readonly definition: ProviderDefinition }): string {
  const ids = options.definition.models.map((model) => model.id);
  if (options.protocol === 'anthropic') {
    return JSON.stringify({
      data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
      has_more: false,
      first_id: ids[0] ?? null,
      last_id: ids.at(-1) ?? null,
    });
  }
  if (options.protocol === 'gemini') {
    return JSON.stringify({
      models: ids.map((id) => ({
        name: `models/${id}`,
        displayName: id,
        supportedGenerationMethods: ['generateContent', 'streamGenerateContent'],
      })),
    });
  }
  return JSON.stringify({
    object: 'list',
    data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: options.definition.id })),
  });
}
