import { InvalidArgumentError } from '../../errors.js';
import { parseDataUrl } from '../../image-url.js';
import { cacheTtlOf } from '../../cache-breakpoint.js';
import type { AssistantMessage, CacheBreakpoint, ImageInput, Message, ToolCall } from '../../types.js';
import { blocksWrittenBy, isAnthropicThinkingBlock, signedReasoningBlocksFor, wireSignedReasoningBlock } from '../../signed-reasoning.js';
import { inTextOrder, isCitedTextWireBlock, isServerToolWireBlock } from '../../server-tool-blocks.js';
import type {
  AnthropicAssistantBlock,
  AnthropicCacheControl,
  AnthropicImageBlock,
  AnthropicTextBlock,
  AnthropicMessage,
  AnthropicThinkingBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
  AnthropicUserBlock,
} from './anthropic-api-types.js';
import { isRecord, parseJsonOrUndefined } from '../../json-value.js';

export interface AnthropicPrompt {
  /**
   * Every system message, in order, joined by a blank line; one text block each instead when one of them
   * marks a cache breakpoint. Anthropic takes it outside the turns.
   */
  readonly system: string | AnthropicTextBlock[] | undefined;
  readonly messages: AnthropicMessage[];
}

type Turn =
  | { readonly role: 'user'; readonly blocks: AnthropicUserBlock[] }
  | { readonly role: 'assistant'; readonly blocks: AnthropicAssistantBlock[] };

/**
 * Our messages as Anthropic turns. Anthropic wants user and assistant to alternate, so consecutive
 * messages of one role are merged into one turn; a tool answer is a `tool_result` block in a user turn,
 * so consecutive tool answers (and a user message right after them) share one turn, results first.
 * Text that is empty or only whitespace is left out, and a final assistant turn (a prefill) loses its trailing
 * whitespace: Anthropic refuses both (400). A user's images follow their text; a tool's
 * images follow its text inside its `tool_result`. Tool call ids are made ones Anthropic takes
 * (see ToolUseIds).
 * With `providerId`, an assistant message's server tool blocks that provider wrote (`serverToolBlocks`: its web
 * searches) are sent back unchanged, each where it stood in the text; and when the call `thinks`, its thinking
 * blocks that provider signed (`signedReasoning`) are sent back unchanged, first in its turn, as Anthropic requires
 * of a thinking call ("a final `assistant` message must start with a thinking block"). Blocks another provider
 * wrote, and every block without `providerId`, are left out.
 */
export function convertToAnthropicMessages(messages: readonly Message[], options?: { readonly providerId: string; readonly thinks: boolean }): AnthropicPrompt {
  const systemBlocks: AnthropicTextBlock[] = [];
  const turns: Turn[] = [];
  const toolUseIds = new ToolUseIds();

  messages.forEach((message, messageIndex) => {
    switch (message.role) {
      case 'system':
        if (hasText(message.content)) systemBlocks.push(...markBreakpoint<AnthropicTextBlock>([{ type: 'text', text: message.content }], message));
        return;
      case 'user': {
        const blocks: AnthropicUserBlock[] = hasText(message.content) ? [{ type: 'text', text: message.content }] : [];
        for (const image of message.images ?? []) blocks.push(toImageBlock(image));
        appendUserBlocks(turns, markBreakpoint(blocks, message));
        return;
      }
      case 'tool': {
        const toolUseId = toolUseIds.answered(message.toolCallId);
        const content = toolResultContent(message.content, message.images);
        appendUserBlocks(turns, markBreakpoint<AnthropicUserBlock>([{ type: 'tool_result', tool_use_id: toolUseId, content }], message));
        return;
      }
      case 'assistant': {
        const blocks = textAndServerToolBlocks(message, options?.providerId);
        (message.toolCalls ?? []).forEach((toolCall, toolCallIndex) => {
          const argumentPath = `messages[${messageIndex}].toolCalls[${toolCallIndex}].arguments`;
          blocks.push(toToolUseBlock(toolCall, toolUseIds.called(toolCall.id), argumentPath));
        });
        const signed = options === undefined || !options.thinks ? noBlocks : signedReasoningBlocksFor(message, options.providerId).filter(isAnthropicThinkingBlock);
        appendAssistantBlocks(turns, markBreakpoint(blocks, message), signed);
        return;
      }
    }
  });

  const kept = withoutEmptyTurns(turns);
  trimPrefill(kept.at(-1));
  return { system: systemOf(systemBlocks), messages: kept.map(toMessage) };
}

/**
 * An answer's text, with the server tool blocks `providerId` wrote back where they stood in it (each a copy: a cache
 * breakpoint may be set on the last block); just its text for any other provider.
 */
function textAndServerToolBlocks(message: AssistantMessage, providerId: string | undefined): AnthropicAssistantBlock[] {
  const written = providerId === undefined ? [] : blocksWrittenBy(message.serverToolBlocks, providerId);
  if (written.length === 0) return hasText(message.content) ? [{ type: 'text', text: message.content }] : [];
  const blocks: AnthropicAssistantBlock[] = [];
  for (const piece of inTextOrder(message.content, written)) {
    if (typeof piece === 'string') {
      if (hasText(piece)) blocks.push({ type: 'text', text: piece });
    } else if (isServerToolWireBlock(piece) || isCitedTextWireBlock(piece)) {
      blocks.push({ ...piece });
    }
  }
  return blocks;
}

/** Turns left empty are dropped, and the turns they stood between merged, so the roles still alternate. */
function withoutEmptyTurns(turns: readonly Turn[]): Turn[] {
  const kept: Turn[] = [];
  for (const turn of turns) {
    if (turn.blocks.length === 0) continue;
    const previous = kept.at(-1);
    if (previous?.role === turn.role) (previous.blocks as (AnthropicUserBlock | AnthropicAssistantBlock)[]).push(...turn.blocks);
    else kept.push(turn);
  }
  return kept;
}

/** Anthropic refuses a text block that is empty or only whitespace ("text content blocks must contain non-whitespace text"). */
function hasText(text: string): boolean {
  return text.trim() !== '';
}

/** A conversation that ends on the assistant's words (a prefill) may not end them with whitespace (a 400). */
function trimPrefill(last: Turn | undefined): void {
  if (last?.role !== 'assistant') return;
  const block = last.blocks.at(-1);
  if (block?.type === 'text') last.blocks[last.blocks.length - 1] = { ...block, text: block.text.trimEnd() };
}

/** A message's cache breakpoint goes on the last block it became (none when it became none). */
function markBreakpoint<Block extends { cache_control?: AnthropicCacheControl }>(blocks: Block[], message: Message): Block[] {
  const last = blocks.at(-1);
  const cacheControl = anthropicCacheControl(message.cacheBreakpoint);
  if (cacheControl !== undefined && last !== undefined) last.cache_control = cacheControl;
  return blocks;
}

const ephemeral: AnthropicCacheControl = { type: 'ephemeral' };
const ephemeralForAnHour: AnthropicCacheControl = { type: 'ephemeral', ttl: '1h' };

/** A mark as Anthropic's `cache_control`: the default lifetime is left unsaid. */
export function anthropicCacheControl(mark: CacheBreakpoint | undefined): AnthropicCacheControl | undefined {
  const ttl = cacheTtlOf(mark);
  if (ttl === undefined) return undefined;
  return ttl === '1h' ? ephemeralForAnHour : ephemeral;
}

function systemOf(blocks: AnthropicTextBlock[]): string | AnthropicTextBlock[] | undefined {
  if (blocks.length === 0) return undefined;
  if (blocks.some((block) => block.cache_control !== undefined)) return blocks;
  return blocks.map((block) => block.text).join('\n\n');
}

/**
 * Tool call ids as Anthropic takes them: only letters, digits, `_` and `-` (Moonshot's hold `.` and `:`),
 * and unique in the conversation (Gemini's calls without an id are numbered from 0 in every turn). A call
 * made under an id already used gets a suffix, and the answers that follow name it so: answers to an id
 * pair with its calls in order, so calls and answers still match when a conversation fails over to Anthropic.
 */
class ToolUseIds {
  readonly #used = new Set<string>();
  /** The ids each original id was given, oldest first, not yet answered. */
  readonly #unanswered = new Map<string, string[]>();
  /** The id each original id was last given, for an answer that comes again. */
  readonly #last = new Map<string, string>();

  called(id: string): string {
    const base = wireId(id);
    let assigned = base;
    for (let suffix = 2; this.#used.has(assigned); suffix += 1) assigned = `${base}_${suffix}`;
    this.#used.add(assigned);
    const queue = this.#unanswered.get(id);
    if (queue === undefined) this.#unanswered.set(id, [assigned]);
    else queue.push(assigned);
    this.#last.set(id, assigned);
    return assigned;
  }

  answered(id: string): string {
    return this.#unanswered.get(id)?.shift() ?? this.#last.get(id) ?? wireId(id);
  }
}

function wireId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_') || 'toolu';
}

function appendUserBlocks(turns: Turn[], blocks: AnthropicUserBlock[]): void {
  const last = turns.at(-1);
  if (last?.role === 'user') last.blocks.push(...blocks);
  else turns.push({ role: 'user', blocks });
}

/** A message's blocks at the end of the assistant turn, and its signed thinking blocks after the turn's own, before anything else. */
function appendAssistantBlocks(turns: Turn[], blocks: AnthropicAssistantBlock[], signed: readonly AnthropicThinkingBlock[]): void {
  const last = turns.at(-1);
  if (signed.length === 0) {
    if (last?.role === 'assistant') last.blocks.push(...blocks);
    else turns.push({ role: 'assistant', blocks });
    return;
  }
  const thinking: AnthropicThinkingBlock[] = signed.map(wireSignedReasoningBlock);
  if (last?.role !== 'assistant') {
    turns.push({ role: 'assistant', blocks: [...thinking, ...blocks] });
    return;
  }
  const firstOther = last.blocks.findIndex((block) => block.type !== 'thinking' && block.type !== 'redacted_thinking');
  last.blocks.splice(firstOther === -1 ? last.blocks.length : firstOther, 0, ...thinking);
  last.blocks.push(...blocks);
}

const noBlocks: readonly AnthropicThinkingBlock[] = [];

function toMessage(turn: Turn): AnthropicMessage {
  if (turn.role === 'assistant') {
    return { role: 'assistant', content: collapseSingleText(turn.blocks) ?? turn.blocks };
  }
  // Anthropic wants the tool results of a user turn before its text.
  const ordered = [
    ...turn.blocks.filter((block) => block.type === 'tool_result'),
    ...turn.blocks.filter((block) => block.type !== 'tool_result'),
  ];
  return { role: 'user', content: collapseSingleText(ordered) ?? ordered };
}

/** A turn that is one text block (with no cache breakpoint) is sent as a plain string, as the official SDKs do. */
function collapseSingleText(blocks: readonly (AnthropicUserBlock | AnthropicAssistantBlock)[]): string | undefined {
  const [only] = blocks;
  return blocks.length === 1 && only?.type === 'text' && only.cache_control === undefined ? only.text : undefined;
}

/** A tool's answer: its text, or its text and then its images as blocks. */
function toolResultContent(text: string, images: readonly ImageInput[] | undefined): AnthropicToolResultBlock['content'] {
  if (images === undefined || images.length === 0) return text;
  const blocks: (AnthropicTextBlock | AnthropicImageBlock)[] = text === '' ? [] : [{ type: 'text', text }];
  for (const image of images) blocks.push(toImageBlock(image));
  return blocks;
}

/** A data URL's bytes as a base64 source; any other URL as a URL source, which Anthropic fetches. */
function toImageBlock(image: ImageInput): AnthropicImageBlock {
  const data = parseDataUrl(image.url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.base64 } };
  return { type: 'image', source: { type: 'url', url: image.url } };
}

function toToolUseBlock(toolCall: ToolCall, id: string, argumentPath: string): AnthropicToolUseBlock {
  // A call without arguments may arrive as "" (an empty streamed input): it means {}.
  const input = toolCall.arguments.trim() === '' ? {} : parseJsonOrUndefined(toolCall.arguments);
  if (!isRecord(input)) {
    throw new InvalidArgumentError({
      argument: argumentPath,
      message: `Tool call "${toolCall.name}" has arguments that are not a JSON object; Anthropic needs an object`,
    });
  }
  return { type: 'tool_use', id, name: toolCall.name, input };
}
