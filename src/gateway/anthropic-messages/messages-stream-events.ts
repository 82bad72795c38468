/**
 * A streamed answer as Anthropic Messages events: `message_start`, then one content block per run of text
 * and per tool call (`content_block_start`, its deltas, `content_block_stop`), one block open at a time, then
 * `message_delta` with the stop reason and the usage, and `message_stop`. A failure after the start is one
 * `error` event. Each event is written whole (`event:` and `data:` lines), as Anthropic's own stream is. Parallel
 * calls whose deltas alternate, or a call cut by text, still make whole blocks: ContentBlockSequence keeps a call
 * open until its arguments close, the other blocks' deltas waiting meanwhile. A call's arguments are written as
 * Anthropic's clients can parse them when its block stops (StreamedToolInput). An answer from Anthropic shows its
 * signed thinking blocks as Anthropic streams them (messages-thinking-blocks.ts): a thinking block opens at its
 * first reasoning delta, which the provider marks as of a block it signs, its text follows delta by delta as it is
 * thought, and its `signature_delta` and stop come with the block whole; a redacted block is written whole. OpenAI's
 * reasoning items are written the same way (messages-reasoning-items.ts): a thinking block opens at the first delta of
 * an item's summary, its text follows as it comes, and the item whole comes as the block's signature. Other
 * reasoning, which no Messages client could send back, is not written (client-signed-reasoning.ts). Its server tool
 * blocks (a web search's call and result) are written whole where they came (messages-server-tool-blocks.ts).
 */
import type { StreamResult } from '../../routing/router-options.js';
import type { StreamChunk, Usage } from '../../types.js';
import type { ErrorResponse } from '../error-response.js';
import { type ContentBlock, ContentBlockSequence } from '../content-block-sequence.js';
import type { AnswerContext, StreamEventEncoder } from '../gateway-dialect.js';
import { toAnthropicErrorBody, toAnthropicStopReason, toAnthropicUsage } from './messages-response.js';
import { StreamedToolInput } from './streamed-tool-input.js';
import { isShownReasoningItem, isShownReasoningSummaryDelta, isShownThinkingBlock, isShownThinkingDelta } from '../client-signed-reasoning.js';
import { thinkingBlockEvents, thinkingDeltaEvent, thinkingEndEvents, thinkingStartEvent } from './messages-thinking-blocks.js';
import { messagesServerToolsProvider, serverToolBlockEvents } from './messages-server-tool-blocks.js';
import { isCitedTextWireBlock } from '../../server-tool-blocks.js';
import { reasoningItemSignature, reasoningItemThinkingBlock } from './messages-reasoning-items.js';

function event(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n`;
}

export class MessagesStreamEvents implements StreamEventEncoder {
  readonly #id: string;
  readonly #model: string;
  /** Index of the next content block; the open block, if any, is the one before it. */
  #nextBlockIndex = 0;
  readonly #blocks: ContentBlockSequence<undefined>;
  /** The open tool_use block's input, which a client must be able to parse when the block stops. */
  #toolInput: StreamedToolInput | undefined;
  /** The index of the thinking block being thought, open until its signature comes or another block begins. */
  #thinkingIndex: number | undefined;
  /** The OpenAI reasoning item whose summary the open thinking block shows; undefined for Anthropic's. */
  #thinkingItemId: string | undefined;
  /** Characters of text deltas still to come that a cited text block already showed (the decoder sends both). */
  #citedTextShown = 0;

  /** `context.model`: the model as the client asked it, which `message_start` repeats (see anthropic-dialect.ts). */
  constructor(context: AnswerContext & { readonly model: string }) {
    this.#id = context.id;
    this.#model = context.model;
    this.#blocks = new ContentBlockSequence({
      open: (block) => this.#openBlock(block),
      append: (block, delta) => this.#delta(block, delta),
      close: () => this.#closeBlock(),
    });
  }

  /**
   * `inputUsage`: the provider's own count when it told one before its first token (Anthropic does), else the
   * gateway's estimate; message_delta carries the count the provider gives at the end.
   */
  start(inputUsage?: Usage): string {
    const message = {
      id: this.#id,
      type: 'message',
      role: 'assistant',
      model: this.#model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: inputUsage === undefined ? { input_tokens: 0, output_tokens: 0 } : toAnthropicUsage(inputUsage),
    };
    return event('message_start', JSON.stringify({ type: 'message_start', message }));
  }

  chunk(chunk: StreamChunk): string | undefined {
    if (chunk.type === 'text-delta') return this.#textDelta(chunk.text) || undefined;
    if (chunk.type === 'tool-call-delta') return this.#endThinking() + this.#blocks.toolCall(chunk) || undefined;
    if (chunk.type === 'reasoning-delta') return this.#thinkingDelta(chunk) || undefined;
    if (chunk.type === 'signed-reasoning-block') return this.#thinkingBlock(chunk) || undefined;
    if (chunk.type === 'server-tool-block') return this.#serverToolBlock(chunk) || undefined;
    // Usage and the finish reason travel in message_delta, once the result is known.
    return undefined;
  }

  end(result: StreamResult): string {
    const delta = {
      type: 'message_delta',
      delta: { stop_reason: toAnthropicStopReason(result), stop_sequence: result.stopSequence ?? null },
      usage: toAnthropicUsage(result.usage),
    };
    return this.#endThinking() + this.#blocks.finish(undefined) + event('message_delta', JSON.stringify(delta)) + event('message_stop', '{"type":"message_stop"}');
  }

  error(error: ErrorResponse): string {
    return event('error', JSON.stringify(toAnthropicErrorBody(error)));
  }

  keepAlive(): string {
    // As Anthropic's own streams send it.
    return event('ping', '{"type": "ping"}');
  }

  /**
   * A piece of a thinking block Anthropic signs, or of the summary of OpenAI's reasoning item, written as it comes:
   * the first opens the block, after whatever block is open (thinking comes before the text and calls it leads to,
   * so none is); a piece of another item ends the open block and opens its own.
   */
  #thinkingDelta(chunk: Extract<StreamChunk, { type: 'reasoning-delta' }>): string {
    const summaryOf = isShownReasoningSummaryDelta(chunk) ? chunk.summaryOf : undefined;
    if (summaryOf === undefined && !isShownThinkingDelta(chunk)) return '';
    let text = chunk.text;
    let events = '';
    if (this.#thinkingIndex !== undefined && this.#thinkingItemId !== summaryOf?.itemId) events = this.#endThinking();
    if (this.#thinkingIndex === undefined) {
      // The open block is stopped by its own index (the last given out) before the thinking block takes the next.
      events += this.#blocks.finish(undefined);
      this.#thinkingIndex = this.#nextBlockIndex++;
      this.#thinkingItemId = summaryOf?.itemId;
      events += thinkingStartEvent(this.#thinkingIndex);
      // An item's block begins with its own summary, not the blank line that joined it to the reasoning before.
      if (summaryOf?.separated === true) text = text.replace(/^\n\n/, '');
    }
    return text === '' ? events : events + thinkingDeltaEvent(this.#thinkingIndex, text);
  }

  /**
   * Anthropic's signed block, whole once its signature has come, or OpenAI's reasoning item whole: the end of the
   * thinking block its deltas opened, with its signature, or, for one with no text streamed (redacted, thinking left
   * empty, an item without a summary), the whole block.
   */
  #thinkingBlock(chunk: Extract<StreamChunk, { type: 'signed-reasoning-block' }>): string {
    if (isShownReasoningItem(chunk)) {
      const item = chunk.block;
      if (this.#thinkingIndex !== undefined && this.#thinkingItemId === item.id) return this.#signThinking(this.#thinkingIndex, reasoningItemSignature(item));
      return this.#endThinking() + this.#blocks.finish(undefined) + thinkingBlockEvents(reasoningItemThinkingBlock(item), this.#nextBlockIndex++);
    }
    if (!isShownThinkingBlock(chunk)) return '';
    const { block } = chunk;
    if (this.#thinkingIndex !== undefined && this.#thinkingItemId === undefined && block.type === 'thinking') return this.#signThinking(this.#thinkingIndex, block.signature);
    return this.#endThinking() + this.#blocks.finish(undefined) + thinkingBlockEvents(block, this.#nextBlockIndex++);
  }

  /** The end of the open thinking block (at `index`), with its signature. */
  #signThinking(index: number, signature: string): string {
    const events = thinkingEndEvents(index, signature);
    this.#thinkingIndex = undefined;
    this.#thinkingItemId = undefined;
    return events;
  }

  /** Stops a thinking block whose signature never came, when another block begins or the stream ends. */
  #endThinking(): string {
    if (this.#thinkingIndex === undefined) return '';
    const events = thinkingEndEvents(this.#thinkingIndex, undefined);
    this.#thinkingIndex = undefined;
    this.#thinkingItemId = undefined;
    return events;
  }

  /** Anthropic's server tool block, whole, after whatever block is open: the text that follows opens a new one. */
  #serverToolBlock(chunk: Extract<StreamChunk, { type: 'server-tool-block' }>): string {
    if (chunk.provider !== messagesServerToolsProvider) return '';
    if (isCitedTextWireBlock(chunk.block)) this.#citedTextShown += chunk.block.text.length;
    return this.#endThinking() + this.#blocks.finish(undefined) + serverToolBlockEvents(chunk.block, this.#nextBlockIndex++);
  }

  /** Text, but for what a cited text block just showed. */
  #textDelta(text: string): string {
    const shown = Math.min(this.#citedTextShown, text.length);
    this.#citedTextShown -= shown;
    const rest = shown === 0 ? text : text.slice(shown);
    return (rest === '' ? '' : this.#endThinking()) + this.#blocks.text('text', rest);
  }

  #openBlock(block: ContentBlock): string {
    const index = this.#nextBlockIndex++;
    let contentBlock = '{"type":"text","text":""}';
    this.#toolInput = undefined;
    if (typeof block.key === 'number') {
      this.#toolInput = block.json === undefined ? undefined : new StreamedToolInput(block.json);
      // The router gives every call an id on its first delta, made up when the provider gave none.
      contentBlock = JSON.stringify({ type: 'tool_use', id: block.id ?? '', name: block.name ?? '', input: {} });
    }
    return event('content_block_start', `{"type":"content_block_start","index":${index},"content_block":${contentBlock}}`);
  }

  #delta(block: ContentBlock, text: string): string {
    if (typeof block.key !== 'number') return this.#deltaEvent(`{"type":"text_delta","text":${JSON.stringify(text)}}`);
    const input = this.#toolInput?.append(text) ?? text;
    return input === '' ? '' : this.#deltaEvent(`{"type":"input_json_delta","partial_json":${JSON.stringify(input)}}`);
  }

  #closeBlock(): string {
    const rest = this.#toolInput?.end() ?? '';
    const stop = event('content_block_stop', `{"type":"content_block_stop","index":${this.#nextBlockIndex - 1}}`);
    return rest === '' ? stop : this.#deltaEvent(`{"type":"input_json_delta","partial_json":${JSON.stringify(rest)}}`) + stop;
  }

  #deltaEvent(delta: string): string {
    return event('content_block_delta', `{"type":"content_block_delta","index":${this.#nextBlockIndex - 1},"delta":${delta}}`);
  }
}
