/**
 * A streamed answer as Responses API events: `response.created` and `response.in_progress`, then per output
 * item (shown reasoning, a message, a function call, a free-form tool call) `output_item.added`, its content events and
 * `output_item.done`, then `response.completed` (or `response.incomplete`) with the whole response. Every
 * event has its `sequence_number` (responses-event-sequence.ts). A failure after the start is `response.failed`, its
 * response carrying the error and the output so far. One item is in progress at a time; parallel calls whose deltas
 * alternate, or a call cut by text, still make whole items: ContentBlockSequence keeps a call open until its
 * arguments close, the other items' deltas waiting meanwhile (the items' events: responses-content-items.ts).
 * Anthropic's thinking blocks and OpenAI's own reasoning items are summarized reasoning items, streamed as OpenAI
 * streams a reasoning summary (summarized-reasoning-items.ts).
 */
import type { StreamResult } from '../../routing/router-options.js';
import type { StreamChunk } from '../../types.js';
import { isShownReasoningSummaryDelta, isShownThinkingDelta } from '../client-signed-reasoning.js';
import { ContentBlockSequence } from '../content-block-sequence.js';
import type { ErrorResponse } from '../error-response.js';
import type { AnswerContext, GatewayCall, StreamEventEncoder } from '../gateway-dialect.js';
import { ResponsesContentItems } from './responses-content-items.js';
import type { ResponsesEcho } from './responses-echo.js';
import { ResponsesEventSequence } from './responses-event-sequence.js';
import { type ItemStatus, responseObject, responseStatus, responsesErrorCode, responsesUsage, type ResponseOutputItem } from './responses-output.js';
import { SummarizedReasoningItems } from './summarized-reasoning-items.js';

export class ResponsesStreamEvents implements StreamEventEncoder {
  readonly #createdSeconds: number;
  readonly #model: string;
  readonly #echo: ResponsesEcho | undefined;
  readonly #events: ResponsesEventSequence;
  /** The response object `response.completed` (or `response.incomplete`) gave, once `end` has run. */
  #ended: Record<string, unknown> | undefined;
  readonly #blocks: ContentBlockSequence<Exclude<ItemStatus, 'in_progress'>>;
  readonly #reasoning: SummarizedReasoningItems;

  constructor(context: AnswerContext & { readonly model: string }, call?: Pick<GatewayCall, 'freeformTools' | 'responsesEcho' | 'includeEncryptedReasoning'>) {
    this.#createdSeconds = context.createdSeconds;
    this.#model = context.model;
    this.#echo = call?.responsesEcho;
    this.#events = new ResponsesEventSequence(context.id);
    this.#blocks = new ContentBlockSequence(new ResponsesContentItems(this.#events, call?.freeformTools));
    this.#reasoning = new SummarizedReasoningItems({ events: this.#events, blocks: this.#blocks, encryptedReasoning: call?.includeEncryptedReasoning === true });
  }

  /** The output items closed so far, as their `output_item.done` events gave them: every item once `end` has run. */
  get output(): readonly ResponseOutputItem[] {
    return this.#events.output;
  }

  /** The whole response the stream's last event gave, once `end` has run. */
  get endedResponse(): Record<string, unknown> | undefined {
    return this.#ended;
  }

  start(): string {
    const response = this.#response('in_progress', null, null);
    return this.#events.event('response.created', { response }) + this.#events.event('response.in_progress', { response });
  }

  chunk(chunk: StreamChunk): string | undefined {
    if (chunk.type === 'signed-reasoning-block') return this.#reasoning.signedBlock(chunk) || undefined;
    if (chunk.type === 'tool-call-delta') return this.#reasoning.endThinking('completed') + this.#blocks.toolCall(chunk) || undefined;
    if (chunk.type !== 'reasoning-delta' && chunk.type !== 'text-delta') return undefined; // Usage and the finish reason go in the closing response.
    if (chunk.text === '') return undefined;
    if (chunk.type === 'reasoning-delta' && isShownThinkingDelta(chunk)) return this.#reasoning.thinkingDelta(chunk.text);
    if (chunk.type === 'reasoning-delta' && isShownReasoningSummaryDelta(chunk)) return this.#reasoning.reasoningSummaryDelta(chunk);
    return this.#reasoning.endThinking('completed') + this.#blocks.text(chunk.type === 'text-delta' ? 'text' : 'reasoning', chunk.text) || undefined;
  }

  end(result: StreamResult): string {
    const { status, incompleteDetails } = responseStatus(result.finishReason);
    // A cut-off answer's items still in progress (the last, or every call whose arguments had not closed) are the ones cut off.
    const ending = status === 'incomplete' ? 'incomplete' : 'completed';
    let events = this.#reasoning.endThinking(ending) + this.#blocks.finish(ending);
    const response = this.#response(status, incompleteDetails, responsesUsage(result.usage));
    this.#ended = response;
    events += this.#events.event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
    return events;
  }

  error(error: ErrorResponse): string {
    const events = this.#reasoning.endThinking('incomplete') + this.#blocks.finish('incomplete');
    const failure = { code: responsesErrorCode(error), message: error.body.error.message };
    return events + this.#events.event('response.failed', { response: this.#response('failed', null, null, failure) });
  }

  keepAlive(): string {
    return ': ping\n\n';
  }

  #response(
    status: string,
    incompleteDetails: { reason: string } | null,
    usage: Record<string, unknown> | null,
    error?: { code: string; message: string },
  ): Record<string, unknown> {
    return responseObject({
      id: this.#events.responseId,
      createdSeconds: this.#createdSeconds,
      model: this.#model,
      status,
      incompleteDetails,
      output: [...this.#events.output],
      usage,
      error: error ?? null,
      echo: this.#echo,
    });
  }
}
