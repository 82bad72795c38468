import { ProviderError } from '../errors.js';
import type { Attempt } from '../errors.js';
import { CancelScope, cancellationOf } from '../cancellation.js';
import { createDeadlineSignal } from '../resilience/deadline.js';
import { IdleWatchdog } from '../resilience/idle-watchdog.js';
import type { Mutable, StreamChunk } from '../types.js';
import { AttemptCallOptions } from './attempt-call-options.js';
import { priceCancelledAttempts } from './cancelled-attempts-cost.js';
import { candidatesToRace, skippedAttempts } from './no-provider-error.js';
import { openUntilFirstToken } from './open-until-first-token.js';
import { raceCandidates } from './race-candidates.js';
import type { RaceWinner } from './race-options.js';
import type { RouterStream, StreamResult } from './router-options.js';
import type { Candidate } from './select-candidates.js';
import { StreamAccumulator } from './stream-accumulator.js';
import type { CommittedStream, RouterStreamContext } from './stream-call-context.js';
import { emitCallEnd, endCommittedAttempt, toStreamFailure } from './stream-call-end.js';
import { ToolCallIds } from './tool-call-ids.js';

export type { RouterStreamContext } from './stream-call-context.js';

/**
 * Stream with silent failover until the first content token: before it, any failure (error status,
 * error event, stall past `firstTokenTimeoutMs`) moves on to the next candidate; after it, a failure ends
 * the stream with a StreamInterruptedError that keeps the partial text. Never splices two answers.
 */
export function startRouterStream(context: RouterStreamContext): RouterStream {
  const { clock, options } = context;
  const startedAtMs = clock.now();
  // The call's own cancellation: `cancel()` and the caller's signal both abort it.
  const callScope = new CancelScope();
  const stopFollowingCaller = options.signal ? callScope.follow(cancellationOf(options.signal)) : undefined;
  let resolveResult!: (result: StreamResult) => void;
  let rejectResult!: (error: unknown) => void;
  const result = new Promise<StreamResult>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  // The caller may only iterate; an unobserved failure must not crash the process.
  result.catch(() => undefined);

  async function* run(): AsyncGenerator<StreamChunk, void, undefined> {
    const deadline = createDeadlineSignal({ clock, timeoutMs: context.timeoutMs, parent: callScope });
    const attempts: Attempt[] = skippedAttempts(context.selection, startedAtMs);
    attemptLog = attempts;
    if (options.attemptLog !== undefined) options.attemptLog.attempts = attempts;
    let committed: CommittedStream | undefined;
    let winner: Candidate | undefined;
    // Where the race logged the answering attempt, updated when its stream ends.
    let committedAttemptIndex = -1;
    const accumulator = new StreamAccumulator();
    // Each tool call's id, given once: the caller's chunks and the result name it alike.
    const toolCallIds = new ToolCallIds();
    let watchdog: IdleWatchdog | undefined;
    let lastResort: Candidate | undefined;
    let completed = false;
    let settled = false;
    // In flight from its first read (a router closed before that cancels it at once) until it ends, or until
    // it is cancelled while its reader holds it between two chunks: its upstream request is ended then.
    const inFlightCall = context.inFlight.enter(callScope);
    let waitingOnReader = false;
    const stopLeavingOnAbort = callScope.onAbort(() => {
      if (waitingOnReader) context.inFlight.leave(inFlightCall);
    });
    try {
      const race = candidatesToRace({
        selection: context.selection,
        nowMs: clock.now(),
        acquireLastResort: (providerId) => context.registry.lastResorts.acquire(providerId),
      });
      const { candidates } = race;
      lastResort = race.lastResort;
      // The race's attempts, newest first: what those it cancelled after sending them cost is priced at its end.
      let newestAttempt: AttemptCallOptions | undefined;
      let raced: RaceWinner<CommittedStream>;
      try {
        raced = await raceCandidates<CommittedStream>({
          candidates,
          parallelAttempts: context.parallelAttempts,
          hedgeDelayMs: context.hedgeDelayMs || undefined,
          clock,
          cancellation: deadline.cancellation,
          attempts,
          admit: race.lastResort ? undefined : (candidate: Candidate) => context.registry.admit(candidate.provider.id),
          releaseAdmission: (candidate: Candidate, probe) => context.registry.releaseProbe(candidate.provider.id, probe),
          classify: context.classify,
          stopAfterInvalidRequests: context.stopAfterInvalidRequests,
          onAttemptStart: (candidate) =>
            context.events.emit({
              type: 'attempt-start',
              callId: context.callId,
              provider: candidate.provider.id,
              model: candidate.model,
            }),
          run: (candidate, attemptCancellation, _startedAtMs, probe) => {
            newestAttempt = new AttemptCallOptions(candidate, attemptCancellation, context.firstTokenTimeoutMs, context.idleTimeoutMs, newestAttempt);
            return openUntilFirstToken(context, { callOptions: newestAttempt, callCancellation: deadline.cancellation, probe });
          },
          // Reached its first token as the race ended: nobody reads it.
          discard: (stream, candidate) => abandonStream(context, stream, candidate.provider.id),
          nextRound: context.retryRounds(deadline, attempts, race.lastResort !== undefined),
          fallbackCandidates: context.selection.fallback,
        });
      } finally {
        priceCancelledAttempts(attempts, newestAttempt, context.messages, context.registry.spending);
      }
      committed = raced.value;
      winner = raced.candidate;
      committedTo = { provider: winner.provider.id, model: winner.model };
      committedAttemptIndex = attempts.findIndex((attempt) => attempt.outcome === 'success');
      const firstTokenAtMs = clock.now();
      const timeToFirstTokenMs = firstTokenAtMs - startedAtMs;
      // The provider's own time to its first token, from its attempt's start: not the call's, which counts the
      // attempts that failed before it, or the hedge delay it was started after.
      const attemptFirstTokenMs = firstTokenAtMs - committed.startedAtMs;
      const providerId = winner.provider.id;
      for (const buffered of committed.buffered) {
        const chunk = toolCallIds.label(buffered);
        accumulator.add(chunk);
        waitingOnReader = true;
        yield chunk;
        waitingOnReader = false;
      }
      const stream = committed;
      watchdog = new IdleWatchdog({
        clock,
        idleTimeoutMs: context.idleTimeoutMs,
        onIdle: () =>
          stream.abort(
            new ProviderError({ provider: providerId, reason: 'timeout', message: `no chunk for ${context.idleTimeoutMs} ms` }),
          ),
      });
      let ended = committed.ended;
      while (!ended) {
        const next = await committed.iterator.next();
        watchdog.touch();
        if (next.done) {
          ended = true;
          break;
        }
        const chunk = toolCallIds.label(next.value);
        accumulator.add(chunk);
        // A reader that takes its time is not the provider falling silent: no idle time counts meanwhile.
        watchdog.pause();
        waitingOnReader = true;
        yield chunk;
        waitingOnReader = false;
        watchdog.resume();
      }
      completed = true;
      endCommittedAttempt({ attempts, index: committedAttemptIndex, nowMs: clock.now(), ending: { outcome: 'success' } });
      context.registry.recordSuccess(providerId, winner.model, attemptFirstTokenMs, 'first-token');
      const final = accumulator.finish();
      const streamResult: Mutable<StreamResult> = {
        ...final,
        provider: providerId,
        model: winner.model,
        latencyMs: clock.now() - startedAtMs,
        timeToFirstTokenMs,
        costUsd: context.costOf(providerId, winner.model, final.usage),
        cached: false,
        attempts,
        requestId: committed.requestId,
      };
      const responseId = committed.responseId();
      if (responseId !== undefined) streamResult.responseId = responseId;
      context.registry.spending.recordSpend(providerId, streamResult.costUsd);
      settled = true;
      resolveResult(streamResult);
      emitCallEnd(context, { outcome: 'success', streamResult, attempts, startedAtMs });
    } catch (caught) {
      // An idle stream is aborted with a timeout: that, not the transport's view of the abort, is the cause.
      const abortReason = committed?.abortReason();
      const error = ProviderError.isInstance(abortReason) ? abortReason : caught;
      const failure = toStreamFailure({ error, committed, winner, accumulator, deadline, context, attempts, call: callScope });
      if (committed && winner && ProviderError.isInstance(error)) {
        context.registry.recordFailure(winner.provider.id, winner.model, error, clock.now() - committed.startedAtMs, committed.probe);
      }
      if (committed) {
        const endedByCall = callScope.aborted || deadline.timedOut();
        const ending = endedByCall ? { outcome: 'aborted' as const } : { outcome: 'failure' as const, failure };
        endCommittedAttempt({ attempts, index: committedAttemptIndex, nowMs: clock.now(), ending });
      }
      settled = true;
      rejectResult(failure);
      emitCallEnd(context, { outcome: callScope.aborted ? 'aborted' : 'failure', failure, attempts, startedAtMs });
      throw failure;
    } finally {
      if (!settled) {
        // The caller stopped iterating early: the call ends here, as an abort.
        const stopped = new DOMException('The caller stopped reading the stream.', 'AbortError');
        if (committed) endCommittedAttempt({ attempts, index: committedAttemptIndex, nowMs: clock.now(), ending: { outcome: 'aborted' } });
        rejectResult(stopped);
        emitCallEnd(context, { outcome: 'aborted', failure: stopped, attempts, startedAtMs });
      }
      watchdog?.stop();
      if (lastResort) context.registry.lastResorts.release(lastResort.provider.id);
      // Ends the upstream request when the caller stopped early or it failed; a finished stream is left be.
      if (committed && winner && !completed) abandonStream(context, committed, winner.provider.id);
      else committed?.release({ completed });
      deadline.dispose();
      stopFollowingCaller?.();
      stopLeavingOnAbort();
      context.inFlight.leave(inFlightCall);
      for (const attempt of attempts) context.events.emit({ type: 'attempt-end', callId: context.callId, attempt });
    }
  }

  let committedTo: { provider: string; model: string } | undefined;
  let attemptLog: readonly Attempt[] = [];
  let iterator: AsyncGenerator<StreamChunk, void, undefined> | undefined;
  const start = (): AsyncGenerator<StreamChunk, void, undefined> => {
    if (iterator) throw new TypeError('A router stream can be iterated only once.');
    iterator = run();
    return iterator;
  };
  return {
    [Symbol.asyncIterator]: start,
    get winner() {
      return committedTo;
    },
    get attempts() {
      return attemptLog;
    },
    get result(): Promise<StreamResult> {
      if (!iterator) void drain(start());
      return result;
    },
    cancel(reason?: unknown): void {
      callScope.abort(reason ?? new DOMException('The stream was cancelled.', 'AbortError'));
    },
  };
}

async function drain(generator: AsyncGenerator<StreamChunk, void, undefined>): Promise<void> {
  try {
    for await (const chunk of generator) void chunk;
  } catch {
    // Reported through `result`.
  }
}

/**
 * A stream that will not be read to its end (its reader left, it broke, the call's deadline, or it reached its
 * first token as the race ended): its upstream request is ended, and the half-open probe its attempt held, if
 * any, is given back, as the provider answered and the next caller may probe it at once (after a verdict, this
 * gives nothing back).
 */
function abandonStream(context: RouterStreamContext, stream: CommittedStream, providerId: string): void {
  stream.release({ completed: false });
  void stream.iterator.return?.().catch(() => undefined);
  if (stream.probe !== undefined) context.registry.releaseProbe(providerId, stream.probe);
}
