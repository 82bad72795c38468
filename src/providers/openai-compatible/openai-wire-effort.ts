/**
 * The effort an OpenAI-wire reasoning model is sent (`reasoning_effort` on chat completions, `reasoning.effort` on the
 * Responses API) for a call's `reasoningEffort`. Pure.
 */
import type { LeastReasoningEffort } from '../../catalog.js';
import type { ReasoningEffort } from '../../types.js';

export type OpenAIWireEffort = Exclude<ReasoningEffort, 'none'> | LeastReasoningEffort;

/**
 * The effort of the same name; for `'none'` (no thinking asked) the least the model takes, `leastReasoningEffort`
 * (`none` where the model answers without reasoning, `low` where OpenAI refuses it `none`), or nothing when the
 * catalog does not say it: a word the model does not take is a 400 (o3-mini and gpt-oss take no `none`), and a model
 * sent nothing thinks at its default, as for a call that asks no effort.
 */
export function openAIWireEffortOf(effort: ReasoningEffort | undefined, leastReasoningEffort: LeastReasoningEffort | undefined): OpenAIWireEffort | undefined {
  return effort === 'none' ? leastReasoningEffort : effort;
}
