/** What `serve` warns of in a configuration it runs with, at start and after each reload taken. */
import type { GatewayConfig } from '../gateway/gateway-config.js';
import type { GatewayLogger } from '../gateway/gateway-logger.js';
import type { BackupModelRouter } from '../routing/backup-model-router.js';

export function warnAboutConfiguration(logger: GatewayLogger, inUse: { readonly config: GatewayConfig; readonly router: BackupModelRouter }): void {
  const { config, router } = inUse;
  if (config.keys.length > 0 && !config.keyPolicies.some((policy) => policy.admin)) {
    logger.warn(
      'No gateway key is an admin key: /metrics, /health and the dashboard refuse every key. Set admin: true on a key ' +
        'in the configuration, or list it in BACKUP_MODELS_GATEWAY_ADMIN_KEYS.',
    );
  }
  if (!router.providers.some((provider) => provider.isConfigured())) {
    const variables = router.providers.map((provider) => provider.definition.apiKeyEnv).filter(Boolean).join(', ');
    logger.warn(`No provider has an API key: every call will fail with 503. Set one of ${variables}.`);
  }
}
