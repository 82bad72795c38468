/** The body of GET /v1/models in OpenAI's list shape, built once: every catalog model as provider/model, then tier aliases and routes. */
import type { ModelProvider } from '../providers/model-provider.js';

export function modelsListBody(options: {
  readonly providers: readonly ModelProvider[];
  readonly aliases: readonly string[];
  readonly createdSeconds: number;
}): string {
  const data: { id: string; object: 'model'; created: number; owned_by: string }[] = [];
  for (const provider of options.providers) {
    for (const model of provider.definition.models) {
      data.push({ id: `${provider.id}/${model.id}`, object: 'model', created: options.createdSeconds, owned_by: provider.id });
    }
  }
  for (const alias of options.aliases) {
    data.push({ id: alias, object: 'model', created: options.createdSeconds, owned_by: 'backup-models' });
  }
  return JSON.stringify({ object: 'list', data });
}
