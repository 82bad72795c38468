import type { ChatRequest } from '../types.js';

/**
 * The request without `temperature`, `topP`, `presencePenalty` and `frequencyPenalty`, for a model that fixes
 * them (`fixedSampling` in the catalog). Moonshot documents kimi-k2.5's as "cannot be modified" (temperature 1 with
 * thinking on, 0.6 off; top_p 0.95; penalties 0) and answers any other temperature with a 400 invalid_request_error,
 * a round trip lost before failing over (or the call's end, should a second provider refuse too): left out, the
 * model answers with its own. Pure; the same request
 * when it has none of them, so a call that sets none allocates nothing.
 */
export function withoutSamplingParameters(request: ChatRequest): ChatRequest {
  if (request.temperature === undefined && request.topP === undefined && request.presencePenalty === undefined && request.frequencyPenalty === undefined) {
    return request;
  }
  const { temperature: _temperature, topP: _topP, presencePenalty: _presencePenalty, frequencyPenalty: _frequencyPenalty, ...rest } = request;
  return rest;
}
