/**
 * The stream events of Anthropic's signed thinking blocks, as Anthropic streams them (test/fixtures/anthropic's
 * recorded stream): `content_block_start` with an empty thinking block, its text as `thinking_delta`s, one
 * `signature_delta`, `content_block_stop`; a `redacted_thinking` block whole at its start, then its stop. Which
 * blocks a Messages client is shown: client-signed-reasoning.ts. Pure.
 */
import type { AnthropicThinkingBlock } from '../../types.js';

function blockDelta(index: number, delta: string): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":${delta}}\n\n`;
}

function blockStop(index: number): string {
  return `event: content_block_stop\ndata: {"type":"content_block_stop","index":${index}}\n\n`;
}

/** A thinking block begins at `index`, its text and signature to follow. */
export function thinkingStartEvent(index: number): string {
  return `event: content_block_start\ndata: {"type":"content_block_start","index":${index},"content_block":{"type":"thinking","thinking":"","signature":""}}\n\n`;
}

/** A piece of the thinking block's text. */
export function thinkingDeltaEvent(index: number, thinking: string): string {
  return blockDelta(index, JSON.stringify({ type: 'thinking_delta', thinking }));
}

/** The end of the thinking block at `index`: its signature when it has one (a block cut short has none), and its stop. */
export function thinkingEndEvents(index: number, signature: string | undefined): string {
  const signatureEvent = signature === undefined ? '' : blockDelta(index, JSON.stringify({ type: 'signature_delta', signature }));
  return signatureEvent + blockStop(index);
}

/** The stream events of one whole block at `index`: start, its text, its signature, stop. */
export function thinkingBlockEvents(block: AnthropicThinkingBlock, index: number): string {
  if (block.type === 'redacted_thinking') {
    const contentBlock = JSON.stringify({ type: 'redacted_thinking', data: block.data });
    return `event: content_block_start\ndata: {"type":"content_block_start","index":${index},"content_block":${contentBlock}}\n\n${blockStop(index)}`;
  }
  const text = block.thinking === '' ? '' : thinkingDeltaEvent(index, block.thinking);
  return thinkingStartEvent(index) + text + thinkingEndEvents(index, block.signature);
}
