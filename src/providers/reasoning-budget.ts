/**
 * Thinking budgets for the protocols that take a number of tokens instead of an effort (Anthropic's
 * `thinking.budget_tokens`, Gemini's `thinkingConfig.thinkingBudget`). Both count the thinking inside the
 * answer's token bound, so the bound grows by the budget: a caller's `maxTokens` stays the room left for the
 * answer itself, within what the model can write at all.
 */
import type { ReasoningEffort } from '../types.js';

/** An effort that thinks, and so has a budget: every one but `'none'`. */
export type ThinkingEffort = Exclude<ReasoningEffort, 'none'>;

/**
 * The effort a model that cannot be told not to think is asked for `effort`: `'none'` as the least, `low` (its room
 * the least budget too), any other as itself.
 */
export function leastThinkingEffort(effort: ReasoningEffort): ThinkingEffort {
  return effort === 'none' ? 'low' : effort;
}

/** Tokens of thinking for each effort. 1,024 is Anthropic's least; 24,576 Gemini 2.5 Flash's most. */
export const reasoningBudgetTokens: Readonly<Record<ThinkingEffort, number>> = { low: 1024, medium: 8192, high: 24_576 };

/** The least budget Anthropic takes; a budget squeezed below it is not asked for. */
export const minimumReasoningBudgetTokens = 1024;

export interface ReasoningAllowance {
  /** Tokens the model may think. */
  readonly budgetTokens: number;
  /** The bound to send: the answer's tokens plus the budget, within the model's limit. */
  readonly maxTokens: number;
}

/**
 * The budget and the bound for `answerTokens` of answer. When the model's limit leaves less than the whole
 * budget, thinking gets what is left, but at least half the bound; undefined when that is below the least
 * budget (the model is then asked without thinking, rather than refusing the call).
 */
export function reasoningAllowance(effort: ThinkingEffort, answerTokens: number, modelLimit: number | undefined): ReasoningAllowance | undefined {
  const wanted = reasoningBudgetTokens[effort];
  const maxTokens = modelLimit === undefined ? answerTokens + wanted : Math.min(answerTokens + wanted, modelLimit);
  const budgetTokens = Math.min(wanted, Math.max(maxTokens - answerTokens, Math.floor(maxTokens / 2)));
  if (budgetTokens < minimumReasoningBudgetTokens || budgetTokens >= maxTokens) return undefined;
  return { budgetTokens, maxTokens };
}

/**
 * For a protocol that counts thinking within a bound the caller may leave out (Gemini's `maxOutputTokens`):
 * the whole budget when no bound is asked (the model's own is larger than any budget), else the allowance,
 * whose `maxTokens` is the bound to send instead; undefined when the least budget cannot fit.
 */
export function reasoningWithinOptionalBound(
  effort: ThinkingEffort,
  maxTokens: number | undefined,
  modelLimit: number | undefined,
): { readonly budgetTokens: number; readonly maxTokens?: number } | undefined {
  return maxTokens === undefined ? { budgetTokens: reasoningBudgetTokens[effort] } : reasoningAllowance(effort, maxTokens, modelLimit);
}

/**
 * For a model that thinks by level within a bound (Gemini 3's `thinkingLevel`, counted in `maxOutputTokens`): the
 * caller's bound grown by the budget of the same effort, within the model's limit, so the level's thinking does
 * not eat the answer's room. A level names no number of tokens; the budget is the room a budget model would get.
 */
export function boundWithReasoningRoom(effort: ThinkingEffort, maxTokens: number, modelLimit: number | undefined): number {
  const grown = maxTokens + reasoningBudgetTokens[effort];
  return modelLimit === undefined ? grown : Math.max(maxTokens, Math.min(grown, modelLimit));
}
