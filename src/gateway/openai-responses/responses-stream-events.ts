/**
 * A streamed answer as Responses API events: `response.created` and `response.in_progress`, then per output
 * item (shown reasoning, a message, a function call, a free-form tool call) `output_item.added`, its content events and
 * `output_item.done`, then `response.completed` (or `response.incomplete`) with the whole response. Every
 * event has its `sequence_number`. A failure after the start is `response.failed`, its response carrying the
 * error and the output so far. A free-form call's input goes out whole when the call ends: the provider
 * streams it as JSON arguments, whose text cannot be told before they close. One item is in progress at a
 * time; parallel calls whose deltas alternate, or a call cut by text, still make whole items: ContentBlockSequence
 * keeps a call open until its arguments close, the other items' deltas waiting meanwhile.
 */
import type { StreamResult } from '../../routing/router-options.js';
import type { StreamChunk } from '../../types.js';
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
  reasoningItem,
  reasoningTextPart,
  responseObject,
  responseStatus,
  responsesErrorCode,
  responsesUsage,
  type ResponseOutputItem,
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

export class ResponsesStreamEvents implements StreamEventEncoder {
  readonly #id: string;
  readonly #createdSeconds: number;
  readonly #model: string;
  readonly #freeformTools: ReadonlySet<string> | undefined;
  readonly #echo: ResponsesEcho | undefined;
  #sequence = 0;
  readonly #done: ResponseOutputItem[] = [];
  /** The item in progress: the block ContentBlockSequence has open. */
  #open: OpenItem | undefined;
  #calls = 0;
  readonly #blocks: ContentBlockSequence<Exclude<ItemStatus, 'in_progress'>>;

  constructor(context: AnswerContext & { readonly model: string }, call?: Pick<GatewayCall, 'freeformTools' | 'responsesEcho'>) {
    this.#id = context.id;
    this.#createdSeconds = context.createdSeconds;
    this.#model = context.model;
    this.#freeformTools = call?.freeformTools;
    this.#echo = call?.responsesEcho;
    this.#blocks = new ContentBlockSequence({
      open: (block) => this.#openItem(block),
      append: (_block, delta) => this.#append(delta),
      close: (_block, ending) => this.#closeOpen(ending ?? 'completed'),
    });
  }

  start(): string {
    const response = this.#response('in_progress', null, null);
    return this.#event('response.created', { response }) + this.#event('response.in_progress', { response });
  }

  chunk(chunk: StreamChunk): string | undefined {
    if (chunk.type === 'reasoning-delta') return this.#blocks.text('reasoning', chunk.text) || undefined;
    if (chunk.type === 'text-delta') return this.#blocks.text('text', chunk.text) || undefined;
    if (chunk.type === 'tool-call-delta') return this.#blocks.toolCall(chunk) || undefined;
    // Usage and the finish reason go in the closing response.
    return undefined;
  }

  end(result: StreamResult): string {
    const { status, incompleteDetails } = responseStatus(result.finishReason);
    // A cut-off answer's items still in progress (the last, or every call whose arguments had not closed) are the ones cut off.
    let events = this.#blocks.finish(status === 'incomplete' ? 'incomplete' : 'completed');
    const response = this.#response(status, incompleteDetails, responsesUsage(result.usage));
    events += this.#event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
    return events;
  }

  error(error: ErrorResponse): string {
    const events = this.#blocks.finish('incomplete');
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

  #openMessage(): string {
    const id = itemId(this.#id, 'msg', this.#done.length === 0 ? undefined : this.#done.length);
    this.#open = { kind: 'message', id, text: '' };
    const outputIndex = this.#done.length;
    return (
      this.#event('response.output_item.added', { output_index: outputIndex, item: messageItem(id, '', 'in_progress') }) +
      this.#event('response.content_part.added', { item_id: id, output_index: outputIndex, content_index: 0, part: outputTextPart('') })
    );
  }

  #openReasoning(): string {
    const id = itemId(this.#id, 'rs', this.#done.length === 0 ? undefined : this.#done.length);
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
