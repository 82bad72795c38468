/**
 * `serve`'s reloads of its configuration (SIGHUP): the file, its `envFile` and the environment read again and
 * checked as at start (the same code, the same refusals); a configuration refused changes nothing, and says why in
 * one line of the log. One taken is swapped in whole (gateway.reconfigure): new requests use it, those in flight end
 * on the one they began on, and its predecessor's router, taken over by the new one for the providers it keeps
 * (`previousRouter`: circuits, health, the cache), is closed once they have ended. What a reload cannot change
 * (restart-only-settings.ts, and where the shared state lives) keeps its value and is named as needing a restart.
 */
import { InsecureBindingError } from '../gateway/auth.js';
import type { Dashboard } from '../dashboard/attach-dashboard.js';
import type { Gateway } from '../gateway/create-gateway.js';
import { type GatewayConfig, type LoadedGatewayConfiguration } from '../gateway/gateway-config.js';
import type { GatewayLogger } from '../gateway/gateway-logger.js';
import { changedRestartOnlySettings, withRestartOnlySettingsOf } from '../gateway/restart-only-settings.js';
import { InvalidArgumentError } from '../errors.js';
import { BackupModelRouter } from '../routing/backup-model-router.js';
import type { BackupModelRouterOptions } from '../routing/router-options.js';
import { warnAboutConfiguration } from './configuration-warnings.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** The configuration in use, as read, and the router made from it. */
export interface ConfigurationInUse {
  readonly config: GatewayConfig;
  readonly env: Environment;
  readonly router: BackupModelRouter;
}

export interface ConfigurationReloadsOptions {
  /** Read the file, its `envFile` and the environment, as at start. */
  readonly load: () => Promise<LoadedGatewayConfiguration>;
  /** The router's options for a configuration (refusing it as start does), shared state included. */
  readonly routerOptions: (loaded: LoadedGatewayConfiguration) => BackupModelRouterOptions;
  /** Variables a reload cannot change (where the shared state lives): a change is named as needing a restart. */
  readonly restartOnlyVariables: readonly string[];
  readonly gateway: Gateway;
  readonly dashboard: Dashboard;
  readonly logger: GatewayLogger;
  readonly inUse: ConfigurationInUse;
}

export interface ConfigurationReloads {
  /** The configuration in use: the one read at start, or the last reload taken. */
  readonly inUse: ConfigurationInUse;
  /** Read the configuration again and take it or refuse it; one at a time: asked during one, it runs once after it. */
  reload(): void;
  /** Resolves once no reload runs or waits. */
  settled(): Promise<void>;
  /** Close the router in use and each one replaced, once the requests it served have ended (call after the drain). */
  closeRouters(): Promise<void>;
}

export function createConfigurationReloads(options: ConfigurationReloadsOptions): ConfigurationReloads {
  const { gateway, dashboard, logger } = options;
  let inUse = options.inUse;
  const closing = new Set<Promise<void>>();
  let running: Promise<void> | undefined;
  let askedAgain = false;

  function refuse(error: unknown): void {
    gateway.metrics.recordConfigurationReload('refused', Date.now());
    // The refusals of the configuration's own code quote no key (configured-keys.ts); anything else is named only.
    const said = error instanceof InvalidArgumentError || error instanceof InsecureBindingError;
    logger.error(
      said ? { error: error.message } : { errorName: error instanceof Error ? error.name : typeof error },
      'configuration reload refused: the gateway keeps serving on the configuration in use',
    );
  }

  async function reloadOnce(): Promise<void> {
    let loaded: LoadedGatewayConfiguration;
    let routerOptions: BackupModelRouterOptions;
    try {
      loaded = await options.load();
      routerOptions = options.routerOptions(loaded);
    } catch (error) {
      refuse(error);
      return;
    }
    const restartNeeded = [
      ...changedRestartOnlySettings(inUse.config, loaded.config),
      ...options.restartOnlyVariables.filter((name) => (inUse.env[name] ?? '') !== (loaded.env[name] ?? '')),
    ];
    const config = withRestartOnlySettingsOf(inUse.config, loaded.config);
    const previousRouter = inUse.router;
    let router: BackupModelRouter | undefined;
    try {
      // A renewed certificate is served from now on, when HTTPS stays on (switching it is for a restart).
      const tls = inUse.config.tls !== undefined && loaded.config.tls !== undefined ? loaded.tls : undefined;
      const { previousDrained } = gateway.reconfigure({
        config,
        createRouter: () => (router = new BackupModelRouter({ ...routerOptions, previousRouter })),
        ...(tls !== undefined ? { tls } : {}),
      });
      const closed = previousDrained.then(() => previousRouter.close());
      closing.add(closed);
      void closed.then(() => closing.delete(closed));
    } catch (error) {
      refuse(error);
      return;
    }
    inUse = { config, env: loaded.env, router: router! };
    logger.level = config.logLevel;
    gateway.metrics.recordConfigurationReload('ok', Date.now());
    // Taken: the dashboard's keys follow. Checking its open streams again reads the sign-outs (Redis, perhaps
    // away): a failure there leaves those streams open, never the reload half done.
    await dashboard.useKeys(config.keyPolicies).catch((error: unknown) =>
      logger.warn({ errorName: error instanceof Error ? error.name : typeof error }, 'dashboard streams not checked against the reloaded keys'),
    );
    const providers = inUse.router.providers.filter((provider) => provider.isConfigured()).map((provider) => provider.id);
    logger.info({ providers, keysRequired: config.keys.length > 0, keys: config.keys.length, routes: Object.keys(config.routes) }, 'configuration reloaded');
    if (restartNeeded.length > 0) {
      logger.warn({ settings: restartNeeded }, 'configuration reloaded but for these settings, which only a restart changes: their values in use stay');
    }
    warnAboutConfiguration(logger, inUse);
  }

  return {
    get inUse() {
      return inUse;
    },
    reload: () => {
      if (running !== undefined) {
        askedAgain = true;
        return;
      }
      running = (async () => {
        do {
          askedAgain = false;
          // Nothing a reload meets may end the process (an unhandled rejection would): said, and the gateway serves on.
          await reloadOnce().catch((error: unknown) =>
            logger.error({ errorName: error instanceof Error ? error.name : typeof error }, 'configuration reload failed'),
          );
        } while (askedAgain);
      })().finally(() => {
        running = undefined;
      });
    },
    settled: () => running ?? Promise.resolve(),
    closeRouters: async () => {
      await Promise.all([...closing, inUse.router.close()]);
    },
  };
}
