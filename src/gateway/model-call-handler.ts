/**
 * A model call, in any dialect (POST /v1/chat/completions, /v1/responses, /v1/messages): read and check the body,
 * translate it, call the router with the caller's cache scope and a cancellation tied to the client's
 * connection, answer in the dialect's shape, and log one line. Streaming is in stream-model-call.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CancelScope, type Cancellation } from '../cancellation.js';
import type { Clock } from '../clock.js';
import type { BackupModelRouter } from '../routing/backup-model-router.js';
import type { AttemptLog, CompletionResult } from '../routing/router-options.js';
import { budgetCostOf } from '../routing/cost.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { Attempt } from '../errors.js';
import type { Message } from '../types.js';
import { callerMayCall, type GatewayCaller } from './auth.js';
import { cacheStatusOf, requestedCacheUse } from './cache-control.js';
import type { GatewayLimits } from './gateway-limits-config.js';
import type { GatewayLogger } from './gateway-logger.js';
import { GatewayHttpError, invalidRequest } from './gateway-http-error.js';
import { compactAttempts, headerSafe, routingHeaders, sendError, sendJson, setRequestIdHeaders } from './http-responses.js';
import type { ModelResolver } from './model-resolver.js';
import type { GatewayRouteContext } from './route-table.js';
import type { GatewayCall, GatewayDialect } from './gateway-dialect.js';
import type { BodyBudget } from './request-body.js';
import { readModelRequestBody } from './read-model-request-body.js';
import type { StreamKeepAlive } from './stream-keep-alive.js';
import { streamModelCall } from './stream-model-call.js';
import { toErrorResponse } from './error-response.js';
import type { CallerQuota } from './caller-quota.js';

export interface ModelCallDependencies {
  readonly router: BackupModelRouter;
  readonly resolver: ModelResolver;
  readonly limits: GatewayLimits;
  readonly logger: GatewayLogger;
  readonly logPrompts: boolean;
  /** Pings streams that fall silent after their headers. */
  readonly keepAlive: StreamKeepAlive;
  /** Bytes of request bodies held at once, across calls. */
  readonly bodyBudget: BodyBudget;
  /** Keys' limits (requests a minute, spend a day) and their spend. */
  readonly quota: CallerQuota;
  /** Times a stream's `maxStreamDurationMs` while its client is not reading (the router times it otherwise). */
  readonly clock: Clock;
  /** A stream was cut at `maxStreamDurationMs` (its client reading or not): for the metrics. */
  readonly onStreamDurationCut?: (response: ServerResponse) => void;
}

/** What the per-call log line says, filled in as the call goes. */
export interface CallLogFields {
  id: string;
  /** The client's address (`GatewayRouteContext.clientAddress`: through a trusted proxy, the client it names). */
  clientAddress?: string | undefined;
  /** The gateway key's name (never the key), when the gateway has keys. */
  key?: string;
  requestedModel?: string;
  stream?: boolean;
  provider?: string;
  model?: string;
  attempts?: string;
  cached?: boolean;
  latencyMs?: number;
  timeToFirstTokenMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** The answer's price from the catalog, when known, and the estimated price of the attempts the call cancelled. */
  costUsd?: number;
  /**
   * `costUsd` is an estimate, or holds one: the stream ended before its usage came, the model has no price in
   * the catalog, or attempts were cancelled after their requests were sent (they lost a race, or the call ended).
   */
  costEstimated?: boolean;
  /** `cut_off`: a stream ended at a limit of the gateway's, `cutOffReason`, whether its client read it or not. */
  outcome?: 'success' | 'failure' | 'client_aborted' | 'rejected' | 'cut_off';
  /** Why the stream was cut off: `max_stream_duration`, it lasted `maxStreamDurationMs` (its client reading or not). */
  cutOffReason?: 'max_stream_duration';
  maxStreamDurationMs?: number;
  status?: number;
  errorCode?: string | null;
  prompt?: readonly Message[];
}

/**
 * Calls `onGone` once when the client closes the connection before the answer is finished, with the
 * reason to cancel by. Returns the function that stops listening.
 */
/**
 * A response the gateway destroyed itself (closing) before finishing it: its client is gone even when the
 * 'close' event that onClientGone listens for has not come yet.
 */
export function destroyedBeforeFinished(response: ServerResponse): boolean {
  return response.destroyed && !response.writableFinished;
}

export function onClientGone(response: ServerResponse, onGone: (reason: DOMException) => void): () => void {
  const onClose = (): void => {
    if (!response.writableFinished) onGone(new DOMException('The client closed the connection.', 'AbortError'));
  };
  response.once('close', onClose);
  return () => response.off('close', onClose);
}

export async function handleModelCall(
  request: IncomingMessage,
  response: ServerResponse,
  context: GatewayRouteContext & { readonly dependencies: ModelCallDependencies; readonly dialect: GatewayDialect },
): Promise<void> {
  const { dependencies, dialect } = context;
  const startedAtMs = Date.now();
  // Every line has the same fields in the same order (an undefined one is left out of the line).
  const log: CallLogFields = { id: dialect.newAnswerId(), clientAddress: context.clientAddress };
  // Every answer of the call carries its id, an error as much as a success: it names the call's log line.
  setRequestIdHeaders(response, log.id, dialect);
  const budget = dependencies.bodyBudget;
  let call: GatewayCall;
  const { caller } = context;
  if (caller.name !== undefined) log.key = caller.name;
  const held = { bytes: 0 };
  try {
    call = dialect.parseRequest(await readModelRequestBody(request, { caller, dependencies, held }), dependencies.resolver);
    if (!callerMayCall(caller, call.model.requested)) throw modelNotAllowed(caller, call.model.requested);
    // A key past its limits is refused before any upstream call; a request the gateway refuses itself
    // (too large, invalid, the gateway too busy) costs it nothing: the router's own checks come first.
    if (caller.limits !== undefined) {
      if (caller.limits.requestsPerMinute !== undefined) dependencies.router.validate(call.messages, call.options);
      setHeaders(response, await dependencies.quota.admit(caller));
    }
  } catch (error) {
    budget.give(held.bytes, caller.quotaId);
    log.status = sendError(response, error, dialect);
    log.outcome = 'rejected';
    log.errorCode = toErrorResponse(error).body.error.code;
    drainRefusedBody(request, { status: log.status, errorCode: log.errorCode, heldBytes: held.bytes });
    writeLog(dependencies, dialect, log, startedAtMs);
    return;
  }
  log.requestedModel = call.model.requested;
  log.stream = call.stream;
  if (dependencies.logPrompts) log.prompt = call.messages;

  try {
    if (call.stream) {
      // Cancelled through the stream itself when the client leaves: no AbortSignal on a stream's path.
      await streamModelCall({ response, call, caller: context.caller, dependencies, dialect, log });
    } else {
      // A CancelScope, not an AbortController: the router takes either, and this one costs no AbortSignal.
      const clientScope = new CancelScope();
      const cacheUse = requestedCacheUse(request.headers['cache-control']);
      if (cacheUse !== undefined) call.options.cache = cacheUse;
      const stopListening = onClientGone(response, (reason) => clientScope.abort(reason));
      try {
        await completeModelCall({ response, call, caller: context.caller, router: dependencies.router, dialect, clientScope, log, startedAtMs });
      } finally {
        stopListening();
      }
    }
  } finally {
    // The call's body (and what was made of it) is let go: its bytes go back to the budget.
    budget.give(held.bytes, caller.quotaId);
    if (log.costUsd !== undefined) dependencies.quota.recordSpend(caller, log.costUsd);
    writeLog(dependencies, dialect, log, startedAtMs);
  }
}

/** A 403 naming what the key may call instead (names from the configuration, never the key). */
export function modelNotAllowed(caller: GatewayCaller, model: string): GatewayHttpError {
  return new GatewayHttpError({
    status: 403,
    type: 'invalid_request_error',
    code: 'model_not_allowed',
    param: 'model',
    message: `The key "${caller.name ?? ''}" may not call the model '${model.slice(0, 200)}'; it may call: ${(caller.models ?? []).join(', ')}.`,
  });
}

function setHeaders(response: ServerResponse, headers: Readonly<Record<string, string>> | undefined): void {
  if (headers === undefined) return;
  for (const name in headers) response.setHeader(name, headers[name]!);
}

/**
 * After a refusal, let the rest of a body the gateway did not read drain (never for long), so the client
 * reads the answer: one too large (413), one there was no room for (`gateway_busy`), or a key's refused
 * before its body was read (429).
 */
export function drainRefusedBody(
  request: IncomingMessage,
  refusal: { readonly status: number; readonly errorCode: string | null | undefined; readonly heldBytes: number },
): void {
  if (refusal.status === 413 || refusal.errorCode === 'gateway_busy' || (refusal.status === 429 && refusal.heldBytes === 0)) discardRest(request);
}

function discardRest(request: IncomingMessage): void {
  const timer = setTimeout(() => request.socket.destroy(), 5_000);
  timer.unref();
  request.once('end', () => clearTimeout(timer));
  request.once('close', () => clearTimeout(timer));
  request.resume();
}

async function completeModelCall(options: {
  readonly response: ServerResponse;
  readonly call: GatewayCall;
  readonly caller: GatewayCaller;
  readonly router: BackupModelRouter;
  readonly dialect: GatewayDialect;
  readonly clientScope: Cancellation;
  readonly log: CallLogFields;
  readonly startedAtMs: number;
}): Promise<void> {
  const { response, call, log, clientScope } = options;
  let result: CompletionResult;
  // Where the router leaves the call's attempts: a client that left gets its own abort back, which carries
  // none, and the attempts sent meanwhile are billed all the same. The router takes it in place of its own.
  const attemptLog: AttemptLog = { attempts: undefined };
  try {
    const completeOptions = call.options;
    completeOptions.signal = clientScope;
    completeOptions.cacheScope = options.caller.cacheScope;
    completeOptions.attemptLog = attemptLog;
    result = await options.router.complete(call.messages, completeOptions);
  } catch (error) {
    const clientGone = clientScope.aborted || destroyedBeforeFinished(response);
    if (!clientGone) log.status = sendError(response, error, options.dialect);
    let attempts = attemptsOf(error) ?? attemptLog.attempts;
    if (attemptLog.pricedLater !== undefined) {
      // It left a call that identical requests joined and still wait on: that call's attempts are priced as it
      // ends, and are this request's to pay unless one of those took the call over. The client has had its
      // answer (if it is still there); the line, and the key's charge, wait for that share.
      log.latencyMs = Date.now() - options.startedAtMs;
      await attemptLog.pricedLater;
      attempts = attemptLog.attempts;
    }
    recordFailure(log, error, { clientGone, attempts });
    recordCancelledAttemptsCost(log, attempts);
    return;
  }
  // Those of an answer from the cache, or shared with an identical call in flight, are another call's.
  if (!result.cached) recordCancelledAttemptsCost(log, result.attempts);
  if (clientScope.aborted) {
    log.outcome = 'client_aborted';
    // The answer came, and was paid for, even if no one reads it.
    recordCost(log, result, options.router.providers);
    return;
  }
  recordResult(log, result, options.router.providers);
  const body = options.dialect.answerBody(result, { id: log.id, createdSeconds: Math.floor(Date.now() / 1000) }, call);
  // By assignment: computed keys in a literal make V8 build the object the slow way, on every answer. The
  // request id headers are on the response already (handleModelCall).
  const headers: Record<string, string | number> = {};
  headers[routingHeaders.provider] = headerSafe(result.provider);
  headers[routingHeaders.model] = headerSafe(result.model);
  headers[routingHeaders.attempts] = result.cached ? 'cache:hit' : (log.attempts ?? '');
  headers[routingHeaders.cache] = cacheStatusOf(result.cached, call.options.cache);
  sendJson(response, 200, body, headers);
  log.status = 200;
  log.outcome = 'success';
}

export function recordResult(
  log: CallLogFields,
  result: CompletionResult & { readonly timeToFirstTokenMs?: number },
  providers: readonly ModelProvider[],
): void {
  log.provider = result.provider;
  log.model = result.model;
  log.attempts = compactAttempts(result.attempts);
  log.cached = result.cached;
  log.inputTokens = result.usage?.inputTokens;
  log.outputTokens = result.usage?.outputTokens;
  recordCost(log, result, providers);
  if (result.timeToFirstTokenMs !== undefined) log.timeToFirstTokenMs = result.timeToFirstTokenMs;
}

/**
 * What an answer cost, for the log line and the key's daily budget: the catalog's price, or for a model it
 * has no price for an estimate at its provider's dearest price (budgetCostOf), marked `costEstimated`, so an
 * unpriced model never spends a budget for free. An answer from the cache, or shared with an identical call
 * in flight, costs nothing.
 */
function recordCost(log: CallLogFields, result: CompletionResult, providers: readonly ModelProvider[]): void {
  if (result.cached) return;
  if (result.costUsd !== undefined) {
    if (result.costUsd > 0) addCost(log, result.costUsd, false);
    return;
  }
  const definition = providers.find((provider) => provider.id === result.provider)?.definition;
  const charge = budgetCostOf(definition, result.model, result.usage);
  if (charge === undefined || charge.usd <= 0) return;
  addCost(log, charge.usd, true);
}

/**
 * What the attempts a call cancelled after their requests were sent cost (`estimatedCostUsd`: they lost a race,
 * or the call ended), added to its log line's cost, and so to its key's day and spend, as an estimate: their
 * providers bill them though nobody read their answers.
 */
export function recordCancelledAttemptsCost(log: CallLogFields, attempts: readonly Attempt[] | undefined): void {
  if (attempts === undefined) return;
  for (const attempt of attempts) if (attempt.estimatedCostUsd !== undefined) addCost(log, attempt.estimatedCostUsd, true);
}

/** Add `usd` to the log line's cost; an estimate marks the whole cost estimated. */
export function addCost(log: CallLogFields, usd: number, estimated: boolean): void {
  log.costUsd = (log.costUsd ?? 0) + usd;
  if (estimated) log.costEstimated = true;
}

/** The attempts an error of the router carries (AllProvidersFailedError, DeadlineExceededError), if any. */
function attemptsOf(error: unknown): readonly Attempt[] | undefined {
  const attempts = (error as { attempts?: readonly Attempt[] } | null)?.attempts;
  return Array.isArray(attempts) ? attempts : undefined;
}

export function recordFailure(
  log: CallLogFields,
  error: unknown,
  context: {
    readonly clientGone: boolean;
    /** The call's attempts when its error carries none (the client's own abort); default the error's. */
    readonly attempts?: readonly Attempt[] | undefined;
  },
): void {
  const attempts = context.attempts ?? attemptsOf(error);
  if (attempts !== undefined) log.attempts = compactAttempts(attempts);
  if (context.clientGone) {
    log.outcome = 'client_aborted';
    return;
  }
  const { status, body } = toErrorResponse(error);
  log.outcome = 'failure';
  log.status = status;
  log.errorCode = body.error.code;
}

function writeLog(dependencies: ModelCallDependencies, dialect: GatewayDialect, log: CallLogFields, startedAtMs: number): void {
  // Set already when the line waited, after the call ended, for its share of a shared call's price.
  log.latencyMs ??= Date.now() - startedAtMs;
  // A stream cut off is the gateway letting go of a connection it would otherwise hold, as a send timeout.
  const level = (log.status !== undefined && log.status >= 500) || log.outcome === 'cut_off' ? 'warn' : 'info';
  dependencies.logger[level](log, dialect.logMessage);
}
