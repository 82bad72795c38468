/**
 * One error model, designed to answer "fail over, retry, or stop?".
 * Routing reads `reason` and nothing else. Messages never contain an API key: every message that may
 * quote a provider's text goes through `redactSecrets`.
 */

const brand = Symbol.for('backup-models.error');

/** Why a provider call failed, by the provider's real semantics, not the status code alone. */
export type FailureReason =
  | 'rate_limit'
  | 'quota_exhausted'
  | 'overloaded'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'authentication'
  | 'invalid_request'
  | 'context_too_long'
  | 'content_filter'
  | 'model_not_found'
  /** The model failed to make a valid answer to this request (Groq's `tool_use_failed`): another may not. */
  | 'generation_failed'
  /** This provider's own configuration cannot be used (a base URL that is not a URL): the others can. */
  | 'configuration';

/** Reasons that say the provider is unhealthy: these count against its circuit breaker. */
const healthReasons: ReadonlySet<FailureReason> = new Set(['overloaded', 'server_error', 'timeout', 'network']);
/** Reasons worth trying again (on the same provider later, or another now). */
const retryableReasons: ReadonlySet<FailureReason> = new Set([
  'rate_limit',
  'overloaded',
  'server_error',
  'timeout',
  'network',
]);

export function isHealthFailure(reason: FailureReason): boolean {
  return healthReasons.has(reason);
}

export function isRetryableReason(reason: FailureReason): boolean {
  return retryableReasons.has(reason);
}

/** Base class of every error we throw. `isInstance` works across copies of the package. */
export class BackupModelsError extends Error {
  readonly [brand] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupModelsError';
  }
  static isInstance(value: unknown): value is BackupModelsError {
    return typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true;
  }
}

/**
 * One of our errors of the given name, across copies of the package (where `instanceof` fails). Each
 * subclass's `isInstance` asks by its own name: inheriting the base's would answer true for any of ours.
 */
function isNamedError(value: unknown, name: string): boolean {
  return BackupModelsError.isInstance(value) && value.name === name;
}

export interface ProviderErrorOptions {
  provider: string;
  reason: FailureReason;
  message: string;
  statusCode?: number;
  /** Milliseconds the provider asked us to wait, already bounded. */
  retryAfterMs?: number;
  requestId?: string;
  /** The provider's own error type or code (`insufficient_quota`, `overloaded_error`, ...). */
  providerCode?: string;
  /** The provider's own advice on trying the same request again (OpenAI's and Anthropic's `x-should-retry`). */
  shouldRetry?: boolean;
  cause?: unknown;
}

/** A failure of one provider call. */
export class ProviderError extends BackupModelsError {
  readonly provider: string;
  readonly reason: FailureReason;
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly providerCode: string | undefined;
  readonly shouldRetry: boolean | undefined;

  constructor(options: ProviderErrorOptions) {
    super(redactSecrets(`${options.provider}: ${options.message}`), { cause: options.cause });
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.reason = options.reason;
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
    this.providerCode = options.providerCode;
    this.shouldRetry = options.shouldRetry;
  }

  /** Worth asking the same provider again later: its own advice when it gave one, else the reason's. */
  get isRetryable(): boolean {
    return this.shouldRetry ?? isRetryableReason(this.reason);
  }

  static override isInstance(value: unknown): value is ProviderError {
    return isNamedError(value, 'ProviderError');
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      provider: this.provider,
      reason: this.reason,
      message: this.message,
      statusCode: this.statusCode,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
      providerCode: this.providerCode,
      shouldRetry: this.shouldRetry,
    };
  }
}

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
  constructor(options: {
    message: string;
    missingEnvironmentVariables?: readonly string[];
    retryAfterMs?: number;
    noProviderConfigured?: boolean;
  }) {
    super(options.message);
    this.name = 'NoProviderAvailableError';
    this.missingEnvironmentVariables = options.missingEnvironmentVariables ?? [];
    this.retryAfterMs = options.retryAfterMs;
    this.noProviderConfigured = options.noProviderConfigured ?? false;
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
   * `costUsd`. Absent on any other attempt, and on one whose provider does not say when a request is sent.
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

const secretPatterns: readonly RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /sk-[A-Za-z0-9_-]{8,}/g,
  /gsk_[A-Za-z0-9]{8,}/g,
  /AIza[0-9A-Za-z_-]{20,}/g,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /([?&]key=)[^&\s"']+/gi,
];

const registeredSecrets = new Set<string>();

/** Teach the redactor a secret it must never print (API keys read from the environment, gateway keys). */
export function registerSecret(secret: string): void {
  if (secret.length >= 6) registeredSecrets.add(secret);
}

/** Replace anything that looks like a key, and every registered secret, with a marker. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of registeredSecrets) {
    if (result.includes(secret)) result = result.split(secret).join('[redacted]');
  }
  for (const pattern of secretPatterns) {
    result = result.replace(pattern, (match, prefix: unknown) =>
      typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]',
    );
  }
  return result;
}

/**
 * Our own converter's refusal of a request before anything was sent (an InvalidArgumentError behind a
 * provider's `generation_failed`), if this failure is one: it says nothing of the provider's health.
 */
export function refusalOfOurs(error: ProviderError): InvalidArgumentError | undefined {
  return error.reason === 'generation_failed' && InvalidArgumentError.isInstance(error.cause) ? error.cause : undefined;
}
