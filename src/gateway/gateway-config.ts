/**
 * The gateway's configuration: a YAML file, then the environment, then command-line flags, each over the
 * one before. Upstream base URLs come from here (and the provider's own `<X>_BASE_URL` variable) only;
 * nothing in a request can choose one.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { defaultCatalog, mergeCatalog, type ProviderDefinition } from '../catalog.js';
import { InvalidArgumentError } from '../errors.js';
import type { BackupModelRouterOptions } from '../routing/router-options.js';
import { isRecord } from '../json-value.js';
import { describeValue, fail, objectAt, positiveInteger } from './config-fields.js';
import { configRelativePath, readEnvFile } from './env-file.js';
import { configuredKeysOf, hideConfiguredKeys, withConfiguredKeysHidden } from './configured-keys.js';
import { type GatewayKeyPolicy, gatewayKeysOf } from './gateway-keys-config.js';
import { defaultGatewayLimits, type GatewayLimits, gatewayLimitsOf } from './gateway-limits-config.js';
import { type ClientAddressHeader, clientAddressHeaders } from './hop-address.js';
import { checkBaseUrlVariables, checkOutboundProxyVariables, type GatewayProviderConfig, gatewayProvidersOf } from './gateway-providers-config.js';
import { type GatewayRouteConfig, type GatewayRouterSettings, routeOf, routerSettingsOf } from './gateway-routing-config.js';
import { defaultStoredResponsesConfig, type StoredResponsesConfig, storedResponsesConfigOf } from './stored-responses-config.js';
import { type GatewayTlsConfig, gatewayTlsEnvironmentVariables, gatewayTlsOf } from './gateway-tls-config.js';
import { type GatewayTlsMaterial, readGatewayTlsFiles } from './gateway-tls-files.js';
import { trustedProxiesOf } from './trusted-proxies.js';
import { trustedProxyHopsOf } from './trusted-proxy-hops.js';

// The sections in files of their own, as keys and providers are; what callers have imported from here stays here.
export { defaultGatewayLimits, type GatewayLimits } from './gateway-limits-config.js';
export { type GatewayRouteConfig, type GatewayRouterSettings, gatewayRouterSettingNames } from './gateway-routing-config.js';

export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  /** Gateway keys callers send as `Authorization: Bearer <key>`. Required beyond loopback. */
  readonly keys: readonly string[];
  /** The same keys with their names, limits and whether each is an admin key, in the same order. */
  readonly keyPolicies: readonly GatewayKeyPolicy[];
  readonly limits: GatewayLimits;
  /**
   * Reverse proxies (addresses and CIDR ranges, IPv4 and IPv6) whose `clientAddressHeader` names the client a
   * request's failed key attempts count against; from any other peer the header is not read. Default none.
   */
  readonly trustedProxies: readonly string[];
  /**
   * The reverse proxies counted instead of named, as Express's `trust proxy: N` counts them: the socket's peer is
   * the first hop, and the client is the Nth hop from the right of `clientAddressHeader` (its leftmost when it
   * names fewer). 0 (the default) counts none. Not with `trustedProxies`: one or the other.
   */
  readonly trustedProxyHops: number;
  /**
   * The header the trusted proxies name the client in: `x-forwarded-for` (default; nginx, the cloud load
   * balancers) or `forwarded` (RFC 7239). Only that one is read: the other is what a client may have written.
   * With `forwarded`, whether the client came over HTTPS is its `proto` too, not `X-Forwarded-Proto`.
   */
  readonly clientAddressHeader: ClientAddressHeader;
  readonly routes: Readonly<Record<string, GatewayRouteConfig>>;
  /** Base URL overrides of built-in providers, and providers of the configuration's own, by id. */
  readonly providers: Readonly<Record<string, GatewayProviderConfig>>;
  readonly cache: { readonly enabled: boolean; readonly ttlSeconds: number };
  /** The Responses API items the gateway keeps for later requests to name (stored-responses-config.ts). */
  readonly storedResponses: StoredResponsesConfig;
  readonly router: GatewayRouterSettings;
  /** Put prompts in the logs. Default false: logs never hold a prompt. */
  readonly logPrompts: boolean;
  /**
   * `info` (default) logs one line per call; `warn` only calls that failed on the gateway's or the
   * providers' side (5xx) and trouble such as a lost Redis; `error` and `silent` less still.
   */
  readonly logLevel: GatewayLogLevel;
  /**
   * A file of `NAME=value` lines whose variables are read over the process's environment, at start and at every
   * reload (env-file.ts), as the file gives it (relative to the file's directory). Read by `loadGatewayConfiguration`.
   */
  readonly envFile?: string;
  /** The PEM files the gateway serves HTTPS with (gateway-tls-config.ts); none: plain HTTP. Read by `serve`. */
  readonly tls?: GatewayTlsConfig;
}

export const gatewayLogLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type GatewayLogLevel = (typeof gatewayLogLevels)[number];

export const defaultGatewayConfig: GatewayConfig = {
  host: '127.0.0.1',
  port: 8787,
  keys: [],
  keyPolicies: [],
  limits: defaultGatewayLimits,
  trustedProxies: [],
  trustedProxyHops: 0,
  clientAddressHeader: 'x-forwarded-for',
  routes: {},
  providers: {},
  cache: { enabled: true, ttlSeconds: 300 },
  storedResponses: defaultStoredResponsesConfig,
  router: {},
  logPrompts: false,
  logLevel: 'info',
};

export const gatewayEnvironmentVariables = {
  keys: 'BACKUP_MODELS_GATEWAY_KEYS',
  /** Comma-separated keys that are also admin keys (operator endpoints). */
  adminKeys: 'BACKUP_MODELS_GATEWAY_ADMIN_KEYS',
  host: 'BACKUP_MODELS_GATEWAY_HOST',
  port: 'BACKUP_MODELS_GATEWAY_PORT',
  /** Comma-separated addresses and CIDR ranges of the reverse proxies in front of the gateway; over the file's. */
  trustedProxies: 'BACKUP_MODELS_GATEWAY_TRUSTED_PROXIES',
  /** How many reverse proxies are in front of the gateway, counted instead of named; over the file's `trustedProxyHops`. */
  trustedProxyHops: 'BACKUP_MODELS_GATEWAY_TRUSTED_PROXY_HOPS',
  /** `x-forwarded-for` or `forwarded`; over the file's `clientAddressHeader`. */
  clientAddressHeader: 'BACKUP_MODELS_GATEWAY_CLIENT_ADDRESS_HEADER',
  /** The PEM files to serve HTTPS with; over the file's `tls`. */
  tlsCertFile: gatewayTlsEnvironmentVariables.certFile,
  tlsKeyFile: gatewayTlsEnvironmentVariables.keyFile,
} as const;

type Environment = Readonly<Record<string, string | undefined>>;

function portOf(value: unknown, path: string): number {
  const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) fail(path, 'must be a port from 0 to 65535.');
  return port;
}

/** `x-forwarded-for` or `forwarded`, in any case (a header's name is). */
function clientAddressHeaderOf(value: unknown, path: string): ClientAddressHeader {
  const name = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  const header = clientAddressHeaders.find((known) => known === name);
  if (header === undefined) {
    fail(path, `must be ${clientAddressHeaders.join(' or ')}, the header the trusted proxies name the client in; got ${describeValue(value)}.`);
  }
  return header;
}

export interface ParseGatewayConfigOptions {
  readonly yamlText?: string;
  readonly env?: Environment;
  /**
   * False for a command that only calls providers (`health`, `chat` with `--config`): the gateway's own keys
   * are neither read nor checked, so their variables need not be set where the command runs.
   */
  readonly readKeys?: boolean;
}

/** The top-level fields a configuration file may have; any other is refused, named. */
export const gatewayConfigFileFields: readonly string[] = [
  'host',
  'port',
  'keys',
  'keyLimits',
  'limits',
  'trustedProxies',
  'trustedProxyHops',
  'clientAddressHeader',
  'routes',
  'providers',
  'cache',
  'storedResponses',
  'router',
  'logPrompts',
  'logLevel',
  'envFile',
  'tls',
];

/**
 * Read a configuration from YAML text (or none) and the environment. Pure: no file, no process.env. A refusal
 * quotes none of the keys the file and the environment give (see `configuredKeysOf`).
 */
export function parseGatewayConfig(options: ParseGatewayConfigOptions): GatewayConfig {
  const env = options.env ?? {};
  const document = yamlDocumentOf(options.yamlText, env);
  return withConfiguredKeysHidden(configuredKeysOf(document, env), () => configOf(document, env, options.readKeys));
}

/** The YAML text's document (an empty one for none); a refusal quotes none of the keys `env` gives. */
function yamlDocumentOf(yamlText: string | undefined, env: Environment): unknown {
  if (yamlText === undefined || yamlText.trim().length === 0) return {};
  try {
    // logLevel 'error': the parser's warnings (process.emitWarning, so stderr) quote the document, keys and all.
    return parseYaml(yamlText, { logLevel: 'error' }) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const refusal = new InvalidArgumentError({ argument: 'config', message: `Gateway configuration is not valid YAML: ${detail}` });
    throw hideConfiguredKeys(refusal, configuredKeysOf(undefined, env));
  }
}

function configOf(document: unknown, env: Environment, readKeys: boolean | undefined): GatewayConfig {
  const file = objectAt(document ?? {}, '(root)', gatewayConfigFileFields);
  const limits = gatewayLimitsOf(file.limits);
  const cacheObject = objectAt(file.cache ?? {}, 'cache', ['enabled', 'ttlSeconds']);
  if (cacheObject.enabled !== undefined && typeof cacheObject.enabled !== 'boolean') fail('cache.enabled', 'must be true or false.');
  const routes: Record<string, GatewayRouteConfig> = {};
  for (const [name, route] of Object.entries(objectAt(file.routes ?? {}, 'routes'))) routes[name] = routeOf(route, name);
  if (file.logPrompts !== undefined && typeof file.logPrompts !== 'boolean') fail('logPrompts', 'must be true or false.');
  if (file.logLevel !== undefined && !gatewayLogLevels.includes(file.logLevel as GatewayLogLevel)) {
    fail('logLevel', `must be one of ${gatewayLogLevels.join(', ')}.`);
  }
  if (file.host !== undefined && typeof file.host !== 'string') fail('host', 'must be a string.');
  if (file.envFile !== undefined && (typeof file.envFile !== 'string' || file.envFile.trim() === '')) {
    fail('envFile', 'must be the path of a file of NAME=value lines.');
  }

  const keyPolicies = readKeys === false ? [] : gatewayKeysOf({
    file: file.keys,
    fileLimits: file.keyLimits,
    envKeys: env[gatewayEnvironmentVariables.keys],
    envName: gatewayEnvironmentVariables.keys,
    envAdminKeys: env[gatewayEnvironmentVariables.adminKeys],
    envAdminName: gatewayEnvironmentVariables.adminKeys,
    env,
  });
  const envPort = env[gatewayEnvironmentVariables.port];
  const envTrustedProxies = env[gatewayEnvironmentVariables.trustedProxies]?.trim();
  const envTrustedProxyHops = env[gatewayEnvironmentVariables.trustedProxyHops]?.trim();
  const envClientAddressHeader = env[gatewayEnvironmentVariables.clientAddressHeader]?.trim();
  const trustedProxies = envTrustedProxies
    ? trustedProxiesOf(envTrustedProxies, gatewayEnvironmentVariables.trustedProxies)
    : file.trustedProxies !== undefined && file.trustedProxies !== null
      ? trustedProxiesOf(file.trustedProxies, 'trustedProxies')
      : defaultGatewayConfig.trustedProxies;
  const trustedProxyHops = envTrustedProxyHops
    ? trustedProxyHopsOf(envTrustedProxyHops, gatewayEnvironmentVariables.trustedProxyHops)
    : file.trustedProxyHops !== undefined && file.trustedProxyHops !== null
      ? trustedProxyHopsOf(file.trustedProxyHops, 'trustedProxyHops')
      : defaultGatewayConfig.trustedProxyHops;
  if (trustedProxies.length > 0 && trustedProxyHops > 0) {
    // Named proxies and a count are two answers to one question; no reading of both is the obvious one.
    fail(
      envTrustedProxyHops ? gatewayEnvironmentVariables.trustedProxyHops : 'trustedProxyHops',
      `cannot be given with ${envTrustedProxies ? gatewayEnvironmentVariables.trustedProxies : 'trustedProxies'}: name the proxies ` +
        'by address (trustedProxies; a client that reaches the gateway directly is then not believed) or count them ' +
        `(trustedProxyHops), not both. ${gatewayEnvironmentVariables.trustedProxyHops}=0 sets the count aside.`,
    );
  }
  const tls = gatewayTlsOf(file.tls, env);
  return {
    host: env[gatewayEnvironmentVariables.host] || (file.host as string | undefined) || defaultGatewayConfig.host,
    port: envPort ? portOf(envPort, gatewayEnvironmentVariables.port) : file.port !== undefined ? portOf(file.port, 'port') : defaultGatewayConfig.port,
    keys: keyPolicies.map((policy) => policy.key),
    keyPolicies,
    limits,
    trustedProxies,
    trustedProxyHops,
    clientAddressHeader: envClientAddressHeader
      ? clientAddressHeaderOf(envClientAddressHeader, gatewayEnvironmentVariables.clientAddressHeader)
      : file.clientAddressHeader !== undefined && file.clientAddressHeader !== null
        ? clientAddressHeaderOf(file.clientAddressHeader, 'clientAddressHeader')
        : defaultGatewayConfig.clientAddressHeader,
    routes,
    providers: file.providers !== undefined ? gatewayProvidersOf(file.providers) : {},
    cache: {
      enabled: (cacheObject.enabled as boolean | undefined) ?? true,
      ttlSeconds:
        cacheObject.ttlSeconds !== undefined ? positiveInteger(cacheObject.ttlSeconds, 'cache.ttlSeconds') : defaultGatewayConfig.cache.ttlSeconds,
    },
    storedResponses: storedResponsesConfigOf(file.storedResponses),
    router: file.router !== undefined ? routerSettingsOf(file.router) : {},
    logPrompts: (file.logPrompts as boolean | undefined) ?? false,
    logLevel: (file.logLevel as GatewayLogLevel | undefined) ?? defaultGatewayConfig.logLevel,
    ...(typeof file.envFile === 'string' ? { envFile: file.envFile } : {}),
    ...(tls !== undefined ? { tls } : {}),
  };
}

/** Read `path` (when given), its `envFile` and the environment. */
export async function loadGatewayConfig(options: LoadGatewayConfigOptions): Promise<GatewayConfig> {
  return (await loadGatewayConfiguration(options)).config;
}

export type LoadGatewayConfigOptions = Omit<ParseGatewayConfigOptions, 'yamlText'> & {
  readonly path?: string;
  /** Read the certificate and key `tls` names too (`serve`; a command that only calls providers has no use for them). */
  readonly readTlsFiles?: boolean;
};

/** A configuration as read, and the environment it was read with: the process's, and its `envFile`'s variables over it. */
export interface LoadedGatewayConfiguration {
  readonly config: GatewayConfig;
  /** What the router reads keys and base URLs from; never logged. */
  readonly env: Environment;
  /** The certificate and key of `config.tls`, when it names them and `readTlsFiles` asked for them. */
  readonly tls?: GatewayTlsMaterial;
}

/**
 * Read `path` (when given), then its `envFile` (when it names one), then the configuration with the file's variables
 * over `env`. Every refusal is an InvalidArgumentError that quotes none of the keys either gives.
 */
export async function loadGatewayConfiguration(options: LoadGatewayConfigOptions): Promise<LoadedGatewayConfiguration> {
  const processEnv = options.env ?? {};
  let yamlText: string | undefined;
  if (options.path !== undefined) {
    try {
      yamlText = await readFile(options.path, 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new InvalidArgumentError({
        argument: 'config',
        message: `Cannot read the gateway configuration ${options.path}${typeof code === 'string' ? ` (${code})` : ''}.`,
      });
    }
  }
  const document = yamlDocumentOf(yamlText, processEnv);
  const envFile = isRecord(document) && typeof document.envFile === 'string' && document.envFile.trim() !== '' ? document.envFile : undefined;
  const env = envFile === undefined ? processEnv : { ...processEnv, ...(await readEnvFile(configRelativePath(envFile, options.path))) };
  const config = withConfiguredKeysHidden(configuredKeysOf(document, env), () => configOf(document, env, options.readKeys));
  if (options.readTlsFiles !== true || config.tls === undefined) return { config, env };
  return { config, env, tls: await readGatewayTlsFiles(config.tls, options.path) };
}

/** The router options this configuration asks for: base URL overrides and new providers merged into the catalog, cache, strategy. */
export function routerOptionsFromConfig(
  config: GatewayConfig,
  options: { readonly env?: Environment; readonly catalog?: readonly ProviderDefinition[] } = {},
): BackupModelRouterOptions {
  const catalog = options.catalog ?? defaultCatalog;
  // A provider's id is its name in the file, where a key pasted by mistake would be quoted.
  const ownProviders = Object.values(config.providers).flatMap((provider) => (provider.definition ? [provider.definition] : []));
  const keys = [...config.keys, ...configuredKeysOf(undefined, options.env ?? {}, [...catalog, ...ownProviders])];
  return withConfiguredKeysHidden(keys, () => routerOptionsOf(config, catalog, options.env));
}

function routerOptionsOf(config: GatewayConfig, catalog: readonly ProviderDefinition[], env: Environment | undefined): BackupModelRouterOptions {
  const overrides = Object.entries(config.providers).map(([id, override]): Partial<ProviderDefinition> & { id: string } => {
    const builtIn = catalog.some((definition) => definition.id === id);
    if (override.definition !== undefined) {
      if (builtIn) fail(`providers.${id}`, 'is a built-in provider: give it only a baseUrl, or give the new provider another id.');
      return override.definition;
    }
    if (!builtIn) {
      fail(
        `providers.${id}`,
        `names no known provider (known: ${catalog.map((definition) => definition.id).join(', ')}); a new one needs protocol, baseUrl and models.`,
      );
    }
    return override.reasoningSummaries === true ? { id, baseUrl: override.baseUrl, reasoningSummaries: true } : { id, baseUrl: override.baseUrl };
  });
  const merged = overrides.length > 0 ? mergeCatalog(catalog, overrides) : catalog;
  if (env) {
    checkBaseUrlVariables(merged, env);
    checkOutboundProxyVariables(env);
  }
  const { router } = config;
  return {
    catalog: merged,
    cacheEnabled: config.cache.enabled,
    cacheTtlSeconds: config.cache.ttlSeconds,
    maxProviderResponseBytes: config.limits.maxProviderResponseBytes,
    maxProviderEmbeddingResponseBytes: config.limits.maxProviderEmbeddingResponseBytes,
    ...(env ? { env } : {}),
    ...(router.parallelAttempts !== undefined ? { parallelAttempts: router.parallelAttempts } : {}),
    ...(router.hedge !== undefined ? { hedge: router.hedge } : {}),
    ...(router.timeoutMs !== undefined ? { timeoutMs: router.timeoutMs } : {}),
    ...(router.firstTokenTimeoutMs !== undefined ? { firstTokenTimeoutMs: router.firstTokenTimeoutMs } : {}),
    ...(router.responseTimeoutMs !== undefined ? { responseTimeoutMs: router.responseTimeoutMs } : {}),
    ...(router.idleTimeoutMs !== undefined ? { idleTimeoutMs: router.idleTimeoutMs } : {}),
    ...(router.maxRetries !== undefined ? { maxRetries: router.maxRetries } : {}),
    ...(router.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: router.retryBaseDelayMs } : {}),
    ...(router.stopAfterInvalidRequests !== undefined ? { stopAfterInvalidRequests: router.stopAfterInvalidRequests } : {}),
    ...(router.missingModelPeriodMs !== undefined ? { missingModelPeriodMs: router.missingModelPeriodMs } : {}),
    ...(router.credentialCooldownMs !== undefined ? { credentialCooldownMs: router.credentialCooldownMs } : {}),
    ...(router.defaultRateLimitCooldownMs !== undefined ? { defaultRateLimitCooldownMs: router.defaultRateLimitCooldownMs } : {}),
    ...(router.healthCheckIntervalMs !== undefined ? { healthCheckIntervalMs: router.healthCheckIntervalMs } : {}),
  };
}
