/**
 * A reasoning effort as an AI SDK model's provider reads it, chosen by the model's `provider` name: Claude
 * (`anthropic.messages`, `vertex.anthropic.messages`, Bedrock's Anthropic models) a thinking budget
 * (`anthropic.thinking`), which `@ai-sdk/anthropic` adds to `maxOutputTokens` itself; Gemini (`google.*`,
 * `vertex.*`) a thinking budget (`google.thinkingConfig.thinkingBudget`) counted within `maxOutputTokens`, so that
 * grows by the budget as for our own Gemini calls, or, for a model given `thinkingLevels` (Gemini 3 and later), the
 * level of the effort (`google.thinkingConfig.thinkingLevel`) and no budget, the bound grown the same; OpenAI, Azure and Groq `reasoningEffort` under their names. Any
 * other provider is sent nothing: their efforts differ (xAI takes only low and high) and a value one refuses
 * is a 400 (a failover, or the call's end should a second candidate refuse too). Claude is asked without thinking where Anthropic refuses it (anthropic-thinking-rules.ts; signed
 * thinking blocks are not passed to an AI SDK model, so that is in any conversation that called tools),
 * and with a JSON response format, which `@ai-sdk/anthropic` asks as a forced tool. `none` (no thinking): Claude
 * `thinking: { type: 'disabled' }`, Gemini the least level it takes (a budget model nothing), any other nothing. Pure.
 */
import type { SharedV3ProviderOptions } from '@ai-sdk/provider';
import { anthropicRefusesThinking } from '../providers/anthropic/anthropic-thinking-rules.js';
import { thinkingLevelOfEffort } from '../providers/gemini/thinking-level-of-effort.js';
import { boundWithReasoningRoom, leastThinkingEffort, reasoningBudgetTokens, reasoningWithinOptionalBound } from '../providers/reasoning-budget.js';
import type { ChatRequest, ReasoningEffort, ThinkingLevel } from '../types.js';

export interface AiSdkReasoningOptions {
  readonly providerOptions?: SharedV3ProviderOptions;
  /** The call's `maxOutputTokens` when the budget counts within it; undefined to keep the request's. */
  readonly maxOutputTokens?: number;
}

/** The AI SDK model asked: its `provider` name, and the Gemini thinking levels it takes, if it thinks by level. */
export interface AiSdkReasoningModel {
  readonly providerName: string;
  readonly thinkingLevels?: readonly ThinkingLevel[];
}

export function aiSdkReasoningOptions(request: ChatRequest, effort: ReasoningEffort, model: AiSdkReasoningModel): AiSdkReasoningOptions {
  const { providerName } = model;
  const family = providerName.split('.')[0] ?? '';
  if (providerName.includes('anthropic')) {
    // No thinking, said outright: `@ai-sdk/anthropic` sends it on since 3.0.93 (before, it dropped it, and a model
    // that thinks by default thought on: vercel/ai's release notes); a budget model does not think unasked anyway.
    if (effort === 'none') return { providerOptions: { anthropic: { thinking: { type: 'disabled' } } } };
    const forcedTool = request.responseFormat !== undefined && request.responseFormat.type !== 'text';
    if (forcedTool || anthropicRefusesThinking(request, undefined)) return {};
    return { providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: reasoningBudgetTokens[effort] } } } };
  }
  if (family === 'google' || family === 'vertex') {
    // No thinking: a model that thinks by level is asked its least (thinking-level-of-effort.ts), one of a budget nothing.
    const level = model.thinkingLevels === undefined ? undefined : thinkingLevelOfEffort(effort, model.thinkingLevels);
    if (level !== undefined) {
      const thinkingConfig = { thinkingLevel: level };
      const options: AiSdkReasoningOptions = { providerOptions: { google: { thinkingConfig }, vertex: { thinkingConfig } } };
      return request.maxTokens === undefined ? options : { ...options, maxOutputTokens: boundWithReasoningRoom(leastThinkingEffort(effort), request.maxTokens, undefined) };
    }
    if (effort === 'none') return {};
    const thinking = reasoningWithinOptionalBound(effort, request.maxTokens, undefined);
    if (thinking === undefined) return {};
    const thinkingConfig = { thinkingBudget: thinking.budgetTokens };
    const options: AiSdkReasoningOptions = { providerOptions: { google: { thinkingConfig }, vertex: { thinkingConfig } } };
    return thinking.maxTokens === undefined ? options : { ...options, maxOutputTokens: thinking.maxTokens };
  }
  // No reasoning is not asked of these: the efforts an AI SDK model takes are not known here (o3-mini and gpt-oss take
  // no `none`, a 400), so it reasons at its default, as when no effort is asked.
  if (effort === 'none') return {};
  if (family === 'openai' || family === 'azure') return { providerOptions: { openai: { reasoningEffort: effort }, azure: { reasoningEffort: effort } } };
  if (family === 'groq') return { providerOptions: { groq: { reasoningEffort: effort } } };
  return {};
}
