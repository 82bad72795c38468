/**
 * Anthropic Messages `system` and `messages` to our Message[]. A user turn's `tool_result` blocks become
 * tool messages (named after their call, as Gemini needs) and its text one user message, in the order they
 * came; an assistant turn's text and `tool_use` blocks become one assistant message with its tool calls.
 * An assistant turn's thinking blocks with their signatures, and its redacted thinking, are Anthropic's signed
 * reasoning (client-signed-reasoning.ts): carried whole as the message's `signedReasoning`, sent back to Anthropic
 * only, and their text as its `reasoning`. A thinking block without a signature cannot go back and is left out. One
 * whose signature is ours carries OpenAI's reasoning items (messages-reasoning-items.ts): they are the turn's signed
 * reasoning, as the `openai` provider's, sent back to OpenAI only, never to Anthropic (which would refuse the signature);
 * a turn carrying both kinds keeps Anthropic's.
 * Its server tool blocks (a web search's `server_tool_use` and `web_search_tool_result`) are Anthropic's too
 * (messages-server-tool-blocks.ts): carried whole, each where it stood in the text, as its `serverToolBlocks`.
 * A block's `cache_control` marks a prompt-cache breakpoint at the end of the message it became.
 * Images (base64 or URL) of a user turn or inside a tool result become that message's images. Documents,
 * and images from the Files API, become a line of text saying they were left out: a 400 would stay in the
 * client's history and refuse every later turn of the conversation. Anything else is a 400 naming its place. Pure.
 */
import { isRecord } from '../../json-value.js';
import type { AnthropicThinkingBlock, CacheBreakpoint, OpenAIReasoningItem, ImageInput, Message, Mutable, ProviderJsonObject, ServerToolBlock, ToolCall, ToolMessage, UserMessage } from '../../types.js';
import { isGatewayEncoding, readSignedReasoningBlock } from '../../signed-reasoning.js';
import { clientReasoningItems, clientSignedReasoning } from '../client-signed-reasoning.js';
import { reasoningItemsOfSignature } from './messages-reasoning-items.js';
import { isCitedTextWireBlock, isServerToolWireBlock } from '../../server-tool-blocks.js';
import { messagesServerToolsProvider } from './messages-server-tool-blocks.js';
import { longerCacheBreakpoint } from '../../cache-breakpoint.js';
import { clientImageUrl, supportedImageUrlMessage } from '../../image-url.js';
import { invalidRequest } from '../gateway-http-error.js';
import { cacheBreakpointOf, omittedMediaNote, quotedValueOf } from '../request-fields.js';


/** Media blocks we cannot carry (documents; images from the Files API): each becomes this line, so the model knows it is missing. */
const omittedMediaTypes = new Set(['image', 'document']);

function omittedMediaText(block: unknown): string | undefined {
  if (!isRecord(block) || typeof block.type !== 'string' || !omittedMediaTypes.has(block.type)) return undefined;
  return omittedMediaNote(block.type);
}

/** The prompt-cache breakpoint a block marks (`cache_control`), with its lifetime. */
function breakpointOf(block: unknown, path: string): CacheBreakpoint | undefined {
  return cacheBreakpointOf(block, 'messages', path);
}

/**
 * `system` (or a system turn's content): a string or text blocks, each block one system message so that a
 * breakpoint stays on the block that carried it (a cached prefix must not run into a block that changes).
 */
function systemMessagesOf(value: unknown, path = 'system'): Message[] {
  const param = path === 'system' ? 'system' : 'messages';
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ role: 'system', content: value }];
  if (!Array.isArray(value)) throw invalidRequest(`${path} must be a string or an array of text blocks.`, param);
  const messages: Message[] = [];
  value.forEach((block: unknown, index) => {
    if (!isRecord(block) || block.type !== 'text' || typeof block.text !== 'string') {
      throw invalidRequest(`${path}[${index}] must be a text block.`, param);
    }
    if (block.text === '') return;
    const breakpoint = cacheBreakpointOf(block, param, path, index);
    messages.push(breakpoint !== undefined ? { role: 'system', content: block.text, cacheBreakpoint: breakpoint } : { role: 'system', content: block.text });
  });
  return messages;
}

/** A tool result's content: a string, or text and image blocks (an image with no usable source becomes a note). */
function toolResultOf(content: unknown, path: string): { text: string; images: ImageInput[] } {
  const images: ImageInput[] = [];
  if (content === undefined || content === null) return { text: '', images };
  if (typeof content === 'string') return { text: content, images };
  if (!Array.isArray(content)) throw invalidRequest(`${path} must be a string or an array of text and image blocks.`, 'messages');
  let text = '';
  content.forEach((block: unknown, index) => {
    const image = isRecord(block) && block.type === 'image' ? imageOf(block, `${path}[${index}]`) : undefined;
    const omitted = image === undefined ? omittedMediaText(block) : undefined;
    if (image !== undefined) images.push(image);
    else if (omitted !== undefined) text += omitted;
    else if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') text += block.text;
    else throw unsupportedBlock(block, `${path}[${index}]`);
  });
  return { text, images };
}

/**
 * A tool result as a tool message; one marked `is_error` says so in words, since most providers have no
 * such flag and the model must still learn that the tool failed (or that the user refused it).
 */
function toolMessageOf(block: Readonly<Record<string, unknown>>, toolUseId: string, path: string): Mutable<ToolMessage> {
  const { text, images } = toolResultOf(block.content, `${path}.content`);
  const message: Mutable<ToolMessage> = { role: 'tool', toolCallId: toolUseId, content: block.is_error === true ? `Error: ${text}` : text };
  if (images.length > 0) message.images = images;
  return message;
}

function unsupportedBlock(block: unknown, path: string): Error {
  const kind = isRecord(block) && typeof block.type === 'string' ? ` (${quotedValueOf(block.type)})` : '';
  return invalidRequest(
    `${path} is not a supported content block${kind}: text, image, tool_use, tool_result, thinking, redacted_thinking and server tool blocks (server_tool_use, web_search_tool_result...) are (documents become a note).`,
    'messages',
  );
}

function blocksOf(content: unknown, path: string): readonly unknown[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidRequest(`${path} must be a string or an array of content blocks.`, 'messages');
  return content;
}

/** An image block's source as our image: base64 bytes as a data URL, a URL as is; a Files API id has none. */
function imageOf(block: Readonly<Record<string, unknown>>, path: string): ImageInput | undefined {
  const source = block.source;
  if (!isRecord(source)) return undefined;
  let url: string | undefined;
  if (source.type === 'base64' && typeof source.media_type === 'string' && typeof source.data === 'string') {
    url = `data:${source.media_type};base64,${source.data}`;
  } else if (source.type === 'url' && typeof source.url === 'string') {
    url = source.url;
  }
  if (url === undefined) return undefined;
  const imageUrl = clientImageUrl(url);
  if (imageUrl === undefined) throw invalidRequest(`${path}.source ${supportedImageUrlMessage}.`, 'messages');
  return { url: imageUrl };
}

function convertUserTurn(content: unknown, path: string, toolNamesById: ReadonlyMap<string, string>, into: Message[]): void {
  let text: string | undefined;
  let images: ImageInput[] = [];
  let breakpoint: CacheBreakpoint | undefined;
  const flushText = (): void => {
    if (text !== undefined || images.length > 0) {
      const message: Mutable<UserMessage> = { role: 'user', content: text ?? '' };
      if (images.length > 0) message.images = images;
      if (breakpoint !== undefined) message.cacheBreakpoint = breakpoint;
      into.push(message);
    }
    text = undefined;
    images = [];
    breakpoint = undefined;
  };
  blocksOf(content, `${path}.content`).forEach((block: unknown, index) => {
    const blockPath = `${path}.content[${index}]`;
    const image = isRecord(block) && block.type === 'image' ? imageOf(block, blockPath) : undefined;
    if (image !== undefined) {
      images.push(image);
      breakpoint = longerCacheBreakpoint(breakpoint, breakpointOf(block, blockPath));
      return;
    }
    const blockText = isRecord(block) && block.type === 'text' && typeof block.text === 'string' ? block.text : omittedMediaText(block);
    if (blockText !== undefined) {
      text = text === undefined ? blockText : `${text}\n\n${blockText}`;
      breakpoint = longerCacheBreakpoint(breakpoint, breakpointOf(block, blockPath));
      return;
    }
    if (isRecord(block) && block.type === 'tool_result') {
      if (typeof block.tool_use_id !== 'string' || block.tool_use_id.length === 0) {
        throw invalidRequest(`${blockPath}.tool_use_id is required.`, 'messages');
      }
      flushText();
      const toolName = toolNamesById.get(block.tool_use_id);
      const message = toolMessageOf(block, block.tool_use_id, blockPath);
      if (toolName !== undefined) message.toolName = toolName;
      const toolBreakpoint = breakpointOf(block, blockPath);
      if (toolBreakpoint !== undefined) message.cacheBreakpoint = toolBreakpoint;
      into.push(message);
      return;
    }
    throw unsupportedBlock(block, blockPath);
  });
  flushText();
}

function convertAssistantTurn(content: unknown, path: string, toolNamesById: Map<string, string>): Message {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  const signedBlocks: AnthropicThinkingBlock[] = [];
  const reasoningItems: OpenAIReasoningItem[] = [];
  const serverToolBlocks: ServerToolBlock[] = [];
  let breakpoint: CacheBreakpoint | undefined;
  blocksOf(content, `${path}.content`).forEach((block: unknown, index) => {
    const blockPath = `${path}.content[${index}]`;
    breakpoint = longerCacheBreakpoint(breakpoint, breakpointOf(block, blockPath));
    if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') {
      // A cited text block goes back to Anthropic whole, its citations unchanged; to any other provider as its text.
      if (isCitedTextWireBlock(block)) serverToolBlocks.push({ textOffset: text.length, block: withoutCacheControl(block) });
      text += block.text;
      return;
    }
    if (isRecord(block) && block.type === 'tool_use') {
      const { id, name, input } = block;
      if (typeof id !== 'string' || id.length === 0 || typeof name !== 'string' || name.length === 0) {
        throw invalidRequest(`${blockPath} must have an id and a name.`, 'messages');
      }
      if (input !== undefined && !isRecord(input)) throw invalidRequest(`${blockPath}.input must be an object.`, 'messages');
      toolNamesById.set(id, name);
      toolCalls.push({ id, name, arguments: JSON.stringify(input ?? {}) });
      return;
    }
    if (isRecord(block) && (block.type === 'thinking' || block.type === 'redacted_thinking')) {
      if (block.type === 'thinking' && typeof block.thinking === 'string') reasoning += block.thinking;
      if (block.type === 'thinking' && typeof block.signature === 'string' && isGatewayEncoding(block.signature)) {
        reasoningItems.push(...reasoningItemsOfSignature(block.signature));
        return;
      }
      const signed = readSignedReasoningBlock(block);
      if (signed !== undefined) signedBlocks.push(signed);
      return;
    }
    if (isRecord(block) && isServerToolWireBlock(block)) {
      serverToolBlocks.push({ textOffset: text.length, block: withoutCacheControl(block) });
      return;
    }
    throw unsupportedBlock(block, blockPath);
  });
  const message: Mutable<Extract<Message, { role: 'assistant' }>> = { role: 'assistant', content: text };
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  if (reasoning !== '') message.reasoning = reasoning;
  // One answer's reasoning is of one provider: a turn carrying both kinds keeps Anthropic's.
  const signedReasoning = clientSignedReasoning(signedBlocks) ?? clientReasoningItems(reasoningItems);
  if (signedReasoning !== undefined) message.signedReasoning = signedReasoning;
  if (serverToolBlocks.length > 0) message.serverToolBlocks = { provider: messagesServerToolsProvider, blocks: serverToolBlocks };
  if (breakpoint !== undefined) message.cacheBreakpoint = breakpoint;
  return message;
}

/**
 * A server tool block as the client sent it, but its `cache_control`: that marks the message's breakpoint (read with
 * the other blocks'), which goes back on the message's last block, so a copy kept would be a second breakpoint.
 */
function withoutCacheControl<Block extends ProviderJsonObject>(block: Block): Block {
  if (!('cache_control' in block)) return block;
  const { cache_control: _breakpoint, ...rest } = block;
  return rest as Block;
}

export function convertAnthropicRequestMessages(system: unknown, value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidRequest('messages must be a non-empty array.', 'messages');
  const messages: Message[] = [];
  messages.push(...systemMessagesOf(system));
  const toolNamesById = new Map<string, string>();
  value.forEach((message: unknown, index) => {
    const path = `messages[${index}]`;
    if (!isRecord(message)) throw invalidRequest(`${path} must be an object.`, 'messages');
    if (message.role === 'user') convertUserTurn(message.content, path, toolNamesById, messages);
    else if (message.role === 'assistant') messages.push(convertAssistantTurn(message.content, path, toolNamesById));
    else if (message.role === 'system') messages.push(...systemMessagesOf(message.content, `${path}.content`));
    else throw invalidRequest(`${path}.role must be user, assistant or system.`, 'messages');
  });
  // Turns of no blocks become no message: with nothing else, there is nothing to ask.
  if (messages.length === 0) throw invalidRequest('messages hold no content: every turn is empty.', 'messages');
  return messages;
}
