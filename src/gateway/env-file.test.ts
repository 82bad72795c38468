/**
 * `envFile`: its variables are read over the process's environment, from a path relative to the configuration's
 * directory; a file that cannot be read, or a line that is no NAME=value, is refused without quoting its lines, and
 * its keys are hidden from every other refusal as the environment's are. Real files in a temporary directory.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { loadGatewayConfiguration } from './gateway-config.js';

const providerKey = 'sk-env-file-provider-key-0123456789';
const gatewayKey = 'bm_env_file_gateway_key_0123456789';

/** A configuration file in a directory of its own, with its env file in a subdirectory; the configuration's path. */
function writeConfiguration(yamlText: string, envText: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'backup-models-env-file-'));
  mkdirSync(join(directory, 'secrets'));
  writeFileSync(join(directory, 'secrets', 'gateway.env'), envText);
  const path = join(directory, 'gateway.yaml');
  writeFileSync(path, yamlText);
  return path;
}

async function refusalOf(path: string, env: Record<string, string> = {}): Promise<InvalidArgumentError> {
  const error = await loadGatewayConfiguration({ path, env }).catch((caught: unknown) => caught);
  if (error instanceof InvalidArgumentError) return error;
  throw new Error(`Not refused: ${String(error)}`);
}

describe('envFile', () => {
  it("reads its variables over the process's, from a path relative to the configuration's directory", async () => {
    const path = writeConfiguration(
      'envFile: secrets/gateway.env\nkeys: [{ name: ops, keyEnv: OPS_KEY }]\n',
      `# rotated by the secrets manager\nOPENAI_API_KEY=${providerKey}\nOPS_KEY="${gatewayKey}"\n`,
    );
    const { config, env } = await loadGatewayConfiguration({ path, env: { OPENAI_API_KEY: 'the-process-key', GROQ_API_KEY: 'groq-key' } });
    expect(config.envFile).toBe('secrets/gateway.env');
    expect(config.keyPolicies).toMatchObject([{ name: 'ops', key: gatewayKey }]);
    expect(env).toMatchObject({ OPENAI_API_KEY: providerKey, GROQ_API_KEY: 'groq-key', OPS_KEY: gatewayKey });
  });

  it('refuses a file it cannot read, naming it', async () => {
    const path = writeConfiguration('envFile: secrets/missing.env\n', '');
    const refusal = await refusalOf(path);
    expect(refusal.argument).toBe('config.envFile');
    expect(refusal.message).toMatch(/envFile: cannot read .*missing\.env \(ENOENT\)/);
  });

  it('refuses a line that is no NAME=value without quoting it', async () => {
    const path = writeConfiguration('envFile: secrets/gateway.env\n', `OPENAI_API_KEY=${providerKey}\n${gatewayKey}\nOTHER=1\n`);
    const refusal = await refusalOf(path);
    expect(refusal.message).toMatch(/has a line that is no NAME=value/);
    expect(refusal.message).not.toContain(gatewayKey);
    expect(refusal.message).not.toContain(providerKey);
  });

  it("hides the file's keys from the configuration's other refusals", async () => {
    const path = writeConfiguration(`envFile: secrets/gateway.env\nclientAddressHeader: ${providerKey}\n`, `OPENAI_API_KEY=${providerKey}\n`);
    const refusal = await refusalOf(path);
    expect(refusal.argument).toBe('config.clientAddressHeader');
    expect(refusal.message).not.toContain(providerKey);
    expect(refusal.message).toContain('[redacted]');
  });

  it('must be a path', async () => {
    const refusal = await refusalOf(writeConfiguration('envFile: 3\n', ''));
    expect(refusal.message).toMatch(/envFile must be the path of a file of NAME=value lines/);
  });
});
