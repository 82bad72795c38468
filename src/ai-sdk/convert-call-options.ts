import type { LanguageModelV3CallOptions, SharedV3Warning } from '@ai-sdk/provider';
import type { CompleteOptions } from '../routing/router-options.js';
import { isRecord } from '../json-value.js';
import type { JsonSchema, ReasoningEffort, ResponseFormat, ToolChoice, ToolDefinition } from '../types.js';
import { reasoningEffortOfBudget, reasoningEffortOfOpenAIName } from '../reasoning-effort.js';
import { callerHeadersWarning } from './caller-headers-warning.js';

export type CallSettings = Pick<
  CompleteOptions,
  'temperature' | 'maxTokens' | 'topP' | 'seed' | 'presencePenalty' | 'frequencyPenalty' | 'stop' | 'tools' | 'toolChoice' | 'parallelToolCalls' | 'responseFormat' | 'reasoningEffort' | 'signal'
>;

export interface ConvertedCallOptions {
  readonly settings: CallSettings;
  readonly warnings: SharedV3Warning[];
}

const unsupportedSettings = ['topK'] as const;

/**
 * The AI SDK's call settings as the router's options. Settings no provider of ours takes the same way
 * (topK, extra headers, provider tools) are reported as warnings, not silently dropped.
 */
export function convertCallOptions(options: LanguageModelV3CallOptions): ConvertedCallOptions {
  const warnings: SharedV3Warning[] = [];
  for (const setting of unsupportedSettings) {
    if (options[setting] !== undefined) warnings.push({ type: 'unsupported', feature: setting });
  }
  const headersWarning = callerHeadersWarning(options.headers);
  if (headersWarning !== undefined) warnings.push(headersWarning);
  const tools: ToolDefinition[] = [];
  for (const tool of options.tools ?? []) {
    if (tool.type === 'provider') {
      warnings.push({ type: 'unsupported', feature: `provider tool ${tool.id}` });
      continue;
    }
    tools.push({
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      // A JSON Schema passes through untouched; ours is the opaque object type.
      parameters: tool.inputSchema as JsonSchema,
    });
  }
  const toolChoice = tools.length > 0 ? convertToolChoice(options.toolChoice) : undefined;
  const responseFormat = convertResponseFormat(options.responseFormat);
  const reasoningEffort = reasoningEffortOf(options.providerOptions);
  const settings: CallSettings = {
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.maxOutputTokens !== undefined ? { maxTokens: options.maxOutputTokens } : {}),
    ...(options.topP !== undefined ? { topP: options.topP } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.presencePenalty !== undefined ? { presencePenalty: options.presencePenalty } : {}),
    ...(options.frequencyPenalty !== undefined ? { frequencyPenalty: options.frequencyPenalty } : {}),
    ...(options.stopSequences !== undefined && options.stopSequences.length > 0 ? { stop: options.stopSequences } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(toolChoice !== undefined ? { toolChoice } : {}),
    ...(tools.length > 0 && asksOneToolCall(options.providerOptions) ? { parallelToolCalls: false } : {}),
    ...(responseFormat !== undefined ? { responseFormat } : {}),
    ...(reasoningEffort !== undefined ? { reasoningEffort } : {}),
    ...(options.abortSignal !== undefined ? { signal: options.abortSignal } : {}),
  };
  return { settings, warnings };
}

function convertToolChoice(choice: LanguageModelV3CallOptions['toolChoice']): ToolChoice | undefined {
  if (!choice) return undefined;
  return choice.type === 'tool' ? { name: choice.toolName } : choice.type;
}

function convertResponseFormat(format: LanguageModelV3CallOptions['responseFormat']): ResponseFormat | undefined {
  if (!format || format.type === 'text') return undefined;
  if (!format.schema) return { type: 'json_object' };
  return {
    type: 'json_schema',
    name: format.name ?? 'response',
    schema: format.schema as JsonSchema,
  };
}

/**
 * At most one tool call per answer, asked the way `@ai-sdk/openai` (`parallelToolCalls: false`) or
 * `@ai-sdk/anthropic` (`disableParallelToolUse: true`) reads it: an app written for either keeps its meaning here.
 */
function asksOneToolCall(providerOptions: unknown): boolean {
  if (!isRecord(providerOptions)) return false;
  const openai = providerOptions['openai'];
  const anthropic = providerOptions['anthropic'];
  return (isRecord(openai) && openai['parallelToolCalls'] === false) || (isRecord(anthropic) && anthropic['disableParallelToolUse'] === true);
}

/**
 * A reasoning effort, asked the way `@ai-sdk/openai` (`reasoningEffort`), `@ai-sdk/anthropic` (`thinking:
 * { type: 'enabled', budgetTokens }`) or `@ai-sdk/google` (`thinkingConfig.thinkingLevel`, Gemini 3's, or
 * `thinkingConfig.thinkingBudget`) reads it, in that order; a budget becomes an effort as the gateway's
 * `thinking` does, and the level `minimal` is `low`, as OpenAI's `minimal` is. No thinking (`none`) is asked as
 * OpenAI's `reasoningEffort: 'none'`, Anthropic's `thinking: { type: 'disabled' }` (which `@ai-sdk/anthropic` sends on
 * since 3.0.93, vercel/ai's release notes) or Google's `thinkingBudget: 0` (Google's word for thinking off).
 */
function reasoningEffortOf(providerOptions: unknown): ReasoningEffort | undefined {
  if (!isRecord(providerOptions)) return undefined;
  const openai = providerOptions['openai'];
  const openAIEffort = isRecord(openai) ? reasoningEffortOfOpenAIName(openai['reasoningEffort']) : undefined;
  if (openAIEffort !== undefined) return openAIEffort ?? undefined;
  const anthropic = providerOptions['anthropic'];
  const thinking = isRecord(anthropic) ? anthropic['thinking'] : undefined;
  if (isRecord(thinking) && thinking['type'] === 'enabled' && typeof thinking['budgetTokens'] === 'number') {
    return reasoningEffortOfBudget(thinking['budgetTokens']);
  }
  if (isRecord(thinking) && thinking['type'] === 'disabled') return 'none';
  const google = providerOptions['google'];
  const thinkingConfig = isRecord(google) ? google['thinkingConfig'] : undefined;
  const level = isRecord(thinkingConfig) ? reasoningEffortOfOpenAIName(thinkingConfig['thinkingLevel']) : undefined;
  if (level !== undefined && level !== null) return level;
  const budget = isRecord(thinkingConfig) ? thinkingConfig['thinkingBudget'] : undefined;
  if (typeof budget === 'number' && budget > 0) return reasoningEffortOfBudget(budget);
  if (budget === 0) return 'none';
  return undefined;
}
