import type { Clock } from '../clock.js';
import type { DeadlineSignal } from '../resilience/deadline.js';
import type { Attempt, ProviderError } from '../errors.js';
import type { ProbeTicket } from '../resilience/circuit-breaker.js';
import type { ListenerSet } from '../resilience/listener-set.js';
import type { ChatRequest, Message, StreamChunk, Usage } from '../types.js';
import type { InFlightCalls } from './in-flight-calls.js';
import type { ProviderStateRegistry } from './provider-state-registry.js';
import type { FailureAction, RaceOptions } from './race-options.js';
import type { StreamOptions } from './router-options.js';
import type { RouterEvent } from './router-events.js';
import type { Candidate, CandidateSelection } from './select-candidates.js';

/** Everything one router stream needs from its router. */
export interface RouterStreamContext {
  readonly callId: number;
  readonly messages: readonly Message[];
  readonly options: StreamOptions;
  readonly clock: Clock;
  readonly selection: CandidateSelection;
  readonly registry: ProviderStateRegistry;
  readonly events: ListenerSet<RouterEvent>;
  /** The router's work in flight: a running stream is part of it, so the router's close() cancels it. */
  readonly inFlight: InFlightCalls;
  readonly parallelAttempts: number;
  readonly hedgeDelayMs: ((candidate: Candidate) => number) | undefined;
  readonly timeoutMs: number;
  readonly firstTokenTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly buildRequest: (candidate: Candidate) => ChatRequest;
  readonly classify: (error: ProviderError, candidate: Candidate) => FailureAction;
  /** The router's `stopAfterInvalidRequests`, when it set one. */
  readonly stopAfterInvalidRequests: number | undefined;
  readonly costOf: (provider: string, model: string, usage: Usage | undefined) => number | undefined;
  /** Retry rounds before the first token (see the router's `maxRetries`); undefined when none are allowed. */
  readonly retryRounds: (deadline: Pick<DeadlineSignal, 'remainingMs'>, attempts: Attempt[], lastResort: boolean) => RaceOptions<unknown>['nextRound'];
}

/** A candidate's stream that produced its first content token (or ended cleanly without one). */
export interface CommittedStream {
  readonly iterator: AsyncIterator<StreamChunk>;
  readonly buffered: StreamChunk[];
  readonly ended: boolean;
  readonly startedAtMs: number;
  /** The half-open probe its attempt holds, if it was admitted as one: the stream's end says what it found. */
  readonly probe: ProbeTicket | undefined;
  readonly requestId: string | undefined;
  /** The answer's id, once the stream named it (see `ChatResponse.responseId`). */
  readonly responseId: () => string | undefined;
  /** Ends the upstream request with `reason` (an idle stream). */
  readonly abort: (reason: ProviderError) => void;
  /** Why the upstream request was aborted, when it was. */
  readonly abortReason: () => unknown;
  /** Unties the upstream request from the call; cancels it unless the stream completed. */
  readonly release: (options: { completed: boolean }) => void;
}
