/**
 * What a router made to replace another (`previousRouter`: the gateway's configuration reload makes one) takes of
 * it, for each provider that still calls the same upstream: the circuit, health figures and latencies (the same
 * objects, so the old router's last attempts still count), the cooldowns but those of a refused key or an exhausted
 * quota (a reload is how a key is replaced: the provider gets another try), the models remembered missing, and what
 * was spent on it. A provider that moved (another protocol or base URL) starts afresh, as a new one does.
 */
import type { FailureReason } from '../errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { providerBaseUrlOf } from '../providers/provider-base-url.js';
import type { ProviderStateRegistry } from './provider-state-registry.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** Cooldowns a new key may end: the old router's verdict on the old key says nothing of the new one. */
const keyReasons: ReadonlySet<FailureReason> = new Set(['authentication', 'quota_exhausted']);

/**
 * The ids of `next`'s providers that call what `previous`'s provider of the same id called: the same object (an
 * extra provider given to both), or an HTTP provider of the same protocol at the same base URL in effect (its
 * `<NAME>_BASE_URL` in each router's environment, else its definition's).
 */
export function providersOfSameUpstream(options: {
  readonly previous: readonly ModelProvider[];
  readonly next: readonly ModelProvider[];
  readonly previousEnv: Environment;
  readonly nextEnv: Environment;
}): string[] {
  const previousById = new Map(options.previous.map((provider) => [provider.id, provider]));
  return options.next.flatMap((provider) => {
    const before = previousById.get(provider.id);
    if (before === undefined) return [];
    if (before === provider) return [provider.id];
    if (before.definition.protocol !== provider.definition.protocol) return [];
    const baseUrlBefore = providerBaseUrlOf(before.definition, options.previousEnv).baseUrl;
    const baseUrl = providerBaseUrlOf(provider.definition, options.nextEnv).baseUrl;
    return baseUrl !== undefined && baseUrl === baseUrlBefore ? [provider.id] : [];
  });
}

/** Move what `previous` knows of each of `providerIds` to `next` (see the file's comment). */
export function takeOverProviderStates(options: {
  readonly previous: ProviderStateRegistry;
  readonly next: ProviderStateRegistry;
  readonly providerIds: readonly string[];
  readonly nowMs: number;
}): void {
  const { previous, next, nowMs } = options;
  for (const providerId of options.providerIds) {
    const state = previous.handOverState(providerId);
    if (state !== undefined) next.adoptState(providerId, state);
    const cooldown = previous.cooldowns.cooldownOf(providerId);
    if (cooldown !== undefined && !keyReasons.has(cooldown.reason)) next.cooldowns.coolDown(providerId, cooldown);
    for (const missing of previous.missingModels.listOf(providerId, nowMs)) next.missingModels.markMissingUntil(providerId, missing, nowMs);
    next.spending.recordSpend(providerId, previous.spending.spendOf(providerId));
    const unansweredUsd = previous.spending.unansweredSpendOf(providerId);
    if (unansweredUsd > 0) next.spending.recordUnansweredSpend(providerId, unansweredUsd);
  }
  // The shared states now report through `next`: `previous` hearing other instances too would apply each update
  // twice, and its breaker changes would be published back by `next`.
  previous.dispose();
}
