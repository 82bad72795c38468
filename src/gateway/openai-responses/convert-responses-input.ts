/**
 * A Responses request's `instructions` and `input` as our messages: input items (messages with text and
 * image parts, function and custom tool calls joined to their assistant turn, their outputs (text and
 * images) as tool messages) in order. A reasoning item carrying Anthropic's signed blocks (our `encrypted_content`,
 * encrypted-reasoning-content.ts) gives them to the assistant turn it is part of, and one carrying OpenAI's own
 * encrypted content is given to it as OpenAI's item (client-signed-reasoning.ts says why OpenAI's); reasoning without
 * encrypted content and the calls of tools only OpenAI runs are left out; media a turn cannot carry become a note. Pure; a bad item is a 400 naming its index.
 */
import { isRecord } from '../../json-value.js';
import { clientImageUrl, supportedImageUrlMessage } from '../../image-url.js';
import { toolArgumentsText } from '../../tool-arguments-text.js';
import { summaryTexts } from '../../providers/openai-responses/read-openai-reasoning-item.js';
import type { AnthropicThinkingBlock, AssistantMessage, ImageInput, Message, Mutable, OpenAIReasoningItem, ToolCall, ToolMessage, UserMessage } from '../../types.js';
import { clientReasoningItems, clientSignedReasoning } from '../client-signed-reasoning.js';
import { invalidRequest } from '../gateway-http-error.js';
import { omittedMediaNote, quotedValueOf } from '../request-fields.js';
import { decodeReasoningContent, isOurReasoningContent } from './encrypted-reasoning-content.js';

type JsonObject = Readonly<Record<string, unknown>>;

/**
 * A content part's text (`input_text`, `output_text`, `text`, an assistant's `refusal`). Files, and images
 * where a turn cannot carry them (the assistant's, one with only a `file_id`), become a line saying they
 * were left out: a 400 would stay in the client's history and refuse every later turn. The images of a
 * user's turn and of a tool's output are read by the caller.
 */
function partText(part: unknown, path: string): string {
  if (isRecord(part) && (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') && typeof part.text === 'string') {
    return part.text;
  }
  if (isRecord(part) && part.type === 'refusal' && typeof part.refusal === 'string') return part.refusal;
  if (isRecord(part) && (part.type === 'input_image' || part.type === 'input_file')) {
    return omittedMediaNote(part.type === 'input_image' ? 'image' : 'file');
  }
  const kind = isRecord(part) && typeof part.type === 'string' ? ` (${quotedValueOf(part.type)})` : '';
  throw invalidRequest(`${path} is not a supported content part${kind}: input_text, output_text, refusal, input_image and input_file are.`, 'input');
}

function textOf(content: unknown, path: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidRequest(`${path} must be a string or an array of content parts.`, 'input');
  return content.map((part: unknown, index) => partText(part, `${path}[${index}]`)).join('');
}

/** Text and image parts: the text joined, the images (`input_image` with an `image_url`) apart. */
function textAndImagesOf(content: readonly unknown[], path: string): { text: string; images: ImageInput[] } {
  let text = '';
  const images: ImageInput[] = [];
  content.forEach((part: unknown, index) => {
    if (isRecord(part) && part.type === 'input_image' && part.image_url !== undefined && part.image_url !== null) {
      const imageUrl = typeof part.image_url === 'string' ? clientImageUrl(part.image_url) : undefined;
      if (imageUrl === undefined) throw invalidRequest(`${path}[${index}].image_url ${supportedImageUrlMessage}.`, 'input');
      images.push({ url: imageUrl });
      return;
    }
    text += partText(part, `${path}[${index}]`);
  });
  return { text, images };
}

function userMessageOf(content: unknown, path: string): UserMessage {
  if (!Array.isArray(content)) return { role: 'user', content: textOf(content, path) };
  const { text, images } = textAndImagesOf(content, path);
  const message: Mutable<UserMessage> = { role: 'user', content: text };
  if (images.length > 0) message.images = images;
  return message;
}

/** A tool's output: a string, or content parts, its images carried as the tool message's. */
function toolMessageOf(callId: string, output: unknown, path: string): Mutable<ToolMessage> {
  if (output === undefined || output === null) return { role: 'tool', toolCallId: callId, content: '' };
  if (!Array.isArray(output)) return { role: 'tool', toolCallId: callId, content: textOf(output, path) };
  const { text, images } = textAndImagesOf(output, path);
  const message: Mutable<ToolMessage> = { role: 'tool', toolCallId: callId, content: text };
  if (images.length > 0) message.images = images;
  return message;
}

/** The conversation: `instructions` first, then the input items, a function call joined to the assistant turn before it. */
export function convertResponsesInput(body: JsonObject): Message[] {
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
  /** The signed reasoning of the turn under way, which comes before its text and calls; left out if no turn follows. */
  let signedBlocks: AnthropicThinkingBlock[] = [];
  let reasoningItems: OpenAIReasoningItem[] = [];
  const flushAssistant = (): void => {
    if (assistant !== undefined) {
      const message: Mutable<AssistantMessage> = { role: 'assistant', content: assistant.content };
      if (assistant.toolCalls.length > 0) message.toolCalls = assistant.toolCalls;
      // One answer's reasoning is of one provider: a turn carrying both kinds keeps Anthropic's.
      const signedReasoning = clientSignedReasoning(signedBlocks) ?? clientReasoningItems(reasoningItems);
      if (signedReasoning !== undefined) message.signedReasoning = signedReasoning;
      messages.push(message);
    }
    assistant = undefined;
    signedBlocks = [];
    reasoningItems = [];
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
      // A free-form call's text is the `input` of the function it was given as. A function call's arguments sent as
      // an object (or array) are its JSON text, as on chat completions (convert-openai-messages).
      const argumentsText =
        type === 'custom_tool_call' ? (typeof item.input === 'string' ? JSON.stringify({ input: item.input }) : undefined) : toolArgumentsText(item.arguments);
      if (typeof callId !== 'string' || callId === '' || typeof name !== 'string' || name === '' || argumentsText === undefined) {
        const what = type === 'custom_tool_call' ? 'input (a string)' : 'arguments (a JSON string or object)';
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
      const toolName = toolNamesById.get(item.call_id);
      // The answer to a call that was left out (Codex's local_shell_call, a tool only OpenAI runs) goes with
      // it: a tool answer after no call is one no provider takes.
      if (toolName === undefined) return;
      const message = toolMessageOf(item.call_id, item.output, `${path}.output`);
      message.toolName = toolName;
      messages.push(message);
      return;
    }
    if (type === 'reasoning') {
      // Anthropic's signed blocks, as the gateway gave them, or OpenAI's own item; one without encrypted content is left out.
      const content = item.encrypted_content;
      if (typeof content !== 'string' || content === '') return;
      if (isOurReasoningContent(content)) signedBlocks.push(...decodeReasoningContent(content));
      else reasoningItems.push(openAIReasoningItemOf(item, content));
      return;
    }
    if (type === 'item_reference') {
      // Resolved before the conversion where the gateway keeps answered items (stored-responses.ts): here only where it
      // keeps none. The AI SDK's OpenAI Responses model sends its earlier answers so unless told `store: false` (its
      // default is true: vercel/ai, packages/openai/src/responses/convert-to-openai-responses-input.ts), so the 400 says how.
      throw invalidRequest(
        `${path} refers to a stored item; this gateway keeps none (storedResponses.enabled is false in its configuration): send the items themselves (a client that stores responses by default, as the AI SDK's OpenAI provider does, sends them with store: false).`,
        'input',
        'unsupported_parameter',
      );
    }
    // Calls of tools only OpenAI runs (web search, local shell, code interpreter...) and their outputs: left out.
    if (typeof type === 'string' && /_call(_output)?$/.test(type)) return;
    throw invalidRequest(`${path} is not a supported item (${quotedValueOf(type)}): messages, function and custom tool calls and their outputs are.`, 'input');
  });
  flushAssistant();
  return messages;
}

/**
 * OpenAI's reasoning item as a client sent it back: its id, or none (Codex sends none: openai/codex,
 * codex-rs/protocol/src/models.rs, `ResponseItem::Reasoning`'s id is `skip_serializing`; it goes back to OpenAI so).
 */
function openAIReasoningItemOf(item: JsonObject, encryptedContent: string): OpenAIReasoningItem {
  return { type: 'reasoning', id: typeof item.id === 'string' ? item.id : '', encryptedContent, summary: summaryTexts(item) };
}
