/**
 * A streamed chat completion as server-sent events. The headers wait for the router's first chunk: until
 * then the router may still fail over, and a failure is still an ordinary HTTP error (503, 504...). After
 * the headers, a failure becomes one `data: {"error":...}` event and the stream ends: two providers'
 * answers are never spliced. A client that leaves aborts the upstream call at once.
 */
import type { ServerResponse } from 'node:http';
import type { RouterStream, StreamResult } from '../routing/router-options.js';
import type { StreamChunk } from '../types.js';
import type { GatewayCaller } from './auth.js';
import type { CallLogFields, ChatCompletionsDependencies } from './chat-completions-handler.js';
import { onClientGone, recordFailure, recordResult } from './chat-completions-handler.js';
import { toErrorResponse } from './error-response.js';
import { compactAttempts, headerSafe, routingHeaders, sendError } from './http-responses.js';
import type { ChatCompletionCall } from './openai-request.js';
import { ChatCompletionChunkEncoder, servedModel, sseDone, sseErrorEvent } from './openai-response.js';

/** Write, and when the socket's buffer is full wait for it to drain (or for the client to leave). */
function write(response: ServerResponse, text: string): Promise<void> | undefined {
  if (response.write(text)) return undefined;
  return new Promise<void>((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

export async function streamChatCompletion(options: {
  readonly response: ServerResponse;
  readonly call: ChatCompletionCall;
  readonly caller: GatewayCaller;
  readonly dependencies: ChatCompletionsDependencies;
  readonly log: CallLogFields;
}): Promise<void> {
  const { response, call, log, dependencies } = options;
  const streamOptions = call.options;
  streamOptions.cacheScope = options.caller.cacheScope;
  streamOptions.timeoutMs = dependencies.limits.maxStreamDurationMs;
  const stream: RouterStream = dependencies.router.stream(call.messages, streamOptions);
  // A client that leaves cancels the stream, and with it the upstream request, at once.
  let clientGone: DOMException | undefined;
  const stopListening = onClientGone(response, (reason) => {
    clientGone = reason;
    stream.cancel(reason);
  });
  try {
    await relayStream({ response, call, log, stream, isClientGone: () => clientGone });
  } finally {
    stopListening();
  }
}

async function relayStream(options: {
  readonly response: ServerResponse;
  readonly call: ChatCompletionCall;
  readonly log: CallLogFields;
  readonly stream: RouterStream;
  readonly isClientGone: () => DOMException | undefined;
}): Promise<void> {
  const { response, call, log, stream, isClientGone } = options;
  const iterator = stream[Symbol.asyncIterator]();
  let first: IteratorResult<StreamChunk>;
  try {
    first = await iterator.next();
  } catch (error) {
    recordFailure(log, error, { clientGone: isClientGone() !== undefined });
    if (isClientGone() === undefined) log.status = sendError(response, error);
    return;
  }

  // The router names the candidate it committed to before the first chunk.
  const winner = stream.winner;
  const encoder = new ChatCompletionChunkEncoder({
    id: log.id,
    createdSeconds: Math.floor(Date.now() / 1000),
    model: winner ? servedModel(winner) : call.model.requested,
  });
  const headers: Record<string, string> = {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    'x-request-id': log.id,
  };
  if (winner) {
    headers[routingHeaders.provider] = headerSafe(winner.provider);
    headers[routingHeaders.model] = headerSafe(winner.model);
  }
  if (stream.attempts.length > 0) headers[routingHeaders.attempts] = compactAttempts(stream.attempts);
  response.writeHead(200, headers);
  log.status = 200;
  let finished = false;
  const send = (chunk: StreamChunk): Promise<void> | undefined => {
    if (chunk.type === 'finish') {
      finished = true;
      return write(response, encoder.finish(chunk.finishReason));
    }
    const event = encoder.delta(chunk);
    return event === undefined ? undefined : write(response, event);
  };

  try {
    await write(response, encoder.role());
    if (!first.done) await send(first.value);
    for (let next = first; !next.done; ) {
      next = await iterator.next();
      if (next.done) break;
      const pending = send(next.value);
      if (pending) await pending;
      const clientGone = isClientGone();
      if (clientGone) throw clientGone;
    }
    const result: StreamResult = await stream.result;
    recordResult(log, result);
    log.outcome = 'success';
    if (!finished) await write(response, encoder.finish(result.finishReason));
    if (call.includeUsage && result.usage) await write(response, encoder.usage(result.usage));
    response.end(sseDone);
  } catch (error) {
    stream.cancel(error);
    recordFailure(log, error, { clientGone: isClientGone() !== undefined });
    if (isClientGone() !== undefined || response.destroyed) return;
    // Status 200 is already sent: the failure travels as one error event, then the stream ends.
    log.status = 200;
    log.errorCode = toErrorResponse(error).body.error.code;
    const attempts = (error as { attempts?: Parameters<typeof compactAttempts>[0] } | null)?.attempts;
    if (Array.isArray(attempts)) log.attempts = compactAttempts(attempts);
    response.end(sseErrorEvent(toErrorResponse(error).body));
  }
}
