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
 * The start of every encoding of the gateway's own that carries one provider's signed reasoning in another's field
 * (Anthropic's blocks in a Responses item's `encrypted_content`, an OpenAI item in a Messages thinking block's
 * `signature`), whatever its version. Never the start of a signature Anthropic wrote: those are standard base64 of a
 * protobuf message (the alphabet `A-Z a-z 0-9 + / =`, beginning `E`, or `C` for the newest envelope, as
 * router-for-me/CLIProxyAPI's internal/signature/claude_validation.go decodes them; every one recorded in
 * test/fixtures/anthropic begins `E`), which has no `-` and no `.`.
 */
const gatewayEncodingMark = 'bm-signed-reasoning.';

/** Whether a signature (or encrypted content) is an encoding of the gateway's own, of any version: never Anthropic's. */
export function isGatewayEncoding(value: string): boolean {
  return value.startsWith(gatewayEncodingMark);
}

/**
 * A wire `thinking` block with its signature, or a `redacted_thinking` block (Anthropic's answer, or a Messages
 * client's history), as we keep it; undefined for any other block, for thinking without a signature (Anthropic
 * would refuse it back), and for one whose signature is ours (an OpenAI item shown to a Messages client): Anthropic
 * would refuse that too, with a 400.
 */
export function readSignedReasoningBlock(block: JsonRecord): AnthropicThinkingBlock | undefined {
  if (block['type'] === 'thinking') {
    const signature = readString(block['signature']);
    if (signature === undefined || signature === '' || isGatewayEncoding(signature)) return undefined;
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
