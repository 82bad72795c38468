/**
 * One error model, designed to answer "fail over, retry, or stop?".
 * Routing reads `reason` and nothing else. Messages never contain an API key: every message that may
 * quote a provider's text goes through `redactSecrets`.
 *
 * The module the rest of the code imports errors from. It holds the errors a call ends with; the base class
 * and its brand, the failure reasons, the provider error and the redactor are in `errors/`, re-exported here.
 */

import { BackupModelsError, isNamedError } from './errors/backup-models-error.js';
import type { FailureReason } from './errors/failure-reason.js';
import type { ProviderError } from './errors/provider-error.js';
import { redactSecrets } from './errors/redact-secrets.js';

export { BackupModelsError } from './errors/backup-models-error.js';
export { type FailureReason, isHealthFailure, isRetryableReason } from './errors/failure-reason.js';
export { ProviderError, type ProviderErrorOptions } from './errors/provider-error.js';
export { redactSecrets, registerSecret } from './errors/redact-secrets.js';
export { ResponseTooLargeError } from './errors/response-too-large-error.js';

/** A bad argument from the caller, caught before any network call. */
export class InvalidArgumentError extends BackupModelsError {
  readonly argument: string;
  constructor(options: { argument: string; message: string }) {
    super(options.message);
    this.name = 'InvalidArgumentError';
    this.argument = options.argument;
  }

  static override isInstance(value: unknown): value is InvalidArgumentError {
    return isNamedError(value, 'InvalidArgumentError');
  }
}

/** No provider can be tried: no keys, or every candidate is filtered out. */
export class NoProviderAvailableError extends BackupModelsError {
  /** Environment variables that would make a provider usable. */
  readonly missingEnvironmentVariables: readonly string[];
  /** When the earliest cooled-down or open provider may be tried again, if any. */
  readonly retryAfterMs: number | undefined;
  /**
   * Every provider that could serve the call lacks its API key: no wait helps, only configuration (a
   * permanent condition, where a cooling-down or open provider is a passing one).
   */
  readonly noProviderConfigured: boolean;
  /**
   * Every provider with a key was skipped for what the request holds (images, which none of their models takes):
   * no wait helps, only a different request or model.
   */
  readonly noProviderTakesRequest: boolean;
  /** With `noProviderTakesRequest`, what of the request none takes: its images, or its server tools. */
  readonly unservedPart: 'images' | 'serverTools' | undefined;
  /**
   * Every model that could serve the call was reported missing by its provider (`model_not_found`: retired, or a
   * mistyped id) and is left out until `retryAfterMs` from now (the router's `missingModelPeriodMs`), or until a
   * health check of its provider succeeds. Configuration that names a model the provider serves is the fix.
   */
  readonly everyModelMissing: boolean;
  constructor(options: {
    message: string;
    missingEnvironmentVariables?: readonly string[];
    retryAfterMs?: number;
    noProviderConfigured?: boolean;
    noProviderTakesRequest?: boolean;
    unservedPart?: 'images' | 'serverTools';
    everyModelMissing?: boolean;
  }) {
    super(options.message);
    this.name = 'NoProviderAvailableError';
    this.missingEnvironmentVariables = options.missingEnvironmentVariables ?? [];
    this.retryAfterMs = options.retryAfterMs;
    this.noProviderConfigured = options.noProviderConfigured ?? false;
    this.noProviderTakesRequest = options.noProviderTakesRequest ?? false;
    this.unservedPart = options.unservedPart;
    this.everyModelMissing = options.everyModelMissing ?? false;
  }

  static override isInstance(value: unknown): value is NoProviderAvailableError {
    return isNamedError(value, 'NoProviderAvailableError');
  }
}

/**
 * The router was closed: `close()` cancelled this call or stream in flight, or it was made afterwards. No
 * provider failed, and none is charged for it.
 */
export class RouterClosedError extends BackupModelsError {
  constructor() {
    super('The router is closed: its calls in flight were cancelled, and it takes no new ones.');
    this.name = 'RouterClosedError';
  }

  static override isInstance(value: unknown): value is RouterClosedError {
    return isNamedError(value, 'RouterClosedError');
  }
}

/**
 * One provider tried during a call, and how it ended. A stream's answering attempt is logged as a success at
 * its first token (what `RouterStream.attempts` shows meanwhile) and takes its final form when the stream
 * ends: lasting until then, and a failure when the stream broke after that token (aborted when the call
 * ended it), as the stream's result, its `attempt-end` and `call-end` events show.
 */
export interface Attempt {
  readonly provider: string;
  readonly model: string;
  readonly outcome: 'success' | 'failure' | 'aborted' | 'skipped';
  readonly reason?: FailureReason;
  /** Why a candidate was skipped or aborted, in words (`circuit open`, `lost the race`). */
  readonly detail?: string;
  readonly startedAtMs: number;
  /** Until the attempt ended: for a stream's answering attempt, until its stream ended. */
  readonly durationMs: number;
  readonly statusCode?: number;
  /**
   * An attempt cancelled after its request was sent (it lost a race, or its call ended): what its provider
   * bills for it all the same, estimated as for a stream cut off (its input at about four characters a token
   * unless the provider told its count, and a stream's output so far), in US dollars. Not part of the answer's
   * `costUsd`. Also an embedding attempt that failed after its provider answered some of its texts (a later batch
   * of several failed): those texts, estimated the same way. Absent on any other attempt, and on one whose provider
   * does not say when a request is sent.
   */
  readonly estimatedCostUsd?: number;
}

/** Every provider failed. Keeps every attempt. */
export class AllProvidersFailedError extends BackupModelsError {
  readonly attempts: readonly Attempt[];
  readonly errors: readonly ProviderError[];
  /** The shortest wait any provider asked for, when one did. */
  readonly retryAfterMs: number | undefined;
  constructor(options: { attempts: readonly Attempt[]; errors: readonly ProviderError[]; retryAfterMs?: number }) {
    const summary = options.errors.map((error) => `${error.provider} (${error.reason})`).join(', ');
    super(`All providers failed: ${summary || 'no attempt completed'}`);
    this.name = 'AllProvidersFailedError';
    this.attempts = options.attempts;
    this.errors = options.errors;
    this.retryAfterMs = options.retryAfterMs;
  }

  static override isInstance(value: unknown): value is AllProvidersFailedError {
    return isNamedError(value, 'AllProvidersFailedError');
  }
}

/** The call's own deadline passed. */
export class DeadlineExceededError extends BackupModelsError {
  readonly timeoutMs: number;
  readonly attempts: readonly Attempt[];
  constructor(options: { timeoutMs: number; attempts?: readonly Attempt[] }) {
    super(`The call did not finish within its deadline of ${options.timeoutMs} ms`);
    this.name = 'DeadlineExceededError';
    this.timeoutMs = options.timeoutMs;
    this.attempts = options.attempts ?? [];
  }

  static override isInstance(value: unknown): value is DeadlineExceededError {
    return isNamedError(value, 'DeadlineExceededError');
  }
}

/** A stream failed after its first content token: never spliced, the partial answer is kept. */
export class StreamInterruptedError extends BackupModelsError {
  readonly provider: string;
  readonly reason: FailureReason;
  readonly partialText: string;
  /** The reasoning the stream showed before it broke; empty when it showed none. */
  readonly partialReasoning: string;
  readonly partialUsage: import('./types.js').Usage | undefined;
  constructor(options: {
    provider: string;
    reason: FailureReason;
    message: string;
    partialText: string;
    partialReasoning?: string;
    partialUsage?: import('./types.js').Usage;
    cause?: unknown;
  }) {
    super(redactSecrets(`${options.provider}: stream interrupted after the first token: ${options.message}`), {
      cause: options.cause,
    });
    this.name = 'StreamInterruptedError';
    this.provider = options.provider;
    this.reason = options.reason;
    this.partialText = options.partialText;
    this.partialReasoning = options.partialReasoning ?? '';
    this.partialUsage = options.partialUsage;
  }

  static override isInstance(value: unknown): value is StreamInterruptedError {
    return isNamedError(value, 'StreamInterruptedError');
  }
}

/**
 * Our own converter's refusal of a request before anything was sent (an InvalidArgumentError behind a
 * provider's `generation_failed`), if this failure is one: it says nothing of the provider's health.
 */
export function refusalOfOurs(error: ProviderError): InvalidArgumentError | undefined {
  return error.reason === 'generation_failed' && InvalidArgumentError.isInstance(error.cause) ? error.cause : undefined;
}
