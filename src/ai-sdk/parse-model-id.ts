import { InvalidArgumentError } from '../errors.js';
import type { CompleteOptions } from '../routing/router-options.js';

/** What a model id asks of the router: a tier, one exact provider and model, or the router's own choice. */
export type BackupModelsModelId = 'auto' | 'tier-1' | 'tier-2' | 'tier-3' | `${string}/${string}`;

export type ModelIdRouting = Pick<CompleteOptions, 'tier' | 'route'>;

/**
 * `tier-1` to `tier-3` pick a tier; `provider/model` pins exactly that candidate (split at the first
 * slash, so `together/meta-llama/Llama-3.3-70B-Instruct-Turbo` works), as the gateway does; `auto` lets
 * the router use each provider's default model. Anything else is a typed error, before any call.
 */
export function parseModelId(modelId: string): ModelIdRouting {
  if (modelId === 'auto') return {};
  const tierMatch = /^tier-([123])$/.exec(modelId);
  if (tierMatch) return { tier: Number(tierMatch[1]) as 1 | 2 | 3 };
  const slash = modelId.indexOf('/');
  if (slash > 0 && slash < modelId.length - 1) {
    return { route: [{ provider: modelId.slice(0, slash), model: modelId.slice(slash + 1) }] };
  }
  throw new InvalidArgumentError({
    argument: 'modelId',
    message: `Unknown model id "${modelId}": use "auto", "tier-1", "tier-2", "tier-3" or "provider/model".`,
  });
}
