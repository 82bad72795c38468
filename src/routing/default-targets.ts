/**
 * What a call without a route asks, before any provider's key or health is looked at: each provider's model for the
 * call's tier, or the preferred model of the preferred provider. The same few lists serve every call, so they are
 * made once per providers list and preference.
 */
import type { ModelProvider } from '../providers/model-provider.js';
import type { Tier } from '../types.js';
import type { RouteTarget } from './router-options.js';

/** What the default targets depend on, besides the providers. */
export interface TargetPreference {
  readonly providers: readonly ModelProvider[];
  readonly tier?: Tier;
  readonly preferredProvider?: string;
  readonly preferredModel?: string;
}

/** The providers by id, built once per providers list (a router's list never changes). */
const byIdCache = new WeakMap<readonly ModelProvider[], ReadonlyMap<string, ModelProvider>>();

export function providersById(providers: readonly ModelProvider[]): ReadonlyMap<string, ModelProvider> {
  let byId = byIdCache.get(providers);
  if (byId === undefined) {
    byId = new Map(providers.map((provider) => [provider.id, provider]));
    byIdCache.set(providers, byId);
  }
  return byId;
}

/** Default targets by tier and preference, per providers list: the same few lists serve every call. */
const defaultTargetsCache = new WeakMap<readonly ModelProvider[], Map<string, readonly RouteTarget[]>>();

export function defaultTargets(options: TargetPreference): readonly RouteTarget[] {
  let byKey = defaultTargetsCache.get(options.providers);
  if (byKey === undefined) {
    byKey = new Map();
    defaultTargetsCache.set(options.providers, byKey);
  }
  const key = `${options.tier ?? ''}|${options.preferredProvider ?? ''}|${options.preferredModel ?? ''}`;
  let targets = byKey.get(key);
  if (targets === undefined) {
    targets = buildDefaultTargets(options);
    // Bounded: a caller passing ever-new preferred models must not grow it without end.
    if (byKey.size >= 256) byKey.clear();
    byKey.set(key, targets);
  }
  return targets;
}

function buildDefaultTargets(options: TargetPreference): RouteTarget[] {
  const targets: RouteTarget[] = [];
  for (const provider of options.providers) {
    const definition = provider.definition;
    const isPreferred = provider.id === options.preferredProvider;
    const model =
      isPreferred && options.preferredModel
        ? options.preferredModel
        : options.tier === undefined
          ? definition.defaultModel
          : definition.modelsByTier[options.tier];
    if (model !== undefined) targets.push({ provider: provider.id, model });
  }
  return targets;
}
