import type { HttpRequestSpec } from '../../http/types.js';
import type { ChatRequest, ResponseFormat, ToolChoice } from '../../types.js';
import type { BuildChatRequestOptions, EndpointConfig } from '../wire-protocol.js';
import { convertToOpenAIChatMessages } from './convert-to-openai-chat-messages.js';
import type { OpenAIChatRequestBody, OpenAIResponseFormat, OpenAIToolChoice } from './openai-chat-wire-types.js';

/** `POST {baseUrl}/chat/completions`. The key goes in the authorization header and nowhere else. */
export function buildOpenAIChatRequest(request: ChatRequest, options: BuildChatRequestOptions): HttpRequestSpec {
  return {
    method: 'POST',
    url: `${options.endpoint.baseUrl}/chat/completions`,
    headers: {
      ...buildOpenAIHeaders(options.endpoint),
      'content-type': 'application/json',
      accept: options.stream ? 'text/event-stream' : 'application/json',
    },
    body: JSON.stringify(buildOpenAIChatRequestBody(request, options)),
  };
}

/**
 * The JSON body. A reasoning model takes `max_completion_tokens` and refuses `temperature` and `top_p`,
 * which are left out. A stream asks for its usage (`stream_options.include_usage`).
 */
export function buildOpenAIChatRequestBody(
  request: ChatRequest,
  options: Pick<BuildChatRequestOptions, 'stream' | 'reasoningModel'>,
): OpenAIChatRequestBody {
  const reasoningModel = options.reasoningModel === true;
  const tools = request.tools ?? [];
  return {
    model: request.model,
    messages: convertToOpenAIChatMessages(request.messages),
    ...(request.temperature !== undefined && !reasoningModel && { temperature: request.temperature }),
    ...(request.maxTokens !== undefined &&
      (reasoningModel ? { max_completion_tokens: request.maxTokens } : { max_tokens: request.maxTokens })),
    ...(request.topP !== undefined && !reasoningModel && { top_p: request.topP }),
    ...(request.stop !== undefined && request.stop.length > 0 && { stop: request.stop }),
    ...(tools.length > 0 && {
      tools: tools.map((tool) => ({
        type: 'function' as const,
        function: {
          name: tool.name,
          ...(tool.description !== undefined && { description: tool.description }),
          parameters: tool.parameters,
        },
      })),
    }),
    ...(request.toolChoice !== undefined && { tool_choice: convertToolChoice(request.toolChoice) }),
    ...(request.responseFormat !== undefined && { response_format: convertResponseFormat(request.responseFormat) }),
    ...(options.stream && { stream: true as const, stream_options: { include_usage: true as const } }),
  };
}

/** Authorization when the endpoint has a key (a local server may take none). */
export function buildOpenAIHeaders(endpoint: EndpointConfig): Record<string, string> {
  return endpoint.apiKey === '' ? {} : { authorization: `Bearer ${endpoint.apiKey}` };
}

function convertToolChoice(choice: ToolChoice): OpenAIToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function convertResponseFormat(format: ResponseFormat): OpenAIResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name ?? 'response',
      schema: format.schema,
      ...(format.strict !== undefined && { strict: format.strict }),
    },
  };
}
