/**
 * An error the gateway answers itself, before or instead of the router: a bad body, a missing key,
 * an unknown model. It carries the HTTP status and the fields of OpenAI's error shape.
 */

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'rate_limit_error'
  /** A key's budget is spent (OpenAI's own type for a spent quota). */
  | 'insufficient_quota'
  | 'api_error'
  | 'timeout_error';

export interface GatewayHttpErrorOptions {
  readonly status: number;
  readonly message: string;
  readonly type?: OpenAIErrorType;
  /** Machine-readable code, as OpenAI spells them (`model_not_found`, `invalid_api_key`). */
  readonly code?: string;
  /** The request parameter at fault (`messages`, `model`). */
  readonly param?: string;
  /** For a Retry-After header: when the caller may try again. */
  readonly retryAfterMs?: number;
}

export class GatewayHttpError extends Error {
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryAfterMs: number | undefined;

  constructor(options: GatewayHttpErrorOptions) {
    super(options.message);
    this.name = 'GatewayHttpError';
    this.status = options.status;
    this.type = options.type ?? (options.status === 401 ? 'authentication_error' : 'invalid_request_error');
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A 400 about one parameter of the request. */
export function invalidRequest(message: string, param?: string, code?: string): GatewayHttpError {
  return new GatewayHttpError({
    status: 400,
    message,
    ...(param !== undefined ? { param } : {}),
    ...(code !== undefined ? { code } : {}),
  });
}
