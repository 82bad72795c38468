/**
 * One id for each tool call of a streamed answer, given once, as the router yields the call's first delta: the
 * provider's, or when it gave none (an OpenAI-compatible server that omits it, a custom provider, an AI SDK model
 * that numbers nothing) one made up unique (generatedToolCallId), as the answer not streamed is given. The caller's
 * chunks, the stream's result and every gateway encoder then name the call alike; none makes its own.
 *
 * An id a later delta of the call carries is dropped from it: the call already has one, and a reader may have
 * passed it on (the OpenAI wire names a call's id on its first delta, and no provider we speak names it later or
 * twice). Chunks other than a call's first come out as they came, unless they carry such an id.
 */
import { generatedToolCallId } from '../providers/generated-tool-call-id.js';
import type { StreamChunk } from '../types.js';

export class ToolCallIds {
  /** The calls seen, by their chunk index. */
  #seen: Set<number> | undefined;

  /** `chunk`, its call's id given on its first delta and taken off the others. */
  label(chunk: StreamChunk): StreamChunk {
    if (chunk.type !== 'tool-call-delta') return chunk;
    const seen = (this.#seen ??= new Set());
    if (!seen.has(chunk.index)) {
      seen.add(chunk.index);
      return chunk.id !== undefined && chunk.id !== '' ? chunk : { ...chunk, id: generatedToolCallId() };
    }
    if (chunk.id === undefined) return chunk;
    const { id: _later, ...rest } = chunk;
    return rest;
  }
}
