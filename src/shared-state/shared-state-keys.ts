/**
 * Every Redis key and channel backup-models uses, in one place. All live under one configurable prefix,
 * and each family carries a version (`v1`) so a future layout never reads an old one.
 *
 *   <prefix>:cache:v1:<cache key>                           a cached completion
 *   <prefix>:cache:v1                                       the channel of cache entries deleted or cleared
 *   <prefix>:state:v1                                       the channel of provider state changes
 *   <prefix>:state:v1:{<prefix>}:breaker:<provider id>      the latest circuit state of a provider
 *   <prefix>:state:v1:{<prefix>}:cooldown:<provider id>     the cooldown in force for a provider
 *   <prefix>:state:v1:{<prefix>}:probe:<provider id>:<opened> the half-open probe lock of one open period
 *   <prefix>:state:v1:{<prefix>}:health-check-turn          who runs the active health check now
 *   <prefix>:state:v1:{<prefix>}:missing-models:<provider id> a sorted set of the provider's models reported missing, each scored with when it is asked again
 *   <prefix>:missing-models:v1                              the channel of models reported missing or found again
 *   <prefix>:quota:v1:{<prefix>}:requests:<caller>:<minute> a gateway key's requests in one fixed minute
 *   <prefix>:quota:v1:{<prefix>}:requests-sent:<caller>:<minute> per gateway process, the requests it counted alone there and sent since
 *   <prefix>:quota:v1:{<prefix>}:requests-once:<caller>:<minute> the operation ids of the requests counted there, each with its answer
 *   <prefix>:quota:v1:{<prefix>}:spend:<caller>:<day>       a gateway key's spend on one UTC day, in USD
 *   <prefix>:quota:v1:{<prefix>}:spend-sent:<caller>:<day>  per gateway process, the running total of that spend it sent
 *   <prefix>:dashboard:v1:revoked:<session id>              a dashboard session signed out before its expiry
 *   <prefix>:dashboard:v1                                   the channel of dashboard sessions signed out
 *   <prefix>:key-attempts:v1:failed:<address block>         failed gateway key attempts of one client address in its window
 *   <prefix>:key-attempts:v1:failed-once:<address block>{<the failed key>} the operation ids of those failures, each with its count (no tag after it when the prefix has one)
 *   <prefix>:key-attempts:v1                                the channel of client addresses past their failed key attempts
 *   <prefix>:key-attempts:v1:refused                        a sorted set of those addresses, each scored with when its refusal ends
 *   <prefix>:responses:v1:<scope>:<name>                    a Responses API item the gateway answered a key (its cache scope), as JSON
 *
 * `{<prefix>}` is a Redis Cluster hash tag: every state key of a prefix lives in one slot, so one MGET reads
 * them all on a cluster as on one server. Cache entries have none and spread over the cluster. (A prefix
 * that itself holds braces sets the tag of every key, cache entries included.) The `-once` hashes let a
 * counting script sent again count once (see operation-ids.ts); each lives in its count's slot, as a script's
 * keys must: the quota's under the prefix's tag, a failed key's under a tag of the failed key's whole name.
 */

import { InvalidArgumentError } from '../errors.js';

export const defaultPrefix = 'backup-models';

export interface SharedStateKeys {
  readonly prefix: string;
  cacheEntry(cacheKey: string): string;
  /** A SCAN pattern matching every cache entry of this prefix, and nothing else. */
  readonly cachePattern: string;
  /** Where an instance tells the others which cache entries it removed, so they drop them from memory too. */
  readonly cacheChannel: string;
  readonly stateChannel: string;
  breaker(providerId: string): string;
  cooldown(providerId: string): string;
  /** A SCAN pattern matching every state key of this prefix. */
  readonly statePattern: string;
  /** The provider id and kind of a breaker or cooldown key, or undefined for any other key. */
  parseStateKey(key: string): { kind: 'breaker' | 'cooldown'; providerId: string } | undefined;
  probeLock(providerId: string, openedAtMs: number | undefined): string;
  readonly healthCheckTurn: string;
  /** A sorted set of the provider's models reported missing, scored with when each is asked again (Redis's clock, ms). */
  missingModels(providerId: string): string;
  /** A SCAN pattern matching every provider's missing models of this prefix, and nothing else. */
  readonly missingModelsPattern: string;
  /** The provider id of a missing-models key, or undefined for any other key. */
  parseMissingModelsKey(key: string): string | undefined;
  /** Where an instance tells the others, in the order Redis applied them, which models it marked missing or found. */
  readonly missingModelsChannel: string;
  /** A caller's requests in fixed window `windowIndex` (minutes since the epoch). */
  quotaRequests(caller: string, windowIndex: number): string;
  /**
   * A hash: per gateway process, the running total of the requests it admitted alone (Redis away) in that window
   * that `quotaRequests` counts.
   */
  quotaRequestsSent(caller: string, windowIndex: number): string;
  /**
   * A hash: the operation id of each request counted in that window of `quotaRequests`, with the counts its script
   * answered, so the script sent again answers the same without counting it again.
   */
  quotaRequestsOnce(caller: string, windowIndex: number): string;
  /** A caller's spend on UTC day `dayIndex` (days since the epoch). */
  quotaSpend(caller: string, dayIndex: number): string;
  /** A hash: per gateway process, the running total of its spend on that day that `quotaSpend` counts. */
  quotaSpendSent(caller: string, dayIndex: number): string;
  /** A dashboard session signed out before its expiry (the session's random id, never its cookie). */
  revokedSession(sessionId: string): string;
  /** Where an instance tells the others which dashboard session was signed out, so they end its event streams. */
  readonly sessionRevocationChannel: string;
  /** A client address's failed gateway key attempts in its window: its counting block (an IPv6 /64), never a key. */
  failedKeyAttempts(address: string): string;
  /**
   * A hash: the operation id of each failure `failedKeyAttempts` counted, with the count its script answered; in the
   * same cluster slot as that key.
   */
  failedKeyAttemptsOnce(address: string): string;
  /** Where an instance tells the others which client addresses reached their failed key attempts. */
  readonly keyAttemptsChannel: string;
  /** A sorted set of the addresses refused now, scored with when each refusal ends (Redis's clock, ms): read back on resubscribing. */
  readonly keyAttemptRefusals: string;
  /** An entry the gateway keeps of its Responses answers (`item:<id>`), under a caller's scope (a digest of its key, never the key). */
  responseEntry(scope: string, name: string): string;
}

export function sharedStateKeys(prefix: string = defaultPrefix): SharedStateKeys {
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw new InvalidArgumentError({ argument: 'prefix', message: 'prefix must be a non-empty string' });
  }
  const cacheChannel = `${prefix}:cache:v1`;
  const cacheBase = `${cacheChannel}:`;
  const stateChannel = `${prefix}:state:v1`;
  const stateBase = `${stateChannel}:{${prefix}}`;
  const breakerBase = `${stateBase}:breaker:`;
  const cooldownBase = `${stateBase}:cooldown:`;
  const missingModelsBase = `${stateBase}:missing-models:`;
  // The same hash tag as the state keys: a script reads a caller's two windows in one slot of a cluster.
  const quotaBase = `${prefix}:quota:v1:{${prefix}}`;
  const keyAttemptsChannel = `${prefix}:key-attempts:v1`;
  return {
    prefix,
    cacheEntry: (cacheKey) => cacheBase + cacheKey,
    cachePattern: `${escapeGlob(cacheBase)}*`,
    cacheChannel,
    stateChannel,
    breaker: (providerId) => breakerBase + providerId,
    cooldown: (providerId) => cooldownBase + providerId,
    statePattern: `${escapeGlob(stateBase)}:*`,
    parseStateKey: (key) => {
      if (key.startsWith(breakerBase)) return { kind: 'breaker', providerId: key.slice(breakerBase.length) };
      if (key.startsWith(cooldownBase)) return { kind: 'cooldown', providerId: key.slice(cooldownBase.length) };
      return undefined;
    },
    probeLock: (providerId, openedAtMs) => `${stateBase}:probe:${providerId}:${openedAtMs ?? 'unknown'}`,
    healthCheckTurn: `${stateBase}:health-check-turn`,
    missingModels: (providerId) => missingModelsBase + providerId,
    missingModelsPattern: `${escapeGlob(missingModelsBase)}*`,
    parseMissingModelsKey: (key) => (key.startsWith(missingModelsBase) ? key.slice(missingModelsBase.length) : undefined),
    missingModelsChannel: `${prefix}:missing-models:v1`,
    quotaRequests: (caller, windowIndex) => `${quotaBase}:requests:${caller}:${windowIndex}`,
    quotaRequestsSent: (caller, windowIndex) => `${quotaBase}:requests-sent:${caller}:${windowIndex}`,
    quotaRequestsOnce: (caller, windowIndex) => `${quotaBase}:requests-once:${caller}:${windowIndex}`,
    quotaSpend: (caller, dayIndex) => `${quotaBase}:spend:${caller}:${dayIndex}`,
    quotaSpendSent: (caller, dayIndex) => `${quotaBase}:spend-sent:${caller}:${dayIndex}`,
    revokedSession: (sessionId) => `${prefix}:dashboard:v1:revoked:${sessionId}`,
    sessionRevocationChannel: `${prefix}:dashboard:v1`,
    failedKeyAttempts: (address) => `${keyAttemptsChannel}:failed:${address}`,
    failedKeyAttemptsOnce: (address) => inSlotOf(`${keyAttemptsChannel}:failed:${address}`, `${keyAttemptsChannel}:failed-once:${address}`),
    keyAttemptsChannel,
    keyAttemptRefusals: `${keyAttemptsChannel}:refused`,
    responseEntry: (scope, name) => `${prefix}:responses:v1:${scope}:${name}`,
  };
}

/**
 * `name`, or `name{<what key hashes>}`, whichever a Redis Cluster puts in `key`'s slot: `name` when a tag of the
 * prefix already sets both. A key hashed whole that holds a `}` (a prefix or address with an unpaired brace) can
 * be put in no tag: `name` is returned, and on a cluster its script is refused (CROSSSLOT) like any failed command.
 */
export function inSlotOf(key: string, name: string): string {
  const hashed = hashedPart(key);
  if (hashedPart(name) === hashed) return name;
  const tagged = `${name}{${hashed}}`;
  return hashedPart(tagged) === hashed ? tagged : name;
}

/**
 * The part of a key a Redis Cluster hashes to find its slot: between its first `{` and the first `}` after it when
 * that is not empty, else the whole key (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/,
 * "Hash tags").
 */
export function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close === -1 || close === open + 1 ? key : key.slice(open + 1, close);
}

/** Escape Redis glob characters (`* ? [ ] \`), so a prefix matches only itself in SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}
