/** `backup-models serve`: the gateway (OpenAI's and Anthropic's APIs), until SIGTERM or Ctrl-C, which drain it first. */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultCatalog } from '../../catalog.js';
import { attachDashboard } from '../../dashboard/attach-dashboard.js';
import { createGateway } from '../../gateway/create-gateway.js';
import { type LoadedGatewayConfiguration, loadGatewayConfiguration, routerOptionsFromConfig } from '../../gateway/gateway-config.js';
import { createGatewayLogger } from '../../gateway/gateway-logger.js';
import { BackupModelRouter } from '../../routing/backup-model-router.js';
import type { BackupModelRouterOptions } from '../../routing/router-options.js';
import { createRedisSharedState, type RedisSharedStateOptions } from '../../shared-state/index.js';
import type { CliCommand } from '../cli-command.js';
import { maximumPort, numberOption, withUsageErrors } from '../parse-command-args.js';
import { type ConfigurationReloads, createConfigurationReloads } from '../configuration-reloads.js';
import { warnAboutConfiguration } from '../configuration-warnings.js';
import { sharedStateEnvironmentVariables, sharedStateOptionsFromEnv } from '../shared-state-options-from-env.js';
import { withConfigurationErrors } from '../with-configuration-errors.js';
import { type OtlpTracing, startOtlpTracing } from '../../telemetry/start-otlp-tracing.js';
import { tracingEnvironmentVariables, tracingOptionsFromEnv } from '../tracing-options-from-env.js';
import { proxySettingsFromEnv, proxySettingsShown } from '../../http/proxy-settings.js';
import { CliConfigurationError, type CliContext } from '../cli-command.js';
import { linkToPrimary, type ServeWorkerLink } from '../serve-worker-link.js';
import { isServeWorker } from '../serve-worker-protocol.js';
import { runServeWorkers } from '../serve-workers.js';
import { workerCountOf, workersVariable } from '../worker-count.js';

const help = `Usage: backup-models serve [options]

Serve OpenAI's and Anthropic's APIs in front of every provider with a key:
POST /v1/chat/completions, POST /v1/responses (GET and DELETE /v1/responses/{id}, GET
/v1/responses/{id}/input_items), POST /v1/messages, POST /v1/messages/count_tokens, POST /v1/embeddings,
GET /v1/models, GET /v1/models/{id}, GET /v1/key, GET /health, GET /livez, GET /metrics, and the dashboard at /. With gateway keys, only admin keys read /metrics, /health
and the dashboard.

Options:
  --config <file>   YAML configuration (keys, limits, routes, provider base URLs, cache).
  --host <host>     Default 127.0.0.1. Beyond loopback a gateway key is required.
  --port <port>     Default 8787.
  --workers <n>     Serve from n processes on the one port (node:cluster), to use n cores; auto for one a
                    core. Default 1. Needs shared state on Redis (REDIS_URL), which the workers share.
  -h, --help        Show this help.

Environment:
  BACKUP_MODELS_GATEWAY_KEYS           comma-separated gateway keys, added to the file's
  BACKUP_MODELS_GATEWAY_ADMIN_KEYS     comma-separated admin keys (they may also read the operator endpoints)
  BACKUP_MODELS_GATEWAY_HOST           over the file's host (--host over both)
  BACKUP_MODELS_GATEWAY_PORT           over the file's port (--port over both)
  BACKUP_MODELS_GATEWAY_WORKERS        the number of workers (--workers over it)
  BACKUP_MODELS_GATEWAY_TLS_CERT_FILE, BACKUP_MODELS_GATEWAY_TLS_KEY_FILE
                                       serve HTTPS with this certificate chain and private key (PEM files);
                                       over the file's tls.certFile and tls.keyFile
  BACKUP_MODELS_GATEWAY_TRUSTED_PROXIES
                                       comma-separated addresses and CIDR ranges of the reverse proxies whose
                                       X-Forwarded-For names the client; replaces the file's trustedProxies
  BACKUP_MODELS_GATEWAY_TRUSTED_PROXY_HOPS
                                       the reverse proxies counted instead, as Express's trust proxy: N (the
                                       client is the Nth hop from the right; not with trusted proxies named);
                                       over the file's trustedProxyHops, 0 for none
  BACKUP_MODELS_GATEWAY_CLIENT_ADDRESS_HEADER
                                       x-forwarded-for (default) or forwarded (RFC 7239): the one header the
                                       trusted proxies name the client in (with forwarded, its proto and not
                                       X-Forwarded-Proto says HTTPS); over the file's clientAddressHeader
  ${defaultCatalog.map((definition) => definition.apiKeyEnv).join(', ')}
                                       the providers' keys
  ${defaultCatalog.flatMap((definition) => (definition.baseUrlEnv ? [definition.baseUrlEnv] : [])).join(', ')}
                                       their base URLs, over a baseUrl the file gives them (http or https,
                                       with no user name, password, query or fragment)
  the variables the file names in a key's keyEnv and a provider's apiKeyEnv
  HTTPS_PROXY, HTTP_PROXY              the outbound proxy of https and http base URLs (HTTP_PROXY of both when
                                       HTTPS_PROXY is unset): http://[user:password@]host:port, CONNECT tunnels,
                                       or socks5://[user:password@]host[:port] (socks5h://: the proxy resolves
                                       the providers' host names)
  ALL_PROXY                            the proxy of either when its own variable is unset (as with curl)
  NO_PROXY                             what is reached directly: hosts (and their subdomains), addresses, CIDR
                                       ranges (10.0.0.0/8), each with an optional :port, or *; loopback goes
                                       through the proxy unless named (as with curl). Each read lower case first
  REDIS_URL                            shared state across instances on one Redis
  REDIS_CLUSTER_NODES                  or on a Redis Cluster: comma-separated node URLs (over REDIS_URL)
  BACKUP_MODELS_REDIS_PREFIX           namespace of the shared state's keys and channels (default backup-models)
  BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS
                                       budget of each Redis operation, in ms (default 50): past it the request
                                       goes on without it (a cache miss, say), as when Redis is down
  OTEL_EXPORTER_OTLP_ENDPOINT          trace every request to this OTLP collector (over HTTP, spans at <url>/v1/traces);
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT   or to this full URL. Off when neither is set or OTEL_SDK_DISABLED=true
  OTEL_EXPORTER_OTLP_HEADERS           headers of every export (key=value,...), OTEL_EXPORTER_OTLP_TRACES_HEADERS over them
  OTEL_SERVICE_NAME                    the spans' service.name (default backup-models-gateway)
  OTEL_RESOURCE_ATTRIBUTES             the spans' resource: key=value,... (deployment.environment=prod)
  OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG
                                       which requests are traced (default all): parentbased_traceidratio and 0.01
                                       for 1% of those without a caller's trace context
  OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
                                       http/protobuf (default), http/json, or grpc (npm install
                                       @opentelemetry/exporter-trace-otlp-grpc beside backup-models first)

SIGHUP (kill -HUP <pid>) reads the configuration again (the file, its envFile, the environment) and, if it is
valid, serves new requests with it while those in flight finish on the one they began on; an invalid one changes
nothing and is logged (with --workers, each worker reads it and logs its own line). host, port, workers, the
failed key attempts' limits, storedResponses.maxMemoryBytes, tls on or off and the Redis variables need a
restart; a certificate renewed in place is read again and served to new connections. SIGTERM or Ctrl-C stops
accepting, lets requests in flight finish, then exits (every worker does); a second one exits at once.`;

/** The CLI's entry point, which `--workers`' processes run (`dist/cli/main.js` beside this file's folder). */
const mainScript = fileURLToPath(new URL('../main.js', import.meta.url));

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the gateway (OpenAI and Anthropic APIs).',
  help,
  async run(args, context) {
    const { values } = withUsageErrors('serve', () =>
      parseArgs({
        args: [...args],
        strict: true,
        allowPositionals: false,
        options: {
          config: { type: 'string' },
          host: { type: 'string' },
          port: { type: 'string' },
          workers: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }),
    );
    if (values.help) {
      context.stdout.write(`${help}\n`);
      return 0;
    }
    const port = numberOption('serve', 'port', values.port, { minimum: 0, maximum: maximumPort, integer: true });
    const load = (): Promise<LoadedGatewayConfiguration> =>
      loadGatewayConfiguration({ ...(values.config !== undefined ? { path: values.config } : {}), env: context.env, readTlsFiles: true });
    const workers = workerCountOf(values.workers, context.env[workersVariable]);
    if (!isServeWorker(context.env)) {
      return workers > 1 ? serveFromWorkers({ workers, args, load, context }) : serveGateway({ host: values.host, port, load, context });
    }
    // Closed however the worker's gateway ends (its configuration refused too): the channel would keep it running.
    const link = linkToPrimary();
    try {
      return await serveGateway({ host: values.host, port, load, context, link });
    } finally {
      link.close();
    }
  },
};

/** `serve --workers N` (N > 1): the primary, once the configuration it reads first holds no mistake. */
async function serveFromWorkers(options: {
  readonly workers: number;
  readonly args: readonly string[];
  readonly load: () => Promise<LoadedGatewayConfiguration>;
  readonly context: CliContext;
}): Promise<number> {
  const { workers, context } = options;
  // Read here first, so that a mistake is one line and exit code 2, not one a worker.
  const { loaded, sharedStateOptions } = await readStartConfiguration(options.load);
  if (sharedStateOptions === undefined) throw workersWithoutSharedState(workers);
  return runServeWorkers({
    workers,
    exec: mainScript,
    args: ['serve', ...options.args],
    env: context.env,
    logger: createGatewayLogger({ level: loaded.config.logLevel }),
    stdout: context.stdout,
    signal: context.signal,
    ...(context.onReloadRequest ? { onReloadRequest: context.onReloadRequest } : {}),
  });
}

/** One gateway process: `serve` itself, or one of `serve --workers`' workers (`link` to its primary). */
async function serveGateway(options: {
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly load: () => Promise<LoadedGatewayConfiguration>;
  readonly context: CliContext;
  readonly link?: ServeWorkerLink;
}): Promise<number> {
  const { load, context, link } = options;
  const { loaded, routerOptions, tracingOptions, sharedStateOptions } = await readStartConfiguration(load);
  // A Redis URL is checked as its connections are made: a mistake in it is the configuration's too (exit code 2).
  const shared = sharedStateOptions === undefined ? undefined : await withConfigurationErrors(() => createRedisSharedState(sharedStateOptions));
  const { config } = loaded;
  const withSharedState = (options: BackupModelRouterOptions): BackupModelRouterOptions => ({
    ...options,
    ...(shared ? { cacheBackend: shared.cacheBackend, stateSync: shared.stateSync } : {}),
  });
  const logger = createGatewayLogger({ level: config.logLevel, ...(link && cluster.worker ? { fields: { worker: cluster.worker.id } } : {}) });
  shared?.onConnectionEvent((event) => {
    if (event.type === 'error') logger.warn({ connection: event.connection, error: event.message }, 'redis error');
    else logger.info({ connection: event.connection }, `redis ${event.type}`);
  });
  // Made inside the try: should it throw, the Redis connections are still closed.
  let router: BackupModelRouter | undefined;
  let reloads: ConfigurationReloads | undefined;
  let otlp: OtlpTracing | undefined;
  try {
    // The SDK's packages are imported only here, when an OTLP endpoint is set: without one nothing of them is loaded.
    if (tracingOptions !== undefined) {
      otlp = await startOtlpTracing(tracingOptions);
      const { origin, pathname } = new URL(tracingOptions.tracesUrl);
      const { serviceName, protocol } = tracingOptions;
      logger.info({ tracesUrl: `${origin}${pathname}`, serviceName, protocol }, 'tracing: exporting spans over OTLP');
    }
    router = new BackupModelRouter(withSharedState(routerOptions));
    const gateway = createGateway({
      router,
      config,
      logger,
      ...(shared ? { quotaStore: shared.quotaStore, sharedFailedKeyAttempts: shared.failedKeyAttempts, responseStore: shared.responseStore } : {}),
      ...(otlp ? { tracing: otlp.tracing } : {}),
      ...(loaded.tls ? { tls: loaded.tls } : {}),
      ...(link ? { metricsExposition: link.metricsExposition } : {}),
    });
    link?.shareMetrics(gateway.metrics.registry);
    // With shared state, a dashboard sign-out at this instance is refused by the others too. The dashboard reads
    // the gateway's routers: the one in use, after a reload too.
    const dashboard = attachDashboard({
      gateway,
      router: gateway.routers,
      keys: config.keyPolicies,
      ...(shared ? { sessionRevocations: shared.sessionRevocations } : {}),
    });
    const { url } = await gateway.listen({ host: options.host ?? config.host, port: options.port ?? config.port });
    const configured = router.providers.filter((provider) => provider.isConfigured()).map((provider) => provider.id);
    const { trustedProxies, trustedProxyHops, clientAddressHeader } = config;
    // Where provider requests go out (without the proxy's credentials), so an operator sees it was taken.
    const outboundProxy = proxySettingsFromEnv(loaded.env).settings;
    logger.info(
      {
        url,
        // Which process to look at, of a worker (every line of its log names it by its number).
        ...(link ? { pid: process.pid } : {}),
        providers: configured,
        keysRequired: config.keys.length > 0,
        trustedProxies,
        trustedProxyHops,
        clientAddressHeader,
        ...(outboundProxy !== undefined ? { outboundProxy: proxySettingsShown(outboundProxy) } : {}),
      },
      'gateway listening',
    );
    warnAboutConfiguration(logger, { config, router });
    reloads = createConfigurationReloads({
      load,
      routerOptions: (read) => withSharedState(routerOptionsFromConfig(read.config, { env: read.env })),
      restartOnlyVariables: [...Object.values(sharedStateEnvironmentVariables), ...Object.values(tracingEnvironmentVariables)],
      gateway,
      dashboard,
      logger,
      inUse: { config, env: loaded.env, router },
    });
    const stopHearingReloads = context.onReloadRequest?.(() => reloads?.reload());
    // A worker's primary says it once, for all of them.
    if (link) link.announceListening(url);
    else context.stdout.write(`backup-models gateway listening on ${url}\n`);
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      else context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    stopHearingReloads?.();
    await reloads.settled();
    logger.info({ timeoutMs: reloads.inUse.config.limits.drainTimeoutMs }, 'draining');
    dashboard.close();
    await gateway.drain();
    logger.info('stopped');
    return 0;
  } finally {
    await (reloads ? reloads.closeRouters() : router?.close());
    // After the drain: the last requests' spans are exported before the process exits.
    await otlp?.shutdown().catch((error: unknown) =>
      logger.warn({ errorName: error instanceof Error ? error.name : typeof error }, 'tracing: the last spans could not be exported'),
    );
    await shared?.close();
    logger.flush();
  }
}

/** Workers share what a key may spend, stored responses, sign-outs and circuits only through Redis. */
function workersWithoutSharedState(workers: number): CliConfigurationError {
  const message =
    `--workers ${workers} needs shared state on Redis (REDIS_URL or REDIS_CLUSTER_NODES): without it each worker ` +
    "would keep its own count of each key's limits (letting a key through up to once per worker), its own stored " +
    'responses and dashboard sign-outs, and its own circuits.';
  return new CliConfigurationError(message, { cause: undefined });
}

/**
 * The configuration `serve` starts with, every part of it read and checked: a mistake in the file or the environment
 * is the user's to fix (exit code 2), and is found before any connection is made, Redis's included.
 */
function readStartConfiguration(load: () => Promise<LoadedGatewayConfiguration>): Promise<{
  readonly loaded: LoadedGatewayConfiguration;
  readonly routerOptions: BackupModelRouterOptions;
  readonly tracingOptions: ReturnType<typeof tracingOptionsFromEnv>;
  readonly sharedStateOptions: RedisSharedStateOptions | undefined;
}> {
  return withConfigurationErrors(async () => {
    const loaded = await load();
    return {
      loaded,
      routerOptions: routerOptionsFromConfig(loaded.config, { env: loaded.env }),
      tracingOptions: tracingOptionsFromEnv(loaded.env),
      sharedStateOptions: sharedStateOptionsFromEnv(loaded.env),
    };
  });
}
