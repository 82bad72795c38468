import { InvalidArgumentError } from '../errors.js';
import { isRecord } from '../json-value.js';
import { isServerTools } from '../server-tool-blocks.js';
import type { ImageInput, Message } from '../types.js';
import { routerDefaults } from './router-defaults.js';
import type { BackupModelRouterOptions, BreakerOptions, CompleteOptions, HedgeOption } from './router-options.js';
import type { ImageNeed } from './select-candidates.js';
import { checkRouterOptionShapes } from './validate-router-shapes.js';
import { checkToolChoice, checkTools } from './validate-tools.js';

const reasoningEfforts: ReadonlySet<unknown> = new Set(['none', 'low', 'medium', 'high']);

/**
 * The longest delay a timer holds (2^31 - 1 ms, about 24.8 days): Node fires a timer set longer after 1 ms,
 * so a deadline of 3e9 ms would end every call at once.
 */
const maxTimerDelayMs = 2_147_483_647;

/**
 * What the call's images ask of a model, or undefined for a call without images. Images of the turn being
 * answered are current: the last user turn (with the messages of it just before, tool answers included, as
 * an Anthropic turn holds a screenshot's tool result and the question) and everything after it, what tools
 * returned while answering it. Images before that turn are history.
 */
export function imageNeedOf(messages: readonly Message[]): ImageNeed | undefined {
  let need: { fetchesUrls: boolean; historyOnly: boolean } | undefined;
  const currentFrom = currentTurnStart(messages);
  for (let index = 0; index < messages.length; index += 1) {
    const message = messages[index]!;
    if ((message.role !== 'user' && message.role !== 'tool') || message.images === undefined || message.images.length === 0) continue;
    need ??= { fetchesUrls: false, historyOnly: true };
    if (index >= currentFrom) need.historyOnly = false;
    if (message.images.some((image: ImageInput) => !image.url.startsWith('data:'))) need.fetchesUrls = true;
  }
  return need;
}

/**
 * Where the turn being answered begins: the last user message, and before it every message back to the
 * previous assistant message (the whole call when there is no user message).
 */
function currentTurnStart(messages: readonly Message[]): number {
  let index = messages.length - 1;
  while (index >= 0 && messages[index]!.role !== 'user') index -= 1;
  if (index < 0) return 0;
  while (index > 0 && messages[index - 1]!.role !== 'assistant') index -= 1;
  return index;
}

/** A call's options, checked before anything is sent; `providerIds` are the router's providers. */
export function validateCompleteOptions(options: CompleteOptions, providerIds: ReadonlySet<string>): void {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'options must be an object of call options.');
  const { tier, temperature, maxTokens, parallelAttempts, topP } = options;
  if (tier !== undefined && tier !== 1 && tier !== 2 && tier !== 3) throw invalid('tier', 'tier must be 1, 2 or 3.');
  if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0 && temperature <= 2)) {
    throw invalid('temperature', 'temperature must be a number from 0 to 2.');
  }
  if (topP !== undefined && !(Number.isFinite(topP) && topP > 0 && topP <= 1)) {
    throw invalid('topP', 'topP must be a number above 0 and at most 1.');
  }
  validateSamplingOptions(options);
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) {
    throw invalid('maxTokens', 'maxTokens must be a positive integer.');
  }
  checkTimeLimits(options);
  checkParallelAttempts(parallelAttempts);
  checkHedge(options.hedge);
  checkMaxRetries(options.maxRetries);
  if (options.reasoningEffort !== undefined && !reasoningEfforts.has(options.reasoningEffort)) {
    throw invalid('reasoningEffort', "reasoningEffort must be 'none', 'low', 'medium' or 'high'.");
  }
  if (options.parallelToolCalls !== undefined && typeof options.parallelToolCalls !== 'boolean') {
    throw invalid('parallelToolCalls', 'parallelToolCalls must be true or false.');
  }
  checkCacheUse(options);
  checkAttemptLog(options.attemptLog);
  checkPreferredProvider(options.preferredProvider, providerIds);
  if (options.preferredModel !== undefined && typeof options.preferredModel !== 'string') throw invalid('preferredModel', 'preferredModel must be a model id.');
  if (options.preferredModel !== undefined && options.preferredProvider === undefined && options.route === undefined) {
    throw invalid('preferredModel', 'preferredModel needs preferredProvider: say which provider serves that model.');
  }
  checkRoute(options.route);
  checkSignal(options.signal);
  checkStop(options.stop);
  checkTools(options.tools);
  checkToolChoice(options.toolChoice);
  if (options.serverTools !== undefined && !isServerTools(options.serverTools)) {
    throw invalid('serverTools', "serverTools must be { provider, tools } naming the provider that runs them, each tool an object with a type and a name ({ type: 'web_search_20250305', name: 'web_search' }).");
  }
  checkResponseFormat(options.responseFormat);
}

/** A call's `cache` and `cacheScope`, of `complete` and `embed` alike. */
export function checkCacheUse(options: Pick<CompleteOptions, 'cache' | 'cacheScope'>): void {
  if (options.cache !== undefined && typeof options.cache !== 'boolean' && options.cache !== 'refresh') {
    throw invalid('cache', "cache must be true, false or 'refresh'.");
  }
  if (options.cacheScope !== undefined && (typeof options.cacheScope !== 'string' || options.cacheScope.length === 0)) {
    throw invalid('cacheScope', 'cacheScope must be a non-empty string.');
  }
}

/** Where the router leaves a call's attempts: an object it can set them on. */
export function checkAttemptLog(attemptLog: CompleteOptions['attemptLog']): void {
  if (attemptLog !== undefined && (typeof attemptLog !== 'object' || attemptLog === null)) {
    throw invalid('attemptLog', 'attemptLog must be an object, whose attempts the router sets.');
  }
  // No property descriptor read: the gateway gives a log with every whole answer, and this runs on each.
  if (attemptLog !== undefined && (Object.isFrozen(attemptLog) || (!Object.isExtensible(attemptLog) && !('attempts' in attemptLog)))) {
    throw invalid('attemptLog', 'attemptLog must be an object the router can set attempts on, not a frozen or sealed one.');
  }
}

/** Stop sequences, when given: an array of strings (a single string too is refused, as the type does). */
function checkStop(stop: unknown): void {
  if (stop === undefined) return;
  if (!Array.isArray(stop)) throw invalid('stop', `stop must be an array of strings${typeof stop === 'string' ? ", even for one sequence (['END'])" : ''}.`);
  for (let index = 0; index < stop.length; index += 1) {
    if (typeof stop[index] !== 'string') throw invalid('stop', `stop[${index}] must be a string.`);
  }
}

/** `{ type: 'text' }`, `{ type: 'json_object' }` or `{ type: 'json_schema', schema, name?, strict? }`. */
function checkResponseFormat(format: unknown): void {
  if (format === undefined) return;
  if (!isRecord(format)) throw invalid('responseFormat', "responseFormat must be { type: 'text' }, { type: 'json_object' } or { type: 'json_schema', schema }.");
  const { type, schema, name, strict } = format;
  if (type === 'text' || type === 'json_object') return;
  if (type !== 'json_schema') throw invalid('responseFormat', "responseFormat.type must be 'text', 'json_object' or 'json_schema'.");
  if (!isRecord(schema)) throw invalid('responseFormat', 'responseFormat.schema must be a JSON Schema object.');
  if (name !== undefined && typeof name !== 'string') throw invalid('responseFormat', 'responseFormat.name must be a string.');
  if (strict !== undefined && typeof strict !== 'boolean') throw invalid('responseFormat', 'responseFormat.strict must be true or false.');
}

/**
 * A route: the providers and models to try, each named by two strings (a missing model would be sent as none).
 * A plain loop: the gateway gives a route with most calls, and this runs on each.
 */
function checkRoute(route: CompleteOptions['route']): void {
  if (route === undefined) return;
  let valid = Array.isArray(route);
  for (let index = 0; valid && index < route.length; index += 1) valid = isRouteTarget(route[index]);
  if (!valid) throw invalid('route', 'route must be an array of { provider, model }, each a string.');
}

function isRouteTarget(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const { provider, model } = target as { provider?: unknown; model?: unknown };
  return typeof provider === 'string' && typeof model === 'string';
}

/** The caller's abort: an AbortSignal (or the library's own Cancellation), read when the call starts. */
export function checkSignal(signal: CompleteOptions['signal']): void {
  if (signal === undefined) return;
  const candidate = signal as { aborted?: unknown; addEventListener?: unknown; onAbort?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.aborted !== 'boolean') throw invalid('signal', 'signal must be an AbortSignal.');
  if (typeof candidate.addEventListener !== 'function' && typeof candidate.onAbort !== 'function') throw invalid('signal', 'signal must be an AbortSignal.');
}

/** The seed and the penalties: as OpenAI bounds them, which the other providers that take them share. */
function validateSamplingOptions(options: Pick<CompleteOptions, 'seed' | 'presencePenalty' | 'frequencyPenalty'>): void {
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw invalid('seed', 'seed must be an integer.');
  checkPenalty('presencePenalty', options.presencePenalty);
  checkPenalty('frequencyPenalty', options.frequencyPenalty);
}

function checkPenalty(argument: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= -2 && value <= 2)) throw invalid(argument, `${argument} must be a number from -2 to 2.`);
}

/**
 * The router's settings, checked once when it is made: those a call may override are checked as the call's
 * are, so a bad default fails at start-up instead of failing every call (or every provider's circuit).
 */
export function validateRouterOptions(options: BackupModelRouterOptions): void {
  checkRouterOptionShapes(options);
  checkParallelAttempts(options.parallelAttempts);
  checkHedge(options.hedge);
  checkMaxRetries(options.maxRetries);
  const refusals = options.stopAfterInvalidRequests;
  if (refusals !== undefined && !(Number.isInteger(refusals) && refusals >= 1)) {
    throw invalid('stopAfterInvalidRequests', 'stopAfterInvalidRequests must be an integer of at least 1 (1 stops a call at the first refusal).');
  }
  checkTimeLimits(options);
  checkMilliseconds('healthCheckTimeoutMs', options.healthCheckTimeoutMs);
  checkMilliseconds('connectTimeoutMs', options.connectTimeoutMs);
  for (const name of ['maxProviderResponseBytes', 'maxProviderEmbeddingResponseBytes'] as const) {
    const bytes = options[name];
    if (bytes !== undefined && !(Number.isSafeInteger(bytes) && bytes >= 1)) throw invalid(name, `${name} must be an integer of bytes, at least 1.`);
  }
  const intervalMs = options.healthCheckIntervalMs;
  const { minimumHealthCheckIntervalMs } = routerDefaults;
  if (intervalMs !== undefined && !(Number.isFinite(intervalMs) && intervalMs >= minimumHealthCheckIntervalMs && intervalMs <= maxTimerDelayMs)) {
    throw invalid(
      'healthCheckIntervalMs',
      `healthCheckIntervalMs must be a number of milliseconds from ${minimumHealthCheckIntervalMs} to ${maxTimerDelayMs}; leave it out for no background checks.`,
    );
  }
  if (options.retryBaseDelayMs !== undefined && !(Number.isFinite(options.retryBaseDelayMs) && options.retryBaseDelayMs >= 0)) {
    throw invalid('retryBaseDelayMs', 'retryBaseDelayMs must be a number of milliseconds, at least 0.');
  }
  checkDuration('credentialCooldownMs', options.credentialCooldownMs);
  checkDuration('defaultRateLimitCooldownMs', options.defaultRateLimitCooldownMs);
  checkDuration('missingModelPeriodMs', options.missingModelPeriodMs);
  checkBreakerOptions(options.breaker);
  checkCacheOptions(options);
}

/** A cooldown or an open period: milliseconds compared with the clock, not a timer's, so any finite number from 0. */
function checkDuration(argument: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw invalid(argument, `${argument} must be a finite number of milliseconds, at least 0.`);
  }
}

/**
 * The breaker's settings, checked with the router's: each provider's breaker checks them too, but only when a
 * call first makes it, so a bad one would fail every call, named by the breaker's own field.
 */
function checkBreakerOptions(breaker: BreakerOptions | undefined): void {
  if (breaker === undefined) return;
  if (typeof breaker !== 'object' || breaker === null) throw invalid('breaker', 'breaker must be an object of breaker settings.');
  for (const name of ['consecutiveFailures', 'minimumCalls'] as const) {
    const value = breaker[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw invalid(`breaker.${name}`, `breaker.${name} must be an integer of at least 1.`);
  }
  const rate = breaker.failureRateThreshold;
  if (rate !== undefined && !(typeof rate === 'number' && rate > 0 && rate <= 1)) {
    throw invalid('breaker.failureRateThreshold', 'breaker.failureRateThreshold must be a share above 0 and at most 1.');
  }
  const windowMs = breaker.windowMs;
  if (windowMs !== undefined && !(Number.isFinite(windowMs) && windowMs > 0)) {
    throw invalid('breaker.windowMs', 'breaker.windowMs must be a positive number of milliseconds.');
  }
  checkDuration('breaker.openDurationMs', breaker.openDurationMs);
  checkDuration('breaker.maxOpenDurationMs', breaker.maxOpenDurationMs);
  const openMs = breaker.openDurationMs ?? routerDefaults.breakerOpenDurationMs;
  const maxOpenMs = breaker.maxOpenDurationMs ?? routerDefaults.breakerMaxOpenDurationMs;
  if (maxOpenMs < openMs) {
    throw invalid('breaker.maxOpenDurationMs', `breaker.maxOpenDurationMs (${maxOpenMs}) must be at least breaker.openDurationMs (${openMs}).`);
  }
}

/** A preferred provider must be one of the router's: a misspelt one would be ignored, with its model. */
function checkPreferredProvider(preferredProvider: string | undefined, providerIds: ReadonlySet<string>): void {
  if (preferredProvider === undefined || providerIds.has(preferredProvider)) return;
  const named = typeof preferredProvider === 'string' ? `'${preferredProvider}'` : 'a non-string';
  throw invalid(
    'preferredProvider',
    `preferredProvider ${named} is not a provider of this router; use one of: ${[...providerIds].join(', ')}.`,
  );
}

/** A router's or a call's `parallelAttempts`, checked the same way. */
export function checkParallelAttempts(parallelAttempts: number | undefined): void {
  if (parallelAttempts !== undefined && !(Number.isInteger(parallelAttempts) && parallelAttempts >= 1)) {
    throw invalid('parallelAttempts', 'parallelAttempts must be an integer of at least 1.');
  }
}

/** A router's or a call's `hedge`: false, or a delay that is `auto` or a number of milliseconds. */
export function checkHedge(hedge: HedgeOption | false | undefined): void {
  if (hedge === undefined || hedge === false) return;
  const delayMs: unknown = typeof hedge === 'object' && hedge !== null ? hedge.delayMs : undefined;
  if (delayMs === 'auto' || (typeof delayMs === 'number' && delayMs >= 0 && delayMs <= maxTimerDelayMs)) return;
  throw invalid('hedge', "hedge must be false or { delayMs }, with delayMs 'auto' or a number of milliseconds, at least 0.");
}

/** A router's or a call's `maxRetries`, checked the same way. */
export function checkMaxRetries(maxRetries: number | undefined): void {
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) {
    throw invalid('maxRetries', 'maxRetries must be an integer of at least 0.');
  }
}

/** The time limits a router sets and a call may override, checked the same way on both. */
export function checkTimeLimits(options: Pick<CompleteOptions, 'timeoutMs' | 'firstTokenTimeoutMs' | 'responseTimeoutMs' | 'idleTimeoutMs'>): void {
  checkMilliseconds('timeoutMs', options.timeoutMs);
  checkMilliseconds('firstTokenTimeoutMs', options.firstTokenTimeoutMs);
  checkMilliseconds('responseTimeoutMs', options.responseTimeoutMs);
  checkMilliseconds('idleTimeoutMs', options.idleTimeoutMs);
}

/** A time limit, of a router or a call: a positive number of milliseconds a timer can hold, when given. */
function checkMilliseconds(argument: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0 && value <= maxTimerDelayMs)) {
    throw invalid(argument, `${argument} must be a positive number of milliseconds, at most ${maxTimerDelayMs} (about 24 days).`);
  }
}

export function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message });
}

/**
 * The router's cache settings: a bad TTL would otherwise surface only when the first answer, already paid
 * for, is stored.
 */
function checkCacheOptions(options: Pick<BackupModelRouterOptions, 'cacheTtlSeconds' | 'cacheMaxEntries'>): void {
  const { cacheTtlSeconds, cacheMaxEntries } = options;
  if (cacheTtlSeconds !== undefined && !(Number.isFinite(cacheTtlSeconds) && cacheTtlSeconds > 0)) {
    throw invalid('cacheTtlSeconds', 'cacheTtlSeconds must be a finite number of seconds above 0.');
  }
  if (cacheMaxEntries !== undefined && !(Number.isInteger(cacheMaxEntries) && cacheMaxEntries >= 1)) {
    throw invalid('cacheMaxEntries', 'cacheMaxEntries must be an integer of at least 1.');
  }
}
