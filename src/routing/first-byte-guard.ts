import { CancelScope, type Cancellation } from '../cancellation.js';
import type { Clock, TimerHandle } from '../clock.js';
import { ProviderError } from '../errors.js';

/** Below this, undici's own headers timeout (ticking every half second) is too coarse to enforce a limit. */
export const preciseFirstByteLimitBelowMs = 10_000;

export interface FirstByteGuard {
  /** The attempt's cancellation: the call's, and the limit. */
  readonly cancellation: Cancellation;
  dispose(): void;
}

/**
 * A precise first-byte limit for one `complete` attempt, on the router's clock: after `limitMs` the attempt
 * is aborted with a `timeout` ProviderError (which fails over and counts against the provider). Only for
 * short limits: it costs a timer per attempt, which long limits leave to undici's own.
 */
export function createFirstByteGuard(options: {
  readonly clock: Clock;
  readonly cancellation: Cancellation;
  readonly limitMs: number;
  readonly providerId: string;
}): FirstByteGuard {
  const { clock, cancellation } = options;
  const scope = new CancelScope();
  const stopForwarding = scope.follow(cancellation);
  const timer: TimerHandle = clock.setTimeout(() => {
    scope.abort(
      new ProviderError({
        provider: options.providerId,
        reason: 'timeout',
        message: `no response within ${options.limitMs} ms`,
      }),
    );
  }, options.limitMs);
  return {
    cancellation: scope,
    dispose: () => {
      clock.clearTimeout(timer);
      stopForwarding();
    },
  };
}
