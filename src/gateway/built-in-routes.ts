/**
 * The gateway's own routes: the three model-call APIs, the Responses API's kept responses, OpenAI's embeddings, Anthropic's token count, the models list,
 * a key's own usage, the operator's health and metrics, and the connectivity probes of clients. Built once at start;
 * each handler closes over what it reads.
 */
import type { ServerResponse } from 'node:http';
import { handleCountTokens } from './anthropic-messages/count-tokens-handler.js';
import { anthropicMessagesDialect } from './anthropic-messages/anthropic-dialect.js';
import { callerMayCall } from './auth.js';
import type { GatewayDialect } from './gateway-dialect.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { GatewayHttpError } from './gateway-http-error.js';
import { sendError, sendJson } from './http-responses.js';
import { handleModelCall, type ModelCallDependencies } from './model-call-handler.js';
import { anthropicModelBody, anthropicModelsListBody, type ConfiguredModelsList, modelBody, modelsListBody, servedByAny } from './models-list.js';
import { openAIChatDialect } from './openai-dialect.js';
import { handleEmbeddings } from './openai-embeddings/embeddings-handler.js';
import { modelNotFound } from './request-fields.js';
import { storedResponseRoutes } from './openai-responses/stored-response-routes.js';
import type { StoredResponses } from './openai-responses/stored-responses.js';
import type { GatewayRoute } from './route-table.js';

/** A probe's answer: 200 and no body. */
function sendEmpty(response: ServerResponse): void {
  response.writeHead(200, { 'content-length': 0 });
  response.end();
}

/** A 503 for metrics that could not be gathered: the scraper tries again at its next interval. */
function metricsUnavailable(error: unknown): GatewayHttpError {
  const reason = error instanceof Error ? error.message : String(error);
  return new GatewayHttpError({ status: 503, type: 'api_error', code: 'metrics_unavailable', message: `The metrics could not be gathered: ${reason}` });
}

/** A path segment's model id, percent-decoded (`openai%2Fgpt-4o-mini` too); undefined when it is not valid. */
function modelIdOf(segment: string): string | undefined {
  try {
    const id = decodeURIComponent(segment);
    return id.length > 0 && id.length <= 256 ? id : undefined;
  } catch {
    return undefined;
  }
}

export function builtInRoutes(options: {
  readonly dependencies: ModelCallDependencies;
  readonly models: ConfiguredModelsList;
  readonly metrics: GatewayMetrics;
  /** The `created` of every model the lists show. */
  readonly createdSeconds: number;
  /** The Responses API's, keeping the items it answers or not (`storedResponses`). */
  readonly responsesDialect: GatewayDialect;
  /** The responses it keeps, for GET and DELETE /v1/responses/{id}; undefined when it keeps none. */
  readonly storedResponses: StoredResponses | undefined;
}): GatewayRoute[] {
  const { dependencies, models, metrics, createdSeconds, responsesDialect, storedResponses } = options;
  const { router, resolver, quota } = dependencies;
  const providerIdSet = new Set(router.providers.map((provider) => provider.id));
  return [
    {
      method: 'POST',
      path: '/v1/chat/completions',
      metricsName: 'chat_completions',
      handle: (request, response, context) =>
        handleModelCall(request, response, { caller: context.caller, clientAddress: context.clientAddress, answer: context.answer, dependencies, dialect: openAIChatDialect }),
    },
    {
      method: 'POST',
      path: '/v1/responses',
      metricsName: 'responses',
      handle: (request, response, context) =>
        handleModelCall(request, response, { caller: context.caller, clientAddress: context.clientAddress, answer: context.answer, dependencies, dialect: responsesDialect }),
    },
    ...storedResponseRoutes(storedResponses),
    {
      method: 'POST',
      path: '/v1/embeddings',
      metricsName: 'embeddings',
      handle: (request, response, context) => handleEmbeddings(request, response, { caller: context.caller, clientAddress: context.clientAddress, answer: context.answer, dependencies }),
    },
    {
      method: 'POST',
      path: '/v1/messages',
      metricsName: 'messages',
      errorDialect: anthropicMessagesDialect,
      handle: (request, response, context) =>
        handleModelCall(request, response, { caller: context.caller, clientAddress: context.clientAddress, answer: context.answer, dependencies, dialect: anthropicMessagesDialect }),
    },
    {
      method: 'POST',
      path: '/v1/messages/count_tokens',
      metricsName: 'messages_count_tokens',
      errorDialect: anthropicMessagesDialect,
      handle: (request, response, context) => handleCountTokens(request, response, { caller: context.caller, clientAddress: context.clientAddress, answer: context.answer, dependencies }),
    },
    {
      method: 'GET',
      path: '/v1/models',
      metricsName: 'models',
      // Anthropic's clients name their API version on every request; they read the list in their shape. A key
      // with an allowlist sees the models it may call.
      handle: (request, response, context) => {
        const anthropic = request.headers['anthropic-version'] !== undefined;
        const { caller } = context;
        const listed = models.current();
        if (caller.models === undefined) {
          sendJson(response, 200, anthropic ? listed.anthropicBody : listed.openAIBody);
          return;
        }
        const listOptions = { ...listed.options, allows: (id: string) => callerMayCall(caller, id) };
        sendJson(response, 200, anthropic ? anthropicModelsListBody(listOptions) : modelsListBody(listOptions));
      },
    },
    {
      // GET /v1/models/{id}: the id is the rest of the path (provider/model holds slashes). A model a call may
      // name (the resolver's answer) that a configured provider serves exists; any other is a 404 in the
      // client's API's shape.
      method: 'GET',
      path: '/v1/models/',
      prefix: true,
      metricsName: 'models_retrieve',
      handle: (request, response, context) => {
        const anthropic = request.headers['anthropic-version'] !== undefined;
        const id = modelIdOf((request.url ?? '').split('?')[0]!.slice('/v1/models/'.length));
        const model = id === undefined ? undefined : resolver.resolve(id);
        if (id === undefined || model === undefined || !servedByAny(model, models.current().configured) || !callerMayCall(context.caller, id)) {
          sendError(context.answer, modelNotFound(id ?? ''), anthropic ? anthropicMessagesDialect : undefined);
          return;
        }
        sendJson(response, 200, anthropic ? anthropicModelBody(id, { createdSeconds }) : modelBody(id, { providerIds: providerIdSet, createdSeconds }));
      },
    },
    {
      // The caller's own key: its name, limits and what it has used of them (as OpenRouter's GET /api/v1/key).
      method: 'GET',
      path: '/v1/key',
      metricsName: 'key',
      handle: async (_request, response, context) => {
        const { caller } = context;
        const usage = await quota.usage(caller);
        sendJson(response, 200, JSON.stringify({ name: caller.name ?? null, limits: caller.limits ?? {}, usage }));
      },
    },
    {
      // For operators: it sums every key's calls and spend per provider, so a tenant taking its own usage
      // (GET /v1/key) from it would learn the others'.
      method: 'GET',
      path: '/health',
      admin: true,
      metricsName: 'health',
      handle: (_request, response) => sendJson(response, 200, JSON.stringify(router.getHealthStatus())),
    },
    { method: 'GET', path: '/livez', public: true, metricsName: 'livez', handle: (_request, response) => sendJson(response, 200, '{"status":"ok"}') },
    // Claude Code's connectivity probes of its ANTHROPIC_BASE_URL, sent without a key: `HEAD /` (headroomlabs-ai/headroom#2032,
    // where a 405 read as the endpoint down) and `/api/hello`, Anthropic's own probe path (router-for-me/CLIProxyAPI#5905;
    // GET in older versions, anthropics/claude-code#2256). Answered as liveness is; they tell nothing a 401 would not.
    { method: 'HEAD', path: '/', public: true, metricsName: 'probe', handle: (_request, response) => sendEmpty(response) },
    { method: 'HEAD', path: '/api/hello', public: true, metricsName: 'probe', handle: (_request, response) => sendEmpty(response) },
    { method: 'GET', path: '/api/hello', public: true, metricsName: 'probe', handle: (_request, response) => sendJson(response, 200, '{"status":"ok"}') },
    {
      method: 'GET',
      path: '/metrics',
      admin: true,
      metricsName: 'metrics',
      handle: async (_request, response, context) => {
        let text: string;
        try {
          text = await metrics.metrics();
        } catch (error) {
          // Only a gathering across workers (serve --workers) fails: a worker that did not answer in time.
          sendError(context.answer, metricsUnavailable(error));
          return;
        }
        response.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
        response.end(text);
      },
    },
  ];
}
