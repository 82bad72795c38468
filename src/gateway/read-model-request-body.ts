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

/** The body, parsed. `held.bytes` says what it holds of the body budget, to give back once done (also on a throw). */
export async function readModelRequestBody(
  request: IncomingMessage,
  context: { readonly caller: GatewayCaller; readonly dependencies: ModelCallDependencies; readonly held: { bytes: number } },
): Promise<unknown> {
  const { caller, dependencies, held } = context;
  const selectorHeader = findUpstreamSelectorHeader(Object.keys(request.headers));
  if (selectorHeader) {
    throw invalidRequest(`The header ${selectorHeader} is not accepted: the upstream is chosen by the gateway's configuration only.`);
  }
  if (caller.limits !== undefined) await dependencies.quota.precheck(caller);
  const bytes = await readRequestBody(request, { maxBytes: dependencies.limits.maxBodyBytes, budget: dependencies.bodyBudget, holder: caller.quotaId });
  held.bytes = bytes.length;
  return parseJsonBody(bytes, { maxDepth: dependencies.limits.maxJsonDepth });
}
