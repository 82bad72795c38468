/**
 * One streamed chat call of an HTTP provider: the request opened, its SSE events decoded by the wire's stream
 * decoder as they arrive, and a stream that ends before its end marker reported as truncated.
 */
import type { Cancellation } from '../cancellation.js';
import { ProviderError, ResponseTooLargeError } from '../errors.js';
import { responseTooLargeFailure, type ResponseSizeLimit } from '../http/response-size-limit.js';
import { SseParser } from '../http/sse-parser.js';
import type { StreamedHttpResponse } from '../http/streamed-request.js';
import type { HttpRequestSpec, ResponseHeaders, SseEvent } from '../http/types.js';
import { parseJsonOrUndefined } from '../json-value.js';
import type { ChatRequest, StreamChunk } from '../types.js';
import { cancellationOfCall } from './cancellation-of-call.js';
import type { PreparedRequest } from './chat-request-preparer.js';
import { isSuccessStatus } from './is-success-status.js';
import type { ProviderCallOptions, StreamStartListener } from './model-provider.js';
import { requestIdOf } from './request-id.js';
import type { StreamDecoder, WireProtocol } from './wire-protocol.js';

/** A response whose body is still to be read. */
export interface UnreadResponse {
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  text(): Promise<string>;
}

/** An AbortSignal or a Cancellation: whether, and why, the call was cancelled. */
export type AbortState = Pick<Cancellation, 'aborted' | 'reason'>;

export interface StreamChatContext {
  readonly request: ChatRequest;
  readonly callOptions: ProviderCallOptions & StreamStartListener;
  readonly providerId: string;
  readonly openStream: (
    spec: HttpRequestSpec,
    callOptions: ProviderCallOptions,
    cancellation: Cancellation,
  ) => Promise<StreamedHttpResponse>;
  readonly responseError: (wire: WireProtocol, response: UnreadResponse, cancelled: AbortState) => Promise<ProviderError>;
  readonly prepare: (request: ChatRequest, stream: boolean) => PreparedRequest;
  readonly buildRequest: (prepared: PreparedRequest) => HttpRequestSpec;
  /** Also the bound of one line or event of the stream: past it, the provider's fault, as a whole answer past it is. */
  readonly answerLimit: ResponseSizeLimit;
}

/**
 * One streamed call, cancelled by the caller's cancellation (its reason comes out as is). A consumer that
 * stops early (`break`) stops reading the body, which cancels the upstream request.
 */
export async function* streamChat(context: StreamChatContext): AsyncGenerator<StreamChunk, void, undefined> {
  const { callOptions, providerId } = context;
  const cancellation = cancellationOfCall(callOptions);
  cancellation.throwIfAborted();
  const prepared = context.prepare(context.request, true);
  const { protocol } = prepared;
  const spec = context.buildRequest(prepared);
  const response = await context.openStream(spec, callOptions, cancellation);
  if (!isSuccessStatus(response.statusCode)) throw await context.responseError(protocol, response, cancellation);
  if (isJson(response.headers.get('content-type'))) {
    // A JSON body where a stream was asked for is an error body, whatever its status.
    throw await context.responseError(protocol, response, cancellation);
  }
  callOptions.onResponseStart?.({ requestId: requestIdOf(response.headers) });
  const parser = new SseParser({ limit: context.answerLimit });
  const decoder = protocol.createStreamDecoder({ providerId, headers: response.headers });
  let responseIdTold = callOptions.onResponseId === undefined;
  try {
    for await (const bytes of response.body) {
      for (const event of parser.push(bytes)) {
        const chunks = decoder.decode(event);
        if (!responseIdTold && decoder.responseId !== undefined) {
          responseIdTold = true;
          callOptions.onResponseId?.(decoder.responseId);
        }
        // Not `yield*`: over an array, an async generator's `yield*` wraps it in an async iterator, a promise per chunk.
        for (const chunk of chunks) yield chunk;
      }
    }
  } catch (error) {
    // Once the end marker arrived the answer is whole: a connection dropped afterwards changes nothing.
    if (!decoder.done || cancellation.aborted) throw ResponseTooLargeError.isInstance(error) ? responseTooLargeFailure(providerId, error) : error;
  }
  const unterminated = parser.end();
  if (unterminated !== undefined && !decoder.done) yield* decodeLastEvent(decoder, unterminated, providerId);
  if (!decoder.done) throw truncatedStreamError(providerId);
}

/**
 * The event the body ended in without its blank line. Whole JSON is decoded (Moonshot ends on `data: [DONE]`
 * and one newline, and an error payload must still be reported); cut-off JSON means the stream was truncated.
 */
function decodeLastEvent(decoder: StreamDecoder, event: SseEvent, providerId: string): StreamChunk[] {
  try {
    return decoder.decode(event);
  } catch (error) {
    if (parseJsonOrUndefined(event.data) !== undefined) throw error;
    throw truncatedStreamError(providerId, error);
  }
}

function truncatedStreamError(providerId: string, cause?: unknown): ProviderError {
  return new ProviderError({
    provider: providerId,
    reason: 'network',
    message: 'stream ended before its end marker (truncated)',
    cause,
  });
}

const isJson = (contentType: string | undefined): boolean => contentType?.includes('application/json') === true;
