/**
 * Efforts as other APIs name them, in ours: OpenAI's `reasoning_effort` words and Anthropic's thinking
 * budgets. Shared by the gateway's request parse and the AI SDK model's call options. Pure.
 */
import type { ReasoningEffort } from './types.js';

/** OpenAI's words for an effort, least first, as ours. */
const openAIEfforts: Readonly<Record<string, ReasoningEffort | null>> = {
  // No effort asked: each model reasons as it does by default (`default` is Groq's word for it).
  none: null,
  default: null,
  // The nearest effort every reasoning model takes: o3-mini refuses `minimal`, and only the newest take `xhigh`.
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
};

/** The words OpenAI's APIs take for an effort, least first. */
export const openAIReasoningEffortNames: readonly string[] = Object.keys(openAIEfforts);

/**
 * An OpenAI effort word as ours: `null` for `none` (ask for no effort), undefined for a word that is not one.
 */
export function reasoningEffortOfOpenAIName(name: unknown): ReasoningEffort | null | undefined {
  return typeof name === 'string' && Object.hasOwn(openAIEfforts, name) ? openAIEfforts[name] : undefined;
}

/** A thinking budget as an effort: under 4,096 tokens low, under 16,384 medium, more high. */
export function reasoningEffortOfBudget(budgetTokens: number): ReasoningEffort {
  return budgetTokens < 4096 ? 'low' : budgetTokens < 16_384 ? 'medium' : 'high';
}
