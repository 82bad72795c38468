/**
 * Reasoning items with a summary, as Responses API events. Anthropic's thinking blocks are reasoning items of
 * their own, streamed as OpenAI streams a reasoning summary (the recording summarizedReasoningItem cites): the item
 * opens at the block's first delta, which the provider marks as of a block it signs, its text follows as
 * `reasoning_summary_text.delta`s, and the block whole, once signed, closes it. OpenAI's own reasoning items go out
 * in the order OpenAI streams them (src/testing/recordings/openai-responses/
 * responses-stream-reasoning-function-call.chunks.txt), with its item id: the item opens at its summary's first
 * delta (or, with no summary, when it comes whole), each summary part opens, streams and closes in turn, and the
 * item whole closes it. Such an item is outside the content block sequence: opening one closes the blocks open.
 */
import type { StreamChunk } from '../../types.js';
import { isShownReasoningItem, isShownThinkingBlock, type ShownReasoningSummaryDelta } from '../client-signed-reasoning.js';
import type { ContentBlockSequence } from '../content-block-sequence.js';
import type { ResponsesEventSequence } from './responses-event-sequence.js';
import { type ItemStatus, placedItemId, summarizedReasoningItem, summaryTextPart, thinkingBlockContent } from './responses-output.js';

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

export interface SummarizedReasoningItemsOptions {
  readonly events: ResponsesEventSequence;
  /** The content blocks' items, closed when a reasoning item opens. */
  readonly blocks: ContentBlockSequence<Exclude<ItemStatus, 'in_progress'>>;
  /** Whether the items carry their encrypted content (the request included `reasoning.encrypted_content`). */
  readonly encryptedReasoning: boolean;
}

export class SummarizedReasoningItems {
  readonly #events: ResponsesEventSequence;
  readonly #blocks: ContentBlockSequence<Exclude<ItemStatus, 'in_progress'>>;
  readonly #encryptedReasoning: boolean;
  /** The reasoning item being thought (Anthropic's block, OpenAI's item), outside the sequence: the signed block ends it. */
  #thinking: ThinkingItem | undefined;

  constructor(options: SummarizedReasoningItemsOptions) {
    this.#events = options.events;
    this.#blocks = options.blocks;
    this.#encryptedReasoning = options.encryptedReasoning;
  }

  /** A piece of an Anthropic thinking block: the first opens its item, after whatever item is open. */
  thinkingDelta(text: string): string {
    if (this.#thinking !== undefined) return this.#summaryDelta(this.#thinking, 0, text);
    const { events, item } = this.#openThinking(undefined);
    return events + this.#summaryDelta(item, 0, text);
  }

  /** A piece of the summary of OpenAI's reasoning item: the first opens the item (OpenAI's id), ending any other. */
  reasoningSummaryDelta(chunk: ShownReasoningSummaryDelta): string {
    const { itemId, summaryIndex, separated } = chunk.summaryOf;
    // The blank line the provider put before a later part, to join it in the reasoning text, is not OpenAI's delta.
    const text = separated ? chunk.text.replace(/^\n\n/, '') : chunk.text;
    if (this.#thinking?.id === itemId) return this.#summaryDelta(this.#thinking, summaryIndex, text);
    const ended = this.endThinking('completed');
    const { events, item } = this.#openThinking(itemId);
    return ended + events + this.#summaryDelta(item, summaryIndex, text);
  }

  /**
   * A signed block whole: Anthropic's closes the item its deltas opened, or is an item of its own (a redacted block);
   * OpenAI's item closes the item its summary opened, or is streamed now (one without a summary shown before).
   */
  signedBlock(chunk: Extract<StreamChunk, { type: 'signed-reasoning-block' }>): string {
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

  /** Ends a thinking item whose signed block never came, when another item begins or the stream ends. */
  endThinking(status: Exclude<ItemStatus, 'in_progress'>): string {
    return this.#closeThinking({ encryptedContent: null }, status);
  }

  /** A summarized reasoning item that came whole: opened, its summary streamed part by part, and closed. */
  #wholeThinking(id: string | undefined, summary: readonly string[], ending: ThinkingEnding): string {
    let events = this.endThinking('completed');
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
    const outputIndex = this.#events.nextOutputIndex;
    const id = givenId ?? placedItemId(this.#events.responseId, 'rs', outputIndex);
    const item: ThinkingItem = { id, outputIndex, summary: [] };
    this.#thinking = item;
    const added = summarizedReasoningItem(id, { summary: [], encryptedContent: null, status: 'in_progress', encrypted: this.#encryptedReasoning });
    return { events: events + this.#events.event('response.output_item.added', { output_index: outputIndex, item: added }), item };
  }

  /** A piece of a summary part's text: a new part closes the one before and opens with its first piece. */
  #summaryDelta(item: ThinkingItem, summaryIndex: number, text: string): string {
    let events = '';
    if (summaryIndex >= item.summary.length) {
      events = this.#summaryPartDone(item);
      item.summary.push('');
      const place = { item_id: item.id, output_index: item.outputIndex, summary_index: item.summary.length - 1 };
      events += this.#events.event('response.reasoning_summary_part.added', { ...place, part: summaryTextPart('') });
    }
    const index = item.summary.length - 1;
    item.summary[index] += text;
    return events + this.#events.event('response.reasoning_summary_text.delta', { item_id: item.id, output_index: item.outputIndex, summary_index: index, delta: text });
  }

  /** The done events of the item's last summary part, if it has one. */
  #summaryPartDone(item: ThinkingItem): string {
    const index = item.summary.length - 1;
    if (index < 0) return '';
    const text = item.summary[index] ?? '';
    const place = { item_id: item.id, output_index: item.outputIndex, summary_index: index };
    return (
      this.#events.event('response.reasoning_summary_text.done', { ...place, text }) +
      this.#events.event('response.reasoning_summary_part.done', { ...place, part: summaryTextPart(text) })
    );
  }

  /** Ends the thinking item, with its signed content once come; null content for one whose signed block never came. */
  #closeThinking(ending: ThinkingEnding, status: Exclude<ItemStatus, 'in_progress'>): string {
    const thinking = this.#thinking;
    if (thinking === undefined) return '';
    this.#thinking = undefined;
    const events = this.#summaryPartDone(thinking);
    const summary = ending.summary ?? thinking.summary;
    const item = summarizedReasoningItem(thinking.id, { summary, encryptedContent: ending.encryptedContent, status, encrypted: this.#encryptedReasoning });
    this.#events.itemDone(item);
    return events + this.#events.event('response.output_item.done', { output_index: thinking.outputIndex, item });
  }
}
