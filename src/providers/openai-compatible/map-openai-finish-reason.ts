import type { FinishReason } from '../../types.js';

/** OpenAI's `finish_reason` (and its vendors' variants) in our terms. */
export function mapOpenAIFinishReason(finishReason: unknown): FinishReason {
  switch (finishReason) {
    case 'stop':
    case 'eos': // Together's older models
      return 'stop';
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
