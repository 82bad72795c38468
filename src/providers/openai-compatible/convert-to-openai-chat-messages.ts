import type { ImageInput, Message, ToolMessage } from '../../types.js';
import { toolImagesCaption } from '../tool-images-caption.js';
import type { OpenAIChatMessage, OpenAIUserContentPart } from './openai-chat-wire-types.js';

/**
 * Our messages as OpenAI chat messages: tool calls as `tool_calls`, tool answers as role `tool`, a user
 * turn with images as its text part and one `image_url` part per image. A tool message carries text only,
 * so the images tools returned follow the turn's answers as one user message, each after a line naming its
 * call (a user message between two answers would part them from the call, which OpenAI refuses).
 * With `toolCallsNeedReasoningContent`, an assistant turn with tool calls carries `reasoning_content`: its own
 * reasoning, or "" (Moonshot's thinking models refuse one without; the field is sent to no other provider).
 */
export function convertToOpenAIChatMessages(
  messages: readonly Message[],
  options: { readonly toolCallsNeedReasoningContent?: boolean } = {},
): OpenAIChatMessage[] {
  const withReasoning = options.toolCallsNeedReasoningContent === true;
  const converted: OpenAIChatMessage[] = [];
  let toolImages: OpenAIUserContentPart[] | undefined;
  for (const message of messages) {
    if (message.role === 'tool') {
      converted.push({ role: 'tool', tool_call_id: message.toolCallId, content: message.content });
      if (message.images !== undefined && message.images.length > 0) {
        toolImages ??= [];
        toolImages.push({ type: 'text', text: toolImagesCaption(message) }, ...imageParts(message.images));
      }
      continue;
    }
    if (toolImages !== undefined) {
      converted.push({ role: 'user', content: toolImages });
      toolImages = undefined;
    }
    converted.push(convertMessage(message, withReasoning));
  }
  if (toolImages !== undefined) converted.push({ role: 'user', content: toolImages });
  return converted;
}

function convertMessage(message: Exclude<Message, ToolMessage>, withReasoning: boolean): OpenAIChatMessage {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user': {
      const images = message.images;
      if (images === undefined || images.length === 0) return { role: 'user', content: message.content };
      const parts: OpenAIUserContentPart[] = message.content === '' ? [] : [{ type: 'text', text: message.content }];
      parts.push(...imageParts(images));
      return { role: 'user', content: parts };
    }
    case 'assistant': {
      const toolCalls = message.toolCalls ?? [];
      if (toolCalls.length === 0) return { role: 'assistant', content: message.content };
      const calls = toolCalls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.name, arguments: call.arguments },
      }));
      const content = message.content === '' ? null : message.content;
      if (!withReasoning) return { role: 'assistant', content, tool_calls: calls };
      return { role: 'assistant', content, tool_calls: calls, reasoning_content: message.reasoning ?? '' };
    }
  }
}

function imageParts(images: readonly ImageInput[]): OpenAIUserContentPart[] {
  return images.map((image) => ({ type: 'image_url', image_url: { url: image.url } }));
}

