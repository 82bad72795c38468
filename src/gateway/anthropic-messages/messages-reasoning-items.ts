/**
 * OpenAI's encrypted reasoning items (GPT-6 on the Responses API) shown to a Messages client, so that its tool loop
 * sends them back and the model goes on from that reasoning. A Messages history keeps only Anthropic's blocks, so each
 * item is a `thinking` block: its summary as the thinking (the parts joined by a blank line, as the stream decoder joins
 * them), "" when it has none, and the item whole (id, encrypted content, summary) in the `signature`, an encoding of
 * ours (signed-reasoning-encoding.ts) that no Anthropic signature can be taken for (isGatewayEncoding).
 * Why `thinking` and not `redacted_thinking` (whose `data` is opaque too): Anthropic itself answers thinking blocks of
 * empty text and an opaque signature, with `thinking.display: "omitted"` ("thinking content is redacted but a
 * signature is returned for multi-turn continuity", @anthropic-ai/sdk 1.14 ThinkingConfigEnabled.display), and Claude
 * Code has kept and sent back such blocks since 2.1.69 (anthropics/claude-code#31326, #77981: "records the blocks and
 * renders nothing"); proxies that give Claude Code thinking blocks of other models with a signature of their own
 * see them kept (nielspeter/claude-code-proxy#17), and Claude Code drops a thinking block whose signature never came
 * (routatic/proxy#51), which ours always has. Redacted thinking is gone from Claude 4's answers
 * (deepset-ai/haystack-core-integrations#2864) and Claude Code's VS Code extension shows "Unsupported content type:
 * redacted_thinking" for one (Alishahryar1/free-claude-code#492).
 * Read back, a thinking block whose signature is ours gives its items to its turn as the catalog's `openai` provider's
 * (client-signed-reasoning.ts): they go back to that provider alone, never to Anthropic. Pure.
 */
import { readOpenAIReasoningItem } from '../../providers/openai-responses/read-openai-reasoning-item.js';
import { isRecord } from '../../json-value.js';
import type { OpenAIReasoningItem } from '../../types.js';
import { clientReasoningItemProvider } from '../client-signed-reasoning.js';
import { decodeSignedReasoning, encodeSignedReasoning } from '../signed-reasoning-encoding.js';

export type ReasoningItemThinkingBlock = { readonly type: 'thinking'; readonly thinking: string; readonly signature: string };

/** The item's summary as a thinking block's text: its parts joined by a blank line; "" for none. */
export function reasoningItemThinking(item: OpenAIReasoningItem): string {
  return item.summary.join('\n\n');
}

/** The item, as OpenAI wrote it, in a thinking block's `signature`. */
export function reasoningItemSignature(item: OpenAIReasoningItem): string {
  const summary = item.summary.map((text) => ({ type: 'summary_text', text }));
  return encodeSignedReasoning(clientReasoningItemProvider, [{ type: 'reasoning', id: item.id, encrypted_content: item.encryptedContent, summary }]);
}

/** The item as the thinking block a Messages client is shown. */
export function reasoningItemThinkingBlock(item: OpenAIReasoningItem): ReasoningItemThinkingBlock {
  return { type: 'thinking', thinking: reasoningItemThinking(item), signature: reasoningItemSignature(item) };
}

/**
 * The items a thinking block's signature of ours carries; none for another version, another provider's blocks, or a
 * value that does not decode to whole items (with id and encrypted content), never an error.
 */
export function reasoningItemsOfSignature(signature: string): OpenAIReasoningItem[] {
  const decoded = decodeSignedReasoning(signature);
  if (decoded === undefined || decoded.provider !== clientReasoningItemProvider) return [];
  const items: OpenAIReasoningItem[] = [];
  for (const block of decoded.blocks) {
    const item = isRecord(block) && block.type === 'reasoning' ? readOpenAIReasoningItem(block) : undefined;
    if (item === undefined) return [];
    items.push(item);
  }
  return items;
}
