/**
 * Claude models that think adaptively and no other way (`anthropicThinking: 'adaptive'` in the catalog: Haiku 5.5,
 * Sonnet 5.5): how hard they are asked to think, and the request shapes they answer with a 400, refused here before
 * anything leaves so that the call fails over at once (a 400 `invalid_request_error` is a round trip lost before the
 * call fails over, and counts toward `stopAfterInvalidRequests`, which ends it). Pure.
 *
 * Evidence: their migration guides (https://platform.claude.com/docs/en/models/haiku-5-5/migration-guide,
 * .../sonnet-5-5/migration-guide): replace `thinking: {type: "enabled", budget_tokens}` with `{type: "adaptive"}` and
 * `output_config.effort`; end `messages` on a user turn; and, on Sonnet 5.5, leave out a forced tool choice (one of
 * "five settings that return a 400 error: thinking budgets, sampling parameters, assistant prefill, forced tool
 * choice, and thinking: {type: disabled}"). Their thinking text is omitted unless `display: "summarized"` is asked
 * (What's new in Claude Haiku 5.5: "Thinking text is omitted by default"); the blocks come signed either way.
 */
import { InvalidArgumentError } from '../../errors.js';
import { type AnthropicEffortName, anthropicEffortNameOf } from '../../reasoning-effort.js';
import type { ChatRequest } from '../../types.js';
import { boundWithReasoningRoom, leastThinkingEffort } from '../reasoning-budget.js';
import type { BuildChatRequestOptions } from '../wire-protocol.js';
import type { AnthropicMessage } from './anthropic-api-types.js';

export interface AdaptiveThinking {
  readonly effort: AnthropicEffortName;
  /** The bound to send: the answer's tokens grown by the budget of the same effort, within the model's limit. */
  readonly maxTokens: number;
}

/**
 * The effort and bound for a call to a reasoning model that asks an effort; undefined for one that asks none, or asks
 * no thinking (`'none'`) of a model that can be told so (`thinkingDisabled`). A model that cannot (`disabledThinking:
 * 'refused'`, Sonnet 5.5) is asked the least effort, `low`, for `'none'`. A level of effort names no number of tokens:
 * the bound grows as a budget model's would (reasoning-budget.ts), so the thinking does not eat the answer's room.
 */
export function adaptiveThinkingOf(
  request: Pick<ChatRequest, 'reasoningEffort'>,
  options: Pick<BuildChatRequestOptions, 'reasoningModel' | 'maxOutputTokens' | 'disabledThinking'> & { readonly answerTokens: number },
): AdaptiveThinking | undefined {
  const effort = request.reasoningEffort;
  if (effort === undefined || options.reasoningModel !== true) return undefined;
  if (effort === 'none' && options.disabledThinking !== 'refused') return undefined;
  return {
    effort: anthropicEffortNameOf(effort),
    maxTokens: boundWithReasoningRoom(leastThinkingEffort(effort), options.answerTokens, options.maxOutputTokens),
  };
}

/**
 * The call asks no thinking (`reasoningEffort: 'none'`) of a reasoning model that can be told so: it is sent
 * `thinking: {type: "disabled"}`, which every Claude model with extended or adaptive thinking takes but those marked
 * `disabledThinking: 'refused'` (Sonnet 5.5), and `max_tokens` as the caller gave it. That matters on an adaptive
 * thinker, which thinks unasked: Claude Desktop's auto mode asks its classifier `max_tokens: 64` with a stop sequence
 * and thinking disabled, and a gateway that dropped the disable let the model think the 64 tokens away before the
 * answer, cut off, which Claude Code then asked again up to five times (lidge-jun/opencodex#545, fixed by passing the
 * disable on in #954). Sent to a budget model too, which does not think unasked: a proxy of the Anthropic wire to a
 * model that thinks by default (marked `reasoning` in one's YAML) is told not to.
 */
export function thinkingDisabled(
  request: Pick<ChatRequest, 'reasoningEffort'>,
  options: Pick<BuildChatRequestOptions, 'reasoningModel' | 'disabledThinking'>,
): boolean {
  return request.reasoningEffort === 'none' && options.reasoningModel === true && options.disabledThinking !== 'refused';
}

/**
 * The bound for a call that asks no effort. The model is sent none and thinks at its own default (medium for Haiku
 * 5.5, high for Sonnet 5.5, as their pages are reported), and its thinking counts against `max_tokens`: sent the
 * caller's bound as it is, a small one (a quick question's 100 tokens) would be spent on thinking before any answer
 * (an empty text, finish reason `length`). So the bound grows by the room of the highest default, `high`, as for a
 * call asking it: `maxTokens` stays the answer's room, as it is for every reasoning call, and what the model does not
 * think is not billed.
 */
export function unaskedThinkingBound(answerTokens: number, maxOutputTokens: number | undefined): number {
  return boundWithReasoningRoom('high', answerTokens, maxOutputTokens);
}

/**
 * Throws our refusal (an InvalidArgumentError, which the provider makes a `generation_failed` that fails over) when the
 * model would answer the request with a 400: an adaptive thinker a conversation that ends on its own turn (`messages`
 * as sent: a prefill), a model marked `forcedToolChoice: 'refused'` a forced tool (`tool_choice` `any` or `tool`).
 */
export function refuseWhatTheModelRefuses(
  request: Pick<ChatRequest, 'model' | 'toolChoice'>,
  sent: { readonly messages: readonly AnthropicMessage[]; readonly hasTools: boolean },
  options: Pick<BuildChatRequestOptions, 'anthropicThinking' | 'forcedToolChoice'>,
): void {
  if (options.anthropicThinking === 'adaptive' && sent.messages.at(-1)?.role === 'assistant') {
    throw new InvalidArgumentError({
      argument: 'messages',
      message: `${request.model} takes no conversation that ends on an assistant turn (a prefill: Anthropic refuses it with a 400): the call goes to another model.`,
    });
  }
  const forced = request.toolChoice === 'required' || typeof request.toolChoice === 'object';
  if (options.forcedToolChoice === 'refused' && sent.hasTools && forced) {
    throw new InvalidArgumentError({
      argument: 'toolChoice',
      message: `${request.model} takes no forced tool choice (Anthropic refuses it with a 400, the model's thinking being always on): the call goes to another model.`,
    });
  }
}
