/**
 * When Claude may be asked to think. Anthropic refuses extended thinking with a forced tool choice, with an
 * assistant prefill (a conversation ending on an assistant turn), and wherever the last assistant turn called
 * tools without its signed thinking block first: a 400, "messages.1.content.0.type: Expected `thinking` or
 * `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start
 * with a thinking block" (Kilo-Org/kilocode#5219, https://github.com/Kilo-Org/kilocode/issues/5219). A history
 * carries such blocks only where this provider answered the turn with them and the caller passed them back
 * (`signedReasoning`); other providers' answers have none. So a conversation that called tools thinks only when
 * every tool-call turn carries this provider's signed blocks, and else not at all: switched on for a new question
 * and off for the tool turns after it, thinking would also throw away Anthropic's prompt cache of the messages
 * each time (a change of thinking invalidates it).
 * `providerId` is the provider asked; undefined for a caller that cannot send signed blocks (an AI SDK model, whose
 * prompt carries none of ours), for which any tool call refuses thinking. Pure.
 */
import type { ChatRequest } from '../../types.js';
import { signedReasoningBlocksFor } from '../../signed-reasoning.js';

export function anthropicRefusesThinking(request: Pick<ChatRequest, 'messages' | 'toolChoice'>, providerId: string | undefined): boolean {
  if (request.toolChoice === 'required' || typeof request.toolChoice === 'object') return true;
  const { messages } = request;
  if (messages.at(-1)?.role === 'assistant') return true;
  for (const message of messages) {
    if (message.role !== 'assistant' || message.toolCalls === undefined || message.toolCalls.length === 0) continue;
    if (providerId === undefined || signedReasoningBlocksFor(message, providerId).length === 0) return true;
  }
  return false;
}
