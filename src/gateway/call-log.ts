/**
 * The per-call log line of a model call, filled in as the call goes: its answer, its failure, and what it cost
 * (the line's cost is what the caller's key is charged).
 */
import type { Attempt } from '../errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { budgetCostOf, embeddingBudgetCostOf } from '../routing/cost.js';
import { charactersPerToken } from '../routing/unfinished-answer-cost.js';
import type { EmbeddingResult } from '../routing/embedding-options.js';
import type { CompletionResult } from '../routing/router-options.js';
import type { Message } from '../types.js';
import { toErrorResponse } from './error-response.js';
import { attemptsOf, compactAttempts } from './http-responses.js';

/** What the per-call log line says, filled in as the call goes. */
export interface CallLogFields {
  id: string;
  /** The client's address (`GatewayRouteContext.clientAddress`: through a trusted proxy, the client it names). */
  clientAddress?: string | undefined;
  /** The gateway key's name (never the key), when the gateway has keys. */
  key?: string;
  requestedModel?: string;
  stream?: boolean;
  provider?: string;
  model?: string;
  attempts?: string;
  cached?: boolean;
  latencyMs?: number;
  timeToFirstTokenMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** The answer's price from the catalog, when known, and the estimated price of the attempts the call cancelled. */
  costUsd?: number;
  /**
   * `costUsd` is an estimate, or holds one: the stream ended before its usage came, the model has no price in
   * the catalog, or attempts were cancelled after their requests were sent (they lost a race, or the call ended).
   */
  costEstimated?: boolean;
  /** `cut_off`: a stream ended at a limit of the gateway's, `cutOffReason`, whether its client read it or not. */
  outcome?: 'success' | 'failure' | 'client_aborted' | 'rejected' | 'cut_off';
  /** Why the stream was cut off: `max_stream_duration`, it lasted `maxStreamDurationMs` (its client reading or not). */
  cutOffReason?: 'max_stream_duration';
  maxStreamDurationMs?: number;
  status?: number;
  errorCode?: string | null;
  prompt?: readonly Message[];
}

/** Every field of the line, in the order it gives them. */
export const callLogKeys = [
  'id',
  'clientAddress',
  'key',
  'requestedModel',
  'stream',
  'provider',
  'model',
  'attempts',
  'cached',
  'latencyMs',
  'timeToFirstTokenMs',
  'inputTokens',
  'outputTokens',
  'costUsd',
  'costEstimated',
  'outcome',
  'cutOffReason',
  'maxStreamDurationMs',
  'status',
  'errorCode',
  'prompt',
] as const satisfies readonly (keyof CallLogFields)[];

/** A field added to CallLogFields but not to `callLogKeys` would never be written: this fails to compile then. */
type EveryCallLogKeyListed<Unlisted extends never> = Unlisted;
type CallLogKeysCheck = EveryCallLogKeyListed<Exclude<keyof CallLogFields, (typeof callLogKeys)[number]>>;

export function recordResult(
  log: CallLogFields,
  result: CompletionResult & { readonly timeToFirstTokenMs?: number },
  providers: readonly ModelProvider[],
): void {
  log.provider = result.provider;
  log.model = result.model;
  log.attempts = compactAttempts(result.attempts);
  log.cached = result.cached;
  log.inputTokens = result.usage?.inputTokens;
  log.outputTokens = result.usage?.outputTokens;
  recordCost(log, result, providers);
  if (result.timeToFirstTokenMs !== undefined) log.timeToFirstTokenMs = result.timeToFirstTokenMs;
}

/**
 * What an answer cost, for the log line and the key's daily budget: the catalog's price, or for a model it
 * has no price for an estimate at its provider's dearest price (budgetCostOf), marked `costEstimated`, so an
 * unpriced model never spends a budget for free. An answer from the cache, or shared with an identical call
 * in flight, costs nothing.
 */
export function recordCost(log: CallLogFields, result: CompletionResult, providers: readonly ModelProvider[]): void {
  if (result.cached) return;
  if (result.costUsd !== undefined) {
    if (result.costUsd > 0) addCost(log, result.costUsd, false);
    return;
  }
  const definition = providers.find((provider) => provider.id === result.provider)?.definition;
  const charge = budgetCostOf(definition, result.model, result.usage);
  if (charge === undefined || charge.usd <= 0) return;
  addCost(log, charge.usd, true);
}

/**
 * An embedding call's answer on its log line, and what it cost the key: the catalog's embedding price, or for a model
 * without one an estimate (embeddingBudgetCostOf), marked `costEstimated`, as is an answer without usage (its inputs
 * at about four characters a token). From the cache, it costs nothing.
 */
export function recordEmbeddingResult(
  log: CallLogFields,
  result: EmbeddingResult,
  context: { readonly providers: readonly ModelProvider[]; readonly inputs: string | readonly string[] },
): void {
  log.provider = result.provider;
  log.model = result.model;
  log.attempts = compactAttempts(result.attempts);
  log.cached = result.cached;
  log.inputTokens = result.usage?.inputTokens;
  if (result.cached) return;
  if (result.costUsd !== undefined) {
    if (result.costUsd > 0) addCost(log, result.costUsd, false);
    return;
  }
  const definition = context.providers.find((provider) => provider.id === result.provider)?.definition;
  const usage = result.usage ?? { inputTokens: Math.ceil(charactersOf(context.inputs) / charactersPerToken) };
  const charge = embeddingBudgetCostOf(definition, result.model, usage);
  if (charge !== undefined && charge.usd > 0) addCost(log, charge.usd, charge.estimated || result.usage === undefined);
}

function charactersOf(inputs: string | readonly string[]): number {
  if (typeof inputs === 'string') return inputs.length;
  let characters = 0;
  for (const input of inputs) characters += input.length;
  return characters;
}

/**
 * What the attempts a call cancelled after their requests were sent cost (`estimatedCostUsd`: they lost a race,
 * or the call ended; or the texts an embedding attempt had answered before a later batch of it failed), added to its log line's cost, and so to its key's day and spend, as an estimate: their
 * providers bill them though nobody read their answers.
 */
export function recordCancelledAttemptsCost(log: CallLogFields, attempts: readonly Attempt[] | undefined): void {
  if (attempts === undefined) return;
  for (const attempt of attempts) if (attempt.estimatedCostUsd !== undefined) addCost(log, attempt.estimatedCostUsd, true);
}

/** Add `usd` to the log line's cost; an estimate marks the whole cost estimated. */
export function addCost(log: CallLogFields, usd: number, estimated: boolean): void {
  log.costUsd = (log.costUsd ?? 0) + usd;
  if (estimated) log.costEstimated = true;
}

export function recordFailure(
  log: CallLogFields,
  error: unknown,
  context: {
    readonly clientGone: boolean;
    /** The call's attempts when its error carries none (the client's own abort); default the error's. */
    readonly attempts?: readonly Attempt[] | undefined;
  },
): void {
  const attempts = context.attempts ?? attemptsOf(error);
  if (attempts !== undefined) log.attempts = compactAttempts(attempts);
  if (context.clientGone) {
    log.outcome = 'client_aborted';
    return;
  }
  const { status, body } = toErrorResponse(error);
  log.outcome = 'failure';
  log.status = status;
  log.errorCode = body.error.code;
}
