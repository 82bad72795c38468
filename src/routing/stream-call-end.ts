import type { Cancellation } from '../cancellation.js';
import { type Attempt, DeadlineExceededError, ProviderError, StreamInterruptedError } from '../errors.js';
import { callEndEvent } from './call-end-event.js';
import type { StreamResult } from './router-options.js';
import type { Candidate } from './select-candidates.js';
import type { StreamAccumulator } from './stream-accumulator.js';
import type { CommittedStream, RouterStreamContext } from './stream-call-context.js';

/** What a failed stream throws: the caller's abort as is, a deadline, the race's error, or an interruption. */
export function toStreamFailure(options: {
  error: unknown;
  committed: CommittedStream | undefined;
  winner: Candidate | undefined;
  accumulator: StreamAccumulator;
  deadline: { timedOut(): boolean };
  context: RouterStreamContext;
  attempts: readonly Attempt[];
  /** The call's cancellation: the caller's abort or `cancel()`. */
  call: Pick<Cancellation, 'aborted' | 'reason'>;
}): unknown {
  const { error, committed, winner, accumulator, deadline, context } = options;
  // The caller's own abort (or cancel()) is rethrown as is, whatever the transport made of it.
  if (options.call.aborted && !deadline.timedOut()) return options.call.reason;
  if (deadline.timedOut()) {
    if (!committed || !winner) return new DeadlineExceededError({ timeoutMs: context.timeoutMs, attempts: options.attempts });
  }
  if (!committed || !winner) return error;
  const providerError = ProviderError.isInstance(error) ? error : undefined;
  const partialUsage = accumulator.usage;
  return new StreamInterruptedError({
    provider: winner.provider.id,
    reason: deadline.timedOut() ? 'timeout' : (providerError?.reason ?? 'network'),
    message: deadline.timedOut()
      ? `the call's deadline of ${context.timeoutMs} ms passed`
      : error instanceof Error
        ? error.message
        : String(error),
    partialText: accumulator.text,
    partialReasoning: accumulator.reasoning,
    ...(partialUsage ? { partialUsage } : {}),
    cause: error,
  });
}

/** Emit the call-end event of a stream, when anyone listens. */
export function emitCallEnd(
  context: RouterStreamContext,
  details: {
    outcome: 'success' | 'failure' | 'aborted';
    streamResult?: StreamResult;
    failure?: unknown;
    attempts: readonly Attempt[];
    startedAtMs: number;
  },
): void {
  if (context.events.size === 0) return;
  context.events.emit(
    callEndEvent({
      callId: context.callId,
      outcome: details.outcome,
      streaming: true,
      startedAtMs: details.startedAtMs,
      nowMs: context.clock.now(),
      result: details.streamResult,
      failure: details.failure,
      attempts: details.attempts,
    }),
  );
}
