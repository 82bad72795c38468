/** The router a one-off command uses: the default catalog, or a gateway configuration's providers and strategy. */
import { loadGatewayConfiguration, routerOptionsFromConfig } from '../gateway/gateway-config.js';
import { BackupModelRouter } from '../routing/backup-model-router.js';
import type { CliContext } from './cli-command.js';
import { withConfigurationErrors } from './with-configuration-errors.js';

/** A mistake in the file or the environment it reads is a CliConfigurationError (exit code 2). */
export function routerForCommand(context: Pick<CliContext, 'env'>, configPath: string | undefined): Promise<BackupModelRouter> {
  return withConfigurationErrors(async () => {
    if (configPath === undefined) return new BackupModelRouter({ env: context.env });
    // Only the providers and the strategy matter here: the gateway's own keys are not read. The keys its envFile
    // gives are read over the environment's, as `serve` reads them.
    const { config, env } = await loadGatewayConfiguration({ path: configPath, env: context.env, readKeys: false });
    return new BackupModelRouter(routerOptionsFromConfig(config, { env }));
  });
}
