import type { Clock } from '../clock.js';
import type { Attempt } from '../errors.js';
import type { ListenerSet } from '../resilience/listener-set.js';
import { callEndEvent } from './call-end-event.js';
import type { CompleteOptions, CompletionResult } from './router-options.js';
import type { RouterEvent } from './router-events.js';


/**
 * The `call-end` event of each `complete` call, emitted only when anyone listens (a stream's are in
 * `stream-call-end.ts`). One per router.
 */
export class CompleteCallEnds {
  readonly #events: ListenerSet<RouterEvent>;
  readonly #clock: Clock;

  constructor(options: { readonly events: ListenerSet<RouterEvent>; readonly clock: Clock }) {
    this.#events = options.events;
    this.#clock = options.clock;
  }

  success(callId: number, context: { result: CompletionResult; startedAtMs: number; request: CompleteOptions }): void {
    if (this.#events.size === 0) return;
    const { result, startedAtMs, request } = context;
    this.#events.emit(
      callEndEvent({ callId, outcome: 'success', streaming: false, startedAtMs, nowMs: this.#clock.now(), request, result }),
    );
  }

  failure(
    callId: number,
    context: {
      error: unknown;
      startedAtMs: number;
      /** The caller left or the router closed: not the providers' failure. */
      aborted: boolean;
      attempts: readonly Attempt[] | undefined;
      request: CompleteOptions;
    },
  ): void {
    if (this.#events.size === 0) return;
    this.#events.emit(
      callEndEvent({
        callId,
        outcome: context.aborted ? 'aborted' : 'failure',
        streaming: false,
        startedAtMs: context.startedAtMs,
        nowMs: this.#clock.now(),
        failure: context.error,
        attempts: context.attempts,
        request: context.request,
      }),
    );
  }
}
