/**
 * When Claude may be asked to think. Anthropic refuses extended thinking with a forced tool choice, with an
 * assistant prefill (a conversation ending on an assistant turn), and wherever the last assistant turn called
 * tools without its signed thinking block first, which no history carries here (other providers' answers
 * have none, and the gateway does not keep Anthropic's). Within a conversation that called tools, thinking
 * is left off for every turn: switched on for a new question and off for the tool turns after it, it would
 * also throw away Anthropic's prompt cache of the messages each time (a change of thinking invalidates it).
 * Pure.
 */
import type { ChatRequest } from '../../types.js';

export function anthropicRefusesThinking(request: Pick<ChatRequest, 'messages' | 'toolChoice'>): boolean {
  if (request.toolChoice === 'required' || typeof request.toolChoice === 'object') return true;
  const { messages } = request;
  if (messages.at(-1)?.role === 'assistant') return true;
  for (const message of messages) {
    if (message.role === 'assistant' && message.toolCalls !== undefined && message.toolCalls.length > 0) return true;
  }
  return false;
}
