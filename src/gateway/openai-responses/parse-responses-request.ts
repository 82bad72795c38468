/**
 * Validate an OpenAI Responses body (POST /v1/responses) and translate it to our messages and router
 * options. Pure. Item references are resolved before (stored-responses.ts), where the gateway keeps the items it
 * answered; `store` says whether this answer's are kept, and a `previous_response_id`'s conversation is put before the
 * input there too. Without, `previous_response_id` is refused, and always `conversation`, stored `prompt` templates and
 * `background`, with a 400 that says to send the conversation as `input`. `reasoning.effort` is asked of reasoning
 * models (reasoning-fields.ts); `include: ["reasoning.encrypted_content"]` has reasoning items carry Anthropic's
 * signed thinking (encrypted-reasoning-content.ts); `reasoning.summary`, `text.verbosity`, `truncation`,
 * the rest of `include`, `user` and `metadata` are accepted and not passed on; token log probabilities are refused. The parameters an answer echoes are read here once
 * (responses-echo.ts). Hosted tools (web search, file search,
 * code interpreter...) run only at OpenAI: their declarations are accepted and not passed on, and their past
 * calls in the history are left out. Custom (free-form) tools become functions of one string, `input`.
 */
import { isRecord } from '../../json-value.js';
import type { Mutable, ResponseFormat, ToolChoice, ToolDefinition } from '../../types.js';
import type { GatewayCall } from '../gateway-dialect.js';
import { invalidRequest } from '../gateway-http-error.js';
import type { ModelResolver } from '../model-resolver.js';
import { convertResponsesInput } from './convert-responses-input.js';
import { type RequestTurn, requestInputItems } from './kept-turn.js';
import { responsesReasoningEffortOf } from '../reasoning-fields.js';
import { responsesEchoOf } from './responses-echo.js';
import {
  booleanField,
  numberField,
  optionalBooleanField,
  refuseUpstreamSelectors,
  resolveModelField,
  routingOptionsOf,
  toolDefinitionOf,
  toolsField,
} from '../request-fields.js';

/** Fields whose contents may hold any key (a tool's schema may well have a `url` property). */
const interpretedFields: ReadonlySet<string> = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'text',
  'max_output_tokens',
  'temperature',
  'top_p',
  'stream',
]);

/** A free-form tool as every provider takes it: a function of one string. */
const freeformParameters = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The input, as free-form text.' } },
  required: ['input'],
  additionalProperties: false,
} as const;

function toolsOf(value: unknown, freeformTools: Set<string>): ToolDefinition[] | undefined {
  return toolsField(value, (tool, index) => {
    if (!isRecord(tool)) throw invalidRequest(`tools[${index}] must be an object.`, 'tools');
    const path = `tools[${index}]`;
    if (tool.type === 'function') {
      // `strict` as the client sent it: left out, it stays out (OpenAI's own default is strict, which an
      // upstream would enforce on schemas that may not meet strict mode's rules, refusing the call).
      const fields = { name: tool.name, description: tool.description ?? undefined, schema: tool.parameters ?? undefined, strict: tool.strict };
      return toolDefinitionOf(fields, path, {
        schemaName: 'parameters',
        schemaRequired: false,
      });
    }
    if (tool.type === 'custom') {
      const definition = toolDefinitionOf({ name: tool.name, description: tool.description ?? undefined, schema: freeformParameters }, path, {
        schemaName: 'format',
        schemaRequired: true,
      });
      freeformTools.add(definition.name);
      return definition;
    }
    if (typeof tool.type !== 'string') throw invalidRequest(`${path}.type is required.`, 'tools');
    // A hosted tool runs only at OpenAI: declared, and left out.
    return undefined;
  });
}

/** `allowed_tools` keeps its mode (the list it narrows to is not passed on); a hosted tool's choice is `auto`. */
function toolChoiceOf(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (isRecord(value)) {
    if ((value.type === 'function' || value.type === 'custom') && typeof value.name === 'string' && value.name !== '') return { name: value.name };
    if (value.type === 'allowed_tools') return value.mode === 'required' ? 'required' : 'auto';
    if (typeof value.type === 'string' && value.type !== 'function' && value.type !== 'custom') return 'auto';
  }
  throw invalidRequest('tool_choice must be "auto", "none", "required" or {"type":"function","name":...}.', 'tool_choice');
}

/** `text.format`: text, json_object, or json_schema with its schema. */
function responseFormatOf(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = isRecord(value) ? value.format : undefined;
  if (format === undefined || format === null) return undefined;
  if (isRecord(format) && format.type === 'text') return { type: 'text' };
  if (isRecord(format) && format.type === 'json_object') return { type: 'json_object' };
  if (isRecord(format) && format.type === 'json_schema' && isRecord(format.schema)) {
    const responseFormat: Mutable<Extract<ResponseFormat, { type: 'json_schema' }>> = { type: 'json_schema', schema: format.schema };
    if (typeof format.name === 'string') responseFormat.name = format.name;
    if (typeof format.strict === 'boolean') responseFormat.strict = format.strict;
    return responseFormat;
  }
  throw invalidRequest('text.format must be text, json_object, or json_schema with a schema.', 'text');
}

/**
 * Token log probabilities (`top_logprobs` above 0, `include` of `message.output_text.logprobs`): refused, as in chat
 * completions, since no provider is asked for them and an answer without them would look like one with them.
 * Codex's `include: ["reasoning.encrypted_content"]` is read by the parse (encrypted-reasoning-content.ts).
 */
function refuseLogprobs(body: Readonly<Record<string, unknown>>): void {
  const topLogprobs = body.top_logprobs;
  const include = Array.isArray(body.include) ? body.include : [];
  const param = topLogprobs !== undefined && topLogprobs !== null && topLogprobs !== 0 ? 'top_logprobs' : include.includes('message.output_text.logprobs') ? 'include' : undefined;
  if (param !== undefined) {
    throw invalidRequest(`${param} is not supported: no provider is asked for token log probabilities.`, param, 'unsupported_parameter');
  }
}

export interface ParseResponsesOptions {
  /** The gateway keeps answers (`storedResponses`): one whose request did not say `store: false` is kept. */
  readonly storing: boolean;
  /** What resolving the body (stored-responses.ts) found of the request's own turn; absent when it named nothing kept. */
  readonly turn?: RequestTurn;
}

function previousResponseIdOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') throw invalidRequest('previous_response_id must be the id of a response (resp_...).', 'previous_response_id');
  return value;
}

export function parseResponsesRequest(body: unknown, resolver: ModelResolver, parse: ParseResponsesOptions = { storing: false }): GatewayCall {
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  refuseUpstreamSelectors(body, interpretedFields);
  // Where the gateway keeps answers, the previous response's conversation is already before the input (stored-responses.ts).
  const previousResponseId = parse.storing ? previousResponseIdOf(body.previous_response_id) : null;
  for (const stateful of ['previous_response_id', 'conversation', 'prompt', 'background'] as const) {
    const value = body[stateful];
    if (value === undefined || value === null || value === false || (stateful === 'previous_response_id' && parse.storing)) continue;
    throw invalidRequest(
      `${stateful} is not supported: this gateway keeps no conversations or prompts (its answers may come from any provider), and keeps responses only where storedResponses is enabled; send the whole conversation as input.`,
      stateful,
      'unsupported_parameter',
    );
  }
  refuseLogprobs(body);
  const model = resolveModelField(body, resolver);
  const messages = convertResponsesInput(body);
  const maxTokens = numberField(body, 'max_output_tokens');
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) {
    throw invalidRequest('max_output_tokens must be a positive integer.', 'max_output_tokens');
  }
  const temperature = numberField(body, 'temperature');
  const topP = numberField(body, 'top_p');
  const freeformTools = new Set<string>();
  const tools = toolsOf(body.tools, freeformTools);
  const toolChoice = toolChoiceOf(body.tool_choice);
  const parallelToolCalls = optionalBooleanField(body, 'parallel_tool_calls');
  const responseFormat = responseFormatOf(body.text);
  const reasoningEffort = responsesReasoningEffortOf(body.reasoning);
  const stream = booleanField(body, 'stream');
  const store = optionalBooleanField(body, 'store');
  const keepAnswer = parse.storing && store !== false;
  const responsesEcho = responsesEchoOf(body, { store: keepAnswer, previousResponseId });
  const options = routingOptionsOf(model);
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  if (temperature !== undefined) options.temperature = temperature;
  if (topP !== undefined) options.topP = topP;
  if (tools !== undefined && tools.length > 0) options.tools = tools;
  if (toolChoice !== undefined) options.toolChoice = toolChoice;
  if (parallelToolCalls === false) options.parallelToolCalls = false;
  if (responseFormat !== undefined) options.responseFormat = responseFormat;
  if (reasoningEffort !== undefined) options.reasoningEffort = reasoningEffort;
  const call: Mutable<GatewayCall> = { model, messages, options, stream, includeUsage: true, responsesEcho };
  if (freeformTools.size > 0) call.freeformTools = freeformTools;
  if (Array.isArray(body.include) && body.include.includes('reasoning.encrypted_content')) call.includeEncryptedReasoning = true;
  if (keepAnswer) call.keepAnswer = parse.turn ?? { input: requestInputItems(body.input), names: [] };
  return call;
}
