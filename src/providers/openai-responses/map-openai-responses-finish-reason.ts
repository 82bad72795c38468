import type { FinishReason } from '../../types.js';

/**
 * A Responses answer's `status` (and, when `incomplete`, `incomplete_details.reason`) in our terms. A completed
 * answer that called tools finished for its tool calls: the Responses API has no finish reason of its own for
 * that. `incomplete` is cut short, by `max_output_tokens` (our `length`) or by the content filter (openai-python
 * `src/openai/types/responses/response.py`: `IncompleteDetails.reason` is `max_output_tokens` or `content_filter`).
 */
export function mapOpenAIResponsesFinishReason(options: {
  readonly status: unknown;
  readonly incompleteReason: unknown;
  readonly hasToolCalls: boolean;
}): FinishReason {
  switch (options.status) {
    case 'completed':
      return options.hasToolCalls ? 'tool_calls' : 'stop';
    case 'incomplete':
      if (options.incompleteReason === 'max_output_tokens') return 'length';
      if (options.incompleteReason === 'content_filter') return 'content_filter';
      return 'other';
    case 'failed':
      return 'error';
    default:
      return 'other';
  }
}
