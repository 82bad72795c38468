/**
 * The OpenAI-compatible gateway, hand-written on node:http. No framework on purpose: the benchmark holds
 * the hot path (a chat completion through the gateway) to at least 0.8x the throughput of a bare node:http
 * proxy, so a request costs one map lookup to route, one read of the body, one JSON.parse, one
 * JSON.stringify, and nothing per request that can be done once (the routing table and the key digests are
 * built at start; the models list when the set of providers with a key changes). This file builds those parts
 * once; request-dispatcher.ts answers each request with them, and gateway-server.ts listens and stops.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { BackupModelRouter } from '../routing/backup-model-router.js';
import { GatewayKeyVerifier } from './auth.js';
import { FailedKeyAttempts } from './failed-key-attempts.js';
import type { ModelCallDependencies } from './model-call-handler.js';
import { builtInRoutes } from './built-in-routes.js';
import type { GatewayConfig } from './gateway-config.js';
import { createGatewayLogger, createLineWriter, type GatewayLogger } from './gateway-logger.js';
import { type CallLogFields, callLogKeys } from './call-log.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { createGatewayServer } from './gateway-server.js';
import { ModelResolver } from './model-resolver.js';
import { ConfiguredModelsList } from './models-list.js';
import { createRequestDispatcher } from './request-dispatcher.js';
import { type GatewayRoute, routeLabelOf, RouteTable } from './route-table.js';
import { StreamKeepAlive } from './stream-keep-alive.js';
import type { SendTimeoutOptions } from './send-timeout.js';
import { BodyBudget } from './request-body.js';
import { type Clock, systemClock } from '../clock.js';
import { MemoryQuotaStore } from '../quota/memory-quota-store.js';
import type { QuotaStore } from '../quota/quota-store.js';
import type { SharedFailedKeyAttempts } from '../key-attempts/shared-failed-key-attempts.js';
import { CallerQuota } from './caller-quota.js';
import { type ClientAddressTrust, requestClientAddress } from './request-client-address.js';
import { requestOverHttps } from './request-over-https.js';
import { TrustedProxies } from './trusted-proxies.js';
import { TrustedProxyHops } from './trusted-proxy-hops.js';
import type { ResponseStore } from '../response-store/response-store.js';
import { MemoryResponseStore } from '../response-store/memory-response-store.js';
import { createRequestTracer, type GatewayTracing } from './request-tracing.js';
import { instrumentRouter } from '../telemetry/instrument-router.js';
import { createOpenAIResponsesDialect } from './openai-responses/responses-dialect.js';
import { StoredResponses } from './openai-responses/stored-responses.js';

export type { GatewayRoute, HttpMethod } from './route-table.js';
export type { GatewayTracing } from './request-tracing.js';

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
  /**
   * Where the Responses API items the gateway answered are kept for later requests to name (`storedResponses` in the
   * configuration). Default: this process's memory, bounded by `storedResponses.maxMemoryBytes`; give shared state's
   * `responseStore` so that gateways on one Redis resolve each other's.
   */
  readonly responseStore?: ResponseStore;
  /** Times the keys' limits, failed key attempts' windows, kept answers' lifetimes in memory, and a stream's duration while its client is not reading. Default the system clock. */
  readonly clock?: Clock;
  /**
   * Trace every request: a SERVER span continuing the caller's W3C `traceparent`, with the router's call and attempt
   * spans (instrumentRouter) as its children. Needs a context manager registered with `@opentelemetry/api` (an SDK's
   * `register()` does it). Default none: no span, and the request path is the same as without tracing.
   */
  readonly tracing?: GatewayTracing;
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
   * (`trustedProxies`, or the proxies counted, `trustedProxyHops`), the client its `X-Forwarded-For`, or
   * `Forwarded` (`clientAddressHeader`), names (request-client-address.ts).
   */
  clientAddress(request: IncomingMessage): string | undefined;
  /**
   * The client reached the gateway over HTTPS: a TLS socket, or a TLS-terminating proxy's `X-Forwarded-Proto:
   * https`, or with `clientAddressHeader: forwarded` the `proto=https` of the `Forwarded` element a trusted proxy
   * wrote of the client (request-over-https.ts). The dashboard marks its session cookie Secure by it.
   */
  overHttps(request: IncomingMessage): boolean;
  /** Start listening; refuses (InsecureBindingError) beyond loopback without a gateway key. Resolves with the URL. */
  listen(options?: { readonly host?: string; readonly port?: number }): Promise<{ readonly url: string; readonly port: number }>;
  /** Add a route. Built-in routes cannot be replaced. */
  registerRoute(route: GatewayRoute): void;
  /** Stop accepting, let requests in flight finish within `timeoutMs` (default the config's), then abort the rest. */
  drain(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Stop at once: requests in flight are aborted. */
  close(): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const { router, config } = options;
  const logger = options.logger ?? createGatewayLogger({ level: options.config.logLevel });
  // `keys` decides who may call; `keyPolicies` adds names and limits to the keys it lists.
  const verifier = new GatewayKeyVerifier(config.keys.map((key) => config.keyPolicies.find((policy) => policy.key === key) ?? key));
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
  // The configuration gives one or the other, never both (gateway-config.ts).
  const trust: ClientAddressTrust = {
    trustedProxies:
      config.trustedProxyHops > 0
        ? new TrustedProxyHops(config.trustedProxyHops)
        : config.trustedProxies.length > 0
          ? new TrustedProxies(config.trustedProxies)
          : undefined,
    header: config.clientAddressHeader,
  };
  const clientAddress = (request: IncomingMessage): string | undefined => requestClientAddress(request, trust);
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

  const { storedResponses } = config;
  const kept = storedResponses.enabled
    ? new StoredResponses({
        store: options.responseStore ?? new MemoryResponseStore({ clock, maxBytes: storedResponses.maxMemoryBytes }),
        ttlSeconds: storedResponses.ttlSeconds,
        maxEntryBytes: storedResponses.maxEntryBytes,
        maxChainLength: storedResponses.maxChainLength,
        maxResolvedBytes: config.limits.maxBodyBytes,
      })
    : undefined;
  const responsesDialect = createOpenAIResponsesDialect(kept);

  const routes = new RouteTable();
  for (const route of builtInRoutes({ dependencies, models, metrics, createdSeconds, responsesDialect, storedResponses: kept })) routes.add(route);

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

  // Without tracing, nothing of it is built and the request path is the dispatcher's own.
  const { tracing } = options;
  const stopTracingRouter = tracing === undefined ? undefined : instrumentRouter(router, { tracer: tracing.tracer });
  const requestTracer = tracing === undefined ? undefined : createRequestTracer({ tracing, routes });
  const dispatcherOptions = { config, routes, verifier, failedKeyAttempts, trust, metrics, logger, sendTimeout };
  const untraced = createRequestDispatcher(requestTracer ? { ...dispatcherOptions, onCaller: requestTracer.onCaller } : dispatcherOptions);
  const dispatcher = requestTracer ? { ...untraced, handle: requestTracer.wrap(untraced.handle) } : untraced;
  const { server, listen, stop } = createGatewayServer({
    dispatcher,
    config,
    logger,
    sendTimeout,
    onClosed: () => {
      unsubscribe();
      stopTracingRouter?.();
      failedKeyAttempts.close();
      keepAlive.dispose();
      logger.flush();
    },
  });

  return {
    server,
    metrics,
    logger,
    failedKeyAttempts,
    clientAddress,
    overHttps: (request) => requestOverHttps(request, trust),
    listen,
    registerRoute: (route) => routes.add(route),
    drain: (drainOptions = {}) => stop(drainOptions.timeoutMs ?? config.limits.drainTimeoutMs),
    close: () => stop(0),
  };
}
