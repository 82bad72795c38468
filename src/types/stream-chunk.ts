/**
 * A streamed answer's pieces, the same for every protocol. Types only.
 */

import type { FinishReason } from './chat-response.js';
import type { ProviderJsonObject, SignedReasoningBlock } from './provider-blocks.js';
import type { Usage } from './usage.js';

/** One piece of a streamed answer, the same for every protocol. */
export type StreamChunk =
  | { readonly type: 'text-delta'; readonly text: string }
  /**
   * A piece of the reasoning shown before the answer (see `ChatResponse.reasoning`). `signedBy`, when set, names
   * the provider that signs the thinking block this text belongs to (Anthropic's): the block whole follows as a
   * `signed-reasoning-block` chunk once its signature has come, so a client can be shown the block as it is thought.
   * `summaryOf`, with `signedBy`, names OpenAI's reasoning item whose summary this text is and the summary part;
   * `separated` when `text` starts with the blank line that joins it to the reasoning before (not OpenAI's text).
   */
  | {
      readonly type: 'reasoning-delta';
      readonly text: string;
      readonly signedBy?: string;
      readonly summaryOf?: { readonly itemId: string; readonly summaryIndex: number; readonly separated: boolean };
    }
  /**
   * A whole signed thinking block, once its signature has come (after its text, streamed as reasoning deltas);
   * `provider` signed it (see `ChatResponse.signedReasoning`).
   */
  | { readonly type: 'signed-reasoning-block'; readonly provider: string; readonly block: SignedReasoningBlock }
  /**
   * A whole block of server tool use (a call once its input has come, a result), where it stands among the text
   * deltas; `provider` ran it (see `ChatResponse.serverToolBlocks`).
   */
  | { readonly type: 'server-tool-block'; readonly provider: string; readonly block: ProviderJsonObject }
  | {
      readonly type: 'tool-call-delta';
      /** Position of the call in the answer; deltas with the same index belong together. */
      readonly index: number;
      readonly id?: string;
      readonly name?: string;
      readonly argumentsDelta: string;
      /** Gemini's `thoughtSignature` of this call (see `ToolCall`). */
      readonly thoughtSignature?: string;
    }
  /**
   * The usage so far: a later one replaces it. Most providers tell it at the end; Anthropic tells the input's
   * count first, before any content, and the whole at the end.
   */
  | { readonly type: 'usage'; readonly usage: Usage }
  /** `providerFinishReason`: as on `ChatResponse`, the provider's word for a stop that is `other` to us. */
  | { readonly type: 'finish'; readonly finishReason: FinishReason; readonly stopSequence?: string; readonly providerFinishReason?: string };
