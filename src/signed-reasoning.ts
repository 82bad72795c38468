/**
 * Signed reasoning (Anthropic's thinking blocks and their signatures, OpenAI's encrypted reasoning items): read off
 * the wire, its shape checked for a caller's history and a cached answer read back, and what of it a provider may be
 * sent. Pure.
 */
import { isRecord, readString, type JsonRecord } from './json-value.js';
import type { AnthropicThinkingBlock, AssistantMessage, OpenAIReasoningItem, ProviderBlocks, SignedReasoning, SignedReasoningBlock } from './types.js';

export function isSignedReasoning(value: unknown): value is SignedReasoning {
  return isRecord(value) && typeof value.provider === 'string' && Array.isArray(value.blocks) && value.blocks.every(isSignedReasoningBlock);
}

function isSignedReasoningBlock(block: unknown): block is SignedReasoningBlock {
  if (!isRecord(block)) return false;
  if (block.type === 'thinking') return typeof block.thinking === 'string' && typeof block.signature === 'string';
  if (block.type === 'reasoning') {
    const { id, encryptedContent, summary } = block;
    return typeof id === 'string' && typeof encryptedContent === 'string' && Array.isArray(summary) && summary.every((text) => typeof text === 'string');
  }
  return block.type === 'redacted_thinking' && typeof block.data === 'string';
}

/** Anthropic's kind of block (not OpenAI's reasoning item). */
export function isAnthropicThinkingBlock(block: SignedReasoningBlock): block is AnthropicThinkingBlock {
  return block.type !== 'reasoning';
}

/** OpenAI's kind of block: a Responses `reasoning` item. */
export function isOpenAIReasoningItem(block: SignedReasoningBlock): block is OpenAIReasoningItem {
  return block.type === 'reasoning';
}

/**
 * A wire `thinking` block with its signature, or a `redacted_thinking` block (Anthropic's answer, or a Messages
 * client's history), as we keep it; undefined for any other block, and for thinking without a signature
 * (Anthropic would refuse it back).
 */
export function readSignedReasoningBlock(block: JsonRecord): AnthropicThinkingBlock | undefined {
  if (block['type'] === 'thinking') {
    const signature = readString(block['signature']);
    if (signature === undefined || signature === '') return undefined;
    return { type: 'thinking', thinking: readString(block['thinking']) ?? '', signature };
  }
  if (block['type'] === 'redacted_thinking') {
    const data = readString(block['data']);
    return data === undefined || data === '' ? undefined : { type: 'redacted_thinking', data };
  }
  return undefined;
}

/**
 * A block as Anthropic wrote it, field for field and nothing else (a caller's object may carry more): what goes back
 * to Anthropic and what a Messages client is shown.
 */
export function wireSignedReasoningBlock(block: AnthropicThinkingBlock): AnthropicThinkingBlock {
  return block.type === 'thinking'
    ? { type: 'thinking', thinking: block.thinking, signature: block.signature }
    : { type: 'redacted_thinking', data: block.data };
}

/** The signed blocks of an answer that `providerId` signed; none for any other provider, which could not check them. */
export function signedReasoningBlocksFor(message: Pick<AssistantMessage, 'signedReasoning'>, providerId: string): readonly SignedReasoningBlock[] {
  return blocksWrittenBy(message.signedReasoning, providerId);
}

/** Blocks only their provider reads back (signed thinking, server tool use): those `providerId` wrote, else none. */
export function blocksWrittenBy<Block>(written: ProviderBlocks<Block> | undefined, providerId: string): readonly Block[] {
  return written !== undefined && written.provider === providerId ? written.blocks : [];
}
