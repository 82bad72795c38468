import { InvalidArgumentError } from '../../errors.js';
import type { HttpRequestSpec } from '../../http/types.js';
import type { ChatRequest, Mutable, ResponseFormat, ToolChoice } from '../../types.js';
import { type BuildChatRequestOptions, type EndpointConfig, endpointUrl } from '../wire-protocol.js';
import { convertToOpenAIChatMessages } from './convert-to-openai-chat-messages.js';
import { openAIWireEffortOf } from './openai-wire-effort.js';
import type { OpenAIChatRequestBody, OpenAIResponseFormat, OpenAIToolChoice } from './openai-chat-wire-types.js';

/** `POST {baseUrl}/chat/completions`. The key goes in the authorization header and nowhere else. */
export function buildOpenAIChatRequest(request: ChatRequest, options: BuildChatRequestOptions): HttpRequestSpec {
  const headers: Record<string, string> = buildOpenAIHeaders(options.endpoint);
  headers['content-type'] = 'application/json';
  headers.accept = options.stream ? 'text/event-stream' : 'application/json';
  return {
    method: 'POST',
    url: endpointUrl(options.endpoint, '/chat/completions'),
    headers,
    body: JSON.stringify(buildOpenAIChatRequestBody(request, options)),
  };
}

/**
 * The JSON body. A reasoning model takes `max_completion_tokens` and refuses `temperature` and `top_p`,
 * which are left out; it alone is sent `reasoning_effort` (for `'none'`, its `leastReasoningEffort`). A stream asks for its usage (`stream_options.include_usage`). Built by assignment,
 * not by spreading conditional objects: this runs on every call.
 */
export function buildOpenAIChatRequestBody(
  request: ChatRequest,
  options: Pick<BuildChatRequestOptions, 'stream' | 'reasoningModel' | 'toolCallsNeedReasoningContent' | 'chatCompletionsTools' | 'leastReasoningEffort'>,
): OpenAIChatRequestBody {
  const reasoningModel = options.reasoningModel === true;
  const tools = request.tools;
  const hasTools = tools !== undefined && tools.length > 0;
  if (hasTools && options.chatCompletionsTools === 'refused') throw refusedTools(request.model);
  const body: Mutable<OpenAIChatRequestBody> = {
    model: request.model,
    messages: convertToOpenAIChatMessages(request.messages, { toolCallsNeedReasoningContent: options.toolCallsNeedReasoningContent === true }),
  };
  if (request.temperature !== undefined && !reasoningModel) body.temperature = request.temperature;
  if (request.maxTokens !== undefined) {
    if (reasoningModel) body.max_completion_tokens = request.maxTokens;
    else body.max_tokens = request.maxTokens;
  }
  if (request.topP !== undefined && !reasoningModel) body.top_p = request.topP;
  if (request.seed !== undefined) body.seed = request.seed;
  // Reasoning models refuse the penalties, as they refuse temperature (400 unsupported_parameter).
  if (request.presencePenalty !== undefined && !reasoningModel) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined && !reasoningModel) body.frequency_penalty = request.frequencyPenalty;
  if (request.stop !== undefined && request.stop.length > 0) {
    body.stop = request.stop;
  }
  if (hasTools) {
    body.tools = tools.map((tool) => ({
      type: 'function' as const,
      function: {
        name: tool.name,
        ...(tool.description !== undefined && { description: tool.description }),
        parameters: tool.parameters,
        ...(tool.strict !== undefined && { strict: tool.strict }),
      },
    }));
  }
  // OpenAI refuses a tool_choice without tools (a caller's tools may all have been hosted ones, left out).
  if (hasTools && request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
  // Only the departure from the default is sent, and only with tools (OpenAI refuses it without); reasoning
  // models refuse it altogether (400 unsupported_parameter), like temperature.
  if (hasTools && request.parallelToolCalls === false && !reasoningModel) body.parallel_tool_calls = false;
  if (request.responseFormat !== undefined) body.response_format = convertResponseFormat(request.responseFormat);
  // Only to reasoning models: the others refuse the field (400), which would end the call instead of answering.
  // With tools, a model that takes them only without reasoning is told so whatever the caller asked: OpenAI refuses
  // it the tools otherwise, also when no effort is given.
  if (hasTools && reasoningModel && options.chatCompletionsTools === 'without-reasoning') body.reasoning_effort = 'none';
  else if (request.reasoningEffort !== undefined && reasoningModel) {
    const effort = openAIWireEffortOf(request.reasoningEffort, options.leastReasoningEffort);
    if (effort !== undefined) body.reasoning_effort = effort;
  }
  if (options.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

/**
 * Our refusal of a request with tools to a model that takes none on chat completions (`chatCompletionsTools:
 * 'refused'`): nothing is sent, and the provider's `generation_failed` that carries it lets the call fail over.
 */
function refusedTools(model: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'tools',
    message: `${model} takes no function tools on chat completions (OpenAI refuses them with every reasoning effort it has): the call goes to another model.`,
  });
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
