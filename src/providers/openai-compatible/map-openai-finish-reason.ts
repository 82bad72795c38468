import type { FinishReason } from '../../types.js';

/**
 * OpenAI's `finish_reason` (and its vendors' variants) in our terms. An answer that called tools finished
 * for its tool calls whatever the reason says: OpenAI answers a named `tool_choice` with `stop`, and so do
 * vLLM-based servers, while an agent loops on the tool-call reason to run the tools.
 */
export function mapOpenAIFinishReason(finishReason: unknown, hasToolCalls: boolean): FinishReason {
  switch (finishReason) {
    case 'stop':
    case 'eos': // Together's older models
      return hasToolCalls ? 'tool_calls' : 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    case 'error':
      return 'error';
    default:
      return 'other';
  }
}
