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
import { callerMayCall, type GatewayCaller } from './auth.js';
import { cacheStatusOf, requestedCacheUse } from './cache-control.js';
import type { GatewayLimits } from './gateway-limits-config.js';
import type { GatewayLogger, LineWriter } from './gateway-logger.js';
import { GatewayHttpError, invalidRequest } from './gateway-http-error.js';
import type { GatewayAnswer } from './gateway-answer.js';
import { attemptsOf, sendError, sendJson, servedAnswerHeaders } from './http-responses.js';
import type { ModelResolver } from './model-resolver.js';
import type { GatewayRouteContext } from './route-table.js';
import type { GatewayCall, GatewayDialect } from './gateway-dialect.js';
import type { BodyBudget } from './request-body.js';
import { readModelRequestBody } from './read-model-request-body.js';
import type { StreamKeepAlive } from './stream-keep-alive.js';
import { streamModelCall } from './stream-model-call.js';
import { toErrorResponse } from './error-response.js';
import type { CallerQuota } from './caller-quota.js';
import { type CallLogFields, recordCancelledAttemptsCost, recordCost, recordFailure, recordResult } from './call-log.js';
import { destroyedBeforeFinished } from './client-gone.js';

export interface ModelCallDependencies {
  readonly router: BackupModelRouter;
  readonly resolver: ModelResolver;
  readonly limits: GatewayLimits;
  readonly logger: GatewayLogger;
  /** Writes a call's log line (`createLineWriter` of `logger`, over `callLogKeys`). */
  readonly writeCallLine: LineWriter<CallLogFields>;
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

export async function handleModelCall(
  request: IncomingMessage,
  response: ServerResponse,
  context: GatewayRouteContext & { readonly dependencies: ModelCallDependencies; readonly dialect: GatewayDialect },
): Promise<void> {
  const { dependencies, dialect, answer } = context;
  const startedAtMs = Date.now();
  // Every line has the same fields in the same order (an undefined one is left out of the line).
  const log: CallLogFields = { id: dialect.newAnswerId(), clientAddress: context.clientAddress };
  // Every answer of the call carries its id, an error as much as a success: it names the call's log line.
  answer.name(log.id, dialect);
  const budget = dependencies.bodyBudget;
  let call: GatewayCall;
  const { caller } = context;
  if (caller.name !== undefined) log.key = caller.name;
  const held = { bytes: 0 };
  try {
    const body = await readModelRequestBody(request, { caller, dependencies, held });
    call = dialect.parseRequest(dialect.resolveBody === undefined ? body : await dialect.resolveBody(body, caller), dependencies.resolver);
    if (!callerMayCall(caller, call.model.requested)) throw modelNotAllowed(caller, call.model.requested);
    // A key past its limits is refused before any upstream call; a request the gateway refuses itself
    // (too large, invalid, the gateway too busy) costs it nothing: the router's own checks come first.
    if (caller.limits !== undefined) {
      if (caller.limits.requestsPerMinute !== undefined) dependencies.router.validate(call.messages, call.options);
      answer.quotaHeaders = await dependencies.quota.admit(caller);
    }
  } catch (error) {
    budget.give(held.bytes, caller.quotaId);
    log.status = sendError(answer, error, dialect);
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
      await streamModelCall({ answer, call, caller: context.caller, dependencies, dialect, log });
    } else {
      // A CancelScope, not an AbortController: the router takes either, and this one costs no AbortSignal.
      const clientScope = new CancelScope();
      const cacheUse = requestedCacheUse(request.headers['cache-control']);
      if (cacheUse !== undefined) call.options.cache = cacheUse;
      answer.cancelOnClientGone = clientScope;
      try {
        await completeModelCall({ answer, call, caller: context.caller, router: dependencies.router, dialect, clientScope, log, startedAtMs });
      } finally {
        answer.cancelOnClientGone = undefined;
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
  readonly answer: GatewayAnswer;
  readonly call: GatewayCall;
  readonly caller: GatewayCaller;
  readonly router: BackupModelRouter;
  readonly dialect: GatewayDialect;
  readonly clientScope: Cancellation;
  readonly log: CallLogFields;
  readonly startedAtMs: number;
}): Promise<void> {
  const { answer, call, log, clientScope } = options;
  const { response } = answer;
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
    if (!clientGone) log.status = sendError(answer, error, options.dialect);
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
  const createdSeconds = Math.floor(Date.now() / 1000);
  const body = options.dialect.answerBody(result, { id: log.id, createdSeconds }, call);
  // Kept before it is sent: the client's next request may name it at once.
  if (call.keepAnswer !== undefined && options.dialect.keepAnswer !== undefined) {
    await options.dialect.keepAnswer({ caller: options.caller, call, id: log.id, createdSeconds, result });
  }
  // After the id and a key's rate-limit headers (servedAnswerHeaders), in the one writeHead of the answer.
  sendJson(response, 200, body, servedAnswerHeaders(answer, result, log.attempts, cacheStatusOf(result.cached, call.options.cache)));
  log.status = 200;
  log.outcome = 'success';
}

function writeLog(dependencies: ModelCallDependencies, dialect: GatewayDialect, log: CallLogFields, startedAtMs: number): void {
  // Set already when the line waited, after the call ended, for its share of a shared call's price.
  log.latencyMs ??= Date.now() - startedAtMs;
  // A stream cut off is the gateway letting go of a connection it would otherwise hold, as a send timeout.
  const level = (log.status !== undefined && log.status >= 500) || log.outcome === 'cut_off' ? 'warn' : 'info';
  dependencies.writeCallLine(level, log, dialect.logMessage);
}
