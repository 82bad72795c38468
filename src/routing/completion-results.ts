import type { CachedCompletion } from '../cache/cache-backend.js';
import type { ProviderDefinition } from '../catalog.js';
import type { Clock } from '../clock.js';
import type { Attempt } from '../errors.js';
import type { ChatResponse, Mutable } from '../types.js';
import { costOf } from './cost.js';
import type { CompletionResult } from './router-options.js';

/** Turns a provider's answer into the caller's result, priced from the catalog of the provider that gave it. */
export class CompletionResults {
  readonly #clock: Clock;
  readonly #definitionById: ReadonlyMap<string, ProviderDefinition>;

  constructor(options: { readonly clock: Clock; readonly definitionById: ReadonlyMap<string, ProviderDefinition> }) {
    this.#clock = options.clock;
    this.#definitionById = options.definitionById;
  }

  /** The result of a call answered by `completion`; a cached answer costs nothing. Ended now unless `endedAtMs` says when. */
  of(
    completion: CachedCompletion,
    context: { startedAtMs: number; attempts: readonly Attempt[]; cached: boolean; endedAtMs?: number },
  ): CompletionResult {
    const { response, provider } = completion;
    const result: Mutable<CompletionResult> = {
      content: response.content,
      toolCalls: response.toolCalls,
      finishReason: response.finishReason,
      provider,
      model: response.model,
      latencyMs: (context.endedAtMs ?? this.#clock.now()) - context.startedAtMs,
      usage: response.usage,
      costUsd: context.cached ? 0 : this.costOf(provider, response.model, response.usage),
      cached: context.cached,
      attempts: context.attempts,
      requestId: response.requestId,
    };
    // Only when there is one: most answers show no reasoning, and the result keeps the shape it always had.
    if (response.reasoning !== undefined) result.reasoning = response.reasoning;
    if (response.signedReasoning !== undefined) result.signedReasoning = response.signedReasoning;
    if (response.serverToolBlocks !== undefined) result.serverToolBlocks = response.serverToolBlocks;
    if (response.stopSequence !== undefined) result.stopSequence = response.stopSequence;
    if (response.providerFinishReason !== undefined) result.providerFinishReason = response.providerFinishReason;
    if (response.responseId !== undefined) result.responseId = response.responseId;
    return result;
  }

  /** US dollars for `usage` on `model` of `providerId` (see `costOf`). */
  costOf(providerId: string, model: string, usage: ChatResponse['usage']): number | undefined {
    return costOf(this.#definitionById.get(providerId), model, usage);
  }
}
