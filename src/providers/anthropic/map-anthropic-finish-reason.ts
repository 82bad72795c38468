import type { FinishReason } from '../../types.js';

/** Anthropic's `stop_reason` in our terms. Unknown and future values are `other`. */
export function mapAnthropicFinishReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

/**
 * Anthropic's `stop_reason` as said, when it is `other` to us: `pause_turn` above all, the stop of a long run of
 * server tools that the client continues by sending the turn back as it is ("we paused a long-running turn. You may
 * provide the response back as-is in a subsequent request to let the model continue", `StopReason` in
 * @anthropic-ai/sdk 1.14.0's resources/messages/messages.d.ts). Undefined for a stop our reasons name.
 */
export function anthropicOwnFinishReason(stopReason: string | null | undefined): string | undefined {
  return stopReason !== null && stopReason !== undefined && mapAnthropicFinishReason(stopReason) === 'other' ? stopReason : undefined;
}
