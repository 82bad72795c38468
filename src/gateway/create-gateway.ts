/**
 * The OpenAI-compatible gateway, hand-written on node:http. No framework on purpose: the benchmark holds
 * the hot path (a chat completion through the gateway) to at least 0.8x the throughput of a bare node:http
 * proxy, so a request costs one map lookup to route, one read of the body, one JSON.parse, one
 * JSON.stringify, and nothing per request that can be done once (the routing table and the key digests are
 * built at start; the models list when the set of providers with a key changes). This file builds what outlives a
 * configuration once; serving-configuration.ts builds the rest for each configuration (at start, and at each
 * `reconfigure`), request-dispatcher.ts answers each request with them, and gateway-server.ts listens and stops.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { BackupModelRouter } from '../routing/backup-model-router.js';
import type { HealthStatus } from '../routing/health-status.js';
import type { RouterEvent } from '../routing/router-events.js';
import { ListenerSet, type Unsubscribe } from '../resilience/listener-set.js';
import { InvalidArgumentError } from '../errors.js';
import { assertSafeBinding } from './auth.js';
import { FailedKeyAttempts } from './failed-key-attempts.js';
import type { GatewayConfig } from './gateway-config.js';
import { createGatewayLogger, createLineWriter, type GatewayLogger } from './gateway-logger.js';
import { type CallLogFields, callLogKeys } from './call-log.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { applyConnectionLimits, createGatewayServer } from './gateway-server.js';
import type { GatewayTlsMaterial } from './gateway-tls-files.js';
import { LinkedList } from '../linked-list.js';
import type { RequestsInFlight } from './request-dispatcher.js';
import type { GatewayRoute } from './route-table.js';
import { type Clock, systemClock } from '../clock.js';
import { MemoryQuotaStore } from '../quota/memory-quota-store.js';
import type { QuotaStore } from '../quota/quota-store.js';
import type { SharedFailedKeyAttempts } from '../key-attempts/shared-failed-key-attempts.js';
import { CallerQuota } from './caller-quota.js';
import { requestClientAddress } from './request-client-address.js';
import { requestOverHttps } from './request-over-https.js';
import { MemoryResponseStore } from '../response-store/memory-response-store.js';
import type { ResponseStore } from '../response-store/response-store.js';
import { createServingConfiguration, type GatewayParts, type ServingConfiguration } from './serving-configuration.js';
import { createRequestTracer, type GatewayTracing } from './request-tracing.js';

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
  /**
   * Serve HTTPS with this certificate chain and private key (PEM; `readGatewayTlsFiles` reads the files `tls` names).
   * Default plain HTTP.
   */
  readonly tls?: GatewayTlsMaterial;
  /** Times the keys' limits, failed key attempts' windows, kept answers' lifetimes in memory, and a stream's duration while its client is not reading. Default the system clock. */
  readonly clock?: Clock;
  /**
   * Trace every request: a SERVER span continuing the caller's W3C `traceparent`, with the router's call and attempt
   * spans (instrumentRouter) as its children. Needs a context manager registered with `@opentelemetry/api` (an SDK's
   * `register()` does it). Default none: no span, and the request path is the same as without tracing.
   */
  readonly tracing?: GatewayTracing;
  /**
   * What `GET /metrics` answers instead of this gateway's own metrics: when the gateway is one of several processes
   * on one port (`serve --workers`), every worker's, summed by the primary. Default this gateway's own.
   */
  readonly metricsExposition?: () => Promise<string>;
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
   * The routers the gateway serves with, for the dashboard: every one's events while it serves requests (the one in
   * use, and one replaced by `reconfigure` until the requests begun on it have ended), the health of the one in use.
   */
  readonly routers: GatewayRouters;
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
  /**
   * Serve every request from now on with `config` and the router `createRouter` makes (a configuration reloaded):
   * keys, limits, routes, trusted proxies, stored responses' settings, prompts in the log. A request already begun, a
   * stream included, ends on the configuration it began on. Not read from `config`: `host` and `port` (the server
   * listens where it does), the failed key attempts' three limits and `storedResponses.maxMemoryBytes` (their counts
   * and store are kept; see restart-only-settings.ts), and `logLevel` (the logger is the caller's). Refuses
   * (InsecureBindingError, before `createRouter` is called, changing nothing) a configuration without keys while
   * listening beyond loopback. `previousDrained` resolves once the requests begun on the previous configuration
   * have ended: its router may then be closed.
   */
  reconfigure(options: {
    readonly config: GatewayConfig;
    readonly createRouter: () => BackupModelRouter;
    /** A new certificate and key for the connections made from now on; only for a gateway made with `tls` (else refused, changing nothing). */
    readonly tls?: GatewayTlsMaterial;
  }): { readonly previousDrained: Promise<void> };
  /** Stop accepting, let requests in flight finish within `timeoutMs` (default the config's), then abort the rest. */
  drain(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Stop at once: requests in flight are aborted. */
  close(): Promise<void>;
}

/** The part of the gateway's routers the dashboard reads (`DashboardRouter`). */
export interface GatewayRouters {
  onEvent(listener: (event: RouterEvent) => void): Unsubscribe;
  getHealthStatus(): Record<string, HealthStatus>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const { config } = options;
  const logger = options.logger ?? createGatewayLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  // Assigned below, before any of the closures reading it can run.
  let serving: ServingConfiguration;
  const metrics = new GatewayMetrics({
    healthStatus: () => serving.router.getHealthStatus(),
    ...(options.metricsExposition ? { exposition: options.metricsExposition } : {}),
  });
  const routerEvents = new ListenerSet<RouterEvent>();
  routerEvents.subscribe(metrics.onRouterEvent);
  // Without tracing, nothing of it is built and the request path is the dispatcher's own.
  const { tracing } = options;
  const quota = new CallerQuota({
    store: options.quotaStore ?? new MemoryQuotaStore(),
    clock,
    onRefused: metrics.recordQuotaRefusal,
    onSpend: metrics.recordKeySpend,
  });
  // Its counts outlive a reload, and so do its limits: a reload is no way to reset a guesser's allowance.
  const { maxFailedKeyAttempts, failedKeyAttemptWindowMs } = config.limits;
  const failedKeyAttempts = new FailedKeyAttempts({
    maxFailures: maxFailedKeyAttempts,
    windowMs: failedKeyAttemptWindowMs,
    maxAddresses: config.limits.maxFailedKeyAttemptAddresses,
    clock,
    ...(options.sharedFailedKeyAttempts ? { shared: options.sharedFailedKeyAttempts } : {}),
    onRefused: metrics.recordKeyAttemptRefusal,
    // The address, never the keys it tried.
    onLimitReached: (clientAddress) =>
      logger.warn(
        { clientAddress, failedKeyAttempts: maxFailedKeyAttempts, windowMs: failedKeyAttemptWindowMs },
        'too many failed gateway key attempts: key attempts from this address are refused until its window ends',
      ),
  });
  const registeredRoutes: GatewayRoute[] = [];
  const requests: RequestsInFlight = { responses: new LinkedList(), draining: false };
  const parts: GatewayParts = {
    logger,
    writeCallLine: createLineWriter<CallLogFields>(logger, callLogKeys),
    metrics,
    quota,
    failedKeyAttempts,
    responseStore: options.responseStore ?? new MemoryResponseStore({ clock, maxBytes: config.storedResponses.maxMemoryBytes }),
    clock,
    routerEvents,
    registeredRoutes,
    requests,
    createdSeconds: Math.floor(Date.now() / 1000),
    ...(tracing ? { requestTracer: createRequestTracer({ tracing }) } : {}),
  };
  serving = createServingConfiguration({ parts, router: options.router, config });
  // What was replaced and has not yet drained: a stop waits for the retirements, so nothing is left behind.
  const retiring = new Set<Promise<void>>();

  const gatewayServer = createGatewayServer({ serving: () => serving, logger, requests, tls: options.tls });
  const { server, listen } = gatewayServer;
  let stopped: Promise<void> | undefined;
  // Once: the server stops (within `timeoutMs`), then every configuration is retired and what they hold released.
  const stop = (timeoutMs: number): Promise<void> => {
    stopped ??= (async () => {
      await gatewayServer.stop(timeoutMs);
      await Promise.all([serving.retire(), ...retiring]);
      failedKeyAttempts.close();
      logger.flush();
    })();
    return stopped;
  };

  return {
    server,
    metrics,
    logger,
    failedKeyAttempts,
    routers: {
      onEvent: (listener) => routerEvents.subscribe(listener),
      getHealthStatus: () => serving.router.getHealthStatus(),
    },
    clientAddress: (request) => requestClientAddress(request, serving.trust),
    overHttps: (request) => requestOverHttps(request, serving.trust),
    listen,
    registerRoute: (route) => {
      serving.routes.add(route);
      registeredRoutes.push(route);
    },
    reconfigure: (next) => {
      const host = gatewayServer.listenedHost;
      if (host !== undefined) assertSafeBinding({ host, keys: next.config.keys });
      if (next.tls !== undefined && !gatewayServer.servesHttps) {
        throw new InvalidArgumentError({ argument: 'tls', message: 'This gateway serves plain HTTP: only a restart with tls serves HTTPS.' });
      }
      const previous = serving;
      const router = next.createRouter();
      try {
        serving = createServingConfiguration({ parts, router, config: next.config, previous });
      } catch (error) {
        void router.close();
        throw error;
      }
      applyConnectionLimits(gatewayServer.server, next.config.limits);
      if (next.tls !== undefined) gatewayServer.useTls(next.tls);
      const previousDrained = previous.retire();
      retiring.add(previousDrained);
      void previousDrained.then(() => retiring.delete(previousDrained));
      return { previousDrained };
    },
    drain: (drainOptions = {}) => stop(drainOptions.timeoutMs ?? serving.config.limits.drainTimeoutMs),
    close: () => stop(0),
  };
}
