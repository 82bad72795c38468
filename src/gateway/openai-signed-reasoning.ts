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
 * (OpenAI's encrypted reasoning, Gemini's) and anything not of these shapes are left out, never refused: opencode
 * sent `reasoning_details` as a string (sst/opencode#24411). Pure.
 */
import { isRecord } from '../json-value.js';
import { readSignedReasoningBlock } from '../signed-reasoning.js';
import type { AnthropicThinkingBlock } from '../types.js';

/** OpenRouter's name for Anthropic's blocks (`format`), and the one it takes when an entry names none. */
const anthropicFormat = 'anthropic-claude-v1';

export type ReasoningDetail =
  | { readonly type: 'reasoning.text'; readonly text: string; readonly signature: string; readonly format: string; readonly index: number }
  | { readonly type: 'reasoning.encrypted'; readonly data: string; readonly format: string; readonly index: number };

/** The blocks as `reasoning_details`, in their order. */
export function toReasoningDetails(blocks: readonly AnthropicThinkingBlock[]): ReasoningDetail[] {
  return blocks.map((block, index) =>
    block.type === 'thinking'
      ? { type: 'reasoning.text', text: block.thinking, signature: block.signature, format: anthropicFormat, index }
      : { type: 'reasoning.encrypted', data: block.data, format: anthropicFormat, index },
  );
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
