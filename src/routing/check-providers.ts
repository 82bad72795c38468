import type { Clock } from '../clock.js';
import { ProviderError } from '../errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { createDeadlineSignal } from '../resilience/deadline.js';
import type { ProviderStateRegistry } from './provider-state-registry.js';

/**
 * Each provider's cheapest proof of life (its models list), all at once, each bounded by `timeoutMs`.
 * A failure other than a rate limit counts against the provider, as a failed call would; a success gives the
 * models the provider reported missing another try.
 */
export async function checkProviders(options: {
  readonly providers: readonly ModelProvider[];
  readonly registry: ProviderStateRegistry;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}): Promise<Record<string, boolean>> {
  const { clock, signal } = options;
  const entries = await Promise.all(
    options.providers.map(async (provider): Promise<[string, boolean]> => {
      if (!provider.isConfigured()) return [provider.id, false];
      const deadline = createDeadlineSignal({ clock, timeoutMs: options.timeoutMs, parent: signal });
      const startedAtMs = clock.now();
      try {
        await provider.checkHealth({ signal: deadline.signal });
        // The provider answers: the models it reported missing get another try (a transient 404, or one fixed).
        options.registry.recordHealthCheckSuccess(provider.id);
        return [provider.id, true];
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (ProviderError.isInstance(error) && error.reason !== 'rate_limit') {
          // A check holds no half-open probe: a failure that is no verdict leaves a caller's probe in flight.
          options.registry.recordFailure(provider.id, undefined, error, clock.now() - startedAtMs, undefined);
        }
        return [provider.id, false];
      } finally {
        deadline.dispose();
      }
    }),
  );
  return Object.fromEntries(entries);
}
