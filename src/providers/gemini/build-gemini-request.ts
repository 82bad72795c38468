import type { HttpRequestSpec } from '../../http/types.js';
import type { ChatRequest, ResponseFormat, ToolChoice } from '../../types.js';
import type { BuildChatRequestOptions, EndpointConfig } from '../wire-protocol.js';
import { convertJsonSchemaToGeminiSchema, isEmptyObjectSchema } from './convert-json-schema-to-gemini-schema.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
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
  const prompt = convertToGeminiContents(request.messages);
  const functionDeclarations = request.tools?.map(
    (tool): GeminiFunctionDeclaration => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      ...(isEmptyObjectSchema(tool.parameters) ? {} : { parameters: convertJsonSchemaToGeminiSchema(tool.parameters) }),
    }),
  );
  const hasTools = functionDeclarations !== undefined && functionDeclarations.length > 0;
  const body: GeminiGenerateContentRequestBody = {
    contents: prompt.contents,
    ...(prompt.systemText === undefined ? {} : { systemInstruction: { role: 'user', parts: [{ text: prompt.systemText }] } }),
    generationConfig: buildGenerationConfig(request),
    ...(hasTools ? { tools: [{ functionDeclarations }] } : {}),
    ...(hasTools && request.toolChoice !== undefined ? { toolConfig: toGeminiToolConfig(request.toolChoice) } : {}),
  };
  const method = options.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return {
    method: 'POST',
    url: `${options.endpoint.baseUrl}/v1beta/models/${encodeURIComponent(stripModelsPrefix(request.model))}:${method}`,
    headers: { 'content-type': 'application/json', ...buildGeminiHeaders(options.endpoint) },
    body: JSON.stringify(body),
  };
}

/** GET /v1beta/models: the cheapest call that proves the key works. */
export function buildGeminiModelsListRequest(endpoint: EndpointConfig): HttpRequestSpec {
  return { method: 'GET', url: `${endpoint.baseUrl}/v1beta/models`, headers: buildGeminiHeaders(endpoint) };
}

/** Gemini names models `models/gemini-2.5-flash`; the prefix is already in the URL path. */
function stripModelsPrefix(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

function buildGenerationConfig(request: ChatRequest): GeminiGenerationConfig {
  return {
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
    ...(request.topP === undefined ? {} : { topP: request.topP }),
    ...(request.stop === undefined || request.stop.length === 0 ? {} : { stopSequences: request.stop }),
    ...(request.responseFormat === undefined ? {} : toResponseFormatConfig(request.responseFormat)),
  };
}

function toResponseFormatConfig(responseFormat: ResponseFormat): GeminiGenerationConfig {
  switch (responseFormat.type) {
    case 'text':
      return {};
    case 'json_object':
      return { responseMimeType: 'application/json' };
    case 'json_schema':
      return { responseMimeType: 'application/json', responseSchema: convertJsonSchemaToGeminiSchema(responseFormat.schema) };
  }
}

function toGeminiToolConfig(toolChoice: ToolChoice): GeminiToolConfig {
  if (typeof toolChoice === 'object') {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [toolChoice.name] } };
  }
  const mode = toolChoice === 'auto' ? 'AUTO' : toolChoice === 'required' ? 'ANY' : 'NONE';
  return { functionCallingConfig: { mode } };
}
