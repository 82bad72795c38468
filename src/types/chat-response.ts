/**
 * What one provider answered, whole, and why it stopped. Types only.
 */

import type { ToolCall } from './messages.js';
import type { ServerToolBlocks, SignedReasoning } from './provider-blocks.js';
import type { Usage } from './usage.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other';

/** What one provider answered, in our terms. */
export interface ChatResponse {
  readonly content: string;
  /**
   * The reasoning the model showed before its answer (`reasoning` or `reasoning_content` on the OpenAI
   * wire, Anthropic's thinking blocks); absent when it showed none.
   */
  readonly reasoning?: string;
  /**
   * Anthropic's thinking blocks with their signatures, or OpenAI's encrypted reasoning items, to pass back in the
   * history (see `AssistantMessage.signedReasoning`).
   */
  readonly signedReasoning?: SignedReasoning;
  /** The server tools' calls and results, to pass back in the history (see `AssistantMessage.serverToolBlocks`). */
  readonly serverToolBlocks?: ServerToolBlocks;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  /** Which of the request's `stop` sequences ended the answer, when the provider says (Anthropic does). */
  readonly stopSequence?: string;
  /**
   * The provider's own word for the stop when `finishReason` is `other` and the provider said one (Anthropic's
   * `pause_turn`: it paused a long run of server tools, and the turn goes back to it as it is to go on); absent
   * otherwise. Set by the Anthropic provider.
   */
  readonly providerFinishReason?: string;
  readonly usage?: Usage;
  /** The model id the provider reports having used. */
  readonly model: string;
  /** The provider's id for this request (header or body), for support tickets. */
  readonly requestId?: string;
  /** The provider's id of this answer, from its body (`chatcmpl-…`, Anthropic's `msg_…`, Gemini's `responseId`). */
  readonly responseId?: string;
}
