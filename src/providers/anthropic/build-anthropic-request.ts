import type { HttpRequestSpec } from '../../http/types.js';
import { InvalidArgumentError } from '../../errors.js';
import type { CacheTtl, ChatRequest, Mutable, ProviderJsonObject, ToolChoice } from '../../types.js';
import { anthropicRefusesThinking } from './anthropic-thinking-rules.js';
import { adaptiveThinkingOf, refuseWhatTheModelRefuses, thinkingDisabled, unaskedThinkingBound } from './anthropic-adaptive-thinking.js';
import { type ReasoningAllowance, reasoningAllowance } from '../reasoning-budget.js';
import { type BuildChatRequestOptions, type EndpointConfig, endpointUrl } from '../wire-protocol.js';
import type { AnthropicCacheControl, AnthropicMessage, AnthropicMessagesRequestBody, AnthropicTool, AnthropicToolChoice } from './anthropic-api-types.js';
import { anthropicCacheControl, convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import { anthropicOutputFormatOf } from './anthropic-output-format.js';
import { cacheTtlOf } from '../../cache-breakpoint.js';
import { refuseWhitespaceStopSequences } from '../stop-sequences-limit.js';

/** The API version every request names; the one the recorded traffic and the official SDKs send. */
export const anthropicVersion = '2023-06-01';

/** Anthropic requires `max_tokens`; this is used when the request names none. */
export const defaultAnthropicMaxTokens = 4096;

/** Headers every Anthropic call carries. No `x-api-key` when the endpoint takes no key. */
export function buildAnthropicHeaders(endpoint: EndpointConfig): Record<string, string> {
  const headers: Record<string, string> = { 'anthropic-version': anthropicVersion };
  if (endpoint.apiKey !== '') headers['x-api-key'] = endpoint.apiKey;
  return headers;
}

/**
 * POST /v1/messages. A JSON Schema `responseFormat` is sent as structured output (`output_config.format`, beside the
 * effort an adaptive thinker is asked), or refused so that the call fails over (anthropic-output-format.ts); `json_object`
 * is left out, the Messages API having no JSON mode (the prompt asks for JSON, as OpenAI's JSON mode requires).
 * Temperature is clamped to Anthropic's range [0, 1], so a request written for OpenAI's [0, 2] still
 * works when it falls over to Anthropic instead of failing as an invalid request.
 */
export function buildAnthropicChatRequest(request: ChatRequest, options: BuildChatRequestOptions): HttpRequestSpec {
  const adaptive = options.anthropicThinking === 'adaptive';
  const answerTokens = request.maxTokens ?? defaultAnthropicMaxTokens;
  const thinking = adaptive ? undefined : thinkingAllowance(request, options);
  const adaptiveThinking = adaptive
    ? adaptiveThinkingOf(request, { reasoningModel: options.reasoningModel, maxOutputTokens: options.maxOutputTokens, disabledThinking: options.disabledThinking, answerTokens })
    : undefined;
  const disabled = thinkingDisabled(request, options);
  // A thinking call sends back the thinking blocks this provider signed, first in their turns; one without thinking
  // sends none, as before. An adaptive thinker thinks unasked, so it is sent them in every call it is not told not to think.
  const providerId = options.endpoint.providerId;
  const prompt = convertToAnthropicMessages(request.messages, { providerId, thinks: (adaptive && !disabled) || thinking !== undefined });
  const tools = request.tools?.map((tool): AnthropicTool => {
    const anthropicTool: Mutable<AnthropicTool> = { name: tool.name, input_schema: tool.parameters };
    if (tool.description !== undefined) anthropicTool.description = tool.description;
    const cacheControl = anthropicCacheControl(tool.cacheBreakpoint);
    if (cacheControl !== undefined) anthropicTool.cache_control = cacheControl;
    return anthropicTool;
  });
  const serverTools = serverToolsOf(request, providerId);
  const hasTools = (tools !== undefined && tools.length > 0) || serverTools.length > 0;
  refuseWhatTheModelRefuses(request, { messages: prompt.messages, hasTools }, options);
  const outputFormat = anthropicOutputFormatOf(request, prompt, options);
  // Only a request marked more than Anthropic takes, or with an hour's mark, is gathered and checked: most
  // carry no mark at all.
  const marks = markedCount(request, '5m');
  const hourMarks = markedCount(request, '1h');
  if (marks + hourMarks > maxAnthropicCacheBreakpoints || hourMarks > 0) {
    const marked = [...(tools ?? []), ...(Array.isArray(prompt.system) ? prompt.system : []), ...blocksOf(prompt.messages)];
    keepLastBreakpoints(marked);
    if (hourMarks > 0) shortenHourMarksAfterDefault(marked);
  }
  // Built by assignment, in the wire's field order: conditional spreads cost more per call.
  const body: Mutable<Partial<AnthropicMessagesRequestBody>> = {
    model: request.model,
    max_tokens: answerTokens,
    messages: prompt.messages,
  };
  if (prompt.system !== undefined) body.system = prompt.system;
  if (thinking !== undefined) {
    body.max_tokens = thinking.maxTokens;
    body.thinking = { type: 'enabled', budget_tokens: thinking.budgetTokens };
  } else if (adaptiveThinking !== undefined) {
    // Its summary asked, as Gemini's thought summaries are: what the caller sees of its reasoning (omitted by default).
    body.max_tokens = adaptiveThinking.maxTokens;
    body.thinking = { type: 'adaptive', display: 'summarized' };
    body.output_config = outputFormat === undefined ? { effort: adaptiveThinking.effort } : { effort: adaptiveThinking.effort, format: outputFormat };
  } else if (disabled) {
    // The caller's bound as it is: the model does not think, so the answer has all of it.
    body.thinking = { type: 'disabled' };
  } else if (adaptive && options.reasoningModel === true) {
    body.max_tokens = unaskedThinkingBound(answerTokens, options.maxOutputTokens);
  }
  if (outputFormat !== undefined && body.output_config === undefined) body.output_config = { format: outputFormat };
  const thinks = thinking !== undefined || adaptiveThinking !== undefined;
  // Thinking takes no temperature and a top_p of 0.95 or more only: the others are left out, not refused.
  if (request.temperature !== undefined && !thinks) body.temperature = Math.min(Math.max(request.temperature, 0), 1);
  // Claude 4.x (Haiku 4.5 and Sonnet 4.6) refuse temperature and top_p together with a 400 ("`temperature` and `top_p`
  // cannot both be specified for this model", di-sukharev/opencommit#520): top_p goes, the temperature stays.
  if (request.topP !== undefined && body.temperature === undefined && (!thinks || request.topP >= 0.95)) body.top_p = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) {
    refuseWhitespaceStopSequences(request.stop);
    body.stop_sequences = request.stop;
  }
  if (hasTools) body.tools = serverTools.length === 0 ? tools : [...(tools ?? []), ...serverTools];
  if (hasTools && (request.toolChoice !== undefined || request.parallelToolCalls === false)) {
    body.tool_choice = toAnthropicToolChoice(request.toolChoice ?? 'auto', request.parallelToolCalls === false);
  }
  body.stream = options.stream;
  const headers = buildAnthropicHeaders(options.endpoint);
  headers['content-type'] = 'application/json';
  return {
    method: 'POST',
    url: endpointUrl(options.endpoint, '/v1/messages'),
    headers,
    body: JSON.stringify(body),
  };
}

/**
 * The call's server tools (`web_search_20250305`...), sent after its own tools as the caller gave them. They are
 * run by the provider they name only: routing asks no other, and this one refuses them for any other.
 */
function serverToolsOf(request: ChatRequest, providerId: string): readonly ProviderJsonObject[] {
  const serverTools = request.serverTools;
  if (serverTools === undefined) return [];
  if (serverTools.provider !== providerId) {
    throw new InvalidArgumentError({ argument: 'serverTools', message: `The call's server tools are run by ${serverTools.provider}, not this provider` });
  }
  return serverTools.tools;
}

/**
 * Extended thinking for a `reasoningEffort`, when the model thinks by a budget (`reasoning` in the catalog, not
 * `anthropicThinking`) and Anthropic would not refuse it (anthropic-thinking-rules.ts): such a call is asked without
 * thinking. Those rules are the budget's: an adaptive thinker thinks whether asked or not, takes a forced tool choice
 * when it can (https://platform.claude.com/docs/build-with-claude/thinking-tool-workflows: "adaptive thinking supports
 * forced tool use"), and drops, without an error, a block it cannot read (.../preserved-thinking).
 */
function thinkingAllowance(request: ChatRequest, options: BuildChatRequestOptions): ReasoningAllowance | undefined {
  const effort = request.reasoningEffort;
  if (effort === undefined || effort === 'none' || options.reasoningModel !== true || anthropicRefusesThinking(request, options.endpoint.providerId)) return undefined;
  return reasoningAllowance(effort, request.maxTokens ?? defaultAnthropicMaxTokens, options.maxOutputTokens);
}

/** Anthropic takes at most this many cache breakpoints in one request, and refuses more. */
export const maxAnthropicCacheBreakpoints = 4;

/**
 * Keep the last breakpoints, in the order Anthropic reads the prompt (tools, system, turns), when there
 * are more than it takes: the latest cover the longest prefixes.
 */
function keepLastBreakpoints(marked: readonly { cache_control?: AnthropicCacheControl }[]): void {
  let excess = marked.filter((entry) => entry.cache_control !== undefined).length - maxAnthropicCacheBreakpoints;
  for (const entry of marked) {
    if (excess <= 0) return;
    if (entry.cache_control === undefined) continue;
    delete entry.cache_control;
    excess -= 1;
  }
}

/**
 * Anthropic takes an hour's breakpoint only before every five-minute one, in its reading order. A system
 * message from the middle of a conversation moves to the top, so an order valid as the client wrote it may
 * not be as sent: an hour's mark after a five-minute one becomes five minutes, instead of a 400.
 */
function shortenHourMarksAfterDefault(marked: readonly { cache_control?: AnthropicCacheControl }[]): void {
  let sawDefault = false;
  for (const entry of marked) {
    const ttl = entry.cache_control === undefined ? undefined : (entry.cache_control.ttl ?? '5m');
    if (ttl === '5m') sawDefault = true;
    else if (ttl === '1h' && sawDefault) entry.cache_control = anthropicCacheControl(true);
  }
}

/** Messages and tools marked as breakpoints of this lifetime (a mark on a message that became no block counts too). */
function markedCount(request: ChatRequest, ttl: CacheTtl): number {
  let marked = 0;
  for (const message of request.messages) if (cacheTtlOf(message.cacheBreakpoint) === ttl) marked += 1;
  for (const tool of request.tools ?? []) if (cacheTtlOf(tool.cacheBreakpoint) === ttl) marked += 1;
  return marked;
}

function blocksOf(messages: readonly AnthropicMessage[]): readonly { cache_control?: AnthropicCacheControl }[] {
  return messages.flatMap((message): readonly { cache_control?: AnthropicCacheControl }[] => (typeof message.content === 'string' ? [] : message.content));
}

/** GET /v1/models: the cheapest call that proves the key works. */
export function buildAnthropicModelsListRequest(endpoint: EndpointConfig): HttpRequestSpec {
  return { method: 'GET', url: `${endpoint.baseUrl}/v1/models`, headers: buildAnthropicHeaders(endpoint) };
}

/**
 * `none` keeps the tools and says `{type: 'none'}`: dropping them would make Anthropic refuse a
 * conversation that already holds tool_use blocks.
 */
function toAnthropicToolChoice(toolChoice: ToolChoice, oneCallOnly: boolean): AnthropicToolChoice {
  if (toolChoice === 'none') return { type: 'none' };
  // By assignment: conditional spreads build the object the slow way, and this runs on every call with tools.
  const choice: Mutable<Exclude<AnthropicToolChoice, { readonly type: 'none' }>> =
    typeof toolChoice === 'object' ? { type: 'tool', name: toolChoice.name } : { type: toolChoice === 'required' ? 'any' : 'auto' };
  if (oneCallOnly) choice.disable_parallel_tool_use = true;
  return choice;
}
