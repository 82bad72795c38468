/**
 * A SERVER span per gateway request (OpenTelemetry's HTTP server conventions), continuing the caller's W3C
 * `traceparent`/`tracestate`: the request's handler runs with the span active, so the router's call and attempt
 * spans (instrumentRouter) are its children. Only the route, method, path, status, request id and the key's
 * *name* are written: never a key, never a prompt or an answer (GenAI's conventions make content opt-in).
 * Built only when the gateway is given `tracing`; without it the dispatcher's handler is used as it is.
 *
 * The caller's trace context is not sent on to the providers (no HTTP client instrumentation injects it either):
 * none of them documents reading `traceparent`, their spans would not reach the caller's backend anyway, and the
 * trace id would tell a third party which of a caller's requests belong together. The attempt spans stand for them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Attributes,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapPropagator,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { instrumentRouter, type RouterEventSource } from '../telemetry/instrument-router.js';
import type { GatewayCaller } from './auth.js';
import type { GatewayAnswer } from './gateway-answer.js';
import type { RouteTable } from './route-table.js';

export interface GatewayTracing {
  /** Where the request spans (and the router's call and attempt spans) go. */
  readonly tracer: Tracer;
  /** Reads the caller's trace context from the request's headers: W3C Trace Context (`traceparent`, `tracestate`). */
  readonly propagator: TextMapPropagator;
}

/** Attribute names of the HTTP server conventions we set, and ours. */
export const RequestSpanAttribute = {
  method: 'http.request.method',
  route: 'http.route',
  statusCode: 'http.response.status_code',
  path: 'url.path',
  scheme: 'url.scheme',
  errorType: 'error.type',
  /** The name the configuration gives the caller's key (`keyPolicies`); never the key. */
  keyName: 'backup_models.gateway.key_name',
  /** The answer's `x-request-id`, which names the call's log line. */
  requestId: 'backup_models.gateway.request_id',
} as const;

type RequestHandler = (request: IncomingMessage, answer: GatewayAnswer) => Promise<void>;

export interface RequestTracer {
  /** The handler that runs `handle` for each request inside the request's own SERVER span, its route named from `routes`. */
  readonly wrap: (handle: RequestHandler, routes: RouteTable) => RequestHandler;
  /** Told the caller once its key is verified: its key's name goes on the request's span. */
  readonly onCaller: (response: ServerResponse, caller: GatewayCaller) => void;
  /** Trace a router's calls and attempts (instrumentRouter), children of the request spans they serve. Returns the stop. */
  readonly traceRouter: (router: RouterEventSource) => () => void;
}

const headerGetter: TextMapGetter<IncomingMessage['headers']> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key],
};

/** What makes each request a SERVER span. */
export function createRequestTracer(options: { readonly tracing: GatewayTracing }): RequestTracer {
  const { tracer, propagator } = options.tracing;
  const spanByResponse = new WeakMap<ServerResponse, Span>();
  return {
    wrap: (handle, routes) => (request, answer) => {
      const { response } = answer;
      const parent = propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
      const method = request.method ?? 'GET';
      const url = request.url ?? '/';
      const queryIndex = url.indexOf('?');
      const path = queryIndex === -1 ? url : url.slice(0, queryIndex);
      const route = routes.find(method, path);
      // The route's template, never the path of a request that has none (a scanner's paths would name spans).
      const httpRoute = route === undefined ? undefined : route.prefix ? `${route.path}*` : route.path;
      const attributes: Attributes = { [RequestSpanAttribute.method]: method, [RequestSpanAttribute.path]: path, [RequestSpanAttribute.scheme]: 'http' };
      if (httpRoute !== undefined) attributes[RequestSpanAttribute.route] = httpRoute;
      const span = tracer.startSpan(httpRoute === undefined ? method : `${method} ${httpRoute}`, { kind: SpanKind.SERVER, attributes }, parent);
      spanByResponse.set(response, span);
      response.on('close', () => endRequestSpan(span, answer));
      return context.with(trace.setSpan(parent, span), handle, undefined, request, answer);
    },
    traceRouter: (router) => instrumentRouter(router, { tracer }),
    onCaller: (response, caller) => {
      if (caller.name !== undefined) spanByResponse.get(response)?.setAttribute(RequestSpanAttribute.keyName, caller.name);
    },
  };
}

function endRequestSpan(span: Span, answer: GatewayAnswer): void {
  const { requestId, response } = answer;
  if (requestId !== undefined) span.setAttribute(RequestSpanAttribute.requestId, requestId);
  if (!response.headersSent) {
    // The client left (or the answer was cut) before any status was sent.
    span.setAttribute(RequestSpanAttribute.errorType, 'client_closed');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'client_closed' });
  } else {
    span.setAttribute(RequestSpanAttribute.statusCode, response.statusCode);
    // A server span is an error on a 5xx only: a 4xx is the client's (HTTP semantic conventions).
    if (response.statusCode >= 500) {
      span.setAttribute(RequestSpanAttribute.errorType, String(response.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end();
}
