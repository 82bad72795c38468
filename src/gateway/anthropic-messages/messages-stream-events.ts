/**
 * A streamed answer as Anthropic Messages events: `message_start`, then one content block per run of text
 * and per tool call (`content_block_start`, its deltas, `content_block_stop`), then `message_delta` with
 * the stop reason and the usage, and `message_stop`. A failure after the start is one `error` event. Each
 * event is written whole (`event:` and `data:` lines), as Anthropic's own stream is.
 */
import type { StreamResult } from '../../routing/router-options.js';
import type { StreamChunk, Usage } from '../../types.js';
import type { ErrorResponse } from '../error-response.js';
import type { AnswerContext, StreamEventEncoder } from '../gateway-dialect.js';
import { toAnthropicErrorBody, toAnthropicStopReason, toAnthropicUsage } from './messages-response.js';

function event(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n`;
}

type OpenBlock = { readonly kind: 'text' } | { readonly kind: 'tool'; readonly callIndex: number };

export class MessagesStreamEvents implements StreamEventEncoder {
  readonly #id: string;
  readonly #model: string;
  /** Index of the next content block; the open block, if any, is the one before it. */
  #nextBlockIndex = 0;
  #open: OpenBlock | undefined;

  constructor(context: AnswerContext & { readonly model: string }) {
    this.#id = context.id;
    this.#model = context.model;
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
    if (chunk.type === 'text-delta') {
      if (chunk.text.length === 0) return undefined;
      const opening = this.#open?.kind === 'text' ? '' : this.#openBlock({ kind: 'text' }, '{"type":"text","text":""}');
      return opening + this.#delta(`{"type":"text_delta","text":${JSON.stringify(chunk.text)}}`);
    }
    if (chunk.type === 'tool-call-delta') {
      let opening = '';
      const open = this.#open;
      if (open?.kind !== 'tool' || open.callIndex !== chunk.index) {
        // A provider that names no call id: one made from the message's id and the block's place, unique in the answer.
        const id = chunk.id ?? `toolu_${this.#id.replace(/^msg_/, '')}_${this.#nextBlockIndex}`;
        const block = { type: 'tool_use', id, name: chunk.name ?? '', input: {} };
        opening = this.#openBlock({ kind: 'tool', callIndex: chunk.index }, JSON.stringify(block));
      }
      if (chunk.argumentsDelta.length === 0) return opening || undefined;
      return opening + this.#delta(`{"type":"input_json_delta","partial_json":${JSON.stringify(chunk.argumentsDelta)}}`);
    }
    // Usage and the finish reason travel in message_delta, once the result is known.
    return undefined;
  }

  end(result: StreamResult): string {
    const delta = {
      type: 'message_delta',
      delta: { stop_reason: toAnthropicStopReason(result), stop_sequence: result.stopSequence ?? null },
      usage: toAnthropicUsage(result.usage),
    };
    return this.#closeBlock() + event('message_delta', JSON.stringify(delta)) + event('message_stop', '{"type":"message_stop"}');
  }

  error(error: ErrorResponse): string {
    return event('error', JSON.stringify(toAnthropicErrorBody(error)));
  }

  keepAlive(): string {
    // As Anthropic's own streams send it.
    return event('ping', '{"type": "ping"}');
  }

  #openBlock(block: OpenBlock, contentBlock: string): string {
    const closing = this.#closeBlock();
    this.#open = block;
    const index = this.#nextBlockIndex++;
    return `${closing}${event('content_block_start', `{"type":"content_block_start","index":${index},"content_block":${contentBlock}}`)}`;
  }

  #closeBlock(): string {
    if (this.#open === undefined) return '';
    this.#open = undefined;
    return event('content_block_stop', `{"type":"content_block_stop","index":${this.#nextBlockIndex - 1}}`);
  }

  #delta(delta: string): string {
    return event('content_block_delta', `{"type":"content_block_delta","index":${this.#nextBlockIndex - 1},"delta":${delta}}`);
  }
}
