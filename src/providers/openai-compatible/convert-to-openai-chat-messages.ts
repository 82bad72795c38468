import type { Message } from '../../types.js';
import type { OpenAIChatMessage, OpenAIUserContentPart } from './openai-chat-wire-types.js';

/**
 * Our messages as OpenAI chat messages: tool calls as `tool_calls`, tool answers as role `tool`, a user
 * turn with images as its text part and one `image_url` part per image.
 */
export function convertToOpenAIChatMessages(messages: readonly Message[]): OpenAIChatMessage[] {
  return messages.map((message): OpenAIChatMessage => {
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content };
      case 'user': {
        const images = message.images;
        if (images === undefined || images.length === 0) return { role: 'user', content: message.content };
        const parts: OpenAIUserContentPart[] = message.content === '' ? [] : [{ type: 'text', text: message.content }];
        for (const image of images) parts.push({ type: 'image_url', image_url: { url: image.url } });
        return { role: 'user', content: parts };
      }
      case 'assistant': {
        const toolCalls = message.toolCalls ?? [];
        if (toolCalls.length === 0) return { role: 'assistant', content: message.content };
        return {
          role: 'assistant',
          content: message.content === '' ? null : message.content,
          tool_calls: toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
        };
      }
      case 'tool':
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    }
  });
}
