/**
 * A streamed answer as Responses API events: `response.created` and `response.in_progress`, then per output
 * item (shown reasoning, a message, a function call, a free-form tool call) `output_item.added`, its content events and
 * `output_item.done`, then `response.completed` (or `response.incomplete`) with the whole response. Every
 * event has its `sequence_number`. A failure after the start is `response.failed`, its response carrying the
 * error and the output so far. A free-form call's input goes out whole when the call ends: the provider
 * streams it as JSON arguments, whose text cannot be told before they close. One item is in progress at a
 * time; parallel calls whose deltas alternate, or a call cut by text, still make whole items: ContentBlockSequence
 * keeps a call open until its arguments close, the other items' deltas waiting meanwhile. Anthropic's thinking
 * blocks are reasoning items of their own, streamed as OpenAI streams a reasoning summary (the recording
 * summarizedReasoningItem cites): the item opens at the block's first delta, which the provider marks as of a block it
 * signs, its text follows as `reasoning_summary_text.delta`s, and the block whole, once signed, closes it. OpenAI's
 * own reasoning items go out in the order OpenAI streams them (src/testing/recordings/openai-responses/
 * responses-stream-reasoning-function-call.chunks.txt), with its item id: the item opens at its summary's first delta
 * (or, with no summary, when it comes whole), each summary part opens, streams and closes in turn, and the item whole
 * closes it.
 */
import type { StreamResult } from '../../routing/router-options.js';
import type { StreamChunk } from '../../types.js';
import {
  isShownReasoningItem,
  isShownReasoningSummaryDelta,
  isShownThinkingBlock,
  isShownThinkingDelta,
  type ShownReasoningSummaryDelta,
} from '../client-signed-reasoning.js';
import { type ContentBlock, ContentBlockSequence } from '../content-block-sequence.js';
import type { ErrorResponse } from '../error-response.js';
import type { AnswerContext, GatewayCall, StreamEventEncoder } from '../gateway-dialect.js';
import {
  customToolCallItem,
  freeformInputOf,
  functionCallItem,
  type ItemStatus,
  itemId,
  messageItem,
  outputTextPart,
  placedItemId,
  reasoningItem,
  reasoningTextPart,
  responseObject,
  responseStatus,
  responsesErrorCode,
  responsesUsage,
  type ResponseOutputItem,
  summarizedReasoningItem,
  summaryTextPart,
  thinkingBlockContent,
} from './responses-output.js';
import type { ResponsesEcho } from './responses-echo.js';

type OpenItem =
  | { readonly kind: 'message'; readonly id: string; text: string }
  | { readonly kind: 'reasoning'; readonly id: string; text: string }
  | {
      readonly kind: 'function_call' | 'custom_tool_call';
      readonly id: string;
      readonly callId: string;
      readonly name: string;
      arguments: string;
    };

/** A reasoning item with a summary, in progress (Anthropic's thinking block, or OpenAI's item): its summary parts so far. */
interface ThinkingItem {
  readonly id: string;
  readonly outputIndex: number;
  readonly summary: string[];
}

/** How a summarized reasoning item ends: the summary it closes with (its own so far if none) and its encrypted content. */
interface ThinkingEnding {
  readonly summary?: readonly string[];
  readonly encryptedContent: string | null;
}

export class ResponsesStreamEvents implements StreamEventEncoder {
  readonly #id: string;
  readonly #createdSeconds: number;
  readonly #model: string;
  readonly #freeformTools: ReadonlySet<string> | undefined;
  readonly #echo: ResponsesEcho | undefined;
  #sequence = 0;
  readonly #done: ResponseOutputItem[] = [];
  /** The response object `response.completed` (or `response.incomplete`) gave, once `end` has run. */
  #ended: Record<string, unknown> | undefined;
  /** The item in progress: the block ContentBlockSequence has open. */
  #open: OpenItem | undefined;
  #calls = 0;
  readonly #blocks: ContentBlockSequence<Exclude<ItemStatus, 'in_progress'>>;
  readonly #encryptedReasoning: boolean;
  /** The reasoning item being thought (Anthropic's block, OpenAI's item), outside the sequence: the signed block ends it. */
  #thinking: ThinkingItem | undefined;

  constructor(context: AnswerContext & { readonly model: string }, call?: Pick<GatewayCall, 'freeformTools' | 'responsesEcho' | 'includeEncryptedReasoning'>) {
    this.#id = context.id;
    this.#createdSeconds = context.createdSeconds;
    this.#model = context.model;
    this.#freeformTools = call?.freeformTools;
    this.#echo = call?.responsesEcho;
    this.#encryptedReasoning = call?.includeEncryptedReasoning === true;
    this.#blocks = new ContentBlockSequence({
      open: (block) => this.#openItem(block),
      append: (_block, delta) => this.#append(delta),
      close: (_block, ending) => this.#closeOpen(ending ?? 'completed'),
    });
  }

  /** The output items closed so far, as their `output_item.done` events gave them: every item once `end` has run. */
  get output(): readonly ResponseOutputItem[] {
    return this.#done;
  }

  /** The whole response the stream's last event gave, once `end` has run. */
  get endedResponse(): Record<string, unknown> | undefined {
    return this.#ended;
  }

  start(): string {
    const response = this.#response('in_progress', null, null);
    return this.#event('response.created', { response }) + this.#event('response.in_progress', { response });
  }

  chunk(chunk: StreamChunk): string | undefined {
    if (chunk.type === 'signed-reasoning-block') return this.#signedBlock(chunk) || undefined;
    if (chunk.type === 'tool-call-delta') return this.#endThinking('completed') + this.#blocks.toolCall(chunk) || undefined;
    if (chunk.type !== 'reasoning-delta' && chunk.type !== 'text-delta') return undefined; // Usage and the finish reason go in the closing response.
    if (chunk.text === '') return undefined;
    if (chunk.type === 'reasoning-delta' && isShownThinkingDelta(chunk)) return this.#thinkingDelta(chunk.text);
    if (chunk.type === 'reasoning-delta' && isShownReasoningSummaryDelta(chunk)) return this.#reasoningSummaryDelta(chunk);
    return this.#endThinking('completed') + this.#blocks.text(chunk.type === 'text-delta' ? 'text' : 'reasoning', chunk.text) || undefined;
  }

  end(result: StreamResult): string {
    const { status, incompleteDetails } = responseStatus(result.finishReason);
    // A cut-off answer's items still in progress (the last, or every call whose arguments had not closed) are the ones cut off.
    const ending = status === 'incomplete' ? 'incomplete' : 'completed';
    let events = this.#endThinking(ending) + this.#blocks.finish(ending);
    const response = this.#response(status, incompleteDetails, responsesUsage(result.usage));
    this.#ended = response;
    events += this.#event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
    return events;
  }

  error(error: ErrorResponse): string {
    const events = this.#endThinking('incomplete') + this.#blocks.finish('incomplete');
    const failure = { code: responsesErrorCode(error), message: error.body.error.message };
    return events + this.#event('response.failed', { response: this.#response('failed', null, null, failure) });
  }

  keepAlive(): string {
    return ': ping\n\n';
  }

  #openItem(block: ContentBlock): string {
    if (block.key === 'text') return this.#openMessage();
    if (block.key === 'reasoning') return this.#openReasoning();
    return this.#openCall(block);
  }

  #append(delta: string): string {
    const open = this.#open;
    if (open === undefined) return '';
    const outputIndex = this.#done.length;
    if (open.kind === 'reasoning') {
      open.text += delta;
      return this.#event('response.reasoning_text.delta', { item_id: open.id, output_index: outputIndex, content_index: 0, delta });
    }
    if (open.kind === 'message') {
      open.text += delta;
      return this.#event('response.output_text.delta', { item_id: open.id, output_index: outputIndex, content_index: 0, delta, logprobs: [] });
    }
    open.arguments += delta;
    if (open.kind === 'custom_tool_call') return '';
    return this.#event('response.function_call_arguments.delta', { item_id: open.id, output_index: outputIndex, delta });
  }

  /** A piece of an Anthropic thinking block: the first opens its item, after whatever item is open. */
  #thinkingDelta(text: string): string {
    if (this.#thinking !== undefined) return this.#summaryDelta(this.#thinking, 0, text);
    const { events, item } = this.#openThinking(undefined);
    return events + this.#summaryDelta(item, 0, text);
  }

  /** A piece of the summary of OpenAI's reasoning item: the first opens the item (OpenAI's id), ending any other. */
  #reasoningSummaryDelta(chunk: ShownReasoningSummaryDelta): string {
    const { itemId, summaryIndex, separated } = chunk.summaryOf;
    // The blank line the provider put before a later part, to join it in the reasoning text, is not OpenAI's delta.
    const text = separated ? chunk.text.replace(/^\n\n/, '') : chunk.text;
    if (this.#thinking?.id === itemId) return this.#summaryDelta(this.#thinking, summaryIndex, text);
    const ended = this.#endThinking('completed');
    const { events, item } = this.#openThinking(itemId);
    return ended + events + this.#summaryDelta(item, summaryIndex, text);
  }

  /**
   * A signed block whole: Anthropic's closes the item its deltas opened, or is an item of its own (a redacted block);
   * OpenAI's item closes the item its summary opened, or is streamed now (one without a summary shown before).
   */
  #signedBlock(chunk: Extract<StreamChunk, { type: 'signed-reasoning-block' }>): string {
    if (isShownReasoningItem(chunk)) {
      const { block } = chunk;
      const ending = { summary: block.summary, encryptedContent: block.encryptedContent };
      if (this.#thinking?.id === block.id) return this.#closeThinking(ending, 'completed');
      return this.#wholeThinking(block.id, block.summary, ending);
    }
    if (!isShownThinkingBlock(chunk)) return '';
    const { block } = chunk;
    const ending = { encryptedContent: thinkingBlockContent(block) };
    if (this.#thinking !== undefined && block.type === 'thinking') return this.#closeThinking(ending, 'completed');
    return this.#wholeThinking(undefined, block.type === 'thinking' ? [block.thinking] : [], ending);
  }

  /** A summarized reasoning item that came whole: opened, its summary streamed part by part, and closed. */
  #wholeThinking(id: string | undefined, summary: readonly string[], ending: ThinkingEnding): string {
    let events = this.#endThinking('completed');
    const opened = this.#openThinking(id);
    events += opened.events;
    summary.forEach((text, index) => {
      if (text !== '') events += this.#summaryDelta(opened.item, index, text);
    });
    return events + this.#closeThinking(ending, 'completed');
  }

  /** Opens a reasoning item with its provider's id, or (`undefined`) one of ours numbered by its place. */
  #openThinking(givenId: string | undefined): { readonly events: string; readonly item: ThinkingItem } {
    const events = this.#blocks.finish('completed');
    const outputIndex = this.#done.length;
    const id = givenId ?? placedItemId(this.#id, 'rs', outputIndex);
    const item: ThinkingItem = { id, outputIndex, summary: [] };
    this.#thinking = item;
    const added = summarizedReasoningItem(id, { summary: [], encryptedContent: null, status: 'in_progress', encrypted: this.#encryptedReasoning });
    return { events: events + this.#event('response.output_item.added', { output_index: outputIndex, item: added }), item };
  }

  /** A piece of a summary part's text: a new part closes the one before and opens with its first piece. */
  #summaryDelta(item: ThinkingItem, summaryIndex: number, text: string): string {
    let events = '';
    if (summaryIndex >= item.summary.length) {
      events = this.#summaryPartDone(item);
      item.summary.push('');
      const place = { item_id: item.id, output_index: item.outputIndex, summary_index: item.summary.length - 1 };
      events += this.#event('response.reasoning_summary_part.added', { ...place, part: summaryTextPart('') });
    }
    const index = item.summary.length - 1;
    item.summary[index] += text;
    return events + this.#event('response.reasoning_summary_text.delta', { item_id: item.id, output_index: item.outputIndex, summary_index: index, delta: text });
  }

  /** The done events of the item's last summary part, if it has one. */
  #summaryPartDone(item: ThinkingItem): string {
    const index = item.summary.length - 1;
    if (index < 0) return '';
    const text = item.summary[index] ?? '';
    const place = { item_id: item.id, output_index: item.outputIndex, summary_index: index };
    return this.#event('response.reasoning_summary_text.done', { ...place, text }) + this.#event('response.reasoning_summary_part.done', { ...place, part: summaryTextPart(text) });
  }

  /** Ends the thinking item, with its signed content once come; null content for one whose signed block never came. */
  #closeThinking(ending: ThinkingEnding, status: Exclude<ItemStatus, 'in_progress'>): string {
    const thinking = this.#thinking;
    if (thinking === undefined) return '';
    this.#thinking = undefined;
    const events = this.#summaryPartDone(thinking);
    const summary = ending.summary ?? thinking.summary;
    const item = summarizedReasoningItem(thinking.id, { summary, encryptedContent: ending.encryptedContent, status, encrypted: this.#encryptedReasoning });
    this.#done.push(item);
    return events + this.#event('response.output_item.done', { output_index: thinking.outputIndex, item });
  }

  /** Ends a thinking item whose signed block never came, when another item begins or the stream ends. */
  #endThinking(status: Exclude<ItemStatus, 'in_progress'>): string {
    return this.#closeThinking({ encryptedContent: null }, status);
  }

  #openMessage(): string {
    const id = placedItemId(this.#id, 'msg', this.#done.length);
    this.#open = { kind: 'message', id, text: '' };
    const outputIndex = this.#done.length;
    return (
      this.#event('response.output_item.added', { output_index: outputIndex, item: messageItem(id, '', 'in_progress') }) +
      this.#event('response.content_part.added', { item_id: id, output_index: outputIndex, content_index: 0, part: outputTextPart('') })
    );
  }

  #openReasoning(): string {
    const id = placedItemId(this.#id, 'rs', this.#done.length);
    this.#open = { kind: 'reasoning', id, text: '' };
    const outputIndex = this.#done.length;
    return (
      this.#event('response.output_item.added', { output_index: outputIndex, item: reasoningItem(id, '', 'in_progress') }) +
      this.#event('response.content_part.added', { item_id: id, output_index: outputIndex, content_index: 0, part: reasoningTextPart('') })
    );
  }

  #openCall(block: ContentBlock): string {
    const name = block.name ?? '';
    const kind = this.#freeformTools?.has(name) === true ? 'custom_tool_call' : 'function_call';
    const id = itemId(this.#id, kind === 'custom_tool_call' ? 'ctc' : 'fc', this.#calls);
    // The router gives every call an id on its first delta, made up when the provider gave none.
    const callId = block.id ?? '';
    this.#calls += 1;
    this.#open = { kind, id, callId, name, arguments: '' };
    const call = { id: callId, name, arguments: '' };
    const item = kind === 'custom_tool_call' ? customToolCallItem(id, call, 'in_progress') : functionCallItem(id, call, 'in_progress');
    return this.#event('response.output_item.added', { output_index: this.#done.length, item });
  }

  #closeOpen(status: Exclude<ItemStatus, 'in_progress'>): string {
    const open = this.#open;
    if (open === undefined) return '';
    this.#open = undefined;
    const outputIndex = this.#done.length;
    if (open.kind === 'reasoning') {
      const item = reasoningItem(open.id, open.text, status);
      this.#done.push(item);
      return (
        this.#event('response.reasoning_text.done', { item_id: open.id, output_index: outputIndex, content_index: 0, text: open.text }) +
        this.#event('response.content_part.done', { item_id: open.id, output_index: outputIndex, content_index: 0, part: reasoningTextPart(open.text) }) +
        this.#event('response.output_item.done', { output_index: outputIndex, item })
      );
    }
    if (open.kind === 'message') {
      const item = messageItem(open.id, open.text, status);
      this.#done.push(item);
      return (
        this.#event('response.output_text.done', { item_id: open.id, output_index: outputIndex, content_index: 0, text: open.text, logprobs: [] }) +
        this.#event('response.content_part.done', { item_id: open.id, output_index: outputIndex, content_index: 0, part: outputTextPart(open.text) }) +
        this.#event('response.output_item.done', { output_index: outputIndex, item })
      );
    }
    const call = { id: open.callId, name: open.name, arguments: open.arguments };
    if (open.kind === 'custom_tool_call') {
      const item = customToolCallItem(open.id, call, status);
      this.#done.push(item);
      const input = freeformInputOf(open.arguments);
      return (
        this.#event('response.custom_tool_call_input.delta', { item_id: open.id, output_index: outputIndex, delta: input }) +
        this.#event('response.custom_tool_call_input.done', { item_id: open.id, output_index: outputIndex, input }) +
        this.#event('response.output_item.done', { output_index: outputIndex, item })
      );
    }
    const item = functionCallItem(open.id, call, status);
    this.#done.push(item);
    return (
      this.#event('response.function_call_arguments.done', { item_id: open.id, output_index: outputIndex, name: open.name, arguments: open.arguments }) +
      this.#event('response.output_item.done', { output_index: outputIndex, item })
    );
  }

  #response(
    status: string,
    incompleteDetails: { reason: string } | null,
    usage: Record<string, unknown> | null,
    error?: { code: string; message: string },
  ): Record<string, unknown> {
    return responseObject({
      id: this.#id,
      createdSeconds: this.#createdSeconds,
      model: this.#model,
      status,
      incompleteDetails,
      output: [...this.#done],
      usage,
      error: error ?? null,
      echo: this.#echo,
    });
  }

  #event(type: string, fields: Record<string, unknown>): string {
    const data = JSON.stringify({ type, sequence_number: this.#sequence++, ...fields });
    return `event: ${type}\ndata: ${data}\n\n`;
  }
}
