/**
 * Anthropic's signed thinking blocks in a Responses reasoning item's `encrypted_content`, the field OpenAI's
 * stateless clients keep and send back: asked with `include: ["reasoning.encrypted_content"]` and `store: false`,
 * Codex keeps each reasoning item whole and sends it back in the next request's input (openai/codex,
 * codex-rs/protocol/src/models.rs, `ResponseItem::Reasoning { summary, content, encrypted_content }`), as the AI SDK's
 * Responses model does from a reasoning part's `reasoningEncryptedContent` (vercel/ai,
 * packages/openai/src/responses/convert-to-openai-responses-input.ts).
 * Not encrypted: the gateway's own encoding (signed-reasoning-encoding.ts), opaque to the client and versioned. Only
 * blocks of the provider clients are shown (client-signed-reasoning.ts) are read, each read as a Messages client's would
 * be: another version, or a value that does not decode to such blocks, is left out, never an error. Any other content
 * is OpenAI's own (`gAAAA...`), read as OpenAI's item (convert-responses-input.ts). Pure.
 */
import { isRecord } from '../../json-value.js';
import { isAnthropicThinkingBlock, isGatewayEncoding, readSignedReasoningBlock, wireSignedReasoningBlock } from '../../signed-reasoning.js';
import type { SignedReasoning, AnthropicThinkingBlock } from '../../types.js';
import { clientThinkingProvider } from '../client-signed-reasoning.js';
import { decodeSignedReasoning, encodeSignedReasoning } from '../signed-reasoning-encoding.js';

export function encodeReasoningContent(signedReasoning: SignedReasoning): string {
  return encodeSignedReasoning(signedReasoning.provider, signedReasoning.blocks.filter(isAnthropicThinkingBlock).map(wireSignedReasoningBlock));
}

/** Whether a reasoning item's `encrypted_content` is ours (of any version), not OpenAI's own. */
export function isOurReasoningContent(value: string): boolean {
  return isGatewayEncoding(value);
}

/** The blocks a reasoning item's `encrypted_content` carries; none when it is not ours. */
export function decodeReasoningContent(value: unknown): AnthropicThinkingBlock[] {
  const decoded = decodeSignedReasoning(value);
  if (decoded === undefined || decoded.provider !== clientThinkingProvider) return [];
  const blocks: AnthropicThinkingBlock[] = [];
  for (const block of decoded.blocks) {
    const read = isRecord(block) ? readSignedReasoningBlock(block) : undefined;
    // Anthropic takes the blocks back only as it gave them, all of them: one that does not read spoils the rest.
    if (read === undefined) return [];
    blocks.push(read);
  }
  return blocks;
}
