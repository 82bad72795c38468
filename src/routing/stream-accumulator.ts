import type { FinishReason, Mutable, ServerToolBlock, ServerToolBlocks, SignedReasoning, SignedReasoningBlock, StreamChunk, ToolCall, Usage } from '../types.js';

interface ToolCallParts {
  id: string;
  name: string;
  arguments: string;
  thoughtSignature?: string;
}

/** A stream's answer, put together: `reasoning`, `signedReasoning` and `serverToolBlocks` only when the stream showed some. */
export interface AccumulatedAnswer {
  content: string;
  reasoning?: string;
  signedReasoning?: SignedReasoning;
  serverToolBlocks?: ServerToolBlocks;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  stopSequence?: string;
  providerFinishReason?: string;
  usage: Usage | undefined;
}

/**
 * Collects a stream's chunks into the final answer: text, reasoning, tool calls by index, usage, finish reason. A
 * call's id is the one its deltas carry (the router gives every call one on its first delta: ToolCallIds).
 */
export class StreamAccumulator {
  #text = '';
  #reasoning = '';
  #signedReasoning: { provider: string; blocks: SignedReasoningBlock[] } | undefined;
  /** Each block where it came among the text deltas. */
  #serverToolBlocks: { provider: string; blocks: ServerToolBlock[] } | undefined;
  #usage: Usage | undefined;
  #finishReason: FinishReason | undefined;
  #stopSequence: string | undefined;
  #providerFinishReason: string | undefined;
  readonly #toolCalls = new Map<number, ToolCallParts>();

  add(chunk: StreamChunk): void {
    switch (chunk.type) {
      case 'text-delta':
        this.#text += chunk.text;
        return;
      case 'reasoning-delta':
        this.#reasoning += chunk.text;
        return;
      case 'signed-reasoning-block':
        if (this.#signedReasoning === undefined) this.#signedReasoning = { provider: chunk.provider, blocks: [chunk.block] };
        else this.#signedReasoning.blocks.push(chunk.block);
        return;
      case 'server-tool-block': {
        const placed: ServerToolBlock = { textOffset: this.#text.length, block: chunk.block };
        if (this.#serverToolBlocks === undefined) this.#serverToolBlocks = { provider: chunk.provider, blocks: [placed] };
        else this.#serverToolBlocks.blocks.push(placed);
        return;
      }
      case 'tool-call-delta': {
        const parts = this.#toolCalls.get(chunk.index) ?? { id: '', name: '', arguments: '' };
        if (chunk.id) parts.id = chunk.id;
        if (chunk.name) parts.name = chunk.name;
        parts.arguments += chunk.argumentsDelta;
        if (chunk.thoughtSignature) parts.thoughtSignature = chunk.thoughtSignature;
        this.#toolCalls.set(chunk.index, parts);
        return;
      }
      case 'usage':
        this.#usage = chunk.usage;
        return;
      case 'finish':
        this.#finishReason = chunk.finishReason;
        if (chunk.stopSequence !== undefined) this.#stopSequence = chunk.stopSequence;
        if (chunk.providerFinishReason !== undefined) this.#providerFinishReason = chunk.providerFinishReason;
        return;
    }
  }

  get text(): string {
    return this.#text;
  }

  get reasoning(): string {
    return this.#reasoning;
  }

  get usage(): Usage | undefined {
    return this.#usage;
  }

  finish(): AccumulatedAnswer {
    const toolCalls = [...this.#toolCalls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, parts]) => {
        const call: Mutable<ToolCall> = { id: parts.id, name: parts.name, arguments: parts.arguments };
        if (parts.thoughtSignature !== undefined) call.thoughtSignature = parts.thoughtSignature;
        return call;
      });
    // A stream that called tools finished for them, whatever a provider's `stop` says (see mapOpenAIFinishReason).
    const finishReason =
      this.#finishReason === undefined || this.#finishReason === 'stop' ? (toolCalls.length > 0 ? 'tool_calls' : 'stop') : this.#finishReason;
    const finished: AccumulatedAnswer = {
      content: this.#text,
      toolCalls,
      finishReason,
      usage: this.#usage,
    };
    if (this.#reasoning !== '') finished.reasoning = this.#reasoning;
    if (this.#signedReasoning !== undefined) finished.signedReasoning = this.#signedReasoning;
    if (this.#serverToolBlocks !== undefined) finished.serverToolBlocks = this.#serverToolBlocks;
    if (this.#stopSequence !== undefined) finished.stopSequence = this.#stopSequence;
    if (this.#providerFinishReason !== undefined && finishReason === 'other') finished.providerFinishReason = this.#providerFinishReason;
    return finished;
  }
}
