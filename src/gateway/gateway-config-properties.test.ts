/**
 * Property tests of the gateway's configuration: whatever YAML file and environment `serve --config` reads, the
 * configuration, the router options made of it and the router either load or throw the configuration's typed
 * error (an InvalidArgumentError whose argument is the setting's path, `config.router.timeoutMs`, which the CLI
 * reports in one line with exit code 2), never an untyped exception; and no gateway key nor provider key the
 * configuration holds is quoted in that error. Each failure found is kept as a plain test in
 * gateway-config-errors.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { defaultCatalog } from '../catalog.js';
import { InvalidArgumentError } from '../errors.js';
import { BackupModelRouter } from '../routing/backup-model-router.js';
import { brokenGatewayConfiguration, type GeneratedConfiguration, gatewayConfiguration } from './gateway-config-arbitraries.test-support.js';
import { parseGatewayConfig, routerOptionsFromConfig } from './gateway-config.js';

/** What `serve` does with a file and an environment before it connects to anything: the error it ends in, if any. */
function loadAsServeDoes({ yamlText, env }: GeneratedConfiguration): unknown {
  try {
    const config = parseGatewayConfig({ yamlText, env });
    const router = new BackupModelRouter(routerOptionsFromConfig(config, { env }));
    void router.close();
    return undefined;
  } catch (error) {
    return error;
  }
}

/**
 * The keys the file and the environment give, as the test reads them: the gateway's (the file's `keys`, the
 * variables their `keyEnv` names, the environment's key lists) and the providers' (their `apiKeyEnv` variables).
 */
function configuredKeys({ keys, yamlText, env }: GeneratedConfiguration): string[] {
  let file: { keys?: unknown; providers?: unknown } = {};
  try {
    file = (parseYaml(yamlText, { logLevel: 'error' }) as typeof file | null) ?? {};
  } catch {
    // Not YAML: the file gives no key.
  }
  const variables = [...defaultCatalog.map((definition) => definition.apiKeyEnv)];
  const given = [env.BACKUP_MODELS_GATEWAY_KEYS ?? '', env.BACKUP_MODELS_GATEWAY_ADMIN_KEYS ?? '', JSON.stringify(file.keys ?? null)];
  for (const entry of Array.isArray(file.keys) ? (file.keys as unknown[]) : []) {
    // A name only when it is text: String() of `{ toString: 1 }` (a value fc.anything draws) throws.
    if (typeof entry === 'object' && entry !== null && 'keyEnv' in entry && typeof entry.keyEnv === 'string') variables.push(entry.keyEnv);
  }
  for (const provider of typeof file.providers === 'object' && file.providers !== null ? Object.values(file.providers) : []) {
    if (typeof provider === 'object' && provider !== null && 'apiKeyEnv' in provider && typeof provider.apiKeyEnv === 'string') variables.push(provider.apiKeyEnv);
  }
  given.push(...variables.map((name) => env[name] ?? ''));
  return [...keys.gateway, ...keys.provider].filter((key) => given.some((text) => text.includes(key)));
}

/** Throws unless the error is the configuration's typed error, naming a setting on one line, quoting none of its keys. */
function expectConfigurationError(error: unknown, generated: GeneratedConfiguration): void {
  if (error === undefined) return;
  if (!(error instanceof InvalidArgumentError)) throw error;
  expect(error.argument).toMatch(/^config(\.|$)/);
  expect(error.message.split('\n')).toHaveLength(1);
  for (const key of configuredKeys(generated)) expect(error.message).not.toContain(key);
}

/**
 * The warnings the process emitted while `run` ran: the yaml parser's own warnings went there (so to `serve`'s
 * stderr), quoting the document and any key in it. The test reads the file with its warnings off, so any is ours.
 */
async function warningsDuring(run: () => void): Promise<string[]> {
  const warnings: string[] = [];
  const listen = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`);
  };
  process.on('warning', listen);
  try {
    run();
    // process.emitWarning emits on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listen);
  }
  return warnings;
}

describe('the gateway configuration, from any file and environment', () => {
  it('loads, or throws InvalidArgumentError naming the setting and quoting no key, and warns nothing', async () => {
    const warnings = await warningsDuring(() =>
      fc.assert(
        fc.property(gatewayConfiguration, (generated) => expectConfigurationError(loadAsServeDoes(generated), generated)),
        { numRuns: 300 },
      ),
    );
    expect(warnings).toEqual([]);
  });

  it('refuses a file broken at one place the same way, and warns nothing', async () => {
    const warnings = await warningsDuring(() =>
      fc.assert(
        fc.property(brokenGatewayConfiguration, (generated) => expectConfigurationError(loadAsServeDoes(generated), generated)),
        { numRuns: 300 },
      ),
    );
    expect(warnings).toEqual([]);
  });
});
