import type { Clock } from '../clock.js';
import { ProviderError } from '../errors.js';

/**
 * `work`'s outcome, unless the attempt's signal aborts first (its reason is thrown) or `timeoutMs` passes (a
 * `timeout` ProviderError): an AI SDK model that ignores its `abortSignal` cannot hold an attempt past its
 * limits or the call's end. The model's own promise is left to settle unheard.
 */
export function settleWithin<T>(
  pending: PromiseLike<T>,
  options: { readonly signal: AbortSignal; readonly timeoutMs: number | undefined; readonly providerId: string; readonly clock: Clock },
): Promise<T> {
  const { signal, clock } = options;
  const work = Promise.resolve(pending);
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason as unknown);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      finish();
      reject(signal.reason as unknown);
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : clock.setTimeout(() => {
            finish();
            reject(new ProviderError({ provider: options.providerId, reason: 'timeout', message: `no response within ${options.timeoutMs} ms` }));
          }, options.timeoutMs);
    const finish = (): void => {
      signal.removeEventListener('abort', onAbort);
      if (timer !== undefined) clock.clearTimeout(timer);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        finish();
        resolve(value);
      },
      (error: unknown) => {
        finish();
        reject(error);
      },
    );
  });
}
