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

/**
 * The answering attempt's entry in the log once its stream ended: logged by the race at the first token, it
 * lasted until the stream's end, and the stream's fate is its own. Broken after the first token, it failed
 * (`reason` the StreamInterruptedError's); ended by the call (the caller's abort, `cancel()`, a reader that
 * stopped, the deadline), it was aborted.
 */
export function endCommittedAttempt(options: {
  attempts: Attempt[];
  /** The attempt's index in `attempts`: the one the race logged as the success. */
  index: number;
  nowMs: number;
  ending: { outcome: 'success' } | { outcome: 'aborted' } | { outcome: 'failure'; failure: unknown };
}): void {
  const { attempts, index, nowMs, ending } = options;
  const committed = attempts[index];
  if (committed === undefined) return;
  const ended: { -readonly [K in keyof Attempt]: Attempt[K] } = { ...committed, durationMs: nowMs - committed.startedAtMs };
  if (ending.outcome === 'aborted') {
    ended.outcome = 'aborted';
    ended.detail = 'call ended';
  } else if (ending.outcome === 'failure') {
    ended.outcome = 'failure';
    ended.reason = ending.failure instanceof StreamInterruptedError ? ending.failure.reason : 'network';
  }
  attempts[index] = ended;
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
      request: context.options,
      result: details.streamResult,
      failure: details.failure,
      attempts: details.attempts,
    }),
  );
}
