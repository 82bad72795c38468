import { InvalidArgumentError } from '../../errors.js';
import type { HttpRequestSpec } from '../../http/types.js';
import type { ChatRequest, Mutable, ResponseFormat, ToolChoice } from '../../types.js';
import { buildOpenAIHeaders } from '../openai-compatible/build-openai-chat-request.js';
import { openAIWireEffortOf } from '../openai-compatible/openai-wire-effort.js';
import { type BuildChatRequestOptions, endpointUrl } from '../wire-protocol.js';
import { convertToOpenAIResponsesInput } from './convert-to-openai-responses-input.js';
import type { OpenAIResponsesRequestBody, OpenAIResponsesTextFormat, OpenAIResponsesToolChoice } from './openai-responses-wire-types.js';

/** `POST {baseUrl}/responses`, with the headers of chat completions: the key in the authorization header only. */
export function buildOpenAIResponsesRequest(request: ChatRequest, options: BuildChatRequestOptions): HttpRequestSpec {
  const headers: Record<string, string> = buildOpenAIHeaders(options.endpoint);
  headers['content-type'] = 'application/json';
  headers.accept = options.stream ? 'text/event-stream' : 'application/json';
  return {
    method: 'POST',
    url: endpointUrl(options.endpoint, '/responses'),
    headers,
    body: JSON.stringify(buildOpenAIResponsesRequestBody(request, { ...options, providerId: options.endpoint.providerId })),
  };
}

/**
 * The JSON body, always `store: false`. Unlike chat completions, the Responses API takes function tools from a
 * reasoning model at every effort, so a call with tools is sent the caller's effort as asked (for `'none'`, the model's
 * `leastReasoningEffort`, or none when the catalog does not give it). A reasoning model
 * takes no `temperature` or `top_p` (400 "Unsupported parameter: 'temperature' is not supported with this model.",
 * vercel/ai `packages/openai/src/responses/__fixtures__/reasoning-model-temperature-error.json`) nor penalties,
 * which are left out as on chat completions. A reasoning model is asked its reasoning items' encrypted content
 * (`include: ["reasoning.encrypted_content"]`, as the AI SDK and Codex ask it with `store: false`), which the next
 * turn gives back (convert-to-openai-responses-input.ts). It is asked its reasoning summary (`summary: 'auto'`) only
 * for a provider that opts in (`reasoningSummaries`): OpenAI refuses one to an organization it has not verified (400
 * `reasoning.summary` "Your organization must be verified to generate reasoning summaries", continuedev/continue#9918),
 * which would lose such an organization OpenAI on every call; a summary a model gives unasked is still read. The
 * Responses API has no `stop`: a
 * call with stop sequences is refused before anything is sent, and the call fails over (sending it without them
 * would let the model run past where the caller asked it to stop). It has no `seed` either, which is left out, as
 * for Anthropic: a seed is a hint, not a promise.
 */
export function buildOpenAIResponsesRequestBody(
  request: ChatRequest,
  options: Pick<BuildChatRequestOptions, 'stream' | 'reasoningModel' | 'reasoningSummaries' | 'leastReasoningEffort'> & { readonly providerId: string },
): OpenAIResponsesRequestBody {
  if (request.stop !== undefined && request.stop.length > 0) throw refusedStop(request.model);
  const reasoningModel = options.reasoningModel === true;
  const body: Mutable<OpenAIResponsesRequestBody> = {
    model: request.model,
    input: convertToOpenAIResponsesInput(request.messages, { reasoningModel, providerId: options.providerId }),
    store: false,
  };
  if (reasoningModel) body.include = encryptedReasoning;
  if (!reasoningModel) {
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
    if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  }
  if (request.maxTokens !== undefined) body.max_output_tokens = request.maxTokens;
  const tools = request.tools;
  if (tools !== undefined && tools.length > 0) {
    body.tools = tools.map((tool) => ({
      type: 'function' as const,
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: tool.parameters,
      ...(tool.strict !== undefined && { strict: tool.strict }),
    }));
    if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
    if (request.parallelToolCalls === false) body.parallel_tool_calls = false;
  }
  if (request.responseFormat !== undefined) body.text = { format: convertResponseFormat(request.responseFormat) };
  if (reasoningModel) {
    const effort = openAIWireEffortOf(request.reasoningEffort, options.leastReasoningEffort);
    // No summary of no reasoning: `none` asks the model not to reason at all.
    const summary = options.reasoningSummaries === true && effort !== 'none' ? ({ summary: 'auto' } as const) : undefined;
    if (effort !== undefined) body.reasoning = { effort, ...summary };
    else if (summary !== undefined) body.reasoning = summary;
  }
  if (options.stream) body.stream = true;
  return body;
}

const encryptedReasoning = ['reasoning.encrypted_content'] as const;

/** Our refusal of stop sequences, which the Responses API cannot be given: nothing is sent, and the call fails over. */
function refusedStop(model: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'stop',
    message: `${model} is asked through OpenAI's Responses API, which takes no stop sequences: the call goes to another model.`,
  });
}

function convertToolChoice(choice: ToolChoice): OpenAIResponsesToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.name };
}

function convertResponseFormat(format: ResponseFormat): OpenAIResponsesTextFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    name: format.name ?? 'response',
    schema: format.schema,
    ...(format.strict !== undefined && { strict: format.strict }),
  };
}
