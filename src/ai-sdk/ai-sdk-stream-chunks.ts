import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import type { Mutable, StreamChunk } from '../types.js';
import { convertFromAiSdkUsage } from './convert-usage.js';
import { readThoughtSignature } from './gemini-thought-signature.js';
import { mapFromAiSdkFinishReason } from './map-finish-reason.js';

type ToolCallDelta = Mutable<Extract<StreamChunk, { type: 'tool-call-delta' }>>;

/**
 * Turns an AI SDK model's stream parts into our chunks, one part at a time. Tool inputs are numbered in
 * the order they start; a tool call sent whole (no `tool-input-*` parts before it) becomes one delta.
 * Reasoning deltas carry over; sources, files and raw parts are not ours to carry and are skipped.
 */
export class AiSdkStreamChunks {
  readonly #indexByToolCallId = new Map<string, number>();
  /** Arguments received through deltas, per tool call id. */
  readonly #argumentsByToolCallId = new Map<string, string>();
  #sawFinish = false;

  /** The part's chunks; an `error` part is returned as `{ error }` for the caller to throw. */
  map(part: LanguageModelV3StreamPart): StreamChunk[] | { readonly error: unknown } {
    switch (part.type) {
      case 'text-delta':
        return part.delta.length > 0 ? [{ type: 'text-delta', text: part.delta }] : [];
      case 'reasoning-delta':
        return part.delta.length > 0 ? [{ type: 'reasoning-delta', text: part.delta }] : [];
      case 'tool-input-start':
        return [{ type: 'tool-call-delta', index: this.#indexOf(part.id), id: part.id, name: part.toolName, argumentsDelta: '' }];
      case 'tool-input-delta': {
        this.#argumentsByToolCallId.set(part.id, (this.#argumentsByToolCallId.get(part.id) ?? '') + part.delta);
        return [{ type: 'tool-call-delta', index: this.#indexOf(part.id), argumentsDelta: part.delta }];
      }
      case 'tool-call':
        return this.#mapToolCall(part);
      case 'finish': {
        this.#sawFinish = true;
        const usage = convertFromAiSdkUsage(part.usage);
        const chunks: StreamChunk[] = usage ? [{ type: 'usage', usage }] : [];
        chunks.push({ type: 'finish', finishReason: mapFromAiSdkFinishReason(part.finishReason) });
        return chunks;
      }
      case 'error':
        return { error: part.error };
      default:
        return [];
    }
  }

  /** Whether the model sent its `finish` part: a stream that ends without it was cut. */
  get finished(): boolean {
    return this.#sawFinish;
  }

  #mapToolCall(part: Extract<LanguageModelV3StreamPart, { type: 'tool-call' }>): StreamChunk[] {
    if (part.providerExecuted) return [];
    const streamed = this.#argumentsByToolCallId.get(part.toolCallId);
    const started = this.#indexByToolCallId.has(part.toolCallId);
    const index = this.#indexOf(part.toolCallId);
    const thoughtSignature = readThoughtSignature(part.providerMetadata);
    if (!started) {
      const chunk: ToolCallDelta = { type: 'tool-call-delta', index, id: part.toolCallId, name: part.toolName, argumentsDelta: part.input };
      return [withThoughtSignature(chunk, thoughtSignature)];
    }
    // The deltas already carried the input; only an input that never streamed is sent now.
    if ((streamed ?? '').length === 0 && part.input.length > 0) {
      return [withThoughtSignature({ type: 'tool-call-delta', index, argumentsDelta: part.input }, thoughtSignature)];
    }
    return thoughtSignature === undefined ? [] : [{ type: 'tool-call-delta', index, argumentsDelta: '', thoughtSignature }];
  }

  #indexOf(toolCallId: string): number {
    let index = this.#indexByToolCallId.get(toolCallId);
    if (index === undefined) {
      index = this.#indexByToolCallId.size;
      this.#indexByToolCallId.set(toolCallId, index);
    }
    return index;
  }
}

/** The chunk, with Gemini's thought signature when the AI SDK part carried one. */
function withThoughtSignature(chunk: ToolCallDelta, thoughtSignature: string | undefined): ToolCallDelta {
  if (thoughtSignature !== undefined) chunk.thoughtSignature = thoughtSignature;
  return chunk;
}
