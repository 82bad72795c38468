/** Why a provider call failed, by the provider's real semantics, not the status code alone. */
export type FailureReason =
  | 'rate_limit'
  | 'quota_exhausted'
  | 'overloaded'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'authentication'
  | 'invalid_request'
  | 'context_too_long'
  | 'content_filter'
  | 'model_not_found'
  /** The model failed to make a valid answer to this request (Groq's `tool_use_failed`): another may not. */
  | 'generation_failed'
  /**
   * This provider's own configuration cannot be used (its `<NAME>_BASE_URL` changed, since the router was made, to one
   * the base URL rule refuses; or the outbound proxy wants other credentials or forbids its host): the others can.
   */
  | 'configuration';

/** Reasons that say the provider is unhealthy: these count against its circuit breaker. */
const healthReasons: ReadonlySet<FailureReason> = new Set(['overloaded', 'server_error', 'timeout', 'network']);
/** Reasons worth trying again (on the same provider later, or another now). */
const retryableReasons: ReadonlySet<FailureReason> = new Set([
  'rate_limit',
  'overloaded',
  'server_error',
  'timeout',
  'network',
]);

export function isHealthFailure(reason: FailureReason): boolean {
  return healthReasons.has(reason);
}

export function isRetryableReason(reason: FailureReason): boolean {
  return retryableReasons.has(reason);
}
