/**
 * What the gateway builds from one configuration and its router, once, to answer requests with: the key verifier,
 * the model resolver and models list, the trusted proxies, the limits, the built-in routes and the request dispatcher.
 * A reload (createGateway's `reconfigure`) builds another and swaps it in; each request keeps the one it began on,
 * and the previous one is retired once the requests begun on it have ended: what it holds of its own (its stream
 * keep-alive timer, its subscription to its router's events) is then released, and its router may be closed.
 * What outlives a reload is built once by createGateway and given here (`GatewayParts`).
 */
import type { ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import type { ListenerSet } from '../resilience/listener-set.js';
import type { BackupModelRouter } from '../routing/backup-model-router.js';
import type { RouterEvent } from '../routing/router-events.js';
import type { ResponseStore } from '../response-store/response-store.js';
import { GatewayKeyVerifier } from './auth.js';
import { builtInRoutes } from './built-in-routes.js';
import type { CallerQuota } from './caller-quota.js';
import type { CallLogFields } from './call-log.js';
import type { FailedKeyAttempts } from './failed-key-attempts.js';
import type { GatewayConfig } from './gateway-config.js';
import type { GatewayLogger, LineWriter } from './gateway-logger.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { ModelCallDependencies } from './model-call-handler.js';
import { ModelResolver } from './model-resolver.js';
import { ConfiguredModelsList } from './models-list.js';
import { createOpenAIResponsesDialect } from './openai-responses/responses-dialect.js';
import { StoredResponses } from './openai-responses/stored-responses.js';
import type { RequestTracer } from './request-tracing.js';
import { createRequestDispatcher, type RequestDispatcher, type RequestsInFlight } from './request-dispatcher.js';
import type { ClientAddressTrust } from './request-client-address.js';
import { BodyBudget } from './request-body.js';
import { type GatewayRoute, routeLabelOf, RouteTable } from './route-table.js';
import type { SendTimeoutOptions } from './send-timeout.js';
import { StreamKeepAlive } from './stream-keep-alive.js';
import { TrustedProxies } from './trusted-proxies.js';
import { TrustedProxyHops } from './trusted-proxy-hops.js';
import { systemClock } from '../clock.js';

/** What the gateway keeps across reloads, shared by every configuration it serves with. */
export interface GatewayParts {
  readonly logger: GatewayLogger;
  readonly writeCallLine: LineWriter<CallLogFields>;
  readonly metrics: GatewayMetrics;
  readonly quota: CallerQuota;
  readonly failedKeyAttempts: FailedKeyAttempts;
  /** Where kept Responses items live, whatever `storedResponses` says later (it says whether they are kept). */
  readonly responseStore: ResponseStore;
  readonly clock: Clock;
  /** Every serving router's events, for the metrics and the dashboard. */
  readonly routerEvents: ListenerSet<RouterEvent>;
  /** The routes added beside the built-in ones (the dashboard's), in every configuration's route table. */
  readonly registeredRoutes: readonly GatewayRoute[];
  readonly requests: RequestsInFlight;
  /** The `created` of every model the lists show: the gateway's start. */
  readonly createdSeconds: number;
  /** Makes each request a SERVER span; absent when the gateway does not trace (the dispatcher's handler is then used as it is). */
  readonly requestTracer?: RequestTracer;
}

export interface ServingConfiguration {
  readonly router: BackupModelRouter;
  readonly config: GatewayConfig;
  readonly dispatcher: RequestDispatcher;
  readonly routes: RouteTable;
  readonly trust: ClientAddressTrust;
  readonly sendTimeout: SendTimeoutOptions;
  readonly bodyBudget: BodyBudget;
  /** Wait for the requests begun on this configuration to end, then release what it holds. Once. */
  retire(): Promise<void>;
}

export function createServingConfiguration(options: {
  readonly parts: GatewayParts;
  readonly router: BackupModelRouter;
  readonly config: GatewayConfig;
  /** The configuration this one replaces: its body budget is kept when the limits of it are the same. */
  readonly previous?: ServingConfiguration;
}): ServingConfiguration {
  const { parts, router, config, previous } = options;
  const { logger, metrics, clock } = parts;
  const { limits } = config;
  // `keys` decides who may call; `keyPolicies` adds names and limits to the keys it lists.
  const verifier = new GatewayKeyVerifier(config.keys.map((key) => config.keyPolicies.find((policy) => policy.key === key) ?? key));
  const catalogModels = Object.fromEntries(router.providers.map((provider) => [provider.id, provider.definition.models.map((model) => model.id)]));
  const resolver = new ModelResolver({ providerIds: router.providers.map((provider) => provider.id), routes: config.routes, catalogModels });
  const stopForwardingEvents = router.onEvent((event) => parts.routerEvents.emit(event));
  // Each router traced on its own: call ids are a router's, so two routers' (around a reload) must not share a map.
  const stopTracingRouter = parts.requestTracer?.traceRouter(router);
  const keepAlive = new StreamKeepAlive({ clock: systemClock, silenceMs: limits.streamKeepAliveMs });
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
  const budgetBytes = Math.max(limits.maxBodyBytesInFlight, limits.maxBodyBytes);
  const holderLimitBytes = Math.max(limits.maxBodyBytesInFlightPerKey, limits.maxBodyBytes);
  // The same limits keep the same budget: the bodies held by requests of the previous configuration still count.
  const bodyBudget =
    previous !== undefined && previous.bodyBudget.limitBytes === budgetBytes && previous.bodyBudget.holderLimitBytes === holderLimitBytes
      ? previous.bodyBudget
      : new BodyBudget(budgetBytes, { holderLimitBytes });
  const dependencies: ModelCallDependencies = {
    router,
    resolver,
    limits,
    logger,
    writeCallLine: parts.writeCallLine,
    logPrompts: config.logPrompts,
    keepAlive,
    bodyBudget,
    quota: parts.quota,
    clock,
    onStreamDurationCut: (response) => metrics.recordStreamDurationCut(routeLabelOfAnswer(response)),
  };
  const models = new ConfiguredModelsList({
    providers: router.providers,
    aliases: resolver.aliases.flatMap((alias) => resolver.resolve(alias) ?? []),
    createdSeconds: parts.createdSeconds,
  });
  const { storedResponses } = config;
  const kept = storedResponses.enabled
    ? new StoredResponses({
        store: parts.responseStore,
        ttlSeconds: storedResponses.ttlSeconds,
        maxEntryBytes: storedResponses.maxEntryBytes,
        maxChainLength: storedResponses.maxChainLength,
        maxResolvedBytes: limits.maxBodyBytes,
      })
    : undefined;
  const responsesDialect = createOpenAIResponsesDialect(kept);

  const routes = new RouteTable();
  const ownRoutes = builtInRoutes({ dependencies, models, metrics, createdSeconds: parts.createdSeconds, responsesDialect, storedResponses: kept });
  for (const route of ownRoutes) routes.add(route);
  for (const route of parts.registeredRoutes) routes.add(route);

  // For what is rare (a send timeout, a stream cut off): the route is looked up again rather than kept for every answer.
  function routeLabelOfAnswer(response: ServerResponse): string {
    const { method = 'GET', url = '/' } = response.req;
    return routeLabelOf(routes.find(method, url.split('?', 1)[0]!));
  }
  const sendTimeout: SendTimeoutOptions = {
    clock,
    timeoutMs: limits.sendTimeoutMs,
    onTimeout: (answer, unsentBytes) => {
      const route = routeLabelOfAnswer(answer.response);
      metrics.recordSendTimeout(route);
      logger.warn(
        { requestId: answer.requestId, route, unsentBytes, sendTimeoutMs: limits.sendTimeoutMs },
        'answer not taken by its client within the send timeout: connection closed',
      );
    },
  };

  const { requestTracer } = parts;
  const untraced = createRequestDispatcher({
    config,
    routes,
    // The dashboard's routes serve on whatever configuration is in use: only the built-in ones hold this one.
    configurationRoutes: new Set(ownRoutes),
    verifier,
    failedKeyAttempts: parts.failedKeyAttempts,
    trust,
    metrics,
    logger,
    sendTimeout,
    requests: parts.requests,
    ...(requestTracer ? { onCaller: requestTracer.onCaller } : {}),
  });
  const dispatcher = requestTracer ? { ...untraced, handle: requestTracer.wrap(untraced.handle, routes) } : untraced;

  let retired: Promise<void> | undefined;
  return {
    router,
    config,
    dispatcher,
    routes,
    trust,
    sendTimeout,
    bodyBudget,
    retire: () => {
      retired ??= dispatcher.whenConfigurationIdle().then(() => {
        stopForwardingEvents();
        stopTracingRouter?.();
        keepAlive.dispose();
      });
      return retired;
    },
  };
}
