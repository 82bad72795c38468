/**
 * Which signed thinking the gateway's clients are shown and may send back, in all three APIs. Anthropic signs each
 * thinking block it answers with and takes it back only unchanged; a client that thinks with tools must send its
 * last tool-call turn's blocks back first in that turn, or Anthropic answers 400 ("Expected `thinking` or
 * `redacted_thinking`, but found `tool_use`", https://github.com/Kilo-Org/kilocode/issues/5219). So clients are
 * shown the blocks of an answer that came from the catalog's `anthropic` provider, and the blocks a client's
 * history carries are read as that provider's, whatever the client says of them: they go back to it alone, and to
 * every other provider as plain reasoning text at most. Blocks another provider signed (an Anthropic-wire server
 * under another id) are not shown: read back, they would be taken for Anthropic's. Pure.
 */
import { Provider } from '../catalog.js';
import { isAnthropicThinkingBlock } from '../signed-reasoning.js';
import type { AnthropicThinkingBlock, SignedReasoning, StreamChunk } from '../types.js';

/** A streamed block a client is shown: Anthropic's. */
export type ShownThinkingChunk = Extract<StreamChunk, { type: 'signed-reasoning-block' }> & { readonly block: AnthropicThinkingBlock };

/** The provider whose signed blocks clients are shown, and whose a client's history carries. */
export const clientThinkingProvider: string = Provider.ANTHROPIC;

/** The blocks of an answer a client is shown: Anthropic's only. */
export function shownThinkingBlocks(signedReasoning: SignedReasoning | undefined): readonly AnthropicThinkingBlock[] {
  return signedReasoning !== undefined && signedReasoning.provider === clientThinkingProvider ? signedReasoning.blocks.filter(isAnthropicThinkingBlock) : [];
}

/** A reasoning delta of a thinking block Anthropic will sign: shown to the client as it is thought. */
export function isShownThinkingDelta(chunk: Extract<StreamChunk, { type: 'reasoning-delta' }>): boolean {
  return chunk.signedBy === clientThinkingProvider && chunk.text.length > 0;
}

/** A signed block streamed whole, if the client is shown it. */
export function isShownThinkingBlock(chunk: Extract<StreamChunk, { type: 'signed-reasoning-block' }>): chunk is ShownThinkingChunk {
  return chunk.provider === clientThinkingProvider && isAnthropicThinkingBlock(chunk.block);
}

/** The blocks a client's history carries, as Anthropic's; undefined for none. */
export function clientSignedReasoning(blocks: readonly AnthropicThinkingBlock[]): SignedReasoning | undefined {
  return blocks.length === 0 ? undefined : { provider: clientThinkingProvider, blocks };
}
