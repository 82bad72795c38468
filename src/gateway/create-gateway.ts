/**
 * The OpenAI-compatible gateway, hand-written on node:http. No framework on purpose: the benchmark holds
 * the hot path (a chat completion through the gateway) to at least 0.8x the throughput of a bare node:http
 * proxy, so a request costs one map lookup to route, one read of the body, one JSON.parse, one
 * JSON.stringify, and nothing per request that can be done once (the routing table and the key digests are
 * built at start; the models list when the set of providers with a key changes).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BackupModelRouter } from '../routing/backup-model-router.js';
import { adminKeyRequired, assertSafeBinding, type GatewayCaller, GatewayKeyVerifier, tooManyFailedKeyAttempts } from './auth.js';
import { FailedKeyAttempts } from './failed-key-attempts.js';
import type { ModelCallDependencies } from './model-call-handler.js';
import { anthropicMessagesDialect } from './anthropic-messages/anthropic-dialect.js';
import { builtInRoutes } from './built-in-routes.js';
import { type GatewayConfig, gatewayEnvironmentVariables } from './gateway-config.js';
import { GatewayHttpError } from './gateway-http-error.js';
import { createGatewayLogger, createLineWriter, type GatewayLogger } from './gateway-logger.js';
import { type CallLogFields, callLogKeys } from './call-log.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { newRequestId, sendError, setRequestIdHeaders } from './http-responses.js';
import { ModelResolver } from './model-resolver.js';
import { ConfiguredModelsList } from './models-list.js';
import { type GatewayRoute, RouteTable } from './route-table.js';
import { checkKeylessRequest } from './keyless-request-guard.js';
import { StreamKeepAlive } from './stream-keep-alive.js';
import { boundAnswerSending, type SendTimeoutOptions } from './send-timeout.js';
import { BodyBudget } from './request-body.js';
import { type Clock, systemClock } from '../clock.js';
import { MemoryQuotaStore } from '../quota/memory-quota-store.js';
import type { QuotaStore } from '../quota/quota-store.js';
import type { SharedFailedKeyAttempts } from '../key-attempts/shared-failed-key-attempts.js';
import { CallerQuota } from './caller-quota.js';
import { clientAddressHeaderNames } from './hop-address.js';
import { type ClientAddressTrust, isForwardedByUntrustedPeer, requestClientAddress } from './request-client-address.js';
import { TrustedProxies } from './trusted-proxies.js';

export type { GatewayRoute, HttpMethod } from './route-table.js';

export interface GatewayOptions {
  readonly router: BackupModelRouter;
  readonly config: GatewayConfig;
  /** Default: JSON lines on stderr. */
  readonly logger?: GatewayLogger;
  /**
   * Where keys' requests a minute and spend a day are counted. Default: this process's memory; give
   * shared state's `quotaStore` so gateways on one Redis share each key's limits.
   */
  readonly quotaStore?: QuotaStore;
  /**
   * Where failed key attempts are counted once for every instance, besides this process's count. Default none;
   * give shared state's `failedKeyAttempts` so gateways on one Redis share each client address's allowance.
   */
  readonly sharedFailedKeyAttempts?: SharedFailedKeyAttempts;
  /** Times the keys' limits, failed key attempts' windows, and a stream's duration while its client is not reading. Default the system clock. */
  readonly clock?: Clock;
}

export interface Gateway {
  readonly server: Server;
  readonly metrics: GatewayMetrics;
  readonly logger: GatewayLogger;
  /**
   * Failed key attempts per client address (`limits.maxFailedKeyAttempts`): the dashboard counts its wrong
   * keys here too, so a guesser has one allowance across the API and the dashboard.
   */
  readonly failedKeyAttempts: FailedKeyAttempts;
  /**
   * The address a request's failed key attempts count against: the socket's peer, or, from a trusted proxy
   * (`trustedProxies`), the client its `X-Forwarded-For`, or `Forwarded` (`clientAddressHeader`), names
   * (request-client-address.ts).
   */
  clientAddress(request: IncomingMessage): string | undefined;
  /** Start listening; refuses (InsecureBindingError) beyond loopback without a gateway key. Resolves with the URL. */
  listen(options?: { readonly host?: string; readonly port?: number }): Promise<{ readonly url: string; readonly port: number }>;
  /** Add a route. Built-in routes cannot be replaced. */
  registerRoute(route: GatewayRoute): void;
  /** Stop accepting, let requests in flight finish within `timeoutMs` (default the config's), then abort the rest. */
  drain(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Stop at once: requests in flight are aborted. */
  close(): Promise<void>;
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

export function createGateway(options: GatewayOptions): Gateway {
  const { router, config } = options;
  const logger = options.logger ?? createGatewayLogger({ level: options.config.logLevel });
  // `keys` decides who may call; `keyPolicies` adds names and limits to the keys it lists.
  const verifier = new GatewayKeyVerifier(config.keys.map((key) => config.keyPolicies.find((policy) => policy.key === key) ?? key));
  const keyless = config.keys.length === 0;
  const providerIds = router.providers.map((provider) => provider.id);
  const catalogModels = Object.fromEntries(router.providers.map((provider) => [provider.id, provider.definition.models.map((model) => model.id)]));
  const resolver = new ModelResolver({ providerIds, routes: config.routes, catalogModels });
  const metrics = new GatewayMetrics({ healthStatus: () => router.getHealthStatus() });
  const unsubscribe = router.onEvent(metrics.onRouterEvent);
  const keepAlive = new StreamKeepAlive({ clock: systemClock, silenceMs: config.limits.streamKeepAliveMs });
  const clock = options.clock ?? systemClock;
  const quota = new CallerQuota({
    store: options.quotaStore ?? new MemoryQuotaStore(),
    clock,
    onRefused: metrics.recordQuotaRefusal,
    onSpend: metrics.recordKeySpend,
  });
  const trust: ClientAddressTrust = {
    trustedProxies: config.trustedProxies.length > 0 ? new TrustedProxies(config.trustedProxies) : undefined,
    header: config.clientAddressHeader,
  };
  const clientAddress = (request: IncomingMessage): string | undefined => requestClientAddress(request, trust);
  // With keys, the client address header (X-Forwarded-For by default) from a peer that is not a trusted proxy is
  // most likely a reverse proxy the gateway was not told of, every client of which counts as its one address:
  // said once, then never looked at.
  let watchingForwardedFor = !keyless;
  const failedKeyAttempts = new FailedKeyAttempts({
    maxFailures: config.limits.maxFailedKeyAttempts,
    windowMs: config.limits.failedKeyAttemptWindowMs,
    maxAddresses: config.limits.maxFailedKeyAttemptAddresses,
    clock,
    ...(options.sharedFailedKeyAttempts ? { shared: options.sharedFailedKeyAttempts } : {}),
    onRefused: metrics.recordKeyAttemptRefusal,
    // The address, never the keys it tried.
    onLimitReached: (clientAddress) =>
      logger.warn(
        { clientAddress, failedKeyAttempts: config.limits.maxFailedKeyAttempts, windowMs: config.limits.failedKeyAttemptWindowMs },
        'too many failed gateway key attempts: key attempts from this address are refused until its window ends',
      ),
  });
  const dependencies: ModelCallDependencies = {
    router,
    resolver,
    limits: config.limits,
    logger,
    writeCallLine: createLineWriter<CallLogFields>(logger, callLogKeys),
    logPrompts: config.logPrompts,
    keepAlive,
    bodyBudget: new BodyBudget(Math.max(config.limits.maxBodyBytesInFlight, config.limits.maxBodyBytes), {
      holderLimitBytes: Math.max(config.limits.maxBodyBytesInFlightPerKey, config.limits.maxBodyBytes),
    }),
    quota,
    clock,
    onStreamDurationCut: (response) => metrics.recordStreamDurationCut(routeLabelOfAnswer(response)),
  };
  const createdSeconds = Math.floor(Date.now() / 1000);
  const models = new ConfiguredModelsList({
    providers: router.providers,
    aliases: resolver.aliases.flatMap((alias) => resolver.resolve(alias) ?? []),
    createdSeconds,
  });

  const routes = new RouteTable();
  for (const route of builtInRoutes({ dependencies, models, metrics, createdSeconds })) routes.add(route);

  const inFlight = new Set<ServerResponse>();
  let draining = false;

  const routeLabelOf = (route: GatewayRoute | undefined): string => route?.metricsName ?? (route ? route.path : 'unknown');
  // For what is rare (a send timeout, a stream cut off): the route is looked up again rather than kept for every answer.
  function routeLabelOfAnswer(response: ServerResponse): string {
    const { method = 'GET', url = '/' } = response.req;
    return routeLabelOf(routes.find(method, url.split('?', 1)[0]!));
  }
  const sendTimeout: SendTimeoutOptions = {
    clock,
    timeoutMs: config.limits.sendTimeoutMs,
    onTimeout: (response, unsentBytes) => {
      const route = routeLabelOfAnswer(response);
      const requestId = response.getHeader('x-request-id');
      metrics.recordSendTimeout(route);
      logger.warn(
        { requestId: typeof requestId === 'string' ? requestId : undefined, route, unsentBytes, sendTimeoutMs: config.limits.sendTimeoutMs },
        'answer not taken by its client within the send timeout: connection closed',
      );
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = request.url ?? '/';
    const queryIndex = url.indexOf('?');
    const path = queryIndex === -1 ? url : url.slice(0, queryIndex);
    const method = request.method ?? 'GET';
    const route = routes.find(method, path);
    const label = routeLabelOf(route);
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      metrics.recordRequest(label, response.headersSent ? String(response.statusCode) : 'client_closed');
    });
    if (draining) response.setHeader('connection', 'close');
    if (!route) {
      // Anthropic's clients read Anthropic's error shape, on paths of theirs we do not serve (batches, files).
      const dialect = path.startsWith('/v1/messages') ? anthropicMessagesDialect : undefined;
      setRequestIdHeaders(response, newRequestId(), dialect);
      sendError(response, routes.hasPath(path) ? methodNotAllowed(method, path) : notFound(method, path), dialect);
      return;
    }
    if (watchingForwardedFor && isForwardedByUntrustedPeer(request, trust)) {
      watchingForwardedFor = false;
      logger.warn(
        { peerAddress: request.socket.remoteAddress, trustedProxies: config.trustedProxies.length },
        `requests come with ${clientAddressHeaderNames[trust.header]} from an address that is not a trusted proxy: failed key attempts count ` +
          "against that address, which all of a reverse proxy's clients share, so one client's wrong keys lock them all " +
          `out. List the proxy in trustedProxies (addresses or CIDR ranges) or ${gatewayEnvironmentVariables.trustedProxies} to count each client apart`,
      );
    }
    // Worked out once, for the failed key attempts and the call's log line. Without trusted proxies it is the
    // socket's peer, the string Node holds for the connection.
    const address = clientAddress(request);
    // An address past its failed attempts is refused before its key is compared (a public route compares
    // none: the dashboard's routes count their own).
    if (!keyless && !route.public && failedKeyAttempts.trackedAddressCount > 0) {
      const retryAfterMs = failedKeyAttempts.retryAfterMs(address);
      if (retryAfterMs !== undefined) {
        setRequestIdHeaders(response, newRequestId(), route.errorDialect);
        sendError(response, tooManyFailedKeyAttempts(retryAfterMs), route.errorDialect);
        return;
      }
    }
    const caller = verifier.verifyRequest(request.headers);
    if (!caller && !route.public) {
      await failedKeyAttempts.recordFailure(address);
      // Refused before any call has an id: one of its own, so the client can still name this answer.
      setRequestIdHeaders(response, newRequestId(), route.errorDialect);
      sendError(response, unauthorized(), route.errorDialect);
      return;
    }
    const keylessRefusal = keyless ? checkKeylessRequest(request, { requireJson: !route.public }) : undefined;
    if (keylessRefusal) {
      setRequestIdHeaders(response, newRequestId(), route.errorDialect);
      sendError(response, keylessRefusal, route.errorDialect);
      return;
    }
    if (route.admin && !caller?.admin) {
      setRequestIdHeaders(response, newRequestId(), route.errorDialect);
      sendError(response, adminKeyRequired({ endpoint: `${method} ${path}`, caller: caller ?? publicCaller, hasAdminKey: verifier.hasAdminKey }), route.errorDialect);
      return;
    }
    await route.handle(request, response, { caller: caller ?? publicCaller, clientAddress: address });
    // The answer is written (a stream's too, to its end; an event stream the handler keeps open is not): its
    // client must now take it within the send timeout. The refusals above are a few hundred bytes.
    boundAnswerSending(response, sendTimeout);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A call's own id is on the response already when it has one; else the answer and the log line get one.
      const callId = response.getHeader('x-request-id');
      const requestId = typeof callId === 'string' ? callId : newRequestId();
      if (!response.headersSent) response.setHeader('x-request-id', requestId);
      logger.error({ errorName: error instanceof Error ? error.name : typeof error, requestId }, 'gateway handler failed');
      sendError(response, error);
      boundAnswerSending(response, sendTimeout);
    });
  });
  // A slow-loris client cannot hold a socket: headers within 30 s, the whole request (not the response) within 60 s.
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;

  let closed: Promise<void> | undefined;
  const stop = (timeoutMs: number): Promise<void> => {
    closed ??= (async () => {
      draining = true;
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight.size > 0 && timeoutMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          const check = (): void => {
            if (inFlight.size > 0) return;
            clearTimeout(timer);
            resolve();
          };
          for (const response of inFlight) response.once('close', () => setImmediate(check));
        });
      }
      // What is still running after the grace period is cut: the client sees a reset, upstream is aborted.
      for (const response of inFlight) response.destroy();
      server.closeAllConnections();
      await serverClosed;
      unsubscribe();
      failedKeyAttempts.close();
      keepAlive.dispose();
      logger.flush();
    })();
    return closed;
  };

  return {
    server,
    metrics,
    logger,
    failedKeyAttempts,
    clientAddress,
    listen: async (listenOptions = {}) => {
      const host = listenOptions.host ?? config.host;
      const port = listenOptions.port ?? config.port;
      assertSafeBinding({ host, keys: config.keys });
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port }, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ url: `http://${shownHost}:${address.port}`, port: address.port });
        });
      });
    },
    registerRoute: (route) => routes.add(route),
    drain: (drainOptions = {}) => stop(drainOptions.timeoutMs ?? config.limits.drainTimeoutMs),
    close: () => stop(0),
  };
}
