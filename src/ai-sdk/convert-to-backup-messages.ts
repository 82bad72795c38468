import type {
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
  SharedV3Warning,
} from '@ai-sdk/provider';
import { InvalidArgumentError } from '../errors.js';
import type { AssistantMessage, CacheBreakpoint, ImageInput, Message, Mutable, SignedReasoningBlock, ToolCall, ToolMessage, UserMessage } from '../types.js';
import { cacheBreakpointFor, isCacheTtl, longerCacheBreakpoint } from '../cache-breakpoint.js';
import { fromAiSdkImagePart } from './ai-sdk-images.js';
import { isRecord } from '../json-value.js';
import { readThoughtSignature } from './gemini-thought-signature.js';
import { readSignedReasoningPart } from './anthropic-signed-reasoning.js';

export interface ConvertedMessages {
  readonly messages: Message[];
  readonly warnings: SharedV3Warning[];
}

/**
 * The AI SDK's prompt as our messages. Text, tool calls and tool results carry over; Anthropic's signed thinking
 * (reasoning parts with a signature, anthropic-signed-reasoning.ts) becomes the assistant message's
 * `signedReasoning`; other reasoning from earlier turns is dropped with a warning (no provider takes it back as
 * input through our messages).
 * Images become the user message's images, and a tool's (`content` output) the tool message's; other
 * files are refused with a typed error: dropping one would silently change the question.
 */
export function convertToBackupMessages(prompt: LanguageModelV3Prompt): ConvertedMessages {
  const messages: Message[] = [];
  const warnings: SharedV3Warning[] = [];
  let droppedReasoning = false;
  prompt.forEach((message, messageIndex) => {
    switch (message.role) {
      case 'system':
        messages.push(withBreakpoint({ role: 'system', content: message.content }, cacheBreakpointOf(message.providerOptions)));
        return;
      case 'user': {
        const texts: string[] = [];
        const images: ImageInput[] = [];
        message.content.forEach((part, partIndex) => {
          if (part.type === 'text') texts.push(part.text);
          else if (part.mediaType.startsWith('image/')) images.push(fromAiSdkImagePart(part, `messages[${messageIndex}].content[${partIndex}]`));
          else throw unsupportedFile(messageIndex, part.mediaType);
        });
        const user: UserMessage = images.length > 0 ? { role: 'user', content: texts.join('\n'), images } : { role: 'user', content: texts.join('\n') };
        messages.push(withBreakpoint(user, anyCacheBreakpointOf(message)));
        return;
      }
      case 'assistant': {
        let content = '';
        const toolCalls: ToolCall[] = [];
        let signedReasoning: { provider: string; blocks: SignedReasoningBlock[] } | undefined;
        for (const part of message.content) {
          if (part.type === 'text') content += part.text;
          else if (part.type === 'tool-call') {
            const argumentsText = stringifyToolInput(part.input);
            const toolCall: Mutable<ToolCall> = { id: part.toolCallId, name: part.toolName, arguments: argumentsText };
            const thoughtSignature = readThoughtSignature(part.providerOptions);
            if (thoughtSignature !== undefined) toolCall.thoughtSignature = thoughtSignature;
            toolCalls.push(toolCall);
          } else if (part.type === 'reasoning') {
            const signed = readSignedReasoningPart(part);
            if (signed === undefined) droppedReasoning = true;
            else if (signedReasoning === undefined) signedReasoning = { provider: signed.provider, blocks: [signed.block] };
            else if (signedReasoning.provider === signed.provider) signedReasoning.blocks.push(signed.block);
          }
          else if (part.type === 'file') throw unsupportedFile(messageIndex, part.mediaType);
          else {
            warnings.push({
              type: 'other',
              message: `A provider-executed tool result in messages[${messageIndex}] was dropped: the router runs no provider tools.`,
            });
          }
        }
        const assistant: Mutable<AssistantMessage> = toolCalls.length > 0 ? { role: 'assistant', content, toolCalls } : { role: 'assistant', content };
        if (signedReasoning !== undefined) assistant.signedReasoning = signedReasoning;
        messages.push(withBreakpoint(assistant, anyCacheBreakpointOf(message)));
        return;
      }
      case 'tool':
        for (const part of message.content) {
          // Approval responses answer provider-executed tools, which the router never runs.
          if (part.type !== 'tool-result') continue;
          const { text, images } = toolOutputOf(part.output, messageIndex);
          const toolMessage: ToolMessage =
            images.length > 0
              ? { role: 'tool', toolCallId: part.toolCallId, toolName: part.toolName, content: text, images }
              : { role: 'tool', toolCallId: part.toolCallId, toolName: part.toolName, content: text };
          messages.push(withBreakpoint(toolMessage, cacheBreakpointOf(part.providerOptions)));
        }
        // A breakpoint on the whole tool message goes at the end of its last answer.
        const messageBreakpoint = cacheBreakpointOf(message.providerOptions);
        if (messageBreakpoint !== undefined && messages.at(-1)?.role === 'tool') {
          const last = messages.pop()!;
          messages.push(withBreakpoint(last, longerCacheBreakpoint(last.cacheBreakpoint, messageBreakpoint)));
        }
        return;
    }
  });
  if (droppedReasoning) {
    warnings.push({ type: 'other', message: 'Reasoning parts of earlier assistant turns were not sent.' });
  }
  return { messages, warnings };
}

/**
 * `providerOptions.anthropic.cacheControl` (as `@ai-sdk/anthropic` reads it, `ttl` included) marks a
 * prompt-cache breakpoint; it becomes our provider-neutral `cacheBreakpoint`. A `ttl` Anthropic does not
 * take is left for Anthropic's default.
 */
function cacheBreakpointOf(providerOptions: unknown): CacheBreakpoint | undefined {
  const anthropic = isRecord(providerOptions) ? providerOptions['anthropic'] : undefined;
  const cacheControl = isRecord(anthropic) ? (anthropic['cacheControl'] ?? anthropic['cache_control']) : undefined;
  if (!isRecord(cacheControl)) return undefined;
  return isCacheTtl(cacheControl['ttl']) ? cacheBreakpointFor(cacheControl['ttl']) : true;
}

/** On the message or any of its parts: the breakpoint goes at the end of the message we make of it. */
function anyCacheBreakpointOf(message: { readonly providerOptions?: unknown; readonly content: readonly { readonly providerOptions?: unknown }[] }): CacheBreakpoint | undefined {
  let breakpoint = cacheBreakpointOf(message.providerOptions);
  for (const part of message.content) breakpoint = longerCacheBreakpoint(breakpoint, cacheBreakpointOf(part.providerOptions));
  return breakpoint;
}

function withBreakpoint<M extends Message>(message: M, breakpoint: CacheBreakpoint | undefined): M {
  return breakpoint !== undefined ? { ...message, cacheBreakpoint: breakpoint } : message;
}

/** Tool inputs arrive parsed; providers take them as JSON text. A string is taken as that text already. */
function stringifyToolInput(input: unknown): string {
  if (typeof input === 'string') return input;
  return JSON.stringify(input ?? {});
}

/** A tool's output as a tool message's text and images (`content` output's image parts, as `toModelOutput` makes them). */
export function toolOutputOf(output: LanguageModelV3ToolResultOutput, messageIndex: number): { text: string; images: ImageInput[] } {
  const images: ImageInput[] = [];
  switch (output.type) {
    case 'text':
    case 'error-text':
      return { text: output.value, images };
    case 'json':
    case 'error-json':
      return { text: JSON.stringify(output.value), images };
    case 'execution-denied':
      return { text: output.reason ?? 'The tool call was denied.', images };
    case 'content': {
      const texts: string[] = [];
      output.value.forEach((item, itemIndex) => {
        const image = toolOutputImage(item, `messages[${messageIndex}] tool result content[${itemIndex}]`);
        if (image !== undefined) images.push(image);
        else if (item.type === 'text') texts.push(item.text);
        else {
          throw new InvalidArgumentError({
            argument: 'prompt',
            message: `messages[${messageIndex}] has a tool result with ${item.type} content${'mediaType' in item && typeof item.mediaType === 'string' ? ` (${item.mediaType})` : ''}; text and images are supported.`,
          });
        }
      });
      return { text: texts.join('\n'), images };
    }
  }
}

type ToolOutputItem = Extract<LanguageModelV3ToolResultOutput, { type: 'content' }>['value'][number];

/** An image part of a tool's output as our image: bytes with an image type, or a URL; anything else is not one. */
function toolOutputImage(item: ToolOutputItem, path: string): ImageInput | undefined {
  if (item.type === 'image-data' || (item.type === 'file-data' && item.mediaType.startsWith('image/'))) {
    return fromAiSdkImagePart({ type: 'file', mediaType: item.mediaType, data: item.data }, path);
  }
  if (item.type === 'image-url' || (item.type === 'file-url' && item.mediaType?.startsWith('image/') === true)) {
    // Checked as every image URL is, with the messages.
    return { url: item.url };
  }
  return undefined;
}

function unsupportedFile(messageIndex: number, mediaType: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'prompt',
    message: `messages[${messageIndex}] has a file part (${mediaType}); backup-models sends text, images and tool calls only.`,
  });
}
