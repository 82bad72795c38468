import { type ProviderError, refusalOfOurs } from '../errors.js';
import type { RaceFailure } from './race-options.js';
import { routerDefaults } from './router-defaults.js';

/**
 * The candidates that refused a call's request as invalid (`invalid_request`, a 400 or 422), each counted once
 * by provider and model. The same request goes to vendors with different quirks (a parameter one of them alone
 * refuses, a stop sequence or tool name it will not take), so one refusal fails over as any failure does; once
 * `stopAfter` distinct candidates refused, the request is taken to be bad, and the call ends with the first
 * refusal, so a caller with a truly malformed request gets the first provider's 400 after at most that many
 * fast, unbilled answers. A race makes one at its first refusal: a call that meets none allocates nothing.
 */
export class InvalidRequestRefusals {
  readonly #stopAfter: number;
  /** `provider/model` of each candidate that refused, once each. */
  readonly #refusedBy: string[] = [];
  #first: ProviderError | undefined;

  constructor(stopAfter: number | undefined) {
    this.#stopAfter = stopAfter ?? routerDefaults.stopAfterInvalidRequests;
  }

  /** Notes a refusal; the error the call ends with when it was the last that the call allows, else undefined. */
  add(failure: RaceFailure): ProviderError | undefined {
    this.#first ??= failure.error;
    const target = `${failure.candidate.provider.id}/${failure.candidate.model}`;
    if (!this.#refusedBy.includes(target)) this.#refusedBy.push(target);
    return this.#refusedBy.length >= this.#stopAfter ? this.#first : undefined;
  }

  /**
   * What a call whose every candidate failed ends with: the first refusal when every failure was a refusal of
   * the request (a provider's `invalid_request`, or ours before sending, such as too many stop sequences for a
   * provider), as nothing would pass by asking again; else undefined, for the race's AllProvidersFailedError.
   */
  endOfCall(failures: readonly RaceFailure[]): ProviderError | undefined {
    const only = failures.every(({ error }) => error.reason === 'invalid_request' || refusalOfOurs(error) !== undefined);
    return only ? this.#first : undefined;
  }
}
