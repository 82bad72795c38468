/**
 * `POST /v1/messages/count_tokens` (Anthropic's SDKs' `messages.countTokens`, which Claude Code calls for its
 * context accounting): the body is read and checked as a Messages request is (it takes no `max_tokens`), and
 * answered here with an estimate (estimate-input-tokens.ts), `{ "input_tokens": n }`. No upstream call, so it
 * spends nothing of a key's limits, but a key already past them is refused as for a call; a key limited to
 * some models may count only for those. One log line each, as for a call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callerMayCall } from '../auth.js';
import { sendError, sendJson } from '../http-responses.js';
import { toErrorResponse } from '../error-response.js';
import { drainRefusedBody, modelNotAllowed, type ModelCallDependencies } from '../model-call-handler.js';
import { readModelRequestBody } from '../read-model-request-body.js';
import type { GatewayRouteContext } from '../route-table.js';
import { isRecord } from '../../json-value.js';
import { anthropicMessagesDialect } from './anthropic-dialect.js';
import { estimateInputTokens } from './estimate-input-tokens.js';
import { parseMessagesRequest } from './parse-messages-request.js';

export async function handleCountTokens(
  request: IncomingMessage,
  response: ServerResponse,
  context: GatewayRouteContext & { readonly dependencies: ModelCallDependencies },
): Promise<void> {
  const { caller, dependencies } = context;
  const startedAtMs = Date.now();
  const log: {
    clientAddress: string | undefined;
    key?: string;
    requestedModel?: string;
    inputTokens?: number;
    status?: number;
    errorCode?: string | null;
    error?: string;
    latencyMs?: number;
  } = { clientAddress: context.clientAddress };
  if (caller.name !== undefined) log.key = caller.name;
  const held = { bytes: 0 };
  try {
    const body = await readModelRequestBody(request, { caller, dependencies, held });
    // Checked as the Messages request it counts; it has no max_tokens of its own.
    const call = parseMessagesRequest(isRecord(body) ? { ...body, max_tokens: 1 } : body, dependencies.resolver);
    log.requestedModel = call.model.requested;
    if (!callerMayCall(caller, call.model.requested)) throw modelNotAllowed(caller, call.model.requested);
    const inputTokens = await estimateInputTokens({ model: call.model.requested, messages: call.messages, tools: call.options.tools });
    sendJson(response, 200, JSON.stringify({ input_tokens: inputTokens }));
    log.inputTokens = inputTokens;
    log.status = 200;
  } catch (error) {
    log.status = sendError(context.answer, error, anthropicMessagesDialect);
    log.errorCode = toErrorResponse(error).body.error.code;
    // What failed inside the gateway (the tokenizer not loading, say): its class and code, never a request's text.
    if (log.status >= 500) log.error = error instanceof Error ? `${error.name}${'code' in error ? ` ${String(error.code)}` : ''}` : typeof error;
    drainRefusedBody(request, { status: log.status, errorCode: log.errorCode, heldBytes: held.bytes });
  } finally {
    dependencies.bodyBudget.give(held.bytes, caller.quotaId);
  }
  log.latencyMs = Date.now() - startedAtMs;
  dependencies.logger[log.status !== undefined && log.status >= 500 ? 'warn' : 'info'](log, 'messages.count_tokens');
}
