/**
 * Validate an OpenAI chat.completions body and translate it to our messages and router options. Pure.
 * Nothing in a request chooses an upstream: a field or header that tries (`base_url`, `api_base`,
 * `upstream`, ...) is refused with a 400 before any upstream call.
 */
import type { CompleteOptions } from '../routing/router-options.js';
import type { Message, Mutable, ResponseFormat, ToolChoice, ToolDefinition } from '../types.js';
import { convertOpenAIMessages } from './convert-openai-messages.js';
import { GatewayHttpError, invalidRequest } from './gateway-http-error.js';
import type { ModelResolver, ResolvedModel } from './model-resolver.js';
import { isRecord } from '../json-value.js';

export interface ChatCompletionCall {
  readonly model: ResolvedModel;
  readonly messages: readonly Message[];
  /**
   * Everything but the signal, cache scope and deadline, which the gateway adds. A new object for each
   * request: the handler sets those on it instead of copying it.
   */
  readonly options: Mutable<CompleteOptions>;
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

type JsonObject = Readonly<Record<string, unknown>>;

/** Names that select where a request goes. No field of ours has such a name. */
const upstreamSelectorPattern =
  /(base[-_]?url|api[-_]?base|api[-_]?host|upstream|endpoint|server[-_]?url|target[-_]?url|^url$|^host$|^hostname$)/i;

/** Fields we read; their contents (messages, tool schemas) may hold any key, a tool may well take a `url`. */
const interpretedFields = new Set([
  'model',
  'messages',
  'tools',
  'tool_choice',
  'response_format',
  'stop',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stream',
  'stream_options',
  'n',
]);

/** A header that names an upstream, as some proxies accept. The gateway reads none of them and refuses them all. */
export function findUpstreamSelectorHeader(headerNames: readonly string[]): string | undefined {
  return headerNames.find((name) => /^x-/.test(name) && upstreamSelectorPattern.test(name.slice(2)));
}

/** The first key, at any depth of the fields we do not interpret, that names an upstream. */
function findUpstreamSelector(value: unknown, path: string, depth: number): string | undefined {
  if (depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = findUpstreamSelector(value[index], `${path}[${index}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const key of Object.keys(value)) {
    if (depth === 0 && interpretedFields.has(key)) continue;
    const keyPath = path ? `${path}.${key}` : key;
    if (upstreamSelectorPattern.test(key)) return keyPath;
    const found = findUpstreamSelector(value[key], keyPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function numberField(body: JsonObject, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`${name} must be a number.`, name);
  return value;
}

function toolsOf(value: unknown): ToolDefinition[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidRequest('tools must be an array.', 'tools');
  return value.map((tool: unknown, index): ToolDefinition => {
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) {
      throw invalidRequest(`tools[${index}] must be {"type":"function","function":{...}}.`, 'tools');
    }
    const { name, description, parameters } = tool.function;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
      throw invalidRequest(`tools[${index}].function.name must be 1 to 64 letters, digits, _ or -.`, 'tools');
    }
    if (description !== undefined && typeof description !== 'string') {
      throw invalidRequest(`tools[${index}].function.description must be a string.`, 'tools');
    }
    if (parameters !== undefined && !isRecord(parameters)) {
      throw invalidRequest(`tools[${index}].function.parameters must be a JSON Schema object.`, 'tools');
    }
    return {
      name,
      parameters: parameters ?? { type: 'object', properties: {} },
      ...(description !== undefined ? { description } : {}),
    };
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

function stopOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length > 4 || list.some((entry) => typeof entry !== 'string' || entry.length === 0)) {
    throw invalidRequest('stop must be a string or an array of up to 4 non-empty strings.', 'stop');
  }
  return list as string[];
}

function booleanField(body: JsonObject, name: string): boolean {
  const value = body[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalidRequest(`${name} must be true or false.`, name);
  return value;
}

export function modelNotFound(model: string): GatewayHttpError {
  return new GatewayHttpError({
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_found',
    param: 'model',
    message:
      `The model '${model.slice(0, 200)}' does not exist here. Use provider/model (openai/gpt-4o-mini), ` +
      'a tier alias (tier-1, tier-2, tier-3) or a configured route name; GET /v1/models lists them.',
  });
}

export function parseChatCompletionRequest(body: unknown, resolver: ModelResolver): ChatCompletionCall {
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  const selector = findUpstreamSelector(body, '', 0);
  if (selector) {
    throw invalidRequest(`The field ${selector} is not accepted: the upstream is chosen by the gateway's configuration only.`, selector, 'unsupported_parameter');
  }
  if (typeof body.model !== 'string' || body.model.length === 0) throw invalidRequest('model is required.', 'model');
  const model = resolver.resolve(body.model);
  if (!model) throw modelNotFound(body.model);
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw invalidRequest('Only n = 1 is supported.', 'n', 'unsupported_parameter');
  const messages = convertOpenAIMessages(body.messages);
  const maxTokens = numberField(body, 'max_completion_tokens') ?? numberField(body, 'max_tokens');
  const temperature = numberField(body, 'temperature');
  const topP = numberField(body, 'top_p');
  const stop = stopOf(body.stop);
  const tools = toolsOf(body.tools);
  const toolChoice = toolChoiceOf(body.tool_choice);
  const responseFormat = responseFormatOf(body.response_format);
  const stream = booleanField(body, 'stream');
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && !isRecord(streamOptions)) {
    throw invalidRequest('stream_options must be an object.', 'stream_options');
  }
  const includeUsage = stream && isRecord(streamOptions) && streamOptions.include_usage === true;
  // Built by assignment: eleven conditional spreads here cost more per request than the rest of the parse.
  const options: Mutable<CompleteOptions> = {};
  if (model.route !== undefined) options.route = model.route;
  if (model.tier !== undefined) options.tier = model.tier;
  if (model.parallelAttempts !== undefined) options.parallelAttempts = model.parallelAttempts;
  if (model.hedge !== undefined) options.hedge = model.hedge;
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  if (temperature !== undefined) options.temperature = temperature;
  if (topP !== undefined) options.topP = topP;
  if (stop !== undefined) options.stop = stop;
  if (tools !== undefined && tools.length > 0) options.tools = tools;
  if (toolChoice !== undefined) options.toolChoice = toolChoice;
  if (responseFormat !== undefined) options.responseFormat = responseFormat;
  return { model, messages, options, stream, includeUsage };
}
