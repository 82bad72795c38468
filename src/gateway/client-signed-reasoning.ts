/**
 * Which signed reasoning the gateway's clients are shown and may send back. Anthropic's thinking blocks, in all three
 * APIs: Anthropic signs each thinking block it answers with and takes it back only unchanged; a client that thinks
 * with tools must send its last tool-call turn's blocks back first in that turn, or Anthropic answers 400 ("Expected
 * `thinking` or `redacted_thinking`, but found `tool_use`", https://github.com/Kilo-Org/kilocode/issues/5219). So
 * clients are shown the blocks of an answer that came from the catalog's `anthropic` provider, and the blocks a
 * client's history carries are read as that provider's, whatever the client says of them: they go back to it alone,
 * and to every other provider as plain reasoning text at most. Blocks another provider signed (an Anthropic-wire
 * server under another id) are not shown: read back, they would be taken for Anthropic's.
 * OpenAI's encrypted reasoning items, on the Responses API (its own `reasoning` items), chat completions (as
 * OpenRouter's `reasoning_details`, openai-signed-reasoning.ts) and Messages (a thinking block whose signature is an
 * encoding of ours, anthropic-messages/messages-reasoning-items.ts): the same rule with the catalog's `openai` provider. OpenAI's encrypted content names no provider, so an item a client sends back is read
 * as `openai`'s, never as one the request names: it goes back to that provider alone (its configured base URL and
 * key), which takes it only if it answered it. Items of another OpenAI-wire provider are not shown. Pure.
 */
import { Provider } from '../catalog.js';
import { isAnthropicThinkingBlock, isOpenAIReasoningItem } from '../signed-reasoning.js';
import type { AnthropicThinkingBlock, OpenAIReasoningItem, SignedReasoning, SignedReasoningBlock, StreamChunk } from '../types.js';

type ReasoningDelta = Extract<StreamChunk, { type: 'reasoning-delta' }>;
type SignedReasoningChunk = Extract<StreamChunk, { type: 'signed-reasoning-block' }>;

/** A streamed block a client is shown: Anthropic's. */
export type ShownThinkingChunk = SignedReasoningChunk & { readonly block: AnthropicThinkingBlock };

/** A streamed reasoning item a client is shown: OpenAI's. */
export type ShownReasoningItemChunk = SignedReasoningChunk & { readonly block: OpenAIReasoningItem };

/** A piece of the summary of a reasoning item a Responses client is shown. */
export type ShownReasoningSummaryDelta = ReasoningDelta & { readonly summaryOf: NonNullable<ReasoningDelta['summaryOf']> };

/** The provider whose signed blocks clients are shown, and whose a client's history carries. */
export const clientThinkingProvider: string = Provider.ANTHROPIC;

/** The provider whose encrypted reasoning items clients are shown, and whose a client's history carries. */
export const clientReasoningItemProvider: string = Provider.OPENAI;

/** The blocks of an answer a client is shown: Anthropic's only. */
export function shownThinkingBlocks(signedReasoning: SignedReasoning | undefined): readonly AnthropicThinkingBlock[] {
  return signedReasoning !== undefined && signedReasoning.provider === clientThinkingProvider ? signedReasoning.blocks.filter(isAnthropicThinkingBlock) : [];
}

/** The reasoning items of an answer a client is shown: OpenAI's only. */
export function shownReasoningItems(signedReasoning: SignedReasoning | undefined): readonly OpenAIReasoningItem[] {
  return signedReasoning !== undefined && signedReasoning.provider === clientReasoningItemProvider ? signedReasoning.blocks.filter(isOpenAIReasoningItem) : [];
}

/** The signed reasoning of an answer a chat completions client is shown: Anthropic's blocks or OpenAI's items. */
export function shownSignedReasoning(signedReasoning: SignedReasoning | undefined): readonly SignedReasoningBlock[] {
  const blocks = shownThinkingBlocks(signedReasoning);
  return blocks.length > 0 ? blocks : shownReasoningItems(signedReasoning);
}

/** A reasoning delta of a thinking block Anthropic will sign: shown to the client as it is thought. */
export function isShownThinkingDelta(chunk: ReasoningDelta): boolean {
  return chunk.signedBy === clientThinkingProvider && chunk.text.length > 0;
}

/** A reasoning delta of the summary of a reasoning item OpenAI answers: shown to a Responses or Messages client as it comes. */
export function isShownReasoningSummaryDelta(chunk: ReasoningDelta): chunk is ShownReasoningSummaryDelta {
  return chunk.signedBy === clientReasoningItemProvider && chunk.summaryOf !== undefined && chunk.text.length > 0;
}

/** A signed block streamed whole, if the client is shown it. */
export function isShownThinkingBlock(chunk: SignedReasoningChunk): chunk is ShownThinkingChunk {
  return chunk.provider === clientThinkingProvider && isAnthropicThinkingBlock(chunk.block);
}

/** A reasoning item streamed whole, if a client is shown it. */
export function isShownReasoningItem(chunk: SignedReasoningChunk): chunk is ShownReasoningItemChunk {
  return chunk.provider === clientReasoningItemProvider && isOpenAIReasoningItem(chunk.block);
}

/** A block or item streamed whole, if a chat completions client is shown it. */
export function isShownSignedReasoningBlock(chunk: SignedReasoningChunk): boolean {
  return isShownThinkingBlock(chunk) || isShownReasoningItem(chunk);
}

/** The blocks a client's history carries, as Anthropic's; undefined for none. */
export function clientSignedReasoning(blocks: readonly AnthropicThinkingBlock[]): SignedReasoning | undefined {
  return blocks.length === 0 ? undefined : { provider: clientThinkingProvider, blocks };
}

/** The reasoning items a client's history carries (a Responses client's input, a chat completions or Messages client's messages), as OpenAI's; undefined for none. */
export function clientReasoningItems(items: readonly OpenAIReasoningItem[]): SignedReasoning | undefined {
  return items.length === 0 ? undefined : { provider: clientReasoningItemProvider, blocks: items };
}
