/**
 * A streamed model call as server-sent events, in the dialect's events. The headers wait for the router's
 * first chunk: until then the router may still fail over, and a failure is still an ordinary HTTP error
 * (503, 504...). After the headers, a failure becomes the dialect's one error event and the stream ends:
 * two providers' answers are never spliced. A client that leaves aborts the upstream call at once; one that
 * stops reading is cut off at `maxStreamDurationMs`, which its log line (`outcome: 'cut_off'`) and the metrics
 * tell apart from a client that left. A stream still coming then, its client reading, ends on the router's
 * deadline (the same time) with the dialect's error event, and is logged and counted as cut off too.
 */
import type { ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import type { RouterStream, StreamResult } from '../routing/router-options.js';
import type { StreamChunk, Usage } from '../types.js';
import { DeadlineExceededError, StreamInterruptedError } from '../errors.js';
import type { GatewayCaller } from './auth.js';
import type { ModelCallDependencies } from './model-call-handler.js';
import { addCost, type CallLogFields, recordCancelledAttemptsCost, recordFailure, recordResult } from './call-log.js';
import { destroyedBeforeFinished } from './client-gone.js';
import { toErrorResponse } from './error-response.js';
import type { GatewayCall, GatewayDialect } from './gateway-dialect.js';
import { GatheredWrites } from './gathered-writes.js';
import type { GatewayAnswer } from './gateway-answer.js';
import { answerHeaders, compactAttempts, headerSafe, routingHeaders, sendError } from './http-responses.js';
import { servedModel } from './openai-response.js';
import type { StreamKeepAlive } from './stream-keep-alive.js';
import { StreamTally, unfinishedAnswerCost } from '../routing/unfinished-answer-cost.js';

/** Why a stream ends whose response the gateway destroyed itself (closing): one object for every such stream. */
const closedByGateway = new DOMException('The gateway closed the connection.', 'AbortError');

/** When a stream must be over, `maxStreamDurationMs` after it began, on the gateway's clock. */
interface StreamTimeLimit {
  readonly clock: Clock;
  readonly endsAtMs: number;
  /**
   * Set when the stream was cut off at `endsAtMs`: its client not reading (the gateway closed the connection),
   * or still reading a stream that was still coming (the router's deadline, the same time, ended it).
   */
  cutOff: boolean;
}

/**
 * Write, and when the socket's buffer is full wait for it to drain, for the client to leave, or for the
 * stream's time to run out: a client that stops reading is cut off then. Without that bound it held its
 * connection, and the call, for good (the router's own deadline ends the upstream request, not this wait).
 * The timer is only set while a write waits, which a client that keeps up never makes happen.
 */
function write(response: ServerResponse, text: string, limit: StreamTimeLimit): Promise<void> | undefined {
  if (response.write(text)) return undefined;
  return new Promise<void>((resolve) => {
    const { clock } = limit;
    const timer = clock.setTimeout(() => {
      limit.cutOff = true;
      response.destroy();
    }, Math.max(0, limit.endsAtMs - clock.now()));
    const done = (): void => {
      clock.clearTimeout(timer);
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

export async function streamModelCall(options: {
  readonly answer: GatewayAnswer;
  readonly call: GatewayCall;
  readonly caller: GatewayCaller;
  readonly dependencies: ModelCallDependencies;
  readonly dialect: GatewayDialect;
  readonly log: CallLogFields;
}): Promise<void> {
  const { answer, call, log, dependencies, dialect } = options;
  const { response } = answer;
  const { maxStreamDurationMs } = dependencies.limits;
  const limit: StreamTimeLimit = { clock: dependencies.clock, endsAtMs: dependencies.clock.now() + maxStreamDurationMs, cutOff: false };
  const streamOptions = call.options;
  streamOptions.cacheScope = options.caller.cacheScope;
  streamOptions.timeoutMs = maxStreamDurationMs;
  let stream: RouterStream;
  try {
    stream = dependencies.router.stream(call.messages, streamOptions);
  } catch (error) {
    // Refused before it started, by the router's own checks (a temperature out of range): answered in the
    // dialect's shape, as a call that is not streamed is, not left to the server's last-resort handler.
    recordFailure(log, error, { clientGone: false });
    sendError(answer, error, dialect);
    return;
  }
  // A client that leaves cancels the stream, and with it the upstream request, at once.
  let clientGone: DOMException | undefined;
  answer.cancelOnClientGone = {
    abort: (reason) => {
      clientGone = reason;
      stream.cancel(reason);
    },
  };
  try {
    await relayStream({
      answer,
      call,
      caller: options.caller,
      log,
      stream,
      dialect,
      keepAlive: dependencies.keepAlive,
      limit,
      isClientGone: () => clientGone ?? (destroyedBeforeFinished(response) ? closedByGateway : undefined),
      router: dependencies.router,
    });
  } finally {
    answer.cancelOnClientGone = undefined;
    // However it ended: the attempts its race cancelled after sending them are billed all the same.
    recordCancelledAttemptsCost(log, stream.attempts);
  }
  if (limit.cutOff) {
    // Not the client's leaving, though its connection is gone: the log line says who ended it, and why.
    log.outcome = 'cut_off';
    log.cutOffReason = 'max_stream_duration';
    log.maxStreamDurationMs = maxStreamDurationMs;
    dependencies.onStreamDurationCut?.(response);
  }
}

async function relayStream(options: {
  readonly answer: GatewayAnswer;
  readonly call: GatewayCall;
  readonly caller: GatewayCaller;
  readonly log: CallLogFields;
  readonly stream: RouterStream;
  readonly dialect: GatewayDialect;
  readonly keepAlive: StreamKeepAlive;
  readonly limit: StreamTimeLimit;
  readonly isClientGone: () => DOMException | undefined;
  readonly router: Pick<ModelCallDependencies['router'], 'providers'>;
}): Promise<void> {
  const { answer, call, log, stream, dialect, isClientGone, limit } = options;
  const { response } = answer;
  const iterator = stream[Symbol.asyncIterator]();
  let first: IteratorResult<StreamChunk>;
  // The usage the provider told before its first token (Anthropic's input count): it opens the stream. The
  // first token was buffered with it, so reading on to it waits for nothing.
  let toldUsage: Extract<StreamChunk, { type: 'usage' }> | undefined;
  try {
    first = await iterator.next();
    while (!first.done && first.value.type === 'usage') {
      toldUsage = first.value;
      first = await iterator.next();
    }
  } catch (error) {
    recordFailure(log, error, { clientGone: isClientGone() !== undefined });
    if (isClientGone() === undefined) log.status = sendError(answer, error, dialect);
    return;
  }
  const inputUsage = toldUsage?.usage ?? (dialect.estimateInputTokens !== undefined ? estimatedInput(dialect.estimateInputTokens(call)) : undefined);

  // The router names the candidate it committed to before the first chunk.
  const winner = stream.winner;
  const createdSeconds = Math.floor(Date.now() / 1000);
  const encoder = dialect.streamEncoder(
    {
      id: log.id,
      createdSeconds,
      model: winner ? servedModel(winner) : call.model.requested,
      includeUsage: call.includeUsage,
    },
    call,
  );
  // After the id and a key's rate-limit headers (answerHeaders), in the stream's one writeHead.
  const headers = answerHeaders(answer);
  headers.push('content-type', 'text/event-stream; charset=utf-8', 'cache-control', 'no-cache', 'x-accel-buffering', 'no');
  if (winner) headers.push(routingHeaders.provider, headerSafe(winner.provider), routingHeaders.model, headerSafe(winner.model));
  if (stream.attempts.length > 0) headers.push(routingHeaders.attempts, compactAttempts(stream.attempts));
  response.writeHead(200, headers);
  log.status = 200;
  // A ping only when the socket takes it at once: a client that is behind is not silent to itself.
  const kept = options.keepAlive.track(() => {
    if (!response.writableNeedDrain) response.write(encoder.keepAlive());
  });

  // The events after the first, each turn's in one write.
  const gathered = new GatheredWrites(response);
  // What was relayed, to price a stream that ends before its usage.
  const tally = new StreamTally();
  if (toldUsage !== undefined) tally.add(toldUsage);
  try {
    // The opening events and the first chunk in one write: the first token leaves with the headers.
    const opening = encoder.start(inputUsage);
    if (!first.done) tally.add(first.value);
    const firstEvents = first.done ? undefined : encoder.chunk(first.value);
    await write(response, firstEvents === undefined ? opening : opening + firstEvents, limit);
    for (let next = first; !next.done; ) {
      next = await iterator.next();
      if (next.done) break;
      tally.add(next.value);
      const events = encoder.chunk(next.value);
      if (events !== undefined) {
        kept.activity += 1;
        gathered.add(events);
        // A client behind on its reading: what is gathered goes now, and the relay waits for the socket to drain.
        if (response.writableNeedDrain) {
          const pending = write(response, gathered.take(), limit);
          if (pending) await pending;
        }
      }
      const clientGone = isClientGone();
      if (clientGone) throw clientGone;
    }
    const result: StreamResult = await stream.result;
    recordResult(log, result, options.router.providers);
    log.outcome = 'success';
    const closing = gathered.take() + encoder.end(result);
    // Kept before the closing events go out: the client's next request may name the answer at once.
    if (call.keepAnswer !== undefined && dialect.keepAnswer !== undefined) await dialect.keepAnswer({ caller: options.caller, call, id: log.id, createdSeconds, result, encoder });
    response.end(closing);
  } catch (error) {
    stream.cancel(error);
    // The router's deadline is the stream's duration limit (streamModelCall sets it): reached while the
    // client still read, it is the limit's cut as much as one of a client that stopped reading.
    if (endedByDeadline(error)) limit.cutOff = true;
    recordFailure(log, error, { clientGone: isClientGone() !== undefined });
    if (winner) {
      const definition = options.router.providers.find((provider) => provider.id === winner.provider)?.definition;
      const estimate = unfinishedAnswerCost({ definition, model: winner.model, messages: call.messages, tally });
      if (estimate !== undefined && estimate > 0) addCost(log, estimate, true);
    }
    if (isClientGone() !== undefined || response.destroyed) return;
    // Status 200 is already sent: the failure travels as one error event, then the stream ends.
    log.status = 200;
    const errorResponse = toErrorResponse(error);
    log.errorCode = errorResponse.body.error.code;
    const attempts = (error as { attempts?: Parameters<typeof compactAttempts>[0] } | null)?.attempts;
    if (Array.isArray(attempts)) log.attempts = compactAttempts(attempts);
    response.end(gathered.take() + encoder.error(errorResponse));
  } finally {
    kept.stop();
  }
}

/** A stream that broke after its first token because the call's deadline passed (the router says so in its cause). */
function endedByDeadline(error: unknown): boolean {
  return StreamInterruptedError.isInstance(error) && DeadlineExceededError.isInstance(error.cause);
}

/** The dialect's estimate of the input, as usage: a stream opens with it when the provider told no count before its first token. */
function estimatedInput(inputTokens: number): Usage {
  return { inputTokens, outputTokens: 0, totalTokens: inputTokens };
}
