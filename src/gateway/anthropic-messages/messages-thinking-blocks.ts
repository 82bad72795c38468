/**
 * Thinking blocks between a Messages client and Anthropic, through the gateway. Anthropic signs each thinking block
 * it answers with, and takes it back only unchanged; a client that thinks with tools must send its last tool-call
 * turn's blocks back first in that turn, or Anthropic answers 400 ("Expected `thinking` or `redacted_thinking`, but
 * found `tool_use`", https://github.com/Kilo-Org/kilocode/issues/5219). So the gateway shows a Messages client the
 * blocks of an answer that came from Anthropic (the catalog's `anthropic` provider), signature and all, and reads
 * the blocks of a client's history as Anthropic's: they go back to that provider only, and to every other one as
 * plain reasoning text at most. Blocks other providers' answers would need a signature they never give. Pure.
 */
import { Provider } from '../../catalog.js';
import type { SignedReasoning, SignedReasoningBlock } from '../../types.js';

/** The provider whose signed blocks Messages clients are shown, and whose a client's history carries. */
export const messagesThinkingProvider: string = Provider.ANTHROPIC;

/** The blocks of an answer a Messages client is shown: Anthropic's only. */
export function shownThinkingBlocks(signedReasoning: SignedReasoning | undefined): readonly SignedReasoningBlock[] {
  return signedReasoning !== undefined && signedReasoning.provider === messagesThinkingProvider ? signedReasoning.blocks : [];
}

/** The stream events of one whole block at `index`, as Anthropic streams it: start, its text, its signature, stop. */
export function thinkingBlockEvents(block: SignedReasoningBlock, index: number): string {
  const start = (contentBlock: string): string =>
    `event: content_block_start\ndata: {"type":"content_block_start","index":${index},"content_block":${contentBlock}}\n\n`;
  const delta = (value: string): string => `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":${value}}\n\n`;
  const stop = `event: content_block_stop\ndata: {"type":"content_block_stop","index":${index}}\n\n`;
  if (block.type === 'redacted_thinking') return start(JSON.stringify({ type: 'redacted_thinking', data: block.data })) + stop;
  const text = block.thinking === '' ? '' : delta(JSON.stringify({ type: 'thinking_delta', thinking: block.thinking }));
  return (
    start('{"type":"thinking","thinking":"","signature":""}') + text + delta(JSON.stringify({ type: 'signature_delta', signature: block.signature })) + stop
  );
}
