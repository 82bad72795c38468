/**
 * Validate an Anthropic Messages body (POST /v1/messages) and translate it to our messages and router
 * options. Pure. As Anthropic's own API does, `max_tokens` is required. `thinking` becomes a reasoning effort
 * by its budget, or adaptive thinking by `output_config.effort`, and `disabled` the effort `none` (reasoning-fields.ts),
 * asked of the models that reason. `top_k` and `metadata` are accepted and not passed on: not every provider a call may fail over to has them.
 * Anthropic's web search and web fetch server tools go to Anthropic alone (messages-server-tool-blocks.ts).
 */
import { isRecord } from '../../json-value.js';
import type { ProviderJsonObject, ResponseFormat, ServerTools, ToolChoice, ToolDefinition } from '../../types.js';
import type { GatewayCall } from '../gateway-dialect.js';
import { invalidRequest } from '../gateway-http-error.js';
import type { ModelResolver } from '../model-resolver.js';
import {
  booleanField,
  cacheBreakpointOf,
  numberField,
  quotedValueOf,
  refuseUpstreamSelectors,
  resolveModelField,
  routingOptionsOf,
  stopSequencesField,
  toolDefinitionOf,
  toolsField,
} from '../request-fields.js';
import { convertAnthropicRequestMessages } from './convert-anthropic-request-messages.js';
import { thinkingEffortOf } from '../reasoning-fields.js';
import { messagesServerToolsProvider, passedServerToolOf } from './messages-server-tool-blocks.js';

/**
 * Fields we read; a key naming an upstream anywhere else is refused, in `thinking` too (never a place for a
 * URL). `metadata` is the caller's own tags, ignored whatever its keys (request-fields.ts).
 */
const interpretedFields: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'temperature',
  'top_p',
  'stop_sequences',
  'stream',
  'tools',
  'tool_choice',
  'output_config',
]);

/** The client's tools: custom tools as ours, and the server tools passed to Anthropic as they came, apart. */
function toolsOf(value: unknown): { readonly tools: ToolDefinition[] | undefined; readonly serverTools: ServerTools | undefined } {
  const passed: ProviderJsonObject[] = [];
  const tools = toolsField(value, (tool, index) => {
    if (!isRecord(tool)) throw invalidRequest(`tools[${index}] must be an object.`, 'tools');
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      const serverTool = passedServerToolOf(tool);
      if (serverTool !== undefined) {
        passed.push(serverTool);
        return undefined;
      }
      throw invalidRequest(
        `tools[${index}] is a server tool (${quotedValueOf(tool.type)}) the gateway does not pass on; custom tools (name, description, ` +
          "input_schema) and Anthropic's web search and web fetch server tools (web_search_20250305, web_fetch_20250910 and their newer " +
          'versions, with a name) are supported.',
        'tools',
        'unsupported_parameter',
      );
    }
    const fields = { name: tool.name, description: tool.description, schema: tool.input_schema };
    const definition = toolDefinitionOf(fields, `tools[${index}]`, { schemaName: 'input_schema', schemaRequired: true });
    const breakpoint = cacheBreakpointOf(tool, 'tools', 'tools', index);
    return breakpoint !== undefined ? { ...definition, cacheBreakpoint: breakpoint } : definition;
  });
  return { tools, serverTools: passed.length === 0 ? undefined : { provider: messagesServerToolsProvider, tools: passed } };
}

/** auto, any (some tool must be called), tool (that one), none. `disable_parallel_tool_use` is read beside it. */
function toolChoiceOf(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (isRecord(value)) {
    if (value.type === 'auto') return 'auto';
    if (value.type === 'any') return 'required';
    if (value.type === 'none') return 'none';
    if (value.type === 'tool' && typeof value.name === 'string' && value.name.length > 0) return { name: value.name };
  }
  throw invalidRequest('tool_choice must be {"type":"auto"}, {"type":"any"}, {"type":"none"} or {"type":"tool","name":...}.', 'tool_choice');
}

/** `tool_choice.disable_parallel_tool_use`: at most one tool call per answer. */
function oneCallOnlyOf(toolChoice: unknown): boolean {
  const value = isRecord(toolChoice) ? toolChoice.disable_parallel_tool_use : undefined;
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') {
    throw invalidRequest('tool_choice.disable_parallel_tool_use must be true or false.', 'tool_choice.disable_parallel_tool_use');
  }
  return value;
}

/**
 * Structured output (`output_config.format`, a JSON Schema) as our response format, which OpenAI-wire and
 * Gemini providers enforce; `effort` is read with adaptive thinking only.
 */
function responseFormatOf(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalidRequest('output_config must be an object.', 'output_config');
  const format = value.format;
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format) || format.type !== 'json_schema' || !isRecord(format.schema)) {
    throw invalidRequest('output_config.format must be {"type":"json_schema","schema":{...}}.', 'output_config');
  }
  return { type: 'json_schema', schema: format.schema };
}

function maxTokensOf(body: Readonly<Record<string, unknown>>): number {
  const maxTokens = numberField(body, 'max_tokens');
  if (maxTokens === undefined) throw invalidRequest('max_tokens is required.', 'max_tokens');
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw invalidRequest('max_tokens must be a positive integer.', 'max_tokens');
  return maxTokens;
}

export function parseMessagesRequest(body: unknown, resolver: ModelResolver): GatewayCall {
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  refuseUpstreamSelectors(body, interpretedFields);
  const model = resolveModelField(body, resolver);
  const messages = convertAnthropicRequestMessages(body.system, body.messages);
  const maxTokens = maxTokensOf(body);
  const temperature = numberField(body, 'temperature');
  const topP = numberField(body, 'top_p');
  const stop = stopSequencesField(body, 'stop_sequences', { allowString: false });
  const { tools, serverTools } = toolsOf(body.tools);
  const toolChoice = toolChoiceOf(body.tool_choice);
  const oneCallOnly = oneCallOnlyOf(body.tool_choice);
  const responseFormat = responseFormatOf(body.output_config);
  const reasoningEffort = thinkingEffortOf(body.thinking, body.output_config);
  const stream = booleanField(body, 'stream');
  const options = routingOptionsOf(model);
  options.maxTokens = maxTokens;
  if (temperature !== undefined) options.temperature = temperature;
  if (topP !== undefined) options.topP = topP;
  if (stop !== undefined && stop.length > 0) options.stop = stop;
  if (tools !== undefined && tools.length > 0) options.tools = tools;
  if (serverTools !== undefined) options.serverTools = serverTools;
  if (toolChoice !== undefined) options.toolChoice = toolChoice;
  if (oneCallOnly) options.parallelToolCalls = false;
  if (responseFormat !== undefined) options.responseFormat = responseFormat;
  if (reasoningEffort !== undefined) options.reasoningEffort = reasoningEffort;
  return { model, messages, options, stream, includeUsage: true };
}
