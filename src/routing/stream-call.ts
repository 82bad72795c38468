import type { Clock } from '../clock.js';
import {
  type Attempt,
  DeadlineExceededError,
  ProviderError,
  StreamInterruptedError,
} from '../errors.js';
import { anySignal, createDeadlineSignal } from '../resilience/deadline.js';
import { IdleWatchdog } from '../resilience/idle-watchdog.js';
import type { ChatRequest, Message, StreamChunk, Usage } from '../types.js';
import type { ListenerSet } from '../resilience/listener-set.js';
import { candidatesToRace, skippedAttempts } from './no-provider-error.js';
import type { ProviderStateRegistry } from './provider-state-registry.js';
import { type FailureAction, raceCandidates } from './race-candidates.js';
import type { RouterStream, StreamOptions, StreamResult } from './router-options.js';
import type { RouterEvent } from './router-events.js';
import type { Candidate, CandidateSelection } from './select-candidates.js';
import { StreamAccumulator } from './stream-accumulator.js';

export interface RouterStreamContext {
  readonly callId: number;
  readonly messages: readonly Message[];
  readonly options: StreamOptions;
  readonly clock: Clock;
  readonly selection: CandidateSelection;
  readonly registry: ProviderStateRegistry;
  readonly events: ListenerSet<RouterEvent>;
  readonly parallelAttempts: number;
  readonly hedgeDelayMs: ((candidate: Candidate) => number) | undefined;
  readonly timeoutMs: number;
  readonly firstTokenTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly buildRequest: (model: string) => ChatRequest;
  readonly classify: (error: ProviderError, candidate: Candidate) => FailureAction;
  readonly costOf: (provider: string, model: string, usage: Usage | undefined) => number | undefined;
}

/** A candidate's stream that produced its first content token (or ended cleanly without one). */
interface CommittedStream {
  readonly iterator: AsyncIterator<StreamChunk>;
  readonly buffered: StreamChunk[];
  readonly ended: boolean;
  readonly startedAtMs: number;
  readonly requestId: string | undefined;
  /** Ends the upstream request with `reason` (an idle stream). */
  readonly abort: (reason: ProviderError) => void;
  /** Why the upstream request was aborted, when it was. */
  readonly abortReason: () => unknown;
  /** Unties the upstream request from the call; cancels it unless the stream completed. */
  readonly release: (options: { completed: boolean }) => void;
}

const contentChunkTypes: ReadonlySet<StreamChunk['type']> = new Set(['text-delta', 'tool-call-delta']);

/** One reason object for every stream the caller left early: no stack captured per stream. */
const streamEndedReason = new DOMException('The stream was left before its end.', 'AbortError');

/**
 * Stream with silent failover until the first content token: before it, any failure (error status,
 * error event, stall past `firstTokenTimeoutMs`) moves on to the next candidate; after it, a failure ends
 * the stream with a StreamInterruptedError that keeps the partial text. Never splices two answers.
 */
export function startRouterStream(context: RouterStreamContext): RouterStream {
  const { clock, options } = context;
  const startedAtMs = clock.now();
  const cancelController = new AbortController();
  const combinedSignal = options.signal ? anySignal([options.signal, cancelController.signal]) : undefined;
  const parentSignal = combinedSignal?.signal ?? cancelController.signal;
  let resolveResult!: (result: StreamResult) => void;
  let rejectResult!: (error: unknown) => void;
  const result = new Promise<StreamResult>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  // The caller may only iterate; an unobserved failure must not crash the process.
  result.catch(() => undefined);

  async function* run(): AsyncGenerator<StreamChunk, void, undefined> {
    const deadline = createDeadlineSignal({ clock, timeoutMs: context.timeoutMs, parent: parentSignal });
    const attempts: Attempt[] = skippedAttempts(context.selection, startedAtMs);
    let committed: CommittedStream | undefined;
    let winner: Candidate | undefined;
    const accumulator = new StreamAccumulator();
    let watchdog: IdleWatchdog | undefined;
    let lastResort: Candidate | undefined;
    let completed = false;
    let settled = false;
    try {
      const race = candidatesToRace({
        selection: context.selection,
        nowMs: clock.now(),
        acquireLastResort: (providerId) => context.registry.acquireLastResort(providerId),
      });
      const { candidates } = race;
      lastResort = race.lastResort;
      const raced = await raceCandidates<CommittedStream>({
        candidates,
        parallelAttempts: context.parallelAttempts,
        ...(context.hedgeDelayMs ? { hedgeDelayMs: context.hedgeDelayMs } : {}),
        clock,
        signal: deadline.signal,
        attempts,
        ...(race.lastResort ? {} : { admit: (candidate: Candidate) => context.registry.admit(candidate.provider.id) }),
        classify: context.classify,
        onAttemptStart: (candidate) =>
          context.events.emit({
            type: 'attempt-start',
            callId: context.callId,
            provider: candidate.provider.id,
            model: candidate.model,
          }),
        run: (candidate, attemptSignal) => openUntilFirstToken(context, candidate, attemptSignal, deadline.signal),
      });
      committed = raced.value;
      winner = raced.candidate;
      committedTo = { provider: winner.provider.id, model: winner.model };
      const timeToFirstTokenMs = clock.now() - startedAtMs;
      const providerId = winner.provider.id;
      for (const chunk of committed.buffered) {
        accumulator.add(chunk);
        yield chunk;
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
        accumulator.add(next.value);
        yield next.value;
      }
      completed = true;
      context.registry.recordSuccess(providerId, timeToFirstTokenMs);
      const final = accumulator.finish();
      const streamResult: StreamResult = {
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
      context.registry.recordSpend(providerId, streamResult.costUsd);
      settled = true;
      resolveResult(streamResult);
      emitCallEnd(context, { outcome: 'success', streamResult, attempts, startedAtMs });
    } catch (caught) {
      // An idle stream is aborted with a timeout: that, not the transport's view of the abort, is the cause.
      const abortReason = committed?.abortReason();
      const error = ProviderError.isInstance(abortReason) ? abortReason : caught;
      const failure = toStreamFailure({ error, committed, winner, accumulator, deadline, context, attempts, parentSignal });
      if (committed && winner && ProviderError.isInstance(error)) {
        context.registry.recordFailure(winner.provider.id, error, clock.now() - committed.startedAtMs);
      }
      settled = true;
      rejectResult(failure);
      emitCallEnd(context, { outcome: parentSignal.aborted ? 'aborted' : 'failure', failure, attempts, startedAtMs });
      throw failure;
    } finally {
      if (!settled) {
        // The caller stopped iterating early: the call ends here, as an abort.
        const stopped = new DOMException('The caller stopped reading the stream.', 'AbortError');
        rejectResult(stopped);
        emitCallEnd(context, { outcome: 'aborted', failure: stopped, attempts, startedAtMs });
      }
      watchdog?.stop();
      if (lastResort) context.registry.releaseLastResort(lastResort.provider.id);
      if (committed) {
        // Ends the upstream request when the caller stopped early or it failed; a finished stream is left be.
        committed.release({ completed });
        if (!completed) void committed.iterator.return?.().catch(() => undefined);
      }
      deadline.dispose();
      combinedSignal?.dispose();
      for (const attempt of attempts) context.events.emit({ type: 'attempt-end', callId: context.callId, attempt });
    }
  }

  let committedTo: { provider: string; model: string } | undefined;
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
    get result(): Promise<StreamResult> {
      if (!iterator) void drain(start());
      return result;
    },
    cancel(reason?: unknown): void {
      cancelController.abort(reason ?? new DOMException('The stream was cancelled.', 'AbortError'));
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
 * Open a candidate's stream and read until its first content token, within `firstTokenTimeoutMs`.
 * The upstream request stays tied to the call (`callSignal`) after the race, until `release`.
 */
async function openUntilFirstToken(
  context: RouterStreamContext,
  candidate: Candidate,
  attemptSignal: AbortSignal,
  callSignal: AbortSignal,
): Promise<CommittedStream> {
  const { clock, registry } = context;
  const providerId = candidate.provider.id;
  const startedAtMs = clock.now();
  const upstream = new AbortController();
  const abortUpstream = (): void => upstream.abort(attemptSignal.aborted ? attemptSignal.reason : callSignal.reason);
  attemptSignal.addEventListener('abort', abortUpstream, { once: true });
  callSignal.addEventListener('abort', abortUpstream, { once: true });
  const release = (options: { completed: boolean }): void => {
    attemptSignal.removeEventListener('abort', abortUpstream);
    callSignal.removeEventListener('abort', abortUpstream);
    if (!options.completed && !upstream.signal.aborted) upstream.abort(streamEndedReason);
  };
  const abort = (reason: ProviderError): void => upstream.abort(reason);
  const abortReason = (): unknown => (upstream.signal.aborted ? upstream.signal.reason : undefined);
  let requestId: string | undefined;
  const firstTokenTimer = clock.setTimeout(() => {
    upstream.abort(
      new ProviderError({
        provider: providerId,
        reason: 'timeout',
        message: `no content token within ${context.firstTokenTimeoutMs} ms`,
      }),
    );
  }, context.firstTokenTimeoutMs);
  const iterator = candidate.provider
    .stream(context.buildRequest(candidate.model), {
      signal: upstream.signal,
      headersTimeoutMs: context.firstTokenTimeoutMs,
      idleTimeoutMs: context.idleTimeoutMs,
      onResponseStart: (info) => {
        requestId = info.requestId;
      },
    })
    [Symbol.asyncIterator]();
  const buffered: StreamChunk[] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        clock.clearTimeout(firstTokenTimer);
        return { iterator, buffered, ended: true, startedAtMs, requestId, release, abort, abortReason };
      }
      buffered.push(next.value);
      if (contentChunkTypes.has(next.value.type)) {
        clock.clearTimeout(firstTokenTimer);
        return { iterator, buffered, ended: false, startedAtMs, requestId, release, abort, abortReason };
      }
    }
  } catch (error) {
    clock.clearTimeout(firstTokenTimer);
    release({ completed: false });
    if (attemptSignal.aborted || callSignal.aborted) {
      registry.recordNeutral(providerId);
      throw attemptSignal.aborted ? attemptSignal.reason : callSignal.reason;
    }
    const reason = upstream.signal.reason as unknown;
    const providerError = ProviderError.isInstance(reason)
      ? reason
      : ProviderError.isInstance(error)
        ? error
        : new ProviderError({ provider: providerId, reason: 'network', message: String(error), cause: error });
    registry.recordFailure(providerId, providerError, clock.now() - startedAtMs);
    throw providerError;
  }
}

function toStreamFailure(options: {
  error: unknown;
  committed: CommittedStream | undefined;
  winner: Candidate | undefined;
  accumulator: StreamAccumulator;
  deadline: { timedOut(): boolean };
  context: RouterStreamContext;
  attempts: readonly Attempt[];
  parentSignal: AbortSignal;
}): unknown {
  const { error, committed, winner, accumulator, deadline, context } = options;
  // The caller's own abort (or cancel()) is rethrown as is, whatever the transport made of it.
  if (options.parentSignal.aborted && !deadline.timedOut()) return options.parentSignal.reason;
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
    ...(partialUsage ? { partialUsage } : {}),
    cause: error,
  });
}

function emitCallEnd(
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
  const result = details.streamResult;
  context.events.emit({
    type: 'call-end',
    callId: context.callId,
    outcome: details.outcome,
    startedAtMs: details.startedAtMs,
    finishReason: result?.finishReason,
    requestId: result?.requestId,
    streaming: true,
    cached: false,
    provider: result?.provider,
    model: result?.model,
    latencyMs: context.clock.now() - details.startedAtMs,
    timeToFirstTokenMs: result?.timeToFirstTokenMs,
    attempts: details.attempts,
    inputTokens: result?.usage?.inputTokens,
    outputTokens: result?.usage?.outputTokens,
    costUsd: result?.costUsd,
    errorName: details.failure instanceof Error ? details.failure.name : undefined,
  });
}
