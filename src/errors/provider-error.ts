import { BackupModelsError, isNamedError } from './backup-models-error.js';
import { type FailureReason, isRetryableReason } from './failure-reason.js';
import { redactSecrets } from './redact-secrets.js';

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
