import type { Cancellation } from '../cancellation.js';
import type { ProviderError } from '../errors.js';
import type { ProviderCallOptions, StreamStartListener } from '../providers/model-provider.js';
import type { StreamChunk } from '../types.js';
import type { Candidate } from './select-candidates.js';

/**
 * What one attempt gives its provider, plain or streamed, and what the attempt reached: whether its request
 * was sent, whether it ended by itself or on one of our own timers, what a stream received before its first
 * token. A call links its attempts (`previous`), so those it cancelled or timed out after their requests were
 * sent are priced when its race is over (cancelled-attempts-cost.ts), as are the texts an embedding attempt had
 * answered before it failed. A class, so its methods and the lazy `signal` getter are not defined again on every
 * call: the bookkeeping costs an attempt fields, no allocation of its own. Our HTTP providers use `cancellation`,
 * and `signal` is made only when a provider reads it.
 */
export class AttemptCallOptions implements ProviderCallOptions, StreamStartListener {
  /**
   * The attempt's cancellation, or one that follows it with a limit of the attempt's own (the first-byte guard
   * of a `complete`, a stream's first-token timer), set before the provider is called.
   */
  cancellation: Cancellation;
  /** The provider said the request left for it: from then on it bills it. */
  requestSent = false;
  /** It ended by itself, with an answer, a first token or a failure, rather than being cancelled or timed out. */
  ended = false;
  /**
   * One of our own timers ended it (no first token within `firstTokenTimeoutMs`, no answer within
   * `responseTimeoutMs`, silence past `idleTimeoutMs`): a failure, for the provider's health, but once its
   * request was sent its provider bills it as it bills one we cancelled.
   */
  timedOut = false;
  /** It ended by itself in a failure (a provider's error, not one of our own timers). */
  failed = false;
  /**
   * How many of an embedding call's texts its provider answered before the attempt ended, told by a provider that
   * sends them in several requests (`onInputsAnswered`): billed, even when a later request failed the attempt.
   */
  answeredInputCount = 0;
  /**
   * How many of an embedding call's texts had left for the provider, told by one that sends them in several
   * requests (`onInputsSent`); undefined when it told none (one request: the whole input, once `requestSent`).
   */
  sentInputCount: number | undefined = undefined;
  /** What a stream received before its first token (and that token), as it came; undefined for `complete`. */
  received: readonly StreamChunk[] | undefined = undefined;
  /** The provider's request id, once a stream's response started. */
  requestId: string | undefined = undefined;
  /** The answer's id, once a stream named it. */
  responseId: string | undefined = undefined;

  constructor(
    readonly candidate: Candidate,
    cancellation: Cancellation,
    readonly headersTimeoutMs: number,
    readonly idleTimeoutMs: number,
    /** The attempt the same call started before this one. */
    readonly previous: AttemptCallOptions | undefined,
  ) {
    this.cancellation = cancellation;
  }

  /**
   * It failed, with `error`: by itself, or on one of our own timers, which is a `timeout` with no status (a
   * provider's own 408 or 504 has one, and its provider answered: it bills no more than for another error).
   */
  fail(error: ProviderError): void {
    if (error.reason === 'timeout' && error.statusCode === undefined) {
      this.timedOut = true;
    } else {
      this.ended = true;
      this.failed = true;
    }
  }

  get signal(): AbortSignal {
    return this.cancellation.signal;
  }

  onRequestSent(): void {
    this.requestSent = true;
  }

  onInputsAnswered(inputCount: number): void {
    this.answeredInputCount += inputCount;
  }

  onInputsSent(inputCount: number): void {
    this.sentInputCount = (this.sentInputCount ?? 0) + inputCount;
  }

  onResponseStart(info: { readonly requestId?: string }): void {
    this.requestId = info.requestId;
  }

  onResponseId(responseId: string): void {
    this.responseId = responseId;
  }
}
