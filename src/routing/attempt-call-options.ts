import type { Cancellation } from '../cancellation.js';
import type { ProviderCallOptions, StreamStartListener } from '../providers/model-provider.js';

/**
 * What one attempt gives its provider, plain or streamed. A class, so the lazy `signal` getter is not
 * defined again on every call: our HTTP providers use `cancellation`, and `signal` is made only when a
 * provider reads it.
 */
export class AttemptCallOptions implements ProviderCallOptions, StreamStartListener {
  constructor(
    readonly cancellation: Cancellation,
    readonly headersTimeoutMs: number,
    readonly idleTimeoutMs: number,
    readonly onResponseStart?: StreamStartListener['onResponseStart'],
    readonly onResponseId?: StreamStartListener['onResponseId'],
  ) {}

  get signal(): AbortSignal {
    return this.cancellation.signal;
  }
}
