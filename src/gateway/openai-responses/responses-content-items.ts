/**
 * The output items of the answer's content blocks, as Responses API events: a message, shown reasoning text, a
 * function call or a free-form tool call, each `output_item.added`, its content events and `output_item.done`.
 * A free-form call's input goes out whole when the call ends: the provider streams it as JSON arguments, whose
 * text cannot be told before they close. ContentBlockSequence calls these one block at a time, so parallel calls
 * whose deltas alternate, or a call cut by text, still make whole items.
 */
import type { ContentBlock, ContentBlockWriter } from '../content-block-sequence.js';
import type { ResponsesEventSequence } from './responses-event-sequence.js';
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
} from './responses-output.js';

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

export class ResponsesContentItems implements ContentBlockWriter<Exclude<ItemStatus, 'in_progress'>> {
  readonly #events: ResponsesEventSequence;
  /** The names of the tools the request declared free-form (`custom`), whose calls are custom tool calls. */
  readonly #freeformTools: ReadonlySet<string> | undefined;
  /** The item in progress: the block ContentBlockSequence has open. */
  #open: OpenItem | undefined;
  #calls = 0;

  constructor(events: ResponsesEventSequence, freeformTools: ReadonlySet<string> | undefined) {
    this.#events = events;
    this.#freeformTools = freeformTools;
  }

  open(block: ContentBlock): string {
    if (block.key === 'text') return this.#openMessage();
    if (block.key === 'reasoning') return this.#openReasoning();
    return this.#openCall(block);
  }

  append(_block: ContentBlock, delta: string): string {
    const open = this.#open;
    if (open === undefined) return '';
    const outputIndex = this.#events.nextOutputIndex;
    if (open.kind === 'reasoning') {
      open.text += delta;
      return this.#events.event('response.reasoning_text.delta', { item_id: open.id, output_index: outputIndex, content_index: 0, delta });
    }
    if (open.kind === 'message') {
      open.text += delta;
      return this.#events.event('response.output_text.delta', { item_id: open.id, output_index: outputIndex, content_index: 0, delta, logprobs: [] });
    }
    open.arguments += delta;
    if (open.kind === 'custom_tool_call') return '';
    return this.#events.event('response.function_call_arguments.delta', { item_id: open.id, output_index: outputIndex, delta });
  }

  close(_block: ContentBlock, ending: Exclude<ItemStatus, 'in_progress'> | undefined): string {
    return this.#closeOpen(ending ?? 'completed');
  }

  #openMessage(): string {
    const id = placedItemId(this.#events.responseId, 'msg', this.#events.nextOutputIndex);
    this.#open = { kind: 'message', id, text: '' };
    const outputIndex = this.#events.nextOutputIndex;
    return (
      this.#events.event('response.output_item.added', { output_index: outputIndex, item: messageItem(id, '', 'in_progress') }) +
      this.#events.event('response.content_part.added', { item_id: id, output_index: outputIndex, content_index: 0, part: outputTextPart('') })
    );
  }

  #openReasoning(): string {
    const id = placedItemId(this.#events.responseId, 'rs', this.#events.nextOutputIndex);
    this.#open = { kind: 'reasoning', id, text: '' };
    const outputIndex = this.#events.nextOutputIndex;
    return (
      this.#events.event('response.output_item.added', { output_index: outputIndex, item: reasoningItem(id, '', 'in_progress') }) +
      this.#events.event('response.content_part.added', { item_id: id, output_index: outputIndex, content_index: 0, part: reasoningTextPart('') })
    );
  }

  #openCall(block: ContentBlock): string {
    const name = block.name ?? '';
    const kind = this.#freeformTools?.has(name) === true ? 'custom_tool_call' : 'function_call';
    const id = itemId(this.#events.responseId, kind === 'custom_tool_call' ? 'ctc' : 'fc', this.#calls);
    // The router gives every call an id on its first delta, made up when the provider gave none.
    const callId = block.id ?? '';
    this.#calls += 1;
    this.#open = { kind, id, callId, name, arguments: '' };
    const call = { id: callId, name, arguments: '' };
    const item = kind === 'custom_tool_call' ? customToolCallItem(id, call, 'in_progress') : functionCallItem(id, call, 'in_progress');
    return this.#events.event('response.output_item.added', { output_index: this.#events.nextOutputIndex, item });
  }

  #closeOpen(status: Exclude<ItemStatus, 'in_progress'>): string {
    const open = this.#open;
    if (open === undefined) return '';
    this.#open = undefined;
    const events = this.#events;
    const outputIndex = events.nextOutputIndex;
    if (open.kind === 'reasoning') {
      const item = reasoningItem(open.id, open.text, status);
      events.itemDone(item);
      return (
        events.event('response.reasoning_text.done', { item_id: open.id, output_index: outputIndex, content_index: 0, text: open.text }) +
        events.event('response.content_part.done', { item_id: open.id, output_index: outputIndex, content_index: 0, part: reasoningTextPart(open.text) }) +
        events.event('response.output_item.done', { output_index: outputIndex, item })
      );
    }
    if (open.kind === 'message') {
      const item = messageItem(open.id, open.text, status);
      events.itemDone(item);
      return (
        events.event('response.output_text.done', { item_id: open.id, output_index: outputIndex, content_index: 0, text: open.text, logprobs: [] }) +
        events.event('response.content_part.done', { item_id: open.id, output_index: outputIndex, content_index: 0, part: outputTextPart(open.text) }) +
        events.event('response.output_item.done', { output_index: outputIndex, item })
      );
    }
    const call = { id: open.callId, name: open.name, arguments: open.arguments };
    if (open.kind === 'custom_tool_call') {
      const item = customToolCallItem(open.id, call, status);
      events.itemDone(item);
      const input = freeformInputOf(open.arguments);
      return (
        events.event('response.custom_tool_call_input.delta', { item_id: open.id, output_index: outputIndex, delta: input }) +
        events.event('response.custom_tool_call_input.done', { item_id: open.id, output_index: outputIndex, input }) +
        events.event('response.output_item.done', { output_index: outputIndex, item })
      );
    }
    const item = functionCallItem(open.id, call, status);
    events.itemDone(item);
    return (
      events.event('response.function_call_arguments.done', { item_id: open.id, output_index: outputIndex, name: open.name, arguments: open.arguments }) +
      events.event('response.output_item.done', { output_index: outputIndex, item })
    );
  }
}
