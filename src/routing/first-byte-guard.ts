import type { Clock, TimerHandle } from '../clock.js';
import { ProviderError } from '../errors.js';

/** Below this, undici's own headers timeout (ticking every half second) is too coarse to enforce a limit. */
export const preciseFirstByteLimitBelowMs = 10_000;

export interface FirstByteGuard {
  /** The attempt's signal: the call's, and the limit. */
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * A precise first-byte limit for one `complete` attempt, on the router's clock: after `limitMs` the attempt
 * is aborted with a `timeout` ProviderError (which fails over and counts against the provider). Only for
 * short limits: it costs an AbortSignal per attempt, which long limits leave to undici's timers.
 */
export function createFirstByteGuard(options: {
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly limitMs: number;
  readonly providerId: string;
}): FirstByteGuard {
  const { clock, signal } = options;
  const controller = new AbortController();
  const forward = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  const timer: TimerHandle = clock.setTimeout(() => {
    controller.abort(
      new ProviderError({
        provider: options.providerId,
        reason: 'timeout',
        message: `no response within ${options.limitMs} ms`,
      }),
    );
  }, options.limitMs);
  return {
    signal: controller.signal,
    dispose: () => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', forward);
    },
  };
}
