/**
 * Efforts as other APIs name them, in ours and back: OpenAI's `reasoning_effort` words, Anthropic's thinking
 * budgets and its effort words (`output_config.effort`). Shared by the gateway's request parse, the AI SDK model's
 * call options and the Anthropic wire. Pure.
 */
import type { ReasoningEffort } from './types.js';

/** OpenAI's words for an effort, least first, as ours. */
const openAIEfforts: Readonly<Record<string, ReasoningEffort | null>> = {
  // No reasoning (GPT-5.1 and later take it: openai/openai-dotnet#877; clients send it, Codex's `reasoning.effort:
  // "none"` in router-for-me/CLIProxyAPI#4380, AIProxyTeam/AIProxySwift#243): ours of the same name.
  none: 'none',
  // No effort asked: each model reasons as it does by default (Groq's word for it).
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
 * An OpenAI effort word as ours: `null` for Groq's `default` (ask for no effort), undefined for a word that is not one.
 */
export function reasoningEffortOfOpenAIName(name: unknown): ReasoningEffort | null | undefined {
  return typeof name === 'string' && Object.hasOwn(openAIEfforts, name) ? openAIEfforts[name] : undefined;
}

/** A thinking budget as an effort: under 4,096 tokens low, under 16,384 medium, more high. */
export function reasoningEffortOfBudget(budgetTokens: number): ReasoningEffort {
  return budgetTokens < 4096 ? 'low' : budgetTokens < 16_384 ? 'medium' : 'high';
}

/** Anthropic's effort words (`output_config.effort`, with adaptive thinking), least first. */
export type AnthropicEffortName = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

/**
 * Anthropic's effort words as ours: its two above `high` are asked as `high`. Claude Haiku 5.5 and Sonnet 5.5 take all
 * five (OnesoftQwQ/opencode-go-copilot v1.12.1 for Haiku 5.5, checked live; apidog.com's comparisons of both), by
 * default medium and high (Anthropic's model pages, https://platform.claude.com/docs/en/models/haiku-5-5/overview).
 */
const anthropicEfforts: Readonly<Record<AnthropicEffortName, ReasoningEffort>> = { low: 'low', medium: 'medium', high: 'high', xhigh: 'high', max: 'high' };

/**
 * Ours as Anthropic's: each of ours is one of its words, `none` its least, `low`, for a model whose thinking cannot be
 * turned off (Claude Sonnet 5.5; one that can is sent `thinking: {type: "disabled"}` instead, and no effort).
 */
const anthropicNamesOfEfforts: Readonly<Record<ReasoningEffort, AnthropicEffortName>> = { none: 'low', low: 'low', medium: 'medium', high: 'high' };

/** An Anthropic effort word as ours; undefined for a word that is not one. */
export function reasoningEffortOfAnthropicName(name: unknown): ReasoningEffort | undefined {
  return typeof name === 'string' && Object.hasOwn(anthropicEfforts, name) ? anthropicEfforts[name as AnthropicEffortName] : undefined;
}

/** Ours as Anthropic's `output_config.effort`: the word of the same name, `none` as `low`. */
export function anthropicEffortNameOf(effort: ReasoningEffort): AnthropicEffortName {
  return anthropicNamesOfEfforts[effort];
}
