import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import type { StreamResult } from '../routing/router-options.js';
import type { StreamChunk } from '../types.js';
import { backupModelsMetadata } from './backup-models-metadata.js';
import { toolCallInput } from './convert-completion-result.js';
import { convertToAiSdkUsage } from './convert-usage.js';
import { thoughtSignatureMetadata } from './gemini-thought-signature.js';
import { signedReasoningMetadata } from './anthropic-signed-reasoning.js';
import { mapToAiSdkFinishReason } from './map-finish-reason.js';

interface ToolCallInProgress {
  id: string | undefined;
  name: string | undefined;
  arguments: string;
  thoughtSignature: string | undefined;
  /** `tool-input-start` was sent (it needs the name). */
  started: boolean;
}

const textId = 'text-0';

/**
 * Turns our stream chunks into the AI SDK's stream parts. A reasoning block (`reasoning-<n>`) opened by
 * reasoning and closed by whatever follows it, a new one if reasoning comes again; one text block (`text-0`)
 * opened by the first text;
 * one tool input per tool-call index, started once its name is known; everything closed at the end, where
 * each tool call is also sent whole, and `finish` carries usage, finish reason and the router's metadata.
 */
export class AiSdkStreamParts {
  #textOpen = false;
  /** The open reasoning block's id, while reasoning streams. */
  #reasoningId: string | undefined;
  #reasoningBlocks = 0;
  readonly #toolCalls = new Map<number, ToolCallInProgress>();

  /** The parts for one chunk (usage and finish chunks produce none: they go into `finish`). */
  map(chunk: StreamChunk): LanguageModelV3StreamPart[] {
    if (chunk.type === 'reasoning-delta') {
      if (chunk.text.length === 0) return [];
      const parts: LanguageModelV3StreamPart[] = [];
      let id = this.#reasoningId;
      if (id === undefined) {
        id = `reasoning-${this.#reasoningBlocks++}`;
        this.#reasoningId = id;
        parts.push({ type: 'reasoning-start', id });
      }
      parts.push({ type: 'reasoning-delta', id, delta: chunk.text });
      return parts;
    }
    if (chunk.type === 'text-delta') {
      if (chunk.text.length === 0) return [];
      const parts: LanguageModelV3StreamPart[] = this.#closeReasoning();
      if (!this.#textOpen) {
        this.#textOpen = true;
        parts.push({ type: 'text-start', id: textId });
      }
      parts.push({ type: 'text-delta', id: textId, delta: chunk.text });
      return parts;
    }
    if (chunk.type === 'tool-call-delta') {
      if (this.#reasoningId === undefined) return this.#mapToolCallDelta(chunk);
      return [...this.#closeReasoning(), ...this.#mapToolCallDelta(chunk)];
    }
    if (chunk.type === 'signed-reasoning-block') return this.#endSignedReasoning(chunk);
    return [];
  }

  /**
   * Anthropic's block, whole once its signature came: the reasoning its deltas opened ends with the signature in its
   * metadata, so the AI SDK keeps it on that reasoning part (a redacted block, which streamed no text, is a part of its own).
   */
  #endSignedReasoning(chunk: Extract<StreamChunk, { type: 'signed-reasoning-block' }>): LanguageModelV3StreamPart[] {
    const parts: LanguageModelV3StreamPart[] = [];
    let id = this.#reasoningId;
    if (id === undefined || chunk.block.type === 'redacted_thinking') {
      parts.push(...this.#closeReasoning());
      id = `reasoning-${this.#reasoningBlocks++}`;
      parts.push({ type: 'reasoning-start', id });
    }
    this.#reasoningId = undefined;
    parts.push({ type: 'reasoning-end', id, providerMetadata: signedReasoningMetadata(chunk.block, chunk.provider) });
    return parts;
  }

  /** The open reasoning block's end, when the answer goes on (or ends). */
  #closeReasoning(): LanguageModelV3StreamPart[] {
    const id = this.#reasoningId;
    if (id === undefined) return [];
    this.#reasoningId = undefined;
    return [{ type: 'reasoning-end', id }];
  }

  /** The closing parts, once the router's stream ended with `result`. */
  finish(result: StreamResult): LanguageModelV3StreamPart[] {
    const parts: LanguageModelV3StreamPart[] = this.#closeReasoning();
    if (this.#textOpen) parts.push({ type: 'text-end', id: textId });
    for (const call of this.#toolCalls.values()) {
      const toolCallId = this.#toolCallId(call);
      const toolName = call.name ?? '';
      if (!call.started) {
        parts.push({ type: 'tool-input-start', id: toolCallId, toolName });
        if (call.arguments.length > 0) parts.push({ type: 'tool-input-delta', id: toolCallId, delta: call.arguments });
      }
      parts.push({ type: 'tool-input-end', id: toolCallId });
      const toolCall: LanguageModelV3StreamPart = { type: 'tool-call', toolCallId, toolName, input: toolCallInput(call) };
      if (call.thoughtSignature) toolCall.providerMetadata = thoughtSignatureMetadata(call.thoughtSignature);
      parts.push(toolCall);
    }
    parts.push({
      type: 'response-metadata',
      ...(result.responseId !== undefined ? { id: result.responseId } : {}),
      modelId: result.model,
    });
    parts.push({
      type: 'finish',
      finishReason: mapToAiSdkFinishReason(result.finishReason),
      usage: convertToAiSdkUsage(result.usage),
      providerMetadata: backupModelsMetadata(result),
    });
    return parts;
  }

  #mapToolCallDelta(chunk: Extract<StreamChunk, { type: 'tool-call-delta' }>): LanguageModelV3StreamPart[] {
    let call = this.#toolCalls.get(chunk.index);
    if (!call) {
      call = { id: undefined, name: undefined, arguments: '', thoughtSignature: undefined, started: false };
      this.#toolCalls.set(chunk.index, call);
    }
    call.id ??= chunk.id;
    call.name ??= chunk.name;
    call.thoughtSignature ??= chunk.thoughtSignature;
    call.arguments += chunk.argumentsDelta;
    if (call.started) {
      return chunk.argumentsDelta.length > 0
        ? [{ type: 'tool-input-delta', id: this.#toolCallId(call), delta: chunk.argumentsDelta }]
        : [];
    }
    if (call.name === undefined) return [];
    call.started = true;
    const id = this.#toolCallId(call);
    const parts: LanguageModelV3StreamPart[] = [{ type: 'tool-input-start', id, toolName: call.name }];
    // Arguments that arrived before the name are sent in one piece.
    if (call.arguments.length > 0) parts.push({ type: 'tool-input-delta', id, delta: call.arguments });
    return parts;
  }

  /** The router gives every call an id on its first delta, made up when the provider gave none. */
  #toolCallId(call: ToolCallInProgress): string {
    return call.id ?? '';
  }
}
