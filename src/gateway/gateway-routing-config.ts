/**
 * `routes` and `router` in the gateway's configuration: named routes (an ordered list of provider models, with
 * their own strategy), and the router's strategy and time settings for every call.
 */
import type { HedgeOption, RouteTarget } from '../routing/router-options.js';
import { fail, objectAt, positiveInteger, timerMilliseconds } from './config-fields.js';
import { parseModelReference } from './model-resolver.js';

/** A named route: an ordered list of provider models with its own strategy. */
export interface GatewayRouteConfig {
  readonly targets: readonly RouteTarget[];
  readonly parallelAttempts?: number;
  readonly hedge?: HedgeOption | false;
}

export interface GatewayRouterSettings {
  readonly parallelAttempts?: number;
  readonly hedge?: HedgeOption | false;
  readonly timeoutMs?: number;
  readonly firstTokenTimeoutMs?: number;
  readonly responseTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  /** Retry rounds when every candidate failed with a failure that may pass (see the router's `maxRetries`). */
  readonly maxRetries?: number;
  readonly retryBaseDelayMs?: number;
  /** How many distinct candidates must refuse a request as invalid before the call ends (the router's `stopAfterInvalidRequests`). */
  readonly stopAfterInvalidRequests?: number;
  /** How long a model its provider answered 404 `model_not_found` for is left out (the router's `missingModelPeriodMs`; 0: never). */
  readonly missingModelPeriodMs?: number;
  /** How long a provider whose key was refused or whose quota ran out is left out (the router's `credentialCooldownMs`). */
  readonly credentialCooldownMs?: number;
  /** How long a provider that answered 429 without a Retry-After is left out (the router's `defaultRateLimitCooldownMs`). */
  readonly defaultRateLimitCooldownMs?: number;
  /** Background health checks of every provider this often (the router's `healthCheckIntervalMs`; at least 1 s). */
  readonly healthCheckIntervalMs?: number;
}

function hedgeOf(value: unknown, path: string): HedgeOption | false {
  if (value === false) return false;
  const hedge = objectAt(value, path, ['delayMs']);
  if (hedge.delayMs === 'auto') return { delayMs: 'auto' };
  return { delayMs: timerMilliseconds(hedge.delayMs, `${path}.delayMs`, 0) };
}

/** The settings `router` takes, each optional (the router's own default when absent). */
export const gatewayRouterSettingNames: readonly (keyof GatewayRouterSettings)[] = [
  'parallelAttempts',
  'hedge',
  'timeoutMs',
  'firstTokenTimeoutMs',
  'responseTimeoutMs',
  'idleTimeoutMs',
  'maxRetries',
  'retryBaseDelayMs',
  'stopAfterInvalidRequests',
  'missingModelPeriodMs',
  'credentialCooldownMs',
  'defaultRateLimitCooldownMs',
  'healthCheckIntervalMs',
];

export function routerSettingsOf(value: unknown): GatewayRouterSettings {
  const object = objectAt(value, 'router', gatewayRouterSettingNames);
  const settings: { -readonly [K in keyof GatewayRouterSettings]: GatewayRouterSettings[K] } = {};
  if (object.parallelAttempts !== undefined) settings.parallelAttempts = positiveInteger(object.parallelAttempts, 'router.parallelAttempts');
  if (object.hedge !== undefined) settings.hedge = hedgeOf(object.hedge, 'router.hedge');
  for (const name of ['timeoutMs', 'firstTokenTimeoutMs', 'responseTimeoutMs', 'idleTimeoutMs'] as const) {
    if (object[name] !== undefined) settings[name] = timerMilliseconds(object[name], `router.${name}`);
  }
  if (object.maxRetries !== undefined) settings.maxRetries = positiveInteger(object.maxRetries, 'router.maxRetries', 0);
  if (object.retryBaseDelayMs !== undefined) settings.retryBaseDelayMs = timerMilliseconds(object.retryBaseDelayMs, 'router.retryBaseDelayMs', 0);
  if (object.stopAfterInvalidRequests !== undefined) {
    settings.stopAfterInvalidRequests = positiveInteger(object.stopAfterInvalidRequests, 'router.stopAfterInvalidRequests');
  }
  if (object.missingModelPeriodMs !== undefined) {
    // 0 remembers no missing model. Not a timer, but bounded alike: a period of weeks would outlast a retired model's fix.
    settings.missingModelPeriodMs = timerMilliseconds(object.missingModelPeriodMs, 'router.missingModelPeriodMs', 0);
  }
  // 0 leaves nothing out: the next call asks the provider again at once.
  for (const name of ['credentialCooldownMs', 'defaultRateLimitCooldownMs'] as const) {
    if (object[name] !== undefined) settings[name] = timerMilliseconds(object[name], `router.${name}`, 0);
  }
  // The router refuses checks more often than every second: each is a request to every provider.
  if (object.healthCheckIntervalMs !== undefined) {
    settings.healthCheckIntervalMs = timerMilliseconds(object.healthCheckIntervalMs, 'router.healthCheckIntervalMs', 1_000);
  }
  return settings;
}

export function routeOf(value: unknown, name: string): GatewayRouteConfig {
  const path = `routes.${name}`;
  if (name.includes('/') || /^tier-\d$/.test(name)) fail(path, 'is not a valid route name: it must not contain "/" or be a tier alias.');
  const object = Array.isArray(value) ? { targets: value } : objectAt(value, path, ['targets', 'parallelAttempts', 'hedge']);
  if (!Array.isArray(object.targets) || object.targets.length === 0) fail(`${path}.targets`, 'must be a non-empty list of provider/model.');
  const targets = object.targets.map((target: unknown, index) => {
    const reference = typeof target === 'string' ? parseModelReference(target) : undefined;
    if (!reference) fail(`${path}.targets[${index}]`, 'must be a string "provider/model".');
    return reference;
  });
  return {
    targets,
    ...(object.parallelAttempts !== undefined
      ? { parallelAttempts: positiveInteger(object.parallelAttempts, `${path}.parallelAttempts`) }
      : {}),
    ...(object.hedge !== undefined ? { hedge: hedgeOf(object.hedge, `${path}.hedge`) } : {}),
  };
}
