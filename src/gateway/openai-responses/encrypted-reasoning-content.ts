/**
 * Anthropic's signed thinking blocks in a Responses reasoning item's `encrypted_content`, the field OpenAI's
 * stateless clients keep and send back: asked with `include: ["reasoning.encrypted_content"]` and `store: false`,
 * Codex keeps each reasoning item whole and sends it back in the next request's input (openai/codex,
 * codex-rs/protocol/src/models.rs, `ResponseItem::Reasoning { summary, content, encrypted_content }`), as the AI SDK's
 * Responses model does from a reasoning part's `reasoningEncryptedContent` (vercel/ai,
 * packages/openai/src/responses/convert-to-openai-responses-input.ts).
 * Not encrypted: an encoding of our own, opaque to the client and versioned, `bm-signed-reasoning.v1.` then the
 * base64url JSON of `{ provider, blocks }`. Only that is read, and only blocks of the provider clients are shown
 * (client-signed-reasoning.ts), each read as a Messages client's would be: another version, or a value that does not
 * decode to such blocks, is left out, never an error. Any other content is OpenAI's own (`gAAAA...`), read as OpenAI's
 * item (convert-responses-input.ts). Pure.
 */
import { isRecord } from '../../json-value.js';
import { isAnthropicThinkingBlock, readSignedReasoningBlock, wireSignedReasoningBlock } from '../../signed-reasoning.js';
import type { SignedReasoning, AnthropicThinkingBlock } from '../../types.js';
import { clientThinkingProvider } from '../client-signed-reasoning.js';

const prefix = 'bm-signed-reasoning.v1.';

export function encodeReasoningContent(signedReasoning: SignedReasoning): string {
  const blocks = signedReasoning.blocks.filter(isAnthropicThinkingBlock).map(wireSignedReasoningBlock);
  return prefix + Buffer.from(JSON.stringify({ provider: signedReasoning.provider, blocks }), 'utf8').toString('base64url');
}

/** Whether a reasoning item's `encrypted_content` is ours (Anthropic's blocks), not OpenAI's own. */
export function isOurReasoningContent(value: string): boolean {
  return value.startsWith(prefix);
}

/** The blocks a reasoning item's `encrypted_content` carries; none when it is not ours. */
export function decodeReasoningContent(value: unknown): AnthropicThinkingBlock[] {
  if (typeof value !== 'string' || !value.startsWith(prefix)) return [];
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(value.slice(prefix.length), 'base64url').toString('utf8'));
  } catch {
    return [];
  }
  if (!isRecord(decoded) || decoded.provider !== clientThinkingProvider || !Array.isArray(decoded.blocks)) return [];
  const blocks: AnthropicThinkingBlock[] = [];
  for (const block of decoded.blocks as unknown[]) {
    const read = isRecord(block) ? readSignedReasoningBlock(block) : undefined;
    // Anthropic takes the blocks back only as it gave them, all of them: one that does not read spoils the rest.
    if (read === undefined) return [];
    blocks.push(read);
  }
  return blocks;
}
