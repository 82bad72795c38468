/**
 * Any error as OpenAI's error shape `{ error: { message, type, param, code } }` with the HTTP status an
 * OpenAI client expects: 400 invalid request, 401 key, 404 model (one no configured provider serves), 413
 * too large, 503 with Retry-After when no provider can serve right now, 504 past the deadline; a stream
 * broken after its first token keeps the upstream's kind of failure (overloaded, rate limited...). Messages
 * are redacted; an unexpected error says nothing of its internals.
 */
import {
  AllProvidersFailedError,
  BackupModelsError,
  DeadlineExceededError,
  type FailureReason,
  InvalidArgumentError,
  NoProviderAvailableError,
  ProviderError,
  StreamInterruptedError,
  redactSecrets,
  refusalOfOurs,
} from '../errors.js';
import { GatewayHttpError, type OpenAIErrorType } from './gateway-http-error.js';

export interface OpenAIErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: OpenAIErrorType;
    readonly param: string | null;
    readonly code: string | null;
  };
}

export interface ErrorResponse {
  readonly status: number;
  readonly body: OpenAIErrorBody;
  /** For the Retry-After header: whole seconds, at least 1. */
  readonly retryAfterSeconds?: number;
}

/** Our option names back to the request's parameter names. */
const parameterNames: Readonly<Record<string, string>> = {
  topP: 'top_p',
  presencePenalty: 'presence_penalty',
  frequencyPenalty: 'frequency_penalty',
  maxTokens: 'max_tokens',
  prompt: 'messages',
  toolChoice: 'tool_choice',
  responseFormat: 'response_format',
  // An embedding route's providers, named by the request's `model`.
  provider: 'model',
};

function response(
  status: number,
  fields: { message: string; type: OpenAIErrorType; param?: string | null; code?: string | null },
  retryAfterMs?: number,
): ErrorResponse {
  return {
    status,
    // The param too: a field's path quotes the body's own keys, and a client may have put a key among them.
    body: { error: { message: redactSecrets(fields.message), type: fields.type, param: typeof fields.param === 'string' ? redactSecrets(fields.param) : null, code: fields.code ?? null } },
    ...(retryAfterMs !== undefined ? { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) } : {}),
  };
}

/** Failures that are the request's fault, wherever it is sent. */
function requestFault(reason: FailureReason, message: string): ErrorResponse | undefined {
  if (reason === 'invalid_request') return response(400, { message, type: 'invalid_request_error', code: 'invalid_request' });
  if (reason === 'context_too_long') {
    return response(400, { message, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' });
  }
  if (reason === 'content_filter') return response(400, { message, type: 'invalid_request_error', code: 'content_filter' });
  if (reason === 'model_not_found') {
    return response(404, { message, type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
  }
  return undefined;
}

/**
 * The kinds of failure a stream may break on that each API's error event names (Messages reads its
 * `overloaded_error`, `rate_limit_error`... from the status): the upstream's kind is kept, not folded into one.
 */
const interruptionKinds: Partial<Record<FailureReason, { readonly status: number; readonly type: OpenAIErrorType }>> = {
  overloaded: { status: 503, type: 'api_error' },
  rate_limit: { status: 429, type: 'rate_limit_error' },
  quota_exhausted: { status: 429, type: 'insufficient_quota' },
  timeout: { status: 504, type: 'timeout_error' },
  invalid_request: { status: 400, type: 'invalid_request_error' },
  content_filter: { status: 400, type: 'invalid_request_error' },
};

/** A stream that broke after its first token: code `stream_interrupted`, with the upstream's kind of failure. */
function streamInterrupted(error: StreamInterruptedError): ErrorResponse {
  const kind = interruptionKinds[error.reason] ?? { status: 502, type: 'api_error' };
  return response(kind.status, { message: error.message, type: kind.type, code: 'stream_interrupted' });
}

export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof GatewayHttpError) {
    return response(error.status, { message: error.message, type: error.type, param: error.param, code: error.code }, error.retryAfterMs);
  }
  if (!BackupModelsError.isInstance(error)) {
    return response(500, { message: 'The gateway failed unexpectedly.', type: 'api_error', code: 'internal_error' });
  }
  if (error instanceof InvalidArgumentError || error.name === 'InvalidArgumentError') {
    const argument = (error as InvalidArgumentError).argument;
    return response(400, {
      message: error.message,
      type: 'invalid_request_error',
      param: parameterNames[argument] ?? argument,
      code: 'invalid_value',
    });
  }
  if (ProviderError.isInstance(error)) {
    return (
      requestFault(error.reason, error.message) ??
      response(503, { message: error.message, type: 'api_error', code: 'provider_error' }, error.retryAfterMs ?? 1000)
    );
  }
  if (error.name === 'AllProvidersFailedError') {
    const failed = error as AllProvidersFailedError;
    const first = failed.errors[0];
    if (first && failed.errors.every((each) => each.reason === first.reason)) {
      const fault = requestFault(first.reason, failed.message);
      if (fault) return fault;
    }
    // Every candidate's converter refused the request (tool-call arguments that are not a JSON object for
    // Gemini and Anthropic, a tool answer to no call): no wait helps, so not a 503 a client would retry.
    const refusal = first === undefined ? undefined : refusalOfOurs(first);
    if (refusal && failed.errors.every((each) => refusalOfOurs(each) !== undefined)) {
      return response(400, {
        message: `${failed.message}: ${first!.message}`,
        type: 'invalid_request_error',
        param: parameterNames[refusal.argument] ?? refusal.argument,
        code: 'invalid_value',
      });
    }
    return response(503, { message: failed.message, type: 'api_error', code: 'all_providers_failed' }, failed.retryAfterMs ?? 1000);
  }
  if (error.name === 'NoProviderAvailableError') {
    const unavailable = error as NoProviderAvailableError;
    // No provider that could serve it has a key: the model is not to be had here, and no wait changes that.
    if (unavailable.noProviderConfigured) {
      return response(404, { message: unavailable.message, type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
    }
    // Every model that could serve it answered model_not_found lately: as the first call's 404 said, and no
    // retry helps until configuration names a model the provider serves.
    if (unavailable.everyModelMissing) {
      return response(404, { message: unavailable.message, type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
    }
    // The request's server tools are what only one provider runs: as for images, no retry helps.
    if (unavailable.noProviderTakesRequest && unavailable.unservedPart === 'serverTools') {
      return response(400, { message: unavailable.message, type: 'invalid_request_error', param: 'tools', code: 'server_tool_not_supported' });
    }
    // The request's images are what no provider takes: a client that retried a 503 would be refused forever.
    if (unavailable.noProviderTakesRequest) {
      return response(400, { message: unavailable.message, type: 'invalid_request_error', param: 'messages', code: 'image_input_not_supported' });
    }
    return response(
      503,
      { message: unavailable.message, type: 'api_error', code: 'no_provider_available' },
      unavailable.retryAfterMs ?? 1000,
    );
  }
  // The router was closed under a call (a gateway shutting down): another instance can answer it.
  if (error.name === 'RouterClosedError') return response(503, { message: error.message, type: 'api_error', code: 'shutting_down' }, 1000);
  if (error.name === 'DeadlineExceededError') {
    return response(504, { message: (error as DeadlineExceededError).message, type: 'timeout_error', code: 'deadline_exceeded' });
  }
  if (error.name === 'StreamInterruptedError') return streamInterrupted(error as StreamInterruptedError);
  return response(500, { message: error.message, type: 'api_error', code: 'internal_error' });
}
