import { type Cancellation, cancellationOf } from '../cancellation.js';
import type { ProviderCallOptions } from './model-provider.js';

/** The router passes a Cancellation; another caller may pass only the AbortSignal. */
export function cancellationOfCall(callOptions: ProviderCallOptions): Cancellation {
  return callOptions.cancellation ?? cancellationOf(callOptions.signal);
}
