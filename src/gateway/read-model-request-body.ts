/**
 * What a request for a model passes before its body is translated, whichever route it came by (a call, a
 * token count): no header naming an upstream, a key not already past its limits (refused before its body is
 * held), a body within the size limits and the shared body budget, parsed as JSON within the depth limit.
 */
import type { IncomingMessage } from 'node:http';
import type { GatewayCaller } from './auth.js';
import { invalidRequest } from './gateway-http-error.js';
import type { ModelCallDependencies } from './model-call-handler.js';
import { parseJsonBody, readRequestBody } from './request-body.js';
import { findUpstreamSelectorHeader } from './request-fields.js';

/**
 * The body, parsed. `held.bytes` says what it holds of the body budget, to give back once done (also on a
 * rejection). Not an async function: on the common path (a key without limits) the body's own promise is the
 * answer, parsed as the body ends, with no promise or turn of the event loop of its own.
 */
export function readModelRequestBody(
  request: IncomingMessage,
  context: { readonly caller: GatewayCaller; readonly dependencies: ModelCallDependencies; readonly held: { bytes: number } },
): Promise<unknown> {
  const selectorHeader = findUpstreamSelectorHeader(request.headers);
  if (selectorHeader) {
    return Promise.reject(invalidRequest(`The header ${selectorHeader} is not accepted: the upstream is chosen by the gateway's configuration only.`));
  }
  const { caller, dependencies } = context;
  if (caller.limits !== undefined) return dependencies.quota.precheck(caller).then(() => readParsedBody(request, context));
  return readParsedBody(request, context);
}

function readParsedBody(
  request: IncomingMessage,
  context: { readonly caller: GatewayCaller; readonly dependencies: ModelCallDependencies; readonly held: { bytes: number } },
): Promise<unknown> {
  const { limits, bodyBudget } = context.dependencies;
  return readRequestBody(request, {
    maxBytes: limits.maxBodyBytes,
    budget: bodyBudget,
    holder: context.caller.quotaId,
    held: context.held,
    decode: (bytes) => parseJsonBody(bytes, { maxDepth: limits.maxJsonDepth }),
  });
}
