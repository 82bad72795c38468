import type { ProviderError } from '../errors.js';
import type { ChatRequest, ChatResponse, Message } from '../types.js';
import type { FailureAction } from './race-options.js';
import type { CompleteOptions } from './router-options.js';
import { withImagesAsNotes } from './images-as-notes.js';
import { withServerToolBlocksAsNotes } from './server-tool-notes.js';
import type { Candidate } from './select-candidates.js';

const refused: FailureAction = { kind: 'refused' };

/** Routing's reading of a failure: `reason` and nothing else. */
export function classifyFailure(error: ProviderError, failed: Candidate): FailureAction {
  if (error.reason === 'invalid_request') return refused;
  if (error.reason === 'context_too_long') {
    const window = failed.contextWindowTokens;
    if (window === undefined) return { kind: 'stop' };
    return { kind: 'fail-over-if', accept: (next) => (next.contextWindowTokens ?? 0) > window };
  }
  return { kind: 'fail-over' };
}

/** The request one provider is sent: the caller's options with this candidate's model. */
export function buildChatRequest(model: string, messages: readonly Message[], options: CompleteOptions): ChatRequest {
  // Plain fields (an option not given stays undefined): spreading conditional objects costs more per call.
  return {
    model,
    messages,
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    topP: options.topP,
    seed: options.seed,
    presencePenalty: options.presencePenalty,
    frequencyPenalty: options.frequencyPenalty,
    stop: options.stop,
    tools: options.tools,
    toolChoice: options.toolChoice,
    parallelToolCalls: options.parallelToolCalls,
    responseFormat: options.responseFormat,
    reasoningEffort: options.reasoningEffort,
    serverTools: options.serverTools,
  };
}

/**
 * The request `candidate` is sent: a model without image input gets notes in place of history images, and a
 * provider that did not run the history's server tools notes in place of their calls.
 */
export function candidateRequest(candidate: Candidate, messages: readonly Message[], options: CompleteOptions): ChatRequest {
  const noted = withServerToolBlocksAsNotes(messages, candidate.provider.id);
  return buildChatRequest(candidate.model, candidate.imagesAsNotes ? withImagesAsNotes(noted) : noted, options);
}

/** What identifies a call for the cache: its messages, parameters and target (route, provider, tier). */
export function cacheTarget(messages: readonly Message[], options: CompleteOptions): ChatRequest & { target: string } {
  const target = options.route
    ? options.route.map((entry) => `${entry.provider}/${entry.model}`).join(',')
    : `${options.preferredProvider ?? ''}/${options.preferredModel ?? ''}/tier-${options.tier ?? 'default'}`;
  const request: ChatRequest & { target?: string } = buildChatRequest(target, messages, options);
  request.target = target;
  return request as ChatRequest & { target: string };
}

/** Errors and incomplete answers are never cached. */
export function isCacheable(response: ChatResponse): boolean {
  return response.finishReason === 'stop' || response.finishReason === 'tool_calls';
}
