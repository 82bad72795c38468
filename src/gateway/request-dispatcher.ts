/**
 * How the gateway answers a request, from its route to its handler: what has no route gets a 404 or a 405;
 * an address past its failed key attempts a 429 before its key is compared; a missing or wrong key a 401; a
 * keyless gateway's guard its refusal; a non-admin key on an operator route a 403. What passes goes to its
 * route's handler, and its answer then has the send timeout to be taken. This is the gateway's hot path:
 * everything it reads is built once, by createGateway, and held here; nothing is allocated per request but
 * what the request itself needs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropicMessagesDialect } from './anthropic-messages/anthropic-dialect.js';
import { adminKeyRequired, type GatewayCaller, type GatewayKeyVerifier, tooManyFailedKeyAttempts } from './auth.js';
import type { FailedKeyAttempts } from './failed-key-attempts.js';
import { type GatewayConfig, gatewayEnvironmentVariables } from './gateway-config.js';
import { GatewayHttpError } from './gateway-http-error.js';
import type { GatewayLogger } from './gateway-logger.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { GatewayAnswer } from './gateway-answer.js';
import { newRequestId, sendError } from './http-responses.js';
import { checkKeylessRequest } from './keyless-request-guard.js';
import { clientAddressHeaderNames } from './hop-address.js';
import {
  addressWalkedTo,
  type ClientAddressTrust,
  isForwardedByUntrustedPeer,
  isShortOfTrustedHops,
  walkToClientAddress,
} from './request-client-address.js';
import { type GatewayRoute, routeLabelOf, type RouteTable } from './route-table.js';
import type { LinkedList } from '../linked-list.js';
import { boundAnswerSending, type SendTimeoutOptions } from './send-timeout.js';

/** The answers not yet closed, of every configuration the gateway serves with: what a drain waits for. */
export interface RequestsInFlight {
  readonly responses: LinkedList<ServerResponse>;
  /** Set when a drain begins: from then on every answer asks its client to close the connection. */
  draining: boolean;
}

export interface RequestDispatcherOptions {
  readonly config: GatewayConfig;
  readonly routes: RouteTable;
  /**
   * The routes whose handlers read this configuration and its router (the built-in ones): `whenConfigurationIdle`
   * waits for their requests. The others (the dashboard's) serve on whatever configuration is in use.
   */
  readonly configurationRoutes: ReadonlySet<GatewayRoute>;
  readonly verifier: GatewayKeyVerifier;
  readonly failedKeyAttempts: FailedKeyAttempts;
  /** The trusted proxies, named or counted (undefined when the configuration has none), and the header they name clients in. */
  readonly trust: ClientAddressTrust;
  readonly metrics: GatewayMetrics;
  readonly logger: GatewayLogger;
  readonly sendTimeout: SendTimeoutOptions;
  /** Where every answer is kept until it closes, shared with the server and the other configurations. */
  readonly requests: RequestsInFlight;
  /** Told each request's verified caller (the request's span takes its key's name); absent when tracing is off. */
  readonly onCaller?: (response: ServerResponse, caller: GatewayCaller) => void;
}

export interface RequestDispatcher {
  /** Answer one request. What it rejects with, the server answers and logs (gateway-server.ts), with `answer`'s id. */
  readonly handle: (request: IncomingMessage, answer: GatewayAnswer) => Promise<void>;
  /**
   * Resolves once no request of `configurationRoutes` this dispatcher took is still open: after a reload (no new
   * request comes here), when the configuration and its router may be let go.
   */
  whenConfigurationIdle(): Promise<void>;
}

function notFound(method: string, path: string): GatewayHttpError {
  return new GatewayHttpError({
    status: 404,
    type: 'invalid_request_error',
    code: 'unknown_url',
    message: `Unknown request URL: ${method} ${path.slice(0, 200)}.`,
  });
}

function methodNotAllowed(method: string, path: string): GatewayHttpError {
  return new GatewayHttpError({ status: 405, message: `${method} is not allowed on ${path.slice(0, 200)}.`, code: 'method_not_allowed' });
}

function unauthorized(): GatewayHttpError {
  return new GatewayHttpError({
    status: 401,
    message: 'Missing or wrong gateway key: send Authorization: Bearer <gateway key> (or x-api-key: <gateway key>).',
    code: 'invalid_api_key',
  });
}

/** Who calls a public route when no key, or a wrong one, was sent. */
const publicCaller: GatewayCaller = { cacheScope: 'gateway:public' };

export function createRequestDispatcher(options: RequestDispatcherOptions): RequestDispatcher {
  const { config, routes, configurationRoutes, verifier, failedKeyAttempts, trust, metrics, logger, sendTimeout, requests, onCaller } = options;
  const keyless = config.keys.length === 0;
  // With keys, the client address header (X-Forwarded-For by default) from a peer that is not a trusted proxy is
  // most likely a reverse proxy the gateway was not told of, every client of which counts as its one address:
  // said once, then never looked at. With the proxies counted every peer is the first of them, and what is said
  // instead, once, is a header naming fewer hops than counted: its leftmost, which a client may have written, is
  // then taken for the client.
  let watchingForwardedFor = !keyless;
  const { trustedProxyHops } = config;
  let watchingHops = !keyless && trustedProxyHops > 0;
  const inFlight = requests.responses;
  let configurationRequests = 0;
  let whenIdle: (() => void) | undefined;

  const handle = async (request: IncomingMessage, answer: GatewayAnswer): Promise<void> => {
    const { response } = answer;
    const url = request.url ?? '/';
    const queryIndex = url.indexOf('?');
    const path = queryIndex === -1 ? url : url.slice(0, queryIndex);
    const method = request.method ?? 'GET';
    const route = routes.find(method, path);
    const label = routeLabelOf(route);
    const holdsConfiguration = route !== undefined && configurationRoutes.has(route);
    const open = inFlight.add(response);
    if (holdsConfiguration) configurationRequests += 1;
    // Once per response: Node emits a response's 'close' once (`once` would wrap the listener on every request).
    // The only listener of the gateway's on the response: a call that a client leaving cancels is told through
    // its answer.
    response.on('close', () => {
      inFlight.remove(open);
      if (holdsConfiguration && (configurationRequests -= 1) === 0) whenIdle?.();
      metrics.recordRequest(label, response.headersSent ? String(response.statusCode) : 'client_closed');
      answer.responseClosed();
    });
    // Rare (a few seconds at shutdown), so set on the response: every answer's own writeHead merges into it.
    if (requests.draining) response.setHeader('connection', 'close');
    if (!route) {
      // Anthropic's clients read Anthropic's error shape, on paths of theirs we do not serve (batches, files).
      const dialect = path.startsWith('/v1/messages') ? anthropicMessagesDialect : undefined;
      answer.name(newRequestId(), dialect);
      sendError(answer, routes.hasPath(path) ? methodNotAllowed(method, path) : notFound(method, path), dialect);
      return;
    }
    if (watchingForwardedFor && isForwardedByUntrustedPeer(request, trust)) {
      watchingForwardedFor = false;
      logger.warn(
        { peerAddress: request.socket.remoteAddress, trustedProxies: config.trustedProxies.length },
        `requests come with ${clientAddressHeaderNames[trust.header]} from an address that is not a trusted proxy: failed key attempts count ` +
          "against that address, which all of a reverse proxy's clients share, so one client's wrong keys lock them all " +
          `out. List the proxy in trustedProxies (addresses or CIDR ranges) or ${gatewayEnvironmentVariables.trustedProxies}, ` +
          `or count the proxies in trustedProxyHops or ${gatewayEnvironmentVariables.trustedProxyHops}, to count each client apart`,
      );
    }
    // Worked out once, for the failed key attempts and the call's log line. Without trusted proxies it is the
    // socket's peer, the string Node holds for the connection.
    const walk = walkToClientAddress(request, trust);
    const address = addressWalkedTo(request, walk);
    if (watchingHops && isShortOfTrustedHops(walk, trustedProxyHops)) {
      watchingHops = false;
      const headerName = clientAddressHeaderNames[trust.header];
      logger.warn(
        { peerAddress: request.socket.remoteAddress, trustedProxyHops, headerHops: walk?.hopNumber },
        `requests come with fewer hops in ${headerName} than trustedProxyHops counts: the client is then taken to be its ` +
          'leftmost, an address a client may have written itself, to escape the limit on failed key attempts or to lock ' +
          `another address out. Set trustedProxyHops (or ${gatewayEnvironmentVariables.trustedProxyHops}) to the number of ` +
          `proxies in front of the gateway, make sure no client reaches it past them, or name them in trustedProxies`,
      );
    }
    // An address past its failed attempts is refused before its key is compared (a public route compares
    // none: the dashboard's routes count their own).
    if (!keyless && !route.public && failedKeyAttempts.trackedAddressCount > 0) {
      const retryAfterMs = failedKeyAttempts.retryAfterMs(address);
      if (retryAfterMs !== undefined) {
        answer.name(newRequestId(), route.errorDialect);
        sendError(answer, tooManyFailedKeyAttempts(retryAfterMs), route.errorDialect);
        return;
      }
    }
    const caller = verifier.verifyRequest(request.headers);
    if (onCaller !== undefined && caller !== undefined) onCaller(response, caller);
    if (!caller && !route.public) {
      await failedKeyAttempts.recordFailure(address);
      // Refused before any call has an id: one of its own, so the client can still name this answer.
      answer.name(newRequestId(), route.errorDialect);
      sendError(answer, unauthorized(), route.errorDialect);
      return;
    }
    const keylessRefusal = keyless ? checkKeylessRequest(request, { requireJson: !route.public }) : undefined;
    if (keylessRefusal) {
      answer.name(newRequestId(), route.errorDialect);
      sendError(answer, keylessRefusal, route.errorDialect);
      return;
    }
    if (route.admin && !caller?.admin) {
      answer.name(newRequestId(), route.errorDialect);
      sendError(answer, adminKeyRequired({ endpoint: `${method} ${path}`, caller: caller ?? publicCaller, hasAdminKey: verifier.hasAdminKey }), route.errorDialect);
      return;
    }
    await route.handle(request, response, { caller: caller ?? publicCaller, clientAddress: address, answer });
    // The answer is written (a stream's too, to its end; an event stream the handler keeps open is not): its
    // client must now take it within the send timeout. The refusals above are a few hundred bytes.
    boundAnswerSending(answer, sendTimeout);
  };

  let idle: Promise<void> | undefined;
  return {
    handle,
    whenConfigurationIdle: () => {
      idle ??= configurationRequests === 0 ? Promise.resolve() : new Promise<void>((resolve) => (whenIdle = resolve));
      return idle;
    },
  };
}
