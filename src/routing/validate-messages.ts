/**
 * The caller's prompt or messages, checked against the Message types before anything is sent: a JavaScript
 * caller's message of the wrong shape is an InvalidArgumentError naming the field's path (`messages[2].toolCalls[0].name`),
 * not a converter's failure on every provider nor a request sent upstream as it is. One pass over the messages,
 * in plain loops that allocate nothing when they are valid: this runs on every call.
 */
import { isCacheBreakpoint } from '../cache-breakpoint.js';
import { InvalidArgumentError } from '../errors.js';
import { isSupportedImageUrl, supportedImageUrlMessage } from '../image-url.js';
import { isSignedReasoning } from '../signed-reasoning.js';
import { isServerToolBlocks } from '../server-tool-blocks.js';
import type { Message } from '../types.js';
import type { PromptOrMessages } from './router-options.js';

/** The fields of any message, read once each. */
interface MessageFields {
  readonly role?: unknown;
  readonly content?: unknown;
  readonly images?: unknown;
  readonly toolCalls?: unknown;
  readonly toolCallId?: unknown;
  readonly toolName?: unknown;
  readonly reasoning?: unknown;
  readonly signedReasoning?: unknown;
  readonly serverToolBlocks?: unknown;
  readonly cacheBreakpoint?: unknown;
}

interface ToolCallFields {
  readonly id?: unknown;
  readonly name?: unknown;
  readonly arguments?: unknown;
  readonly thoughtSignature?: unknown;
}

/** The caller's prompt or messages as messages, or a typed error that says what is wrong. */
export function toMessages(input: PromptOrMessages): readonly Message[] {
  if (typeof input === 'string') {
    if (input.length === 0) throw invalid('prompt', 'The prompt is empty.');
    return [{ role: 'user', content: input }];
  }
  if (!Array.isArray(input) || input.length === 0) {
    throw invalid('messages', 'Pass a non-empty prompt string or a non-empty array of messages.');
  }
  for (let index = 0; index < input.length; index += 1) checkMessage(input[index], index);
  return input;
}

function checkMessage(message: unknown, index: number): void {
  if (typeof message !== 'object' || message === null) throw invalid('messages', `messages[${index}] is not an object.`);
  const { role, content, images, toolCalls, reasoning, signedReasoning, serverToolBlocks, cacheBreakpoint } = message as MessageFields;
  if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'tool') {
    throw invalid('messages', `messages[${index}].role must be one of system, user, assistant, tool.`);
  }
  if (typeof content !== 'string') throw invalid('messages', `messages[${index}].content must be a string.`);
  if (role === 'tool') checkToolAnswer(message as MessageFields, index);
  if (images !== undefined) checkImages(images, role, index);
  if (toolCalls !== undefined) checkToolCalls(toolCalls, role, index);
  if (reasoning !== undefined) checkReasoning(reasoning, role, index);
  if (signedReasoning !== undefined) checkSignedReasoning(signedReasoning, role, index);
  if (serverToolBlocks !== undefined) checkServerToolBlocks(serverToolBlocks, role, index);
  if (cacheBreakpoint !== undefined && !isCacheBreakpoint(cacheBreakpoint)) {
    throw invalid('messages', `messages[${index}].cacheBreakpoint must be true, false, { ttl: '5m' } or { ttl: '1h' }.`);
  }
}

/** A tool message names the call it answers, and may name the tool (which Gemini needs to pair them). */
function checkToolAnswer(message: MessageFields, index: number): void {
  if (typeof message.toolCallId !== 'string') {
    throw invalid('messages', `messages[${index}].toolCallId must be a string: a tool message names the id of the call it answers.`);
  }
  if (message.toolName !== undefined && typeof message.toolName !== 'string') {
    throw invalid('messages', `messages[${index}].toolName must be a string, the name of the tool that answered.`);
  }
}

/** The reasoning an assistant's answer showed, passed back as text (a result's `reasoning`). */
function checkReasoning(reasoning: unknown, role: string, index: number): void {
  if (role !== 'assistant') throw invalid('messages', `messages[${index}].reasoning must be left out: only assistant messages carry reasoning.`);
  if (typeof reasoning !== 'string') throw invalid('messages', `messages[${index}].reasoning must be a string, the reasoning the answer showed.`);
}

/** Signed thinking blocks passed back (a result's `signedReasoning`), as the provider gave them. */
function checkSignedReasoning(signedReasoning: unknown, role: string, index: number): void {
  if (role !== 'assistant') throw invalid('messages', `messages[${index}].signedReasoning must be left out: only assistant messages carry reasoning.`);
  if (!isSignedReasoning(signedReasoning)) {
    throw invalid(
      'messages',
      `messages[${index}].signedReasoning must be a result's signedReasoning, unchanged: { provider, blocks } of thinking { type, thinking, signature } and redacted_thinking { type, data } blocks.`,
    );
  }
}

/** Server tool blocks passed back (a result's `serverToolBlocks`), as the provider gave them. */
function checkServerToolBlocks(serverToolBlocks: unknown, role: string, index: number): void {
  if (role !== 'assistant') throw invalid('messages', `messages[${index}].serverToolBlocks must be left out: only assistant messages carry them.`);
  if (!isServerToolBlocks(serverToolBlocks)) {
    throw invalid(
      'messages',
      `messages[${index}].serverToolBlocks must be a result's serverToolBlocks, unchanged: { provider, blocks } of { textOffset, block } with each block an object with a type.`,
    );
  }
}

function checkImages(images: unknown, role: string, index: number): void {
  if (role !== 'user' && role !== 'tool') throw invalid('messages', `messages[${index}].images: only user and tool messages carry images.`);
  if (!Array.isArray(images)) throw invalid('messages', `messages[${index}].images must be an array of { url }.`);
  for (let imageIndex = 0; imageIndex < images.length; imageIndex += 1) {
    const image: unknown = images[imageIndex];
    const url = typeof image === 'object' && image !== null ? (image as { url?: unknown }).url : undefined;
    if (typeof url !== 'string' || !isSupportedImageUrl(url)) {
      throw invalid('messages', `messages[${index}].images[${imageIndex}].url ${supportedImageUrlMessage}.`);
    }
  }
}

/** An assistant's tool calls: each `{ id, name, arguments }`, strings all, with Gemini's `thoughtSignature` a string when present. */
function checkToolCalls(toolCalls: unknown, role: string, index: number): void {
  if (role !== 'assistant') throw invalid('messages', `messages[${index}].toolCalls must be left out: only assistant messages carry tool calls.`);
  if (!Array.isArray(toolCalls)) throw invalid('messages', `messages[${index}].toolCalls must be an array of { id, name, arguments }.`);
  for (let callIndex = 0; callIndex < toolCalls.length; callIndex += 1) {
    const call: unknown = toolCalls[callIndex];
    if (typeof call !== 'object' || call === null) {
      throw invalid('messages', `messages[${index}].toolCalls[${callIndex}] must be an object { id, name, arguments }.`);
    }
    const field = badToolCallField(call as ToolCallFields);
    if (field !== undefined) {
      const what = field === 'arguments' ? 'a string (the arguments as JSON text)' : 'a string';
      throw invalid('messages', `messages[${index}].toolCalls[${callIndex}].${field} must be ${what}.`);
    }
  }
}

/** The first field of a tool call that is not a string, or undefined when all are. */
function badToolCallField(call: ToolCallFields): keyof ToolCallFields | undefined {
  if (typeof call.id !== 'string') return 'id';
  if (typeof call.name !== 'string') return 'name';
  if (typeof call.arguments !== 'string') return 'arguments';
  if (call.thoughtSignature !== undefined && typeof call.thoughtSignature !== 'string') return 'thoughtSignature';
  return undefined;
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message });
}
