/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions we set, and our own under
 * `backup_models.*`. Kept as constants: the semantic-conventions package marks the GenAI ones incubating.
 */
export const GenAiAttribute = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  errorType: 'error.type',
  httpStatusCode: 'http.response.status_code',
} as const;

export const BackupModelsAttribute = {
  /** Our provider id (`google`), where `gen_ai.provider.name` has the convention's (`gcp.gemini`). */
  provider: 'backup_models.provider',
  outcome: 'backup_models.outcome',
  cached: 'backup_models.cached',
  streaming: 'backup_models.streaming',
  attemptCount: 'backup_models.attempt_count',
  costUsd: 'backup_models.cost_usd',
  /** On an attempt cancelled after its request was sent: what its provider bills for it, estimated. */
  estimatedCostUsd: 'backup_models.estimated_cost_usd',
  timeToFirstTokenMs: 'backup_models.time_to_first_token_ms',
  failureReason: 'backup_models.failure_reason',
  detail: 'backup_models.detail',
} as const;

/** The convention's well-known `gen_ai.provider.name` values, where ours differ; other ids pass through. */
const providerNames: Readonly<Record<string, string>> = {
  google: 'gcp.gemini',
  mistral: 'mistral_ai',
  xai: 'x_ai',
};

export function genAiProviderName(providerId: string): string {
  return providerNames[providerId] ?? providerId;
}
