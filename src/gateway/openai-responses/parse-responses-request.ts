/**
 * Validate an OpenAI Responses body (POST /v1/responses) and translate it to our messages and router
 * options. Pure. The gateway keeps no responses, so a request is whole in itself: `previous_response_id`,
 * `conversation`, stored `prompt` templates, `background` and item references are refused with a 400 that
 * says to send the conversation as `input`. `store`, `reasoning`, `parallel_tool_calls`, `truncation`,
 * `include`, `user` and `metadata` are accepted and not passed on. Hosted tools (web search, file search,
 * code interpreter...) run only at OpenAI: their declarations are accepted and not passed on, and their past
 * calls in the history are left out. Custom (free-form) tools become functions of one string, `input`.
 */
import { isRecord } from '../../json-value.js';
import { isSupportedImageUrl, supportedImageUrlMessage } from '../../routing/validate-input.js';
import type { ImageInput, Message, Mutable, ResponseFormat, ToolCall, ToolChoice, ToolDefinition, UserMessage } from '../../types.js';
import type { GatewayCall } from '../gateway-dialect.js';
import { invalidRequest } from '../gateway-http-error.js';
import type { ModelResolver } from '../model-resolver.js';
import {
  booleanField,
  numberField,
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
  'text',
  'max_output_tokens',
  'temperature',
  'top_p',
  'stream',
]);

type JsonObject = Readonly<Record<string, unknown>>;

/**
 * A content part's text (`input_text`, `output_text`, `text`, an assistant's `refusal`). Files, and images
 * where a turn cannot carry them (a tool's output, the assistant's), become a line saying they were left
 * out: a 400 would stay in the client's history and refuse every later turn. A user's images are read by
 * the caller.
 */
function partText(part: unknown, path: string): string {
  if (isRecord(part) && (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') && typeof part.text === 'string') {
    return part.text;
  }
  if (isRecord(part) && part.type === 'refusal' && typeof part.refusal === 'string') return part.refusal;
  if (isRecord(part) && (part.type === 'input_image' || part.type === 'input_file')) {
    return `[${part.type === 'input_image' ? 'image' : 'file'} omitted: this gateway does not carry it here]`;
  }
  const kind = isRecord(part) && typeof part.type === 'string' ? ` (${part.type.slice(0, 40)})` : '';
  throw invalidRequest(`${path} is not a supported content part${kind}: input_text, output_text, refusal, input_image and input_file are.`, 'input');
}

function textOf(content: unknown, path: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidRequest(`${path} must be a string or an array of content parts.`, 'input');
  return content.map((part: unknown, index) => partText(part, `${path}[${index}]`)).join('');
}

/** A tool's output: a string, or content parts (an image in it becomes a note). */
function outputText(output: unknown, path: string): string {
  if (output === undefined || output === null) return '';
  return textOf(output, path);
}

function userMessageOf(content: unknown, path: string): UserMessage {
  if (!Array.isArray(content)) return { role: 'user', content: textOf(content, path) };
  let text = '';
  const images: ImageInput[] = [];
  content.forEach((part: unknown, index) => {
    if (isRecord(part) && part.type === 'input_image' && part.image_url !== undefined && part.image_url !== null) {
      if (typeof part.image_url !== 'string' || !isSupportedImageUrl(part.image_url)) {
        throw invalidRequest(`${path}[${index}].image_url ${supportedImageUrlMessage}.`, 'input');
      }
      images.push({ url: part.image_url });
      return;
    }
    text += partText(part, `${path}[${index}]`);
  });
  const message: Mutable<UserMessage> = { role: 'user', content: text };
  if (images.length > 0) message.images = images;
  return message;
}

/** The conversation: `instructions` first, then the input items, a function call joined to the assistant turn before it. */
function messagesOf(body: JsonObject): Message[] {
  const messages: Message[] = [];
  if (body.instructions !== undefined && body.instructions !== null) {
    if (typeof body.instructions !== 'string') throw invalidRequest('instructions must be a string.', 'instructions');
    if (body.instructions !== '') messages.push({ role: 'system', content: body.instructions });
  }
  const input = body.input;
  if (typeof input === 'string') {
    if (input === '') throw invalidRequest('input must not be empty.', 'input');
    messages.push({ role: 'user', content: input });
    return messages;
  }
  if (!Array.isArray(input) || input.length === 0) throw invalidRequest('input must be a string or a non-empty array of items.', 'input');
  const toolNamesById = new Map<string, string>();
  /** The assistant turn the next function calls join, while items keep coming from the same turn. */
  let assistant: { content: string; toolCalls: ToolCall[] } | undefined;
  const flushAssistant = (): void => {
    if (assistant === undefined) return;
    messages.push(assistant.toolCalls.length > 0 ? { role: 'assistant', ...assistant } : { role: 'assistant', content: assistant.content });
    assistant = undefined;
  };
  input.forEach((item: unknown, index) => {
    const path = `input[${index}]`;
    if (!isRecord(item)) throw invalidRequest(`${path} must be an object.`, 'input');
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    if (type === 'message') {
      if (item.role === 'assistant') {
        // The assistant's items up to the next input (its text, calls, more text) are one turn: a tool's
        // answer must follow the turn that made the call.
        const text = textOf(item.content, `${path}.content`);
        if (assistant === undefined) assistant = { content: text, toolCalls: [] };
        else assistant.content += assistant.content === '' || text === '' ? text : `\n\n${text}`;
        return;
      }
      flushAssistant();
      if (item.role === 'system' || item.role === 'developer') messages.push({ role: 'system', content: textOf(item.content, `${path}.content`) });
      else if (item.role === 'user') messages.push(userMessageOf(item.content, `${path}.content`));
      else throw invalidRequest(`${path}.role must be user, assistant, system or developer.`, 'input');
      return;
    }
    if (type === 'function_call' || type === 'custom_tool_call') {
      const { call_id: callId, name } = item;
      // A free-form call's text is the `input` of the function it was given as.
      const argumentsText = type === 'custom_tool_call' ? (typeof item.input === 'string' ? JSON.stringify({ input: item.input }) : undefined) : item.arguments;
      if (typeof callId !== 'string' || callId === '' || typeof name !== 'string' || name === '' || typeof argumentsText !== 'string') {
        const what = type === 'custom_tool_call' ? 'input (a string)' : 'arguments (a JSON string)';
        throw invalidRequest(`${path} must have a call_id, a name and ${what}.`, 'input');
      }
      assistant ??= { content: '', toolCalls: [] };
      assistant.toolCalls.push({ id: callId, name, arguments: argumentsText });
      toolNamesById.set(callId, name);
      return;
    }
    if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      flushAssistant();
      if (typeof item.call_id !== 'string' || item.call_id === '') throw invalidRequest(`${path}.call_id is required.`, 'input');
      const message: Mutable<Extract<Message, { role: 'tool' }>> = { role: 'tool', toolCallId: item.call_id, content: outputText(item.output, `${path}.output`) };
      const toolName = toolNamesById.get(item.call_id);
      if (toolName !== undefined) message.toolName = toolName;
      messages.push(message);
      return;
    }
    // The provider's own reasoning, which the gateway does not request: left out.
    if (type === 'reasoning') return;
    if (type === 'item_reference') {
      throw invalidRequest(`${path} refers to a stored item; this gateway stores none: send the items themselves.`, 'input', 'unsupported_parameter');
    }
    // Calls of tools only OpenAI runs (web search, local shell, code interpreter...) and their outputs: left out.
    if (typeof type === 'string' && /_call(_output)?$/.test(type)) return;
    throw invalidRequest(`${path} is not a supported item (${String(type).slice(0, 40)}): messages, function and custom tool calls and their outputs are.`, 'input');
  });
  flushAssistant();
  return messages;
}

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
      return toolDefinitionOf({ name: tool.name, description: tool.description ?? undefined, schema: tool.parameters ?? undefined }, path, {
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

export function parseResponsesRequest(body: unknown, resolver: ModelResolver): GatewayCall {
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  refuseUpstreamSelectors(body, interpretedFields);
  for (const stateful of ['previous_response_id', 'conversation', 'prompt', 'background'] as const) {
    const value = body[stateful];
    if (value === undefined || value === null || value === false) continue;
    throw invalidRequest(
      `${stateful} is not supported: this gateway stores no responses, conversations or prompts (its answers may come from any provider); send the whole conversation as input.`,
      stateful,
      'unsupported_parameter',
    );
  }
  const model = resolveModelField(body, resolver);
  const messages = messagesOf(body);
  const maxTokens = numberField(body, 'max_output_tokens');
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) {
    throw invalidRequest('max_output_tokens must be a positive integer.', 'max_output_tokens');
  }
  const temperature = numberField(body, 'temperature');
  const topP = numberField(body, 'top_p');
  const freeformTools = new Set<string>();
  const tools = toolsOf(body.tools, freeformTools);
  const toolChoice = toolChoiceOf(body.tool_choice);
  const responseFormat = responseFormatOf(body.text);
  const stream = booleanField(body, 'stream');
  const options = routingOptionsOf(model);
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  if (temperature !== undefined) options.temperature = temperature;
  if (topP !== undefined) options.topP = topP;
  if (tools !== undefined && tools.length > 0) options.tools = tools;
  if (toolChoice !== undefined) options.toolChoice = toolChoice;
  if (responseFormat !== undefined) options.responseFormat = responseFormat;
  const call: Mutable<GatewayCall> = { model, messages, options, stream, includeUsage: true };
  if (freeformTools.size > 0) call.freeformTools = freeformTools;
  return call;
}
