import { CancelScope, type Cancellation } from '../cancellation.js';
import type { AttemptCallOptions } from './attempt-call-options.js';
import { ProviderError } from '../errors.js';
import type { ProbeTicket } from '../resilience/circuit-breaker.js';
import type { StreamChunk } from '../types.js';
import { OutpacedByHedge } from './race-attempts.js';
import type { CommittedStream, RouterStreamContext } from './stream-call-context.js';

/**
 * What commits a stream: its answer's first text, tool call or server tool block (a web search it ran, which the
 * caller is shown), or its first reasoning when reasoning was asked.
 */
const contentChunkTypes: ReadonlySet<StreamChunk['type']> = new Set(['text-delta', 'tool-call-delta', 'server-tool-block']);
const contentOrReasoningChunkTypes: ReadonlySet<StreamChunk['type']> = new Set(['text-delta', 'reasoning-delta', 'tool-call-delta', 'server-tool-block']);

/** One reason object for every stream the caller left early: no stack captured per stream. */
const streamEndedReason = new DOMException('The stream was left before its end.', 'AbortError');

export interface StreamAttempt {
  /**
   * What the attempt gives its provider, and the record of what it reached; its `cancellation` is the race's
   * for it, which aborts when the attempt loses the race, or the call ends.
   */
  readonly callOptions: AttemptCallOptions;
  /** The call's cancellation (the caller's abort, `cancel()`, the deadline). */
  readonly callCancellation: Cancellation;
  /** The half-open probe the attempt holds, if it was admitted as one: it goes with the stream once committed. */
  readonly probe: ProbeTicket | undefined;
}

/**
 * Open a candidate's stream and read until its first content token, within `firstTokenTimeoutMs`.
 * The upstream request stays tied to the call (`callCancellation`) after the race, until `release`.
 */
export async function openUntilFirstToken(context: RouterStreamContext, attempt: StreamAttempt): Promise<CommittedStream> {
  const { callOptions, callCancellation, probe } = attempt;
  const { candidate } = callOptions;
  const attemptCancellation = callOptions.cancellation;
  const { clock, registry } = context;
  const providerId = candidate.provider.id;
  const startedAtMs = clock.now();
  const upstream = new CancelScope();
  const stopFollowingAttempt = upstream.follow(attemptCancellation);
  // One attempt at a time shares the call's cancellation: one listener is enough.
  const stopFollowingCall = callCancellation === attemptCancellation ? undefined : upstream.follow(callCancellation);
  const release = (options: { completed: boolean }): void => {
    stopFollowingAttempt();
    stopFollowingCall?.();
    if (!options.completed && !upstream.aborted) upstream.abort(streamEndedReason);
  };
  const abort = (reason: ProviderError): void => upstream.abort(reason);
  const abortReason = (): unknown => (upstream.aborted ? upstream.reason : undefined);
  const responseIdOf = (): string | undefined => callOptions.responseId;
  const firstTokenTimer = clock.setTimeout(() => {
    upstream.abort(
      new ProviderError({
        provider: providerId,
        reason: 'timeout',
        message: `no content token within ${context.firstTokenTimeoutMs} ms`,
      }),
    );
  }, context.firstTokenTimeoutMs);
  // The provider is given the upstream request's own cancellation, which follows the attempt's and the call's.
  callOptions.cancellation = upstream;
  const buffered: StreamChunk[] = [];
  callOptions.received = buffered;
  const iterator = candidate.provider.stream(context.buildRequest(candidate), callOptions)[Symbol.asyncIterator]();
  // A caller who asked for reasoning is streamed it as it comes: it is the first token. Reasoning nobody
  // asked for (a model that shows it by default, or one asked `none` that cannot stop thinking) is held until the answer begins, under the first-token
  // limit, as when it was not read at all: the stream can still fail over until then.
  const asked = context.options.reasoningEffort;
  const committing = asked === undefined || asked === 'none' ? contentChunkTypes : contentOrReasoningChunkTypes;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        clock.clearTimeout(firstTokenTimer);
        callOptions.ended = true;
        return { iterator, buffered, ended: true, startedAtMs, probe, requestId: callOptions.requestId, responseId: responseIdOf, release, abort, abortReason };
      }
      buffered.push(next.value);
      if (committing.has(next.value.type)) {
        clock.clearTimeout(firstTokenTimer);
        callOptions.ended = true;
        return { iterator, buffered, ended: false, startedAtMs, probe, requestId: callOptions.requestId, responseId: responseIdOf, release, abort, abortReason };
      }
    }
  } catch (error) {
    clock.clearTimeout(firstTokenTimer);
    release({ completed: false });
    if (attemptCancellation.aborted || callCancellation.aborted) {
      // It lost the race, or the call ended: no verdict on the provider, but no first token came this long; unless a
      // hedge started after it gave its first token first, which says it was slow.
      const outpaced = attemptCancellation.aborted && attemptCancellation.reason instanceof OutpacedByHedge;
      registry.recordCancelled(providerId, clock.now() - startedAtMs, 'first-token', probe, outpaced);
      throw attemptCancellation.aborted ? attemptCancellation.reason : callCancellation.reason;
    }
    const reason = upstream.reason;
    const providerError = ProviderError.isInstance(reason)
      ? reason
      : ProviderError.isInstance(error)
        ? error
        : new ProviderError({ provider: providerId, reason: 'network', message: String(error), cause: error });
    callOptions.fail(providerError);
    registry.recordFailure(providerId, candidate.model, providerError, clock.now() - startedAtMs, probe);
    throw providerError;
  }
}
