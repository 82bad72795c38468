/**
 * The CLI as the tests that run it as a child process find it: `dist/cli/main.js`, built first when it is missing or
 * older than the sources (`npm test` builds before the tests; a test file run alone may not have been).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type ProviderTestServer, startProviderTestServer } from '../src/testing/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The CLI's built entry point. */
export const mainScript = join(root, 'dist', 'cli', 'main.js');

function newestSourceMs(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Build `dist` with the project's build configuration when `mainScript` is missing or older than `src`. */
export async function buildCliIfStale(): Promise<void> {
  if (existsSync(mainScript) && statSync(mainScript).mtimeMs >= newestSourceMs(join(root, 'src'))) return;
  await new Promise<void>((resolve) => {
    execFile(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root }, () => resolve());
  });
}

/**
 * For a file of tests that run the built CLI against the provider test server: `dist` built and the server started
 * before its tests, reset before each, closed after them. Returns the server (read it inside a test or hook).
 */
export function useBuiltCliAndProviders(): () => ProviderTestServer {
  let providers: ProviderTestServer | undefined;
  beforeAll(async () => {
    await buildCliIfStale();
    providers = await startProviderTestServer();
  }, 180_000);
  afterAll(async () => providers?.close());
  beforeEach(() => providers?.reset());
  return () => {
    if (providers === undefined) throw new Error('The provider test server is started in beforeAll: read it inside a test or hook.');
    return providers;
  };
}

/** What a run of the built CLI left: its exit code (null when a signal or the time limit ended it) and its output. */
export interface BuiltCliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `dist/cli/main.js` with `args` to its exit (within 30 s), `env` its whole environment besides PATH. */
export function runBuiltCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<BuiltCliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [mainScript, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}
