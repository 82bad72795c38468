/**
 * `POST /v1/embeddings` in OpenAI's shape (`client.embeddings.create`), answered by the router's `embed` like a chat
 * call is answered: the key's allowlist and limits (a request refused before its body is read costs nothing), the
 * caller's cache scope and `Cache-Control`, a cancellation tied to the client's connection, the answer's price
 * charged to the key, the routing headers, and one log line (`embeddings`). Errors in OpenAI's shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CancelScope } from '../../cancellation.js';
import type { EmbeddingResult } from '../../routing/embedding-options.js';
import type { AttemptLog } from '../../routing/router-options.js';
import { callerMayCall } from '../auth.js';
import { cacheStatusOf, requestedCacheUse } from '../cache-control.js';
import { type CallLogFields, recordCancelledAttemptsCost, recordEmbeddingResult, recordFailure } from '../call-log.js';
import { destroyedBeforeFinished } from '../client-gone.js';
import { toErrorResponse } from '../error-response.js';
import { attemptsOf, newRequestId, sendError, sendJson, servedAnswerHeaders } from '../http-responses.js';
import { drainRefusedBody, modelNotAllowed, type ModelCallDependencies } from '../model-call-handler.js';
import { readModelRequestBody } from '../read-model-request-body.js';
import type { GatewayRouteContext } from '../route-table.js';
import { embeddingsAnswerBody } from './embeddings-response.js';
import { type EmbeddingsGatewayCall, parseEmbeddingsRequest } from './parse-embeddings-request.js';

/** The message of each embedding call's log line. */
export const embeddingsLogMessage = 'embeddings';

export async function handleEmbeddings(
  request: IncomingMessage,
  response: ServerResponse,
  context: GatewayRouteContext & { readonly dependencies: ModelCallDependencies },
): Promise<void> {
  const { caller, dependencies, answer } = context;
  const startedAtMs = Date.now();
  const log: CallLogFields = { id: newRequestId(), clientAddress: context.clientAddress };
  answer.name(log.id);
  if (caller.name !== undefined) log.key = caller.name;
  const held = { bytes: 0 };
  let call: EmbeddingsGatewayCall;
  try {
    call = parseEmbeddingsRequest(await readModelRequestBody(request, { caller, dependencies, held }), dependencies.resolver);
    log.requestedModel = call.requested;
    if (!callerMayCall(caller, call.requested)) throw modelNotAllowed(caller, call.requested);
    // A request the gateway or the router refuses itself costs the key nothing: checked before it is counted.
    if (caller.limits !== undefined) {
      if (caller.limits.requestsPerMinute !== undefined) dependencies.router.validateEmbed(call.input, call.options);
      answer.quotaHeaders = await dependencies.quota.admit(caller);
    }
  } catch (error) {
    dependencies.bodyBudget.give(held.bytes, caller.quotaId);
    log.status = sendError(answer, error);
    log.outcome = 'rejected';
    log.errorCode = toErrorResponse(error).body.error.code;
    drainRefusedBody(request, { status: log.status, errorCode: log.errorCode, heldBytes: held.bytes });
    writeLine(dependencies, log, startedAtMs);
    return;
  }
  const clientScope = new CancelScope();
  answer.cancelOnClientGone = clientScope;
  try {
    await embed({ request, response, call, context, clientScope, log });
  } finally {
    answer.cancelOnClientGone = undefined;
    dependencies.bodyBudget.give(held.bytes, caller.quotaId);
    if (log.costUsd !== undefined) dependencies.quota.recordSpend(caller, log.costUsd);
    writeLine(dependencies, log, startedAtMs);
  }
}

async function embed(options: {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly call: EmbeddingsGatewayCall;
  readonly context: GatewayRouteContext & { readonly dependencies: ModelCallDependencies };
  readonly clientScope: CancelScope;
  readonly log: CallLogFields;
}): Promise<void> {
  const { request, response, call, context, clientScope, log } = options;
  const { router } = context.dependencies;
  const cacheUse = requestedCacheUse(request.headers['cache-control']);
  const embedOptions = call.options;
  if (cacheUse !== undefined) embedOptions.cache = cacheUse;
  embedOptions.signal = clientScope;
  embedOptions.cacheScope = context.caller.cacheScope;
  // Where the router leaves the attempts of a call its client left (its own abort carries none): they are billed.
  const attemptLog: AttemptLog = { attempts: undefined };
  embedOptions.attemptLog = attemptLog;
  let result: EmbeddingResult;
  try {
    result = await router.embed(call.input, embedOptions);
  } catch (error) {
    const clientGone = clientScope.aborted || destroyedBeforeFinished(response);
    if (!clientGone) log.status = sendError(context.answer, error);
    const attempts = attemptsOf(error) ?? attemptLog.attempts;
    recordFailure(log, error, { clientGone, attempts });
    recordCancelledAttemptsCost(log, attempts);
    return;
  }
  if (!result.cached) recordCancelledAttemptsCost(log, result.attempts);
  recordEmbeddingResult(log, result, { providers: router.providers, inputs: call.input });
  if (clientScope.aborted) {
    log.outcome = 'client_aborted';
    return;
  }
  const headers = servedAnswerHeaders(context.answer, result, log.attempts, cacheStatusOf(result.cached, embedOptions.cache));
  sendJson(response, 200, embeddingsAnswerBody(result, call.encodingFormat), headers);
  log.status = 200;
  log.outcome = 'success';
}

function writeLine(dependencies: ModelCallDependencies, log: CallLogFields, startedAtMs: number): void {
  log.latencyMs = Date.now() - startedAtMs;
  dependencies.writeCallLine(log.status !== undefined && log.status >= 500 ? 'warn' : 'info', log, embeddingsLogMessage);
}
