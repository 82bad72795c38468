/**
 * `serve --config` as a user runs it (`node dist/cli/main.js`, a child process) on files and environments the
 * configuration refuses: exit code 2 and one line naming the mistake, no stack trace, no key of the configuration.
 * Some are drawn from the configuration property tests' generators (a fixed seed), some are the keys pasted in
 * the wrong place that those tests found quoted.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedConfiguration, gatewayConfiguration } from '../src/gateway/gateway-config-arbitraries.test-support.js';
import { parseGatewayConfig, routerOptionsFromConfig } from '../src/gateway/gateway-config.js';

const mainScript = join(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'cli', 'main.js');
const directory = mkdtempSync(join(tmpdir(), 'backup-models-config-'));

beforeAll(() => {
  // Built by `npm test` (or `npm run build`) first, as test/cli.test.ts says.
  expect(existsSync(mainScript)).toBe(true);
});

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function serve(yamlText: string, env: Record<string, string>): Promise<RunResult> {
  const file = join(directory, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yamlText);
  const args = [mainScript, 'serve', '--port', '0', '--config', file];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** Whether the configuration refuses it, in process: only those are run, so no run starts a gateway. */
function refused({ yamlText, env }: GeneratedConfiguration): boolean {
  try {
    routerOptionsFromConfig(parseGatewayConfig({ yamlText, env }), { env });
    return false;
  } catch {
    return true;
  }
}

function expectOneLineRefusal(result: RunResult, keys: readonly string[]): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^backup-models: Gateway configuration/);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  for (const key of keys) expect(result.stderr).not.toContain(key);
}

describe('serve --config on a configuration it refuses', () => {
  const drawn = fc.sample(gatewayConfiguration, { numRuns: 200, seed: 20_240_601 }).filter(refused).slice(0, 5);

  it('draws refused configurations to run', () => {
    expect(drawn).toHaveLength(5);
  });

  drawn.forEach((generated, index) => {
    it(`exits 2 with one line and no key (drawn configuration ${index + 1})`, async () => {
      expectOneLineRefusal(await serve(generated.yamlText, generated.env), [...generated.keys.gateway, ...generated.keys.provider]);
    });
  });

  const gatewayKey = 'bm_8j241698quSO9r3ZTC9j1c';
  const providerKey = 'LrvGg3Mibs3BnqU7Nj1Xd9';
  const pasted: [string, string, Record<string, string>][] = [
    ['a gateway key as a setting', `${gatewayKey}: []\n`, { BACKUP_MODELS_GATEWAY_KEYS: gatewayKey }],
    ['a provider key as clientAddressHeader', `clientAddressHeader: ${providerKey}\n`, { GOOGLE_API_KEY: providerKey }],
    // The YAML parser's own warning (a mapping as a setting's name) quoted the mapping whole on stderr.
    ['a gateway key in a mapping given as a setting\'s name', `? { keys: ${gatewayKey} }\n: 1\n`, { BACKUP_MODELS_GATEWAY_KEYS: gatewayKey }],
  ];
  for (const [title, yamlText, env] of pasted) {
    it(`exits 2 with one line that does not quote ${title}`, async () => {
      expectOneLineRefusal(await serve(yamlText, env), [gatewayKey, providerKey]);
    });
  }
});
