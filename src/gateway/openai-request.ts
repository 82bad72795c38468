/**
 * Validate an OpenAI chat.completions body and translate it to our messages and router options. Pure.
 * Nothing in a request chooses an upstream: a field that tries (`base_url`, `api_base`, `upstream`, ...)
 * is refused with a 400 before any upstream call (request-fields.ts). `metadata` (the caller's own tags) is
 * accepted whatever its keys, and not passed on. Fields asking for an answer of another shape (log probabilities,
 * audio, several choices, legacy `functions`) are refused with a 400 naming them; other fields this parse does not
 * read are accepted and not passed on (README, "Fields the gateway does not read").
 */
import type { ResponseFormat, ToolChoice, ToolDefinition } from '../types.js';
import { convertOpenAIMessages } from './convert-openai-messages.js';
import { openAIReasoningEffortOf } from './reasoning-fields.js';
import { invalidRequest } from './gateway-http-error.js';
import type { GatewayCall } from './gateway-dialect.js';
import type { ModelResolver } from './model-resolver.js';
import { isRecord } from '../json-value.js';
import {
  booleanField,
  numberField,
  optionalBooleanField,
  refuseUpstreamSelectors,
  resolveModelField,
  routingOptionsOf,
  stopSequencesField,
  toolDefinitionOf,
  toolsField,
} from './request-fields.js';

/** Fields we read; a key naming an upstream anywhere else is refused. */
const interpretedFields: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'stop',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'stream',
  'stream_options',
  'n',
  'logprobs',
  'top_logprobs',
]);

function toolsOf(value: unknown): ToolDefinition[] | undefined {
  return toolsField(value, (tool, index) => {
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) {
      throw invalidRequest(`tools[${index}] must be {"type":"function","function":{...}}.`, 'tools');
    }
    const { name, description, parameters, strict } = tool.function;
    return toolDefinitionOf({ name, description, schema: parameters, strict }, `tools[${index}].function`, { schemaName: 'parameters', schemaRequired: false });
  });
}

function toolChoiceOf(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (isRecord(value) && value.type === 'function' && isRecord(value.function) && typeof value.function.name === 'string') {
    return { name: value.function.name };
  }
  throw invalidRequest('tool_choice must be "auto", "none", "required" or {"type":"function","function":{"name":...}}.', 'tool_choice');
}

function responseFormatOf(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalidRequest('response_format must be an object.', 'response_format');
  if (value.type === 'text') return { type: 'text' };
  if (value.type === 'json_object') return { type: 'json_object' };
  if (value.type === 'json_schema' && isRecord(value.json_schema) && isRecord(value.json_schema.schema)) {
    const { name, schema, strict } = value.json_schema;
    return {
      type: 'json_schema',
      schema,
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof strict === 'boolean' ? { strict } : {}),
    };
  }
  throw invalidRequest('response_format must be text, json_object, or json_schema with a json_schema.schema object.', 'response_format');
}

/**
 * Fields that ask for an answer of another shape than the gateway gives, refused with a 400 naming them rather
 * than ignored: an answer without what they ask for would look like an answer to the question asked. Token log
 * probabilities (no provider is asked for them; most of those a call may fail over to have none; `top_logprobs: 0`
 * asks for none), spoken output (`modalities` with `audio`, or `audio`: the answer would have no `message.audio`),
 * and the legacy `functions` (its client waits for a `function_call` that never comes; `tools` is the same thing).
 */
function refuseUnanswerableFields(body: Readonly<Record<string, unknown>>): void {
  if (optionalBooleanField(body, 'logprobs') === true) {
    throw invalidRequest('logprobs is not supported: no provider is asked for token log probabilities.', 'logprobs', 'unsupported_parameter');
  }
  const topLogprobs = body.top_logprobs;
  if (topLogprobs !== undefined && topLogprobs !== null && topLogprobs !== 0) {
    throw invalidRequest('top_logprobs is not supported: no provider is asked for token log probabilities.', 'top_logprobs', 'unsupported_parameter');
  }
  if ((Array.isArray(body.modalities) && body.modalities.includes('audio')) || (body.audio !== undefined && body.audio !== null)) {
    const param = body.audio !== undefined && body.audio !== null ? 'audio' : 'modalities';
    throw invalidRequest(`${param} is not supported: answers are text only (modalities: ["text"]).`, param, 'unsupported_parameter');
  }
  if (Array.isArray(body.functions) && body.functions.length > 0) {
    throw invalidRequest(
      'functions (and function_call) are not supported: declare them as tools, [{"type":"function","function":{...}}], and answers call them as tool_calls.',
      'functions',
      'unsupported_parameter',
    );
  }
}

export function parseChatCompletionRequest(body: unknown, resolver: ModelResolver): GatewayCall {
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  refuseUpstreamSelectors(body, interpretedFields);
  const model = resolveModelField(body, resolver);
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw invalidRequest('Only n = 1 is supported.', 'n', 'unsupported_parameter');
  refuseUnanswerableFields(body);
  const messages = convertOpenAIMessages(body.messages);
  const maxTokens = numberField(body, 'max_completion_tokens') ?? numberField(body, 'max_tokens');
  const temperature = numberField(body, 'temperature');
  const topP = numberField(body, 'top_p');
  const seed = numberField(body, 'seed');
  const presencePenalty = numberField(body, 'presence_penalty');
  const frequencyPenalty = numberField(body, 'frequency_penalty');
  const stop = stopSequencesField(body, 'stop', { allowString: true });
  const tools = toolsOf(body.tools);
  const toolChoice = toolChoiceOf(body.tool_choice);
  const parallelToolCalls = optionalBooleanField(body, 'parallel_tool_calls');
  const responseFormat = responseFormatOf(body.response_format);
  const reasoningEffort = openAIReasoningEffortOf(body.reasoning_effort, 'reasoning_effort');
  const stream = booleanField(body, 'stream');
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && !isRecord(streamOptions)) {
    throw invalidRequest('stream_options must be an object.', 'stream_options');
  }
  const includeUsage = stream && isRecord(streamOptions) && streamOptions.include_usage === true;
  // Built by assignment: eleven conditional spreads here cost more per request than the rest of the parse.
  const options = routingOptionsOf(model);
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  if (temperature !== undefined) options.temperature = temperature;
  if (topP !== undefined) options.topP = topP;
  if (seed !== undefined) options.seed = seed;
  if (presencePenalty !== undefined) options.presencePenalty = presencePenalty;
  if (frequencyPenalty !== undefined) options.frequencyPenalty = frequencyPenalty;
  if (stop !== undefined) options.stop = stop;
  if (tools !== undefined && tools.length > 0) options.tools = tools;
  if (toolChoice !== undefined) options.toolChoice = toolChoice;
  if (parallelToolCalls === false) options.parallelToolCalls = false;
  if (responseFormat !== undefined) options.responseFormat = responseFormat;
  if (reasoningEffort !== undefined) options.reasoningEffort = reasoningEffort;
  return { model, messages, options, stream, includeUsage };
}
