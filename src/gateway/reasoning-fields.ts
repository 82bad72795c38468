/**
 * How hard to reason, as each API asks it: OpenAI's `reasoning_effort` (chat completions) and
 * `reasoning.effort` (Responses), Anthropic's `thinking`. Pure; a value of the wrong shape is a 400 naming
 * the field.
 */
import { isRecord } from '../json-value.js';
import { openAIReasoningEffortNames, reasoningEffortOfAnthropicName, reasoningEffortOfBudget, reasoningEffortOfOpenAIName } from '../reasoning-effort.js';
import type { ReasoningEffort } from '../types.js';
import { invalidRequest } from './gateway-http-error.js';

/**
 * An OpenAI effort (`none`, `minimal`, `low`, `medium`, `high`, `xhigh`) as ours: `none` asks for no reasoning, as it
 * does of OpenAI; undefined for Groq's `default` or absent.
 */
export function openAIReasoningEffortOf(value: unknown, param: string): ReasoningEffort | undefined {
  if (value === undefined || value === null) return undefined;
  const effort = reasoningEffortOfOpenAIName(value);
  if (effort === undefined) throw invalidRequest(`${param} must be one of ${openAIReasoningEffortNames.join(', ')}.`, param);
  return effort ?? undefined;
}

/** Responses' `reasoning: { effort, summary }`: its effort. */
export function responsesReasoningEffortOf(value: unknown): ReasoningEffort | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalidRequest('reasoning must be an object.', 'reasoning');
  return openAIReasoningEffortOf(value.effort, 'reasoning.effort');
}

/**
 * Anthropic's `thinking` as an effort: `{ type: 'enabled', budget_tokens }` by its budget; `{ type: 'adaptive' }`
 * (the model decides how much, which Claude Code sends on every request of its newer versions,
 * anthropics/claude-code#68551, some with a `budget_tokens` of 0, routatic/proxy#171) by `output_config.effort`,
 * Anthropic's default `high` when it names none it knows. `disabled` asks for no thinking (`none`), which reaches the
 * models that can be told so (Claude Desktop's auto mode asks its classifier so, with `max_tokens: 64`,
 * lidge-jun/opencodex#545); types this gateway does not know ask for no effort.
 */
export function thinkingEffortOf(value: unknown, outputConfig?: unknown): ReasoningEffort | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || typeof value.type !== 'string') throw invalidRequest('thinking must be an object with a type.', 'thinking');
  if (value.type === 'adaptive') {
    return reasoningEffortOfAnthropicName(isRecord(outputConfig) ? outputConfig.effort : undefined) ?? 'high';
  }
  if (value.type === 'disabled') return 'none';
  if (value.type !== 'enabled') return undefined;
  const budget = value.budget_tokens;
  if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1) {
    throw invalidRequest('thinking.budget_tokens must be a positive integer.', 'thinking.budget_tokens');
  }
  return reasoningEffortOfBudget(budget);
}
