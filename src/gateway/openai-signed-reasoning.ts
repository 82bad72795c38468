/**
 * Anthropic's signed thinking blocks on chat completions, which has no field of its own for them. Shown as
 * `reasoning_details`, OpenRouter's field (https://openrouter.ai/docs/use-cases/reasoning-tokens, "Preserving
 * Reasoning Blocks": a thinking block is `{ type: 'reasoning.text', text, signature, format: 'anthropic-claude-v1',
 * index }`, a redacted one `{ type: 'reasoning.encrypted', data, format, index }`, and the array goes back unmodified
 * on the assistant message). It is the field clients keep for a Claude tool loop through an OpenAI-compatible API:
 * the OpenAI SDK keeps it on the message it returns, whole or put together from a stream, and a client that appends
 * that message to its history sends it back (OpenRouter's documented loop); the AI SDK's OpenRouter provider keeps
 * it in a reasoning part's metadata and sends it back (OpenRouterTeam/ai-sdk-provider,
 * src/chat/signature-roundtrip.test.ts); Roo Code's OpenRouter provider sends an assistant turn's `reasoning_details`
 * back (RooCodeInc/Roo-Code, src/api/transform/openai-format.ts); rust-genai's OpenAI adapter echoes them
 * (jeremychone/rust-genai#301); gateways read them on chat completions (maximhq/bifrost#5277).
 * Read back from a history's assistant message: `reasoning_details` entries of Anthropic's format (an entry with
 * no format is Anthropic's, OpenRouter's default), and LiteLLM's `thinking_blocks` (`[{ type: 'thinking', thinking,
 * signature }, { type: 'redacted_thinking', data }]`, https://docs.litellm.ai/docs/reasoning_content), which clients
 * of a LiteLLM proxy keep (openai/openai-agents-python#1706, google/adk-python#4999). Other providers' entries
 * (Gemini's) and anything not of these shapes are left out, never refused: opencode sent `reasoning_details` as a
 * string (sst/opencode#24411).
 * OpenAI's encrypted reasoning items go the way OpenRouter carries them for OpenAI's models, as OpenRouter answered
 * openai/gpt-5 with a tool call and took the entry back on the next turn (charmbracelet/fantasy's recording,
 * providertests/testdata/TestOpenRouterCommon/gpt-5/tool.yaml at 5a7cccec1ea1227de0fae48bba39b3d821fb6d73): each
 * summary text `{ type: 'reasoning.summary', summary, format: 'openai-responses-v1', index }`, then the item
 * `{ type: 'reasoning.encrypted', data: <encrypted content>, format: 'openai-responses-v1', id: <the item's id>,
 * index }`. A summary entry may carry the id too (OpenRouter's SDK reference, `reasoning.summary`: `id`, `format` and
 * `index` optional, https://openrouter.ai/docs/agent-sdk/typescript/models/schema2reasoningsummary): ours do, so a
 * summary read back joins its item. Read back: each encrypted entry of that format is an item, with the summaries
 * before it (since the previous item) that name its id or none. Pure.
 */
import { isRecord } from '../json-value.js';
import { isOpenAIReasoningItem, readSignedReasoningBlock } from '../signed-reasoning.js';
import type { AnthropicThinkingBlock, OpenAIReasoningItem, SignedReasoningBlock } from '../types.js';

/** OpenRouter's name for Anthropic's blocks (`format`), and the one it takes when an entry names none. */
const anthropicFormat = 'anthropic-claude-v1';

/** OpenRouter's name for OpenAI's reasoning items (`format`). */
const openAIFormat = 'openai-responses-v1';

export type ReasoningDetail =
  | { readonly type: 'reasoning.text'; readonly text: string; readonly signature: string; readonly format: string; readonly index: number }
  | { readonly type: 'reasoning.summary'; readonly summary: string; readonly id?: string; readonly format: string; readonly index: number }
  | { readonly type: 'reasoning.encrypted'; readonly data: string; readonly id?: string; readonly format: string; readonly index: number };

/** The blocks (one provider's: Anthropic's blocks or OpenAI's items) as `reasoning_details`, in their order. */
export function toReasoningDetails(blocks: readonly SignedReasoningBlock[]): ReasoningDetail[] {
  const details: ReasoningDetail[] = [];
  for (const block of blocks) {
    const index = details.length;
    if (isOpenAIReasoningItem(block)) details.push(...reasoningItemDetails(block, index));
    else if (block.type === 'thinking') details.push({ type: 'reasoning.text', text: block.thinking, signature: block.signature, format: anthropicFormat, index });
    else details.push({ type: 'reasoning.encrypted', data: block.data, format: anthropicFormat, index });
  }
  return details;
}

/** One OpenAI item: its summary texts, then its encrypted content, numbered from `firstIndex`. */
function reasoningItemDetails(item: OpenAIReasoningItem, firstIndex: number): ReasoningDetail[] {
  const id = item.id !== '' ? { id: item.id } : undefined;
  const summaries = item.summary.map((summary, offset): ReasoningDetail => ({ type: 'reasoning.summary', summary, ...id, format: openAIFormat, index: firstIndex + offset }));
  return [...summaries, { type: 'reasoning.encrypted', data: item.encryptedContent, ...id, format: openAIFormat, index: firstIndex + summaries.length }];
}

/** The OpenAI reasoning items an assistant message of a client's history carries in its `reasoning_details`. */
export function reasoningItemsOfAssistantMessage(message: Readonly<Record<string, unknown>>): OpenAIReasoningItem[] {
  const details = message.reasoning_details;
  if (!Array.isArray(details)) return [];
  const items: OpenAIReasoningItem[] = [];
  let summaries: { readonly id: unknown; readonly text: string }[] = [];
  for (const detail of details) {
    if (!isRecord(detail) || detail.format !== openAIFormat) continue;
    if (detail.type === 'reasoning.summary' && typeof detail.summary === 'string' && detail.summary !== '') summaries.push({ id: detail.id, text: detail.summary });
    if (detail.type !== 'reasoning.encrypted' || typeof detail.data !== 'string' || detail.data === '') continue;
    const id = typeof detail.id === 'string' ? detail.id : '';
    const summary = summaries.filter((entry) => entry.id === undefined || entry.id === null || entry.id === id).map((entry) => entry.text);
    items.push({ type: 'reasoning', id, encryptedContent: detail.data, summary });
    summaries = [];
  }
  return items;
}

/** The signed blocks an assistant message of a client's history carries: its `reasoning_details`, else its `thinking_blocks`. */
export function signedBlocksOfAssistantMessage(message: Readonly<Record<string, unknown>>): AnthropicThinkingBlock[] {
  const fromDetails = readEach(message.reasoning_details, blockOfReasoningDetail);
  return fromDetails.length > 0 ? fromDetails : readEach(message.thinking_blocks, (block) => (isRecord(block) ? readSignedReasoningBlock(block) : undefined));
}

function readEach(value: unknown, read: (entry: unknown) => AnthropicThinkingBlock | undefined): AnthropicThinkingBlock[] {
  if (!Array.isArray(value)) return [];
  const blocks: AnthropicThinkingBlock[] = [];
  for (const entry of value) {
    const block = read(entry);
    if (block !== undefined) blocks.push(block);
  }
  return blocks;
}

function blockOfReasoningDetail(detail: unknown): AnthropicThinkingBlock | undefined {
  if (!isRecord(detail) || (detail.format !== undefined && detail.format !== null && detail.format !== anthropicFormat)) return undefined;
  if (detail.type === 'reasoning.text') return readSignedReasoningBlock({ type: 'thinking', thinking: detail.text, signature: detail.signature });
  if (detail.type === 'reasoning.encrypted') return readSignedReasoningBlock({ type: 'redacted_thinking', data: detail.data });
  return undefined;
}
