import { isOpenAIReasoningItem, signedReasoningBlocksFor } from '../../signed-reasoning.js';
import type { AssistantMessage, ImageInput, Message, ToolMessage } from '../../types.js';
import { toolImagesCaption } from '../tool-images-caption.js';
import type { OpenAIResponsesContentPart, OpenAIResponsesInputItem } from './openai-responses-wire-types.js';

export interface ConvertToOpenAIResponsesInputOptions {
  /**
   * A reasoning model is given system messages as `developer` messages, as OpenAI names them since its o-series,
   * and the reasoning items of earlier turns.
   */
  readonly reasoningModel: boolean;
  /** Our id of the provider asked: only the reasoning items it answered go back to it. */
  readonly providerId: string;
}

/**
 * Our messages as Responses input items: a system message as a `developer` (reasoning models) or `system` message;
 * a user turn as its text, or its text and one `input_image` part per image; an assistant turn as its text, then one
 * `function_call` item per tool call; a tool answer as a `function_call_output` naming the call's id. A
 * `function_call_output` carries text here, so the images tools returned follow the turn's outputs as one user
 * message, each after a line naming its call, as on chat completions. A reasoning model is given back the reasoning
 * of earlier turns: with `store: false` OpenAI takes it only as the `reasoning` items it answered, whole with their
 * encrypted content, so an assistant turn's items this provider answered (its `signedReasoning`) come first in the
 * turn, before its text and calls, as OpenAI gave them; another provider's are never sent (OpenAI could not read them).
 */
export function convertToOpenAIResponsesInput(
  messages: readonly Message[],
  options: ConvertToOpenAIResponsesInputOptions,
): OpenAIResponsesInputItem[] {
  const items: OpenAIResponsesInputItem[] = [];
  let toolImages: OpenAIResponsesContentPart[] | undefined;
  for (const message of messages) {
    if (message.role === 'tool') {
      items.push({ type: 'function_call_output', call_id: message.toolCallId, output: message.content });
      if (message.images !== undefined && message.images.length > 0) {
        toolImages ??= [];
        toolImages.push({ type: 'input_text', text: toolImagesCaption(message) }, ...imageParts(message.images));
      }
      continue;
    }
    if (toolImages !== undefined) {
      items.push({ role: 'user', content: toolImages });
      toolImages = undefined;
    }
    pushMessage(items, message, options);
  }
  if (toolImages !== undefined) items.push({ role: 'user', content: toolImages });
  return items;
}

function pushMessage(items: OpenAIResponsesInputItem[], message: Exclude<Message, ToolMessage>, options: ConvertToOpenAIResponsesInputOptions): void {
  switch (message.role) {
    case 'system':
      items.push({ role: options.reasoningModel ? 'developer' : 'system', content: message.content });
      return;
    case 'user': {
      const images = message.images;
      if (images === undefined || images.length === 0) {
        items.push({ role: 'user', content: message.content });
        return;
      }
      const parts: OpenAIResponsesContentPart[] = message.content === '' ? [] : [{ type: 'input_text', text: message.content }];
      parts.push(...imageParts(images));
      items.push({ role: 'user', content: parts });
      return;
    }
    case 'assistant': {
      if (options.reasoningModel) pushReasoningItems(items, message, options.providerId);
      const toolCalls = message.toolCalls ?? [];
      // A turn that only called tools is its calls: an empty assistant message adds nothing.
      if (message.content !== '' || toolCalls.length === 0) items.push({ role: 'assistant', content: message.content });
      for (const call of toolCalls) items.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: call.arguments });
    }
  }
}

function pushReasoningItems(items: OpenAIResponsesInputItem[], message: AssistantMessage, providerId: string): void {
  for (const block of signedReasoningBlocksFor(message, providerId)) {
    if (!isOpenAIReasoningItem(block)) continue;
    const summary = block.summary.map((text) => ({ type: 'summary_text' as const, text }));
    // An item a client sent back without its id (Codex never sends one: openai/codex, codex-rs/protocol/src/models.rs,
    // `ResponseItem::Reasoning`'s id is `skip_serializing`) goes back without it, as Codex sends it to OpenAI.
    items.push({ type: 'reasoning', ...(block.id !== '' && { id: block.id }), encrypted_content: block.encryptedContent, summary });
  }
}

function imageParts(images: readonly ImageInput[]): OpenAIResponsesContentPart[] {
  return images.map((image) => ({ type: 'input_image', image_url: image.url }));
}
