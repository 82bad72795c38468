import type { HttpRequestSpec } from '../../http/types.js';
import type { ChatRequest, Mutable, ReasoningEffort, ResponseFormat, ToolChoice } from '../../types.js';
import type { BuildChatRequestOptions, EndpointConfig } from '../wire-protocol.js';
import { convertJsonSchemaToGeminiSchema, isEmptyObjectSchema } from './convert-json-schema-to-gemini-schema.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { boundWithReasoningRoom, leastThinkingEffort, reasoningWithinOptionalBound } from '../reasoning-budget.js';
import { thinkingLevelOfEffort } from './thinking-level-of-effort.js';
import type {
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequestBody,
  GeminiGenerationConfig,
  GeminiToolConfig,
} from './gemini-api-types.js';

/** The key goes in this header only, never in the URL, where proxies and logs would keep it. */
export function buildGeminiHeaders(endpoint: EndpointConfig): Record<string, string> {
  return endpoint.apiKey === '' ? {} : { 'x-goog-api-key': endpoint.apiKey };
}

/** POST /v1beta/models/{model}:generateContent, or :streamGenerateContent?alt=sse for a stream. */
export function buildGeminiChatRequest(request: ChatRequest, options: BuildChatRequestOptions): HttpRequestSpec {
  const prompt = convertToGeminiContents(request.messages, {
    thoughtSignaturesRequired: requiresThoughtSignatures(request.model),
  });
  const functionDeclarations = request.tools?.map(
    (tool): GeminiFunctionDeclaration => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      ...(isEmptyObjectSchema(tool.parameters) ? {} : { parameters: convertJsonSchemaToGeminiSchema(tool.parameters) }),
    }),
  );
  const hasTools = functionDeclarations !== undefined && functionDeclarations.length > 0;
  // Built by assignment, in the wire's field order: conditional spreads cost more per call.
  const body: Mutable<Partial<GeminiGenerateContentRequestBody>> = { contents: prompt.contents };
  if (prompt.systemText !== undefined) body.systemInstruction = { role: 'user', parts: [{ text: prompt.systemText }] };
  body.generationConfig = buildGenerationConfig(request, options);
  if (hasTools) body.tools = [{ functionDeclarations }];
  if (hasTools && request.toolChoice !== undefined) body.toolConfig = toGeminiToolConfig(request.toolChoice);
  // `parallelToolCalls: false` has no counterpart in Gemini's API: it is asked as is.
  const method = options.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  const headers = buildGeminiHeaders(options.endpoint);
  headers['content-type'] = 'application/json';
  return {
    method: 'POST',
    url: `${options.endpoint.baseUrl}/v1beta/models/${encodeURIComponent(stripModelsPrefix(request.model))}:${method}`,
    headers,
    body: JSON.stringify(body),
  };
}

/** GET /v1beta/models: the cheapest call that proves the key works. */
export function buildGeminiModelsListRequest(endpoint: EndpointConfig): HttpRequestSpec {
  return { method: 'GET', url: `${endpoint.baseUrl}/v1beta/models`, headers: buildGeminiHeaders(endpoint) };
}

/**
 * Gemini 3 and later refuse a replayed function call without a thought signature; 2.x accept it. Read from
 * the id (`gemini-3-pro-preview`, `models/gemini-3.1-flash`); an id that names no Gemini version is not sent one.
 */
export function requiresThoughtSignatures(model: string): boolean {
  const version = /^(?:models\/)?gemini-(\d+)/.exec(model)?.[1];
  return version !== undefined && Number(version) >= 3;
}

/** Gemini names models `models/gemini-2.5-flash`; the prefix is already in the URL path. */
export function stripModelsPrefix(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

function buildGenerationConfig(request: ChatRequest, options: BuildChatRequestOptions): GeminiGenerationConfig {
  const config: Mutable<GeminiGenerationConfig> = {};
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.reasoningEffort !== undefined && options.reasoningModel === true) addThinking(config, request.reasoningEffort, options);
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  if (request.stop !== undefined && request.stop.length > 0) config.stopSequences = request.stop;
  if (request.responseFormat !== undefined) addResponseFormat(config, request.responseFormat);
  return config;
}

/**
 * A thinking model (`reasoning` in the catalog) thinks within maxOutputTokens, so a caller's bound grows by the
 * effort's budget. One that thinks by level (`thinkingLevels`: Gemini 3 and later) is asked the level and no
 * budget, which Google documents for Gemini 2.5 (https://ai.google.dev/gemini-api/docs/thinking) and refuses
 * beside a level; any other is asked the budget. It is also asked for its thought summaries (`includeThoughts`),
 * which become the result's reasoning, and a stream's reasoning deltas.
 */
function addThinking(config: Mutable<GeminiGenerationConfig>, effort: ReasoningEffort, options: BuildChatRequestOptions): void {
  const level = options.thinkingLevels === undefined ? undefined : thinkingLevelOfEffort(effort, options.thinkingLevels);
  if (level !== undefined) {
    // Asked no thinking, a model that thinks by level is asked its least (`minimal`, else `low`), its thoughts not shown.
    config.thinkingConfig = effort === 'none' ? { thinkingLevel: level } : { thinkingLevel: level, includeThoughts: true };
    if (config.maxOutputTokens !== undefined) config.maxOutputTokens = boundWithReasoningRoom(leastThinkingEffort(effort), config.maxOutputTokens, options.maxOutputTokens);
    return;
  }
  // A budget model asked no thinking is sent nothing, as when no effort is asked: a budget of 0 turns thinking off on
  // some Gemini 2.5 models and not others (2.5 Pro cannot stop thinking), and the catalog lists none of them.
  if (effort === 'none') return;
  const thinking = reasoningWithinOptionalBound(effort, config.maxOutputTokens, options.maxOutputTokens);
  if (thinking === undefined) return;
  config.thinkingConfig = { thinkingBudget: thinking.budgetTokens, includeThoughts: true };
  if (thinking.maxTokens !== undefined) config.maxOutputTokens = thinking.maxTokens;
}

function addResponseFormat(config: Mutable<GeminiGenerationConfig>, responseFormat: ResponseFormat): void {
  switch (responseFormat.type) {
    case 'text':
      return;
    case 'json_object':
      config.responseMimeType = 'application/json';
      return;
    case 'json_schema':
      config.responseMimeType = 'application/json';
      config.responseSchema = convertJsonSchemaToGeminiSchema(responseFormat.schema);
      return;
  }
}

function toGeminiToolConfig(toolChoice: ToolChoice): GeminiToolConfig {
  if (typeof toolChoice === 'object') {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [toolChoice.name] } };
  }
  const mode = toolChoice === 'auto' ? 'AUTO' : toolChoice === 'required' ? 'ANY' : 'NONE';
  return { functionCallingConfig: { mode } };
}
