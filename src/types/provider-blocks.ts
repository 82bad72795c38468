/**
 * What a provider gives back opaque, for that provider alone to read in a later turn: its signed reasoning
 * (Anthropic's thinking blocks, OpenAI's encrypted reasoning items), and its server tools and the blocks of their use. Types only.
 */

/**
 * Blocks of an answer that only the provider that wrote them can read back, in the order it gave them, and that
 * provider's id: they go back to it alone.
 */
export interface ProviderBlocks<Block> {
  readonly provider: string;
  readonly blocks: readonly Block[];
}

/** A JSON object as a provider writes or takes it, carried unread: a server tool's definition, a block of its call or result. */
export type ProviderJsonObject = { readonly type: string; readonly [field: string]: unknown };

/**
 * Tools a provider runs itself, each as that provider takes it (Anthropic's server tools: `{ type:
 * 'web_search_20250305', name: 'web_search', max_uses: 8 }`). A call that carries them is served by that provider
 * only, on the Anthropic wire; the others are skipped.
 */
export interface ServerTools {
  readonly provider: string;
  readonly tools: readonly ProviderJsonObject[];
}

/**
 * One block of an answer's server tool use (Anthropic's `server_tool_use` call, its `web_search_tool_result`...) as
 * the provider wrote it, and where it stood: after `textOffset` characters of the answer's text. A text block citing
 * the results (`{ type: 'text', text, citations }`) is one too, standing for its text, which the answer's text holds.
 */
export interface ServerToolBlock {
  readonly textOffset: number;
  readonly block: ProviderJsonObject;
}

/** An answer's server tool blocks, and the provider that ran the tools (see `ServerToolBlock`). */
export type ServerToolBlocks = ProviderBlocks<ServerToolBlock>;

/**
 * One block of Claude's thinking as Anthropic answered it: the shown thinking with its `signature`, or thinking
 * Anthropic encrypted (`redacted_thinking`, its `data` opaque). Both are valid only unchanged, and for Anthropic.
 */
export type AnthropicThinkingBlock =
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature: string }
  | { readonly type: 'redacted_thinking'; readonly data: string };

/**
 * One `reasoning` output item of OpenAI's Responses API, as a call with `store: false` gets it back: its `id`, its
 * `encryptedContent` (the reasoning itself, encrypted by OpenAI: `include: ["reasoning.encrypted_content"]`) and its
 * summary texts (empty unless a summary was asked, see `ProviderDefinition.reasoningSummaries`). Valid only
 * unchanged, and for the OpenAI organization that was answered it.
 */
export interface OpenAIReasoningItem {
  readonly type: 'reasoning';
  readonly id: string;
  readonly encryptedContent: string;
  readonly summary: readonly string[];
}

/**
 * Reasoning a provider gives back opaque, for the same provider to read in a later turn: Anthropic's thinking
 * blocks, or OpenAI's encrypted reasoning items. A provider only ever writes blocks of its own kind.
 */
export type SignedReasoningBlock = AnthropicThinkingBlock | OpenAIReasoningItem;

/**
 * An answer's signed reasoning blocks, in the order the provider gave them, and the id of the provider that
 * signed them: they go back to that provider only.
 */
export type SignedReasoning = ProviderBlocks<SignedReasoningBlock>;
