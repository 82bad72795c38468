/**
 * A reasoning effort as an AI SDK model's provider reads it, chosen by the model's `provider` name:
 * `@ai-sdk/anthropic` a thinking budget (`anthropic.thinking`), which it adds to `maxOutputTokens` itself;
 * `@ai-sdk/google` and Vertex a thinking budget (`google.thinkingConfig`) counted within `maxOutputTokens`,
 * so that grows by the budget as for our own Gemini calls; every other provider (`openai`, `groq`, `xai`,
 * `azure`...) `reasoningEffort` under its own name. Claude is asked without thinking where Anthropic
 * refuses it (anthropic-thinking-rules.ts), and with a JSON response format, which `@ai-sdk/anthropic`
 * asks as a forced tool. Pure.
 */
import type { SharedV3ProviderOptions } from '@ai-sdk/provider';
import { anthropicRefusesThinking } from '../providers/anthropic/anthropic-thinking-rules.js';
import { reasoningAllowance, reasoningBudgetTokens } from '../providers/reasoning-budget.js';
import type { ChatRequest, ReasoningEffort } from '../types.js';

export interface AiSdkReasoningOptions {
  readonly providerOptions?: SharedV3ProviderOptions;
  /** The call's `maxOutputTokens` when the budget counts within it; undefined to keep the request's. */
  readonly maxOutputTokens?: number;
}

export function aiSdkReasoningOptions(request: ChatRequest, effort: ReasoningEffort, providerName: string): AiSdkReasoningOptions {
  const family = providerName.split('.')[0] ?? '';
  if (family === 'anthropic') {
    const forcedTool = request.responseFormat !== undefined && request.responseFormat.type !== 'text';
    if (forcedTool || anthropicRefusesThinking(request)) return {};
    return { providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: reasoningBudgetTokens[effort] } } } };
  }
  if (family === 'google' || family === 'vertex') {
    if (request.maxTokens === undefined) return { providerOptions: { [family]: { thinkingConfig: { thinkingBudget: reasoningBudgetTokens[effort] } } } };
    const allowance = reasoningAllowance(effort, request.maxTokens, undefined);
    if (allowance === undefined) return {};
    return { providerOptions: { [family]: { thinkingConfig: { thinkingBudget: allowance.budgetTokens } } }, maxOutputTokens: allowance.maxTokens };
  }
  return family === '' ? {} : { providerOptions: { [family]: { reasoningEffort: effort } } };
}
