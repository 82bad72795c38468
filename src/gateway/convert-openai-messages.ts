/**
 * OpenAI chat.completions messages to our Message[]: string or text-part content (and the images of user and tool turns),
 * assistant tool calls (their arguments JSON text, or an object as some clients send them; with Gemini's thought
 * signature, where Google's OpenAI API puts it), tool answers paired with their call (Gemini needs the tool's name),
 * an assistant turn's `reasoning_content` (or `reasoning`) as its reasoning, and its `reasoning_details` (or
 * `thinking_blocks`) as Anthropic's signed blocks (openai-signed-reasoning.ts). A user's or tool's `file` and `input_audio`
 * parts become a line saying they were left out, and an assistant's `refusal` parts their text, as the Responses and
 * Messages dialects read theirs. Pure; a bad message is a 400 naming its index.
 */
import type { AssistantMessage, CacheBreakpoint, ImageInput, Message, Mutable, ToolCall, ToolMessage } from '../types.js';
import { longerCacheBreakpoint } from '../cache-breakpoint.js';
import { cacheBreakpointOf, omittedMediaNote, quotedValueOf } from './request-fields.js';
import { invalidRequest } from './gateway-http-error.js';
import { isRecord } from '../json-value.js';
import { clientImageUrl, supportedImageUrlMessage } from '../image-url.js';
import { toolArgumentsText } from '../tool-arguments-text.js';
import { clientReasoningItems, clientSignedReasoning } from './client-signed-reasoning.js';
import { reasoningItemsOfAssistantMessage, signedBlocksOfAssistantMessage } from './openai-signed-reasoning.js';

/**
 * Media parts OpenAI takes in a user turn that the gateway does not carry (a PDF as `file`, sound as `input_audio`),
 * by the kind their note names. Each becomes that note: refused, such a part stays in the client's history and
 * refuses every later turn of the conversation (willdady/platypus#328), and clients send them to any
 * OpenAI-compatible URL (the AI SDK's openai-compatible provider, vercel/ai#6369; qwen-code, QwenLM/qwen-code#1838).
 */
const omittedPartKinds: ReadonlyMap<string, string> = new Map([
  ['file', 'file'],
  ['input_audio', 'audio'],
]);

/** `content` as text: a string, null (assistant turns that only call tools), or an array of text parts. */
function textOf(content: unknown, path: string, options: { allowNull: boolean }): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) {
    if (options.allowNull) return '';
    throw invalidRequest(`${path} is required.`, 'messages');
  }
  if (!Array.isArray(content)) throw invalidRequest(`${path} must be a string or an array of text parts.`, 'messages');
  let text = '';
  content.forEach((part: unknown, partIndex) => {
    text += textPartOf(part, `${path}[${partIndex}]`, 'only text content is supported here');
  });
  return text;
}

/**
 * An assistant turn's content: as `textOf`, with OpenAI's other assistant part, `refusal`, read as its text (a
 * client that keeps the parts of an answer sends it back so).
 */
function assistantTextOf(content: unknown, path: string): string {
  if (!Array.isArray(content)) return textOf(content, path, { allowNull: true });
  let text = '';
  content.forEach((part: unknown, partIndex) => {
    if (isRecord(part) && part.type === 'refusal' && typeof part.refusal === 'string') text += part.refusal;
    else text += textPartOf(part, `${path}[${partIndex}]`, 'an assistant turn takes text and refusal parts');
  });
  return text;
}

function textPartOf(part: unknown, path: string, supported: string): string {
  if (!isRecord(part) || (part.type !== 'text' && part.type !== 'input_text') || typeof part.text !== 'string') {
    const kind = isRecord(part) && typeof part.type === 'string' ? ` (${quotedValueOf(part.type)})` : '';
    throw invalidRequest(`${path} is not a text part${kind}; ${supported}.`, 'messages');
  }
  return part.text;
}

/** Text and `image_url` parts (`detail` is not passed on): the text joined, the images in their order; files and audio a note. */
function textAndImagesOf(content: readonly unknown[], path: string, supported: string): { text: string; images: ImageInput[] } {
  let text = '';
  const images: ImageInput[] = [];
  content.forEach((part: unknown, partIndex) => {
    if (isRecord(part) && part.type === 'image_url') {
      const imageUrl = isRecord(part.image_url) && typeof part.image_url.url === 'string' ? clientImageUrl(part.image_url.url) : undefined;
      if (imageUrl === undefined) throw invalidRequest(`${path}[${partIndex}].image_url.url ${supportedImageUrlMessage}.`, 'messages');
      images.push({ url: imageUrl });
      return;
    }
    const omittedKind = isRecord(part) && typeof part.type === 'string' ? omittedPartKinds.get(part.type) : undefined;
    text += omittedKind !== undefined ? omittedMediaNote(omittedKind) : textPartOf(part, `${path}[${partIndex}]`, supported);
  });
  return { text, images };
}

/** A user turn: a string, or text and `image_url` parts. Its images follow its text. */
function userMessageOf(content: unknown, path: string): Message {
  if (!Array.isArray(content)) return { role: 'user', content: textOf(content, path, { allowNull: false }) };
  const { text, images } = textAndImagesOf(content, path, 'a user turn takes text, image_url, file and input_audio parts');
  return images.length > 0 ? { role: 'user', content: text, images } : { role: 'user', content: text };
}

/**
 * A tool's answer: a string or text parts, as OpenAI takes it, or with `image_url` parts too (a screenshot),
 * which OpenAI refuses in a tool message but the gateway carries to every provider that takes images.
 */
function toolMessageOf(message: Readonly<Record<string, unknown>>, path: string, toolNamesById: ReadonlyMap<string, string>): Message {
  if (typeof message.tool_call_id !== 'string' || message.tool_call_id.length === 0) {
    throw invalidRequest(`${path}.tool_call_id is required for a tool message.`, 'messages');
  }
  const toolMessage: Mutable<ToolMessage> = { role: 'tool', toolCallId: message.tool_call_id, content: '' };
  if (Array.isArray(message.content)) {
    const { text, images } = textAndImagesOf(message.content, `${path}.content`, 'a tool turn takes text, image_url, file and input_audio parts');
    toolMessage.content = text;
    if (images.length > 0) toolMessage.images = images;
  } else {
    toolMessage.content = textOf(message.content, `${path}.content`, { allowNull: false });
  }
  const toolName = toolNamesById.get(message.tool_call_id);
  if (toolName !== undefined) toolMessage.toolName = toolName;
  return toolMessage;
}

function toolCallsOf(value: unknown, path: string): ToolCall[] {
  if (!Array.isArray(value)) throw invalidRequest(`${path} must be an array.`, 'messages');
  return value.map((call: unknown, callIndex): ToolCall => {
    const callPath = `${path}[${callIndex}]`;
    if (!isRecord(call) || typeof call.id !== 'string' || !isRecord(call.function)) {
      throw invalidRequest(`${callPath} must have an id and a function.`, 'messages');
    }
    const { name, arguments: argumentsValue } = call.function;
    if (typeof name !== 'string' || name.length === 0) throw invalidRequest(`${callPath}.function.name is required.`, 'messages');
    // OpenAI takes a JSON string only; an object (or array) is taken too, as its JSON text, which is what goes on
    // upstream: clients send back the object arguments TGI and llama-server answered with, and Ollama's own API
    // takes objects, as vLLM does. Anything else cannot be told what it means.
    const argumentsText = argumentsValue === undefined ? '{}' : toolArgumentsText(argumentsValue);
    if (argumentsText === undefined) {
      throw invalidRequest(`${callPath}.function.arguments must be a JSON string or object.`, 'messages');
    }
    const toolCall: Mutable<ToolCall> = { id: call.id, name, arguments: argumentsText };
    const thoughtSignature = thoughtSignatureOf(call.extra_content, `${callPath}.extra_content`);
    if (thoughtSignature !== undefined) toolCall.thoughtSignature = thoughtSignature;
    return toolCall;
  });
}

/**
 * Gemini's thought signature of a call, where Google's own OpenAI-compatible API puts it and clients that
 * speak it send it back: `extra_content.google.thought_signature`.
 */
function thoughtSignatureOf(extraContent: unknown, path: string): string | undefined {
  if (extraContent === undefined || extraContent === null) return undefined;
  const google = isRecord(extraContent) ? extraContent.google : undefined;
  const signature = isRecord(google) ? google.thought_signature : undefined;
  if (signature === undefined || signature === null) return undefined;
  if (typeof signature !== 'string') throw invalidRequest(`${path}.google.thought_signature must be a string.`, 'messages');
  return signature === '' ? undefined : signature;
}

/**
 * The reasoning an assistant turn showed, as the gateway's answers give it (`reasoning_content`) or as some
 * clients keep it (`reasoning`): passed on to the providers that require it back (Moonshot's thinking models).
 */
function reasoningOf(message: Readonly<Record<string, unknown>>, path: string): string | undefined {
  for (const field of ['reasoning_content', 'reasoning'] as const) {
    const value = message[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw invalidRequest(`${path}.${field} must be a string.`, 'messages');
    return value;
  }
  return undefined;
}

/**
 * A message whose content parts carry `cache_control` (as clients that reach Claude through OpenAI's format
 * send it) marks a prompt-cache breakpoint at its end.
 */
function breakpointOf(content: unknown, messageIndex: number): CacheBreakpoint | undefined {
  if (!Array.isArray(content)) return undefined;
  let breakpoint: CacheBreakpoint | undefined;
  for (let index = 0; index < content.length; index += 1) {
    const part: unknown = content[index];
    // The message's path is made only for a part that marks one: it names the part in a 400.
    if (isRecord(part) && part.cache_control !== undefined) {
      breakpoint = longerCacheBreakpoint(breakpoint, cacheBreakpointOf(part, 'messages', `messages[${messageIndex}].content`, index));
    }
  }
  return breakpoint;
}

export function convertOpenAIMessages(value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidRequest('messages must be a non-empty array.', 'messages');
  const toolNamesById = new Map<string, string>();
  return value.map((message: unknown, index): Message => {
    if (!isRecord(message)) throw invalidRequest(`messages[${index}] must be an object.`, 'messages');
    const converted = convertMessage(message, index, toolNamesById);
    const breakpoint = breakpointOf(message.content, index);
    return breakpoint !== undefined ? { ...converted, cacheBreakpoint: breakpoint } : converted;
  });
}

function convertMessage(message: Readonly<Record<string, unknown>>, index: number, toolNamesById: Map<string, string>): Message {
  const path = `messages[${index}]`;
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOf(message.content, `${path}.content`, { allowNull: false }) };
    case 'user':
      return userMessageOf(message.content, `${path}.content`);
    case 'assistant': {
      const assistant: Mutable<AssistantMessage> = { role: 'assistant', content: assistantTextOf(message.content, `${path}.content`) };
      if (message.tool_calls !== undefined && message.tool_calls !== null) {
        const toolCalls = toolCallsOf(message.tool_calls, `${path}.tool_calls`);
        for (const call of toolCalls) toolNamesById.set(call.id, call.name);
        if (toolCalls.length > 0) assistant.toolCalls = toolCalls;
      }
      const reasoning = reasoningOf(message, path);
      if (reasoning !== undefined) assistant.reasoning = reasoning;
      // One answer's reasoning is of one provider: a turn carrying both kinds keeps Anthropic's.
      const signedReasoning = clientSignedReasoning(signedBlocksOfAssistantMessage(message)) ?? clientReasoningItems(reasoningItemsOfAssistantMessage(message));
      if (signedReasoning !== undefined) assistant.signedReasoning = signedReasoning;
      return assistant;
    }
    case 'tool':
      return toolMessageOf(message, path, toolNamesById);
    default:
      throw invalidRequest(`${path}.role must be one of system, developer, user, assistant, tool.`, 'messages');
  }
}
