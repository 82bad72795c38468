import type { JSONObject, SharedV3ProviderMetadata } from '@ai-sdk/provider';
import type { Attempt } from '../errors.js';
import type { EmbeddingResult } from '../routing/embedding-options.js';
import type { CompletionResult } from '../routing/router-options.js';

/**
 * What the router knows about a call (a completion's or an embedding's), under `providerMetadata.backupModels`:
 * who answered, every attempt, latency, cache and cost. JSON only, so it survives the AI SDK's serialisation.
 */
export function backupModelsMetadata(result: CompletionResult | EmbeddingResult): SharedV3ProviderMetadata {
  const metadata: JSONObject = {
    provider: result.provider,
    model: result.model,
    attempts: result.attempts.map(attemptJson),
    latencyMs: result.latencyMs,
    cached: result.cached,
    costUsd: result.costUsd ?? null,
    requestId: result.requestId ?? null,
  };
  if ('timeToFirstTokenMs' in result && typeof result.timeToFirstTokenMs === 'number') {
    metadata.timeToFirstTokenMs = result.timeToFirstTokenMs;
  }
  return { backupModels: metadata };
}

function attemptJson(attempt: Attempt): JSONObject {
  return {
    provider: attempt.provider,
    model: attempt.model,
    outcome: attempt.outcome,
    reason: attempt.reason ?? null,
    detail: attempt.detail ?? null,
    startedAtMs: attempt.startedAtMs,
    durationMs: attempt.durationMs,
    statusCode: attempt.statusCode ?? null,
  };
}
