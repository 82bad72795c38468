import type { FinishReason } from '../../types.js';

/**
 * Gemini's `finishReason` in our terms. Gemini says STOP after function calls too, so the caller tells
 * whether the answer called functions. Unknown and future values are `other`.
 */
export function mapGeminiFinishReason(finishReason: string | undefined, options: { hasToolCalls: boolean }): FinishReason {
  switch (finishReason) {
    case 'STOP':
      return options.hasToolCalls ? 'tool_calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
      return 'content_filter';
    case 'MALFORMED_FUNCTION_CALL':
      return 'error';
    default:
      return 'other';
  }
}
